/// An HTTP request method.
///
/// A small value type instead of a closed enum, because servers such as
/// ArangoDB accept methods beyond the common ones and callers should not need
/// a library change to send them; the retry logic only needs to know which
/// methods are idempotent.
public struct HTTPMethod: RawRepresentable, Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The method token as sent on the request line (e.g. `GET`).
    public let rawValue: String

    /// Creates a method from its token; the token is upper-cased because HTTP
    /// method tokens are case-sensitive and every server we talk to expects
    /// upper case.
    public init(rawValue: String) {
        self.rawValue = rawValue.uppercased()
    }

    /// Allows `"PATCH"` literals where a method is expected, for brevity at call sites.
    public init(stringLiteral value: String) {
        self.init(rawValue: value)
    }

    /// `GET`: read a resource; idempotent, so retried on connection failure.
    public static let get = HTTPMethod(rawValue: "GET")
    /// `HEAD`: read headers only; idempotent.
    public static let head = HTTPMethod(rawValue: "HEAD")
    /// `POST`: create or run something; never retried, because the server may
    /// already have acted on it.
    public static let post = HTTPMethod(rawValue: "POST")
    /// `PUT`: replace a resource; idempotent.
    public static let put = HTTPMethod(rawValue: "PUT")
    /// `PATCH`: partial update; not idempotent in general, so never retried.
    public static let patch = HTTPMethod(rawValue: "PATCH")
    /// `DELETE`: remove a resource; idempotent.
    public static let delete = HTTPMethod(rawValue: "DELETE")
    /// `OPTIONS`: ask for capabilities; idempotent.
    public static let options = HTTPMethod(rawValue: "OPTIONS")

    /// Whether repeating the request has the same effect as sending it once
    /// (RFC 9110 §9.2.2), which is what makes an automatic retry after a failed
    /// connection safe. Only GET, HEAD, PUT, DELETE and OPTIONS qualify here.
    public var isIdempotent: Bool {
        switch rawValue {
        case "GET", "HEAD", "PUT", "DELETE", "OPTIONS": true
        default: false
        }
    }

    /// The method token, so methods print as they appear on the wire.
    public var description: String { rawValue }
}
