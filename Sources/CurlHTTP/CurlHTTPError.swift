/// Why a request failed before a complete HTTP response arrived.
///
/// A small closed set so callers (the ArangoDB backend) can map failures to
/// their own errors without knowing libcurl codes. An HTTP error status is
/// *not* a `CurlHTTPError`: it arrives as an ordinary `HTTPResponse`.
/// Messages come from libcurl with every configured secret (password, bearer
/// token, URL user-info password) replaced by `***`, so errors can be logged.
public enum CurlHTTPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The TCP connection could not be established (refused, unreachable, DNS
    /// failure), or was closed or reset before any response byte arrived.
    case connectionFailed(String)
    /// The connect timeout or the total (or per-request) timeout elapsed.
    case timedOut(String)
    /// The TLS handshake or certificate verification failed.
    case tls(String)
    /// The URL, a header, or the scheme was rejected before anything was sent.
    case invalidURL(String)
    /// Any other libcurl failure, with its `CURLcode` for diagnosis.
    case other(code: Int, message: String)

    /// A one-line description for logs; never contains credentials.
    public var description: String {
        switch self {
        case .connectionFailed(let message): "connection failed: \(message)"
        case .timedOut(let message): "timed out: \(message)"
        case .tls(let message): "TLS error: \(message)"
        case .invalidURL(let message): "invalid request: \(message)"
        case .other(let code, let message): "curl error \(code): \(message)"
        }
    }
}
