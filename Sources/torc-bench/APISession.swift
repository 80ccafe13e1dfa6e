import CurlHTTP
import Foundation
import TorcCore

/// The benchmark's view of one torc-service database: JSON requests over the
/// libcurl client, with a latency sample for every call.
struct APISession: Sendable {
    let client: CurlHTTPClient
    let base: String

    init(base: String, connections: Int) {
        self.base = base
        var configuration = CurlHTTPClient.Configuration()
        configuration.maxConnections = connections
        configuration.totalTimeout = .seconds(600)
        configuration.retry = .none
        client = CurlHTTPClient(configuration: configuration)
    }

    /// Sends a request; returns the parsed answer and the seconds it took. Non-2xx throws.
    @discardableResult
    func call(_ method: CurlHTTP.HTTPMethod, _ path: String, body: [UInt8]? = nil) async throws -> (JSONValue, Double) {
        let start = ContinuousClock.now
        let response = try await client.execute(
            HTTPRequest(
                method: method, url: base + path, headers: ["Content-Type": "application/json"], body: body ?? []))
        let elapsed = (ContinuousClock.now - start).seconds
        guard (200..<300).contains(response.status) else {
            throw BenchError(
                """
                \(method.rawValue) \(path) -> \(response.status): \
                \(String(decoding: response.body.prefix(500), as: UTF8.self))
                """
            )
        }
        return (try JSONParser.parse(response.body), elapsed)
    }

    /// Sends a JSON value.
    @discardableResult
    func call(_ method: CurlHTTP.HTTPMethod, _ path: String, json: JSONValue) async throws -> (JSONValue, Double) {
        try await call(method, path, body: JSONWriter.bytes(json))
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Duration {
    /// The duration in seconds as a double.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
