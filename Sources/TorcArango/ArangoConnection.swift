import CurlHTTP
import Foundation
import Synchronization
import TorcCore

/// An answer of ArangoDB: status and parsed JSON body (or `.null`).
struct ArangoResponse: Sendable {
    var status: Int
    var body: JSONValue
    /// The index of the endpoint that answered (a stream transaction stays on it).
    var endpoint: Int

    /// ArangoDB's `errorNum` of an error answer, or 0.
    var errorNum: Int { Int(body["errorNum"]?.intValue ?? 0) }
    /// ArangoDB's `errorMessage`, or the status.
    var errorMessage: String { body["errorMessage"]?.stringValue ?? "HTTP \(status)" }
    /// Whether the status is 2xx.
    var isSuccess: Bool { (200..<300).contains(status) }
}

/// The one way the backend talks to ArangoDB: blocking JSON requests over
/// libcurl, with fail-over between endpoints.
///
/// Blocking because every call is made from a transaction body that already
/// runs on one of the backend's own threads (never the cooperative pool).
/// Transport failures become `StoreError.unavailable` (answered 503), so a
/// request whose write ArangoDB did not acknowledge is never reported as done.
final class ArangoConnection: Sendable {
    let configuration: ArangoConfiguration
    private let clients: [CurlHTTPClient]
    private let active = ActiveEndpoint()
    /// Threads that run transaction bodies; as many as connections, so a body
    /// never waits for a connection another body's thread holds.
    let threads: TransferThreads

    init(configuration: ArangoConfiguration) {
        self.configuration = configuration
        let auth: CurlHTTPClient.Configuration.Auth =
            configuration.user.map { .basic(user: $0, password: configuration.password) } ?? .none
        let http = CurlHTTPClient.Configuration(
            connectTimeout: configuration.connectTimeout,
            totalTimeout: configuration.requestTimeout,
            maxConnections: configuration.maxConnections,
            tls: .init(verifyPeer: configuration.verifyPeer, caFile: configuration.caFile),
            auth: auth,
            retry: .init(maxAttempts: 2, initialBackoff: .milliseconds(50), maxBackoff: .milliseconds(200))
        )
        clients = configuration.endpoints.map { _ in CurlHTTPClient(configuration: http) }
        threads = TransferThreads(maxThreads: configuration.maxConnections, name: "TorcArango.transaction")
    }

    deinit { threads.shutdown() }

    /// Sends one request to `database` (or to the server when `nil`).
    ///
    /// - Parameters:
    ///   - path: the API path, e.g. `/_api/cursor`; its segments must already be escaped.
    ///   - transaction: the stream transaction the request belongs to, with the
    ///     endpoint it was begun on. Such a request never fails over: the
    ///     transaction lives on one server.
    func request(
        _ method: HTTPMethod, database: String?, _ path: String, query: [(String, String)] = [],
        body: JSONValue? = nil, transaction: (id: String, endpoint: Int)? = nil, timeout: Duration? = nil
    ) throws(StoreError) -> ArangoResponse {
        var target = (database.map { "/_db/\($0)" } ?? "") + path
        if !query.isEmpty {
            target += "?" + query.map { "\($0.0)=\(Self.escape($0.1))" }.joined(separator: "&")
        }
        var headers: HTTPHeaders = ["Accept": "application/json", "X-Omit-WWW-Authenticate": "true"]
        if let transaction { headers.add(name: "x-arango-trx-id", value: transaction.id) }
        var bytes: [UInt8] = []
        if let body {
            bytes = JSONWriter.bytes(body)
            headers.add(name: "Content-Type", value: "application/json")
        }
        let first = transaction?.endpoint ?? active.index
        let attempts = transaction == nil ? clients.count : 1
        var lastError = ""
        for offset in 0..<attempts {
            let index = (first + offset) % clients.count
            let request = HTTPRequest(
                method: method, url: configuration.endpoints[index] + target, headers: headers, body: bytes,
                timeout: timeout)
            let response: HTTPResponse
            let sent = ContinuousClock.now
            do throws(CurlHTTPError) {
                response = try clients[index].executeBlocking(request)
                observe(method, path, status: response.status, since: sent)
            } catch {
                observe(method, path, status: 0, since: sent)
                lastError = error.description
                // Only a connection that was never answered may be sent elsewhere.
                guard case .connectionFailed = error else { break }
                continue
            }
            if offset > 0 { active.set(index) }
            return try Self.decode(response, endpoint: index)
        }
        throw .unavailable("ArangoDB is unreachable: \(lastError)")
    }

    /// Reports one request to the observer, named by its API (`/_api/cursor`),
    /// never by the document or collection it addresses.
    private func observe(_ method: HTTPMethod, _ path: String, status: Int, since start: ContinuousClock.Instant) {
        guard let observer = configuration.observer else { return }
        let api = path.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: true).prefix(2).joined(
            separator: "/")
        let elapsed = (ContinuousClock.now - start) / .seconds(1)
        observer.remoteRequest(
            backend: "arangodb", call: "\(method.rawValue) /\(api)", status: status, seconds: elapsed)
    }

    private static func decode(_ response: HTTPResponse, endpoint: Int) throws(StoreError) -> ArangoResponse {
        var body: JSONValue = .null
        if !response.body.isEmpty {
            do {
                body = try JSONParser.parse(response.body)
            } catch {
                if response.status == 503 { throw .unavailable("ArangoDB answered 503") }
                throw .failure("ArangoDB answered HTTP \(response.status) with a body that is not JSON")
            }
        }
        return ArangoResponse(status: response.status, body: body, endpoint: endpoint)
    }

    /// Percent-encodes a path segment or query value (everything but unreserved characters).
    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}

/// The endpoint requests go to first; moved on when it stops answering.
private final class ActiveEndpoint: Sendable {
    private let value = Atomic<Int>(0)

    var index: Int { value.load(ordering: .relaxed) }
    func set(_ index: Int) { value.store(index, ordering: .relaxed) }
}
