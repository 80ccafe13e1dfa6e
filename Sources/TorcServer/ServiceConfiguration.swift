import Logging

/// Where the service keeps its data.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    /// One SQLite file per database in this directory (the default: `./torc-data`).
    case sqlite(directory: String)
    /// In-memory SQLite databases, gone when the process ends (tests, try-outs).
    case memory

    public var description: String {
        switch self {
        case .sqlite(let directory): return "sqlite:\(directory)"
        case .memory: return "memory"
        }
    }

    /// Parses `sqlite:PATH`, `sqlite` (default directory) or `memory`.
    public static func parse(_ text: String) throws(ConfigurationError) -> StoreLocation {
        if text == "memory" { return .memory }
        if text == "sqlite" { return .sqlite(directory: ServiceConfiguration.defaultDataDirectory) }
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw ConfigurationError("--store sqlite:PATH needs a directory path") }
            return .sqlite(directory: path)
        }
        throw ConfigurationError("unknown store '\(text)': use sqlite:PATH or memory")
    }
}

/// A configuration problem found at start-up, with a message for the operator.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Everything the service is configured with. Built once at start-up from the
/// command line and environment, validated before anything starts.
public struct ServiceConfiguration: Sendable {
    /// The data directory used when none is given.
    public static let defaultDataDirectory = "./torc-data"
    /// The default request body limit: large enough for a specification of 100,000 jobs.
    public static let defaultMaxBodySize = 512 * 1024 * 1024

    /// Listen address.
    public var host: String
    /// Listen port (0 picks a free one).
    public var port: Int
    /// Where data is stored.
    public var store: StoreLocation
    /// The largest request body accepted (larger ones get 413).
    public var maxBodySize: Int
    /// Log level; `debug` logs one line per request.
    public var logLevel: Logger.Level

    public init(
        host: String = "127.0.0.1", port: Int = 8529, store: StoreLocation = .sqlite(directory: defaultDataDirectory),
        maxBodySize: Int = defaultMaxBodySize, logLevel: Logger.Level = .info
    ) {
        self.host = host
        self.port = port
        self.store = store
        self.maxBodySize = maxBodySize
        self.logLevel = logLevel
    }

    /// Checks the values, with a message naming the wrong one.
    public func validate() throws(ConfigurationError) {
        guard (0...65535).contains(port) else { throw ConfigurationError("port \(port) is not in 0...65535") }
        guard !host.isEmpty else { throw ConfigurationError("host must not be empty") }
        guard maxBodySize >= 1024 else { throw ConfigurationError("max body size must be at least 1024 bytes") }
    }
}
