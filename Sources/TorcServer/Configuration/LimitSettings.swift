/// Limits against misuse by slow, idle or too many clients. Each bounds memory:
/// headers per connection, connections, and requests being answered (each with a
/// body of at most the body size limit).
public struct LimitSettings: Sendable, Equatable {
    /// Largest request head (request line and all header fields); larger ones get 431
    /// and the connection is closed (`--max-header-size`).
    public var maxHeaderSize: Int
    /// Seconds a connection may send nothing complete before it is closed: an idle
    /// keep-alive connection, or a client sending its request head too slowly (slow
    /// loris) (`--idle-timeout`).
    public var idleTimeoutSeconds: Int
    /// Requests answered at once; more get 503 with `Retry-After` (`--max-concurrent-requests`).
    public var maxConcurrentRequests: Int
    /// Open client connections; the first request of one more gets 503 with `Retry-After`
    /// and the connection is closed (`--max-connections`).
    public var maxConnections: Int
    /// The `Retry-After` seconds of those 503 answers.
    public var retryAfterSeconds: Int

    public init(
        maxHeaderSize: Int = 64 * 1024, idleTimeoutSeconds: Int = 60, maxConcurrentRequests: Int = 256,
        maxConnections: Int = 2048, retryAfterSeconds: Int = 1
    ) {
        self.maxHeaderSize = maxHeaderSize
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxConcurrentRequests = maxConcurrentRequests
        self.maxConnections = maxConnections
        self.retryAfterSeconds = retryAfterSeconds
    }

    public func validate() throws(ConfigurationError) {
        guard (1024...(16 * 1024 * 1024)).contains(maxHeaderSize) else {
            throw ConfigurationError("--max-header-size must be 1024...16777216 bytes, got \(maxHeaderSize)")
        }
        guard (1...86_400).contains(idleTimeoutSeconds) else {
            throw ConfigurationError("--idle-timeout must be 1...86400 seconds, got \(idleTimeoutSeconds)")
        }
        guard (1...100_000).contains(maxConcurrentRequests) else {
            throw ConfigurationError("--max-concurrent-requests must be 1...100000, got \(maxConcurrentRequests)")
        }
        guard (1...1_000_000).contains(maxConnections) else {
            throw ConfigurationError("--max-connections must be 1...1000000, got \(maxConnections)")
        }
    }
}
