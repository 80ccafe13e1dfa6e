import Foundation

/// Checks whether the store can serve requests now; throws with the reason when not.
public typealias ReadinessCheck = @Sendable () async throws -> Void

/// What the operations endpoints and the request logging are given by the
/// application: the metrics registry and the store's readiness check.
public struct Observability: Sendable {
    /// The application's metrics (owned by it; no global bootstrap).
    public var metrics: ServiceMetrics
    /// The readiness check of the configured store; `nil` means always ready (in-memory store).
    public var readiness: ReadinessCheck?

    public init(metrics: ServiceMetrics = ServiceMetrics(), readiness: ReadinessCheck? = nil) {
        self.metrics = metrics
        self.readiness = readiness
    }
}

/// Readiness checks of the embedded store.
public enum ReadinessChecks {
    /// The data directory exists and a file can be created in it (a full or
    /// read-only volume fails here before a request fails on it).
    public static func sqliteDirectory(_ directory: String) -> ReadinessCheck {
        {
            let probe = directory + "/.torc-readiness-\(ProcessInfo.processInfo.processIdentifier)"
            guard FileManager.default.createFile(atPath: probe, contents: Data("ok".utf8)) else {
                throw ReadinessFailure("the data directory \(directory) is not writable")
            }
            try? FileManager.default.removeItem(atPath: probe)
        }
    }
}

/// Why the service is not ready, as the readiness endpoint reports it.
public struct ReadinessFailure: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension Observability {
    /// A new registry and the readiness check the configured store allows by
    /// itself: a writable data directory for SQLite, always ready in memory.
    /// (ArangoDB's check needs the store's connection; the executable passes it.)
    public static func defaults(for configuration: ServiceConfiguration) -> Observability {
        switch configuration.store {
        case .sqlite(let directory):
            return Observability(
                metrics: ServiceMetrics(sqliteDirectory: directory),
                readiness: ReadinessChecks.sqliteDirectory(directory))
        case .memory, .arangodb:
            return Observability()
        }
    }
}
