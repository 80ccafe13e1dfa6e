extension CurlHTTPClient {
    /// Everything that is fixed for the life of a client.
    ///
    /// One value so the backend can build it from its own configuration and
    /// tests can vary one field at a time; every field has a production-sane
    /// default.
    public struct Configuration: Sendable, Hashable {
        /// Limit for establishing the TCP (and TLS) connection; short, so an
        /// unreachable server is reported quickly instead of hanging a request.
        public var connectTimeout: Duration
        /// Limit for a whole transfer, connect included, unless a request sets
        /// its own `timeout`; bounds how long a caller can be stuck.
        public var totalTimeout: Duration
        /// Most easy handles (and so TCP connections and concurrent transfers)
        /// the client keeps; further requests wait in FIFO order. Bounds the
        /// load we put on the server. Values below 1 are treated as 1.
        public var maxConnections: Int
        /// How the server's TLS certificate is checked for `https` URLs.
        public var tls: TLS
        /// Credentials sent with every request.
        public var auth: Auth
        /// When a failed connection is retried (idempotent methods only).
        public var retry: RetryPolicy

        /// Creates a configuration; the defaults suit a nearby database server.
        public init(
            connectTimeout: Duration = .seconds(5),
            totalTimeout: Duration = .seconds(60),
            maxConnections: Int = 8,
            tls: TLS = TLS(),
            auth: Auth = .none,
            retry: RetryPolicy = RetryPolicy()
        ) {
            self.connectTimeout = connectTimeout
            self.totalTimeout = totalTimeout
            self.maxConnections = maxConnections
            self.tls = tls
            self.auth = auth
            self.retry = retry
        }
    }
}

extension CurlHTTPClient.Configuration {
    /// TLS verification settings.
    ///
    /// Verification is on by default; turning it off exists only for
    /// development servers with self-signed certificates.
    public struct TLS: Sendable, Hashable {
        /// Whether the peer certificate chain and host name are verified.
        public var verifyPeer: Bool
        /// A PEM file of CA certificates to trust instead of the system store,
        /// for servers with a private CA.
        public var caFile: String?

        /// Creates TLS settings; the default verifies against the system CA store.
        public init(verifyPeer: Bool = true, caFile: String? = nil) {
            self.verifyPeer = verifyPeer
            self.caFile = caFile
        }
    }

    /// Credentials sent with every request.
    ///
    /// Its descriptions and mirror redact the secret so a logged or dumped
    /// configuration never leaks it.
    public enum Auth: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        /// No `Authorization` header.
        case none
        /// HTTP Basic authentication (ArangoDB's user/password login), sent
        /// preemptively with every request.
        case basic(user: String, password: String)
        /// `Authorization: Bearer <token>` (e.g. an ArangoDB JWT).
        case bearer(token: String)

        /// The scheme and user name only; the secret is never printed.
        public var description: String {
            switch self {
            case .none: "none"
            case .basic(let user, _): "basic(user: \(user), password: ***)"
            case .bearer: "bearer(token: ***)"
            }
        }

        /// Same as `description`, so `String(reflecting:)` cannot leak the secret either.
        public var debugDescription: String { description }

        /// A redacted mirror, so `dump()` cannot leak the secret.
        public var customMirror: Mirror {
            Mirror(self, children: ["auth": description])
        }

        /// The strings that must never appear in an error message.
        var secrets: [String] {
            switch self {
            case .none: []
            case .basic(_, let password): password.isEmpty ? [] : [password]
            case .bearer(let token): token.isEmpty ? [] : [token]
            }
        }
    }

    /// Retry policy for requests whose connection failed.
    ///
    /// Applies only to idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS) and
    /// only when no response byte was received (connection refused, DNS
    /// failure, connection closed or reset before the response), because only
    /// then is it certain that repeating the request is harmless. Timeouts,
    /// TLS errors and HTTP error statuses are never retried.
    public struct RetryPolicy: Sendable, Hashable {
        /// Total attempts including the first; 1 means no retry.
        public var maxAttempts: Int
        /// Wait before the second attempt; doubles for each further attempt,
        /// so a restarting server is not hammered.
        public var initialBackoff: Duration
        /// Upper bound for the doubled wait.
        public var maxBackoff: Duration

        /// Creates a policy; the default makes three attempts 50 ms and 100 ms apart.
        public init(
            maxAttempts: Int = 3, initialBackoff: Duration = .milliseconds(50), maxBackoff: Duration = .seconds(1)
        ) {
            self.maxAttempts = maxAttempts
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
        }

        /// A policy that never retries, for callers that handle failures themselves.
        public static let none = RetryPolicy(maxAttempts: 1, initialBackoff: .zero, maxBackoff: .zero)

        /// The wait after failed attempt number `attempt` (1-based).
        func backoff(afterAttempt attempt: Int) -> Duration {
            var delay = initialBackoff
            var step = 1
            while step < attempt && delay < maxBackoff {
                delay *= 2
                step += 1
            }
            return min(delay, maxBackoff)
        }
    }
}
