import Logging
import TorcCore

/// Where the service keeps its data.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    /// One SQLite file per database in this directory (the default: `./torc-data`).
    case sqlite(directory: String)
    /// In-memory SQLite databases, gone when the process ends (tests, try-outs).
    case memory
    /// An ArangoDB deployment, in the original service's layout.
    case arangodb(ArangoSettings)

    public var description: String {
        switch self {
        case .sqlite(let directory): return "sqlite:\(directory)"
        case .memory: return "memory"
        case .arangodb(let settings): return settings.description
        }
    }

    /// Parses `sqlite:PATH`, `sqlite` (default directory), `memory` or
    /// `arangodb` (whose settings come from their own options).
    public static func parse(_ text: String) throws(ConfigurationError) -> StoreLocation {
        if text == "memory" { return .memory }
        if text == "arangodb" { return .arangodb(ArangoSettings()) }
        if text == "sqlite" { return .sqlite(directory: ServiceConfiguration.defaultDataDirectory) }
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw ConfigurationError("--store sqlite:PATH needs a directory path") }
            return .sqlite(directory: path)
        }
        throw ConfigurationError("unknown store '\(text)': use sqlite:PATH, memory or arangodb")
    }
}

/// How to reach ArangoDB when the store is `arangodb`. The password is never
/// part of a description, so a logged configuration cannot leak it.
public struct ArangoSettings: Sendable, Equatable, CustomStringConvertible {
    /// Base URLs of the servers or coordinators, tried in order (fail-over).
    public var endpoints: [String]
    /// User for HTTP Basic authentication; `nil` sends no credentials.
    public var user: String?
    /// The user's password (from `TORC_ARANGO_PASSWORD` or a password file).
    public var password: String
    /// CA certificates (PEM) for `https` endpoints with a private CA.
    public var caFile: String?
    /// Whether `https` certificates are verified.
    public var verifyPeer: Bool
    /// Seconds one request to ArangoDB may take; past it the service answers 503.
    public var timeoutSeconds: Int

    public init(
        endpoints: [String] = [], user: String? = "root", password: String = "", caFile: String? = nil,
        verifyPeer: Bool = true, timeoutSeconds: Int = 30
    ) {
        self.endpoints = endpoints
        self.user = user
        self.password = password
        self.caFile = caFile
        self.verifyPeer = verifyPeer
        self.timeoutSeconds = timeoutSeconds
    }

    public var description: String {
        "arangodb:\(endpoints.joined(separator: ","))" + (user.map { " as \($0)" } ?? "")
    }

    /// Checks the values, with a message naming the wrong one.
    public func validate() throws(ConfigurationError) {
        guard !endpoints.isEmpty else {
            throw ConfigurationError(
                "--store arangodb needs --arango-url (or TORC_ARANGO_URL), e.g. http://127.0.0.1:8530")
        }
        for endpoint in endpoints
        where !(endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://")) || endpoint.contains(" ") {
            throw ConfigurationError("ArangoDB endpoint '\(endpoint)' is not an http:// or https:// URL")
        }
        guard (1...3600).contains(timeoutSeconds) else {
            throw ConfigurationError("--arango-timeout must be 1...3600 seconds, got \(timeoutSeconds)")
        }
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
    /// What a 200 promises on power loss (`--sync`); `full` unless chosen otherwise.
    public var durability: Durability = .full
    /// Access control and HTTPS.
    public var security = SecuritySettings()
    /// Limits on headers, idle clients, connections and concurrent requests.
    public var limits = LimitSettings()
    /// Text lines or one JSON object per line.
    public var logFormat: LogFormat = .text
    /// Slow-request threshold and access log.
    public var requestLog = RequestLogOptions()
    /// The dashboard's switches (actions off by default).
    public var dashboard = DashboardOptions()

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
        if case .arangodb(let settings) = store { try settings.validate() }
        try security.validate(host: host, store: store)
        try limits.validate()
    }
}
