import CurlHTTP
import TorcCore

/// How many requests an operation makes to ArangoDB, from ArangoDB's own
/// counters (`GET /_admin/statistics`, `http.requestsTotal`) read around it.
/// Used by the request-budget tests and by `torc-bench`'s `arango_requests`
/// scenario; meaningful only while nothing else uses that ArangoDB server.
public struct ArangoRequestCounter: Sendable {
    let client: CurlHTTPClient
    let statisticsURL: String

    public init(arangoURL: String, user: String = "root", password: String = "") {
        var configuration = CurlHTTPClient.Configuration()
        configuration.auth = .basic(user: user, password: password)
        configuration.retry = .none
        client = CurlHTTPClient(configuration: configuration)
        statisticsURL = arangoURL + "/_admin/statistics"
    }

    /// ArangoDB's count of the HTTP requests it has answered.
    public func total() async throws -> Int {
        let response = try await client.execute(HTTPRequest(method: .get, url: statisticsURL))
        let statistics = try JSONParser.parse(response.body)
        guard let total = statistics["http"]?["requestsTotal"]?.intValue else {
            throw CounterError(message: "\(statisticsURL) has no http.requestsTotal")
        }
        return Int(total)
    }

    /// The requests `body` made; the statistics request itself is calibrated
    /// away by two reads in a row.
    public func count(_ body: () async throws -> Void) async throws -> Int {
        let a = try await total()
        let b = try await total()
        try await body()
        let c = try await total()
        return (c - b) - (b - a)
    }

    /// The statistics answer lacked the counter.
    public struct CounterError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}
