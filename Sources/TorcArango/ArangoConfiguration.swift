import TorcCore

/// How the service reaches ArangoDB: endpoints, credentials, TLS and limits.
///
/// Built once at start-up by the executable from its validated settings; the password is never part of any
/// description, so a logged configuration cannot leak it.
public struct ArangoConfiguration: Sendable, CustomStringConvertible {
    /// Base URLs of the ArangoDB servers or coordinators, e.g.
    /// `http://127.0.0.1:8529`. Requests go to the first one that answers;
    /// when it stops answering the next one is used.
    public var endpoints: [String]
    /// User name for HTTP Basic authentication; `nil` sends no credentials.
    public var user: String?
    /// The user's password (from an environment variable or a file, never the command line).
    public var password: String
    /// A PEM file of CA certificates for `https` endpoints with a private CA.
    public var caFile: String?
    /// Whether `https` certificates are verified (off only for development servers).
    public var verifyPeer: Bool
    /// Limit for opening a connection to ArangoDB.
    public var connectTimeout: Duration
    /// Limit for one request to ArangoDB; a request of the service that cannot
    /// reach ArangoDB answers 503 after at most about this long.
    public var requestTimeout: Duration
    /// Most concurrent connections (and transactions) to ArangoDB.
    public var maxConnections: Int
    /// Whether hot calls run as one read query plus one conditional write
    /// query (the default). Off, every call runs in a stream transaction of
    /// many requests, as before; kept to measure the difference.
    public var batchedCalls: Bool
    /// `full` begins every transaction with `waitForSync`, so ArangoDB has synced a
    /// commit to disk before it answers; `normal` leaves syncing to ArangoDB's own interval.
    public var durability: Durability = .full
    /// Told about every request sent and every retried transaction (metrics); `nil` for none.
    public var observer: (any StoreObserver)? = nil

    public init(
        endpoints: [String], user: String? = "root", password: String = "", caFile: String? = nil,
        verifyPeer: Bool = true, connectTimeout: Duration = .seconds(3), requestTimeout: Duration = .seconds(30),
        maxConnections: Int = 32, batchedCalls: Bool = true, durability: Durability = .full
    ) {
        self.batchedCalls = batchedCalls
        self.durability = durability
        self.endpoints = endpoints
        self.user = user
        self.password = password
        self.caFile = caFile
        self.verifyPeer = verifyPeer
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maxConnections = maxConnections
    }

    /// Endpoints and user only: never the password.
    public var description: String {
        "arangodb:\(endpoints.joined(separator: ","))" + (user.map { " (user \($0))" } ?? "")
    }
}

/// ArangoDB cannot be used as configured (unreachable, credentials refused), with a message for the operator.
public struct ArangoConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
