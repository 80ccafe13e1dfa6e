import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import TorcCore
import TorcServer
import TorcSQLite

/// A plain answer of an endpoint outside the API prefix (HTML, text, JSON).
struct PlainResponse: Sendable {
    var status: Int
    var headers: HTTPFields
    var text: String
    var json: JSONValue { (try? JSONParser.parse(Array(text.utf8))) ?? .null }
}

/// Starts a service with a chosen configuration and observability, so tests
/// can read the application's own metrics registry.
enum OperationsHarness {
    static func withService(
        configuration: ServiceConfiguration = ServiceConfiguration(port: 0, store: .memory, logLevel: .warning),
        provider: (any StoreProvider)? = nil, observability: Observability? = nil, logger: Logger? = nil,
        _ body: @escaping @Sendable (APIClient, Observability) async throws -> Void
    ) async throws {
        let observability = observability ?? Observability.defaults(for: configuration)
        let provider = provider ?? SQLiteStoreProvider.inMemory()
        let app = buildApplication(
            configuration: configuration, provider: provider, logger: logger, observability: observability)
        try await app.test(.router) { client in
            try await body(APIClient(client: client, database: "test"), observability)
        }
    }
}

extension APIClient {
    /// A request to a path outside `/_db/{database}/torc-service`.
    func plain(_ method: HTTPRequest.Method, _ path: String, headers: HTTPFields = [:]) async throws -> PlainResponse {
        try await client.execute(uri: path, method: method, headers: headers, body: nil) { response in
            PlainResponse(
                status: Int(response.status.code), headers: response.headers,
                text: String(buffer: response.body))
        }
    }
}

/// Collects log lines in memory (with their metadata) for assertions.
final class CapturedLogs: Sendable {
    struct Line: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let lines = Mutex<[Line]>([])

    var all: [Line] { lines.withLock { $0 } }

    func append(_ line: Line) { lines.withLock { $0.append(line) } }

    /// A logger writing into this collection.
    func logger(level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: "test") { _ in CapturingHandler(sink: self) }
        logger.logLevel = level
        return logger
    }
}

struct CapturingHandler: LogHandler {
    let sink: CapturedLogs
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        merged.merge(event.metadata ?? [:]) { _, new in new }
        sink.append(
            .init(level: event.level, message: event.message.description, metadata: merged.mapValues { "\($0)" }))
    }
}
