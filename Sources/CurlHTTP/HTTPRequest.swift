/// A complete HTTP request: everything needed to send it, as a value.
///
/// A `Sendable` value (with the body as plain bytes) so a request can be built
/// on any task, handed to a transfer thread, and re-sent unchanged when an
/// idempotent request is retried.
public struct HTTPRequest: Sendable, Hashable {
    /// The request method; it decides whether a failed connection is retried.
    public var method: HTTPMethod
    /// The absolute `http://` or `https://` URL. A string rather than
    /// Foundation's `URL` because libcurl parses it anyway and callers (the
    /// ArangoDB backend) build it from a base URL and a path.
    public var url: String
    /// Request header fields, sent in order.
    public var headers: HTTPHeaders
    /// The request body; empty for none. Sent with a `Content-Length`.
    public var body: [UInt8]
    /// Overrides the client's total timeout for this request only, for calls
    /// known to be slow (e.g. a long AQL query) or that must fail fast.
    public var timeout: Duration?

    /// Creates a request; only the URL is required because most requests are plain GETs.
    public init(
        method: HTTPMethod = .get,
        url: String,
        headers: HTTPHeaders = [:],
        body: [UInt8] = [],
        timeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// A complete HTTP response, fully buffered.
///
/// Buffered rather than streamed because the ArangoDB backend decodes whole
/// JSON documents and cursor batches, and a value is simple to pass around.
public struct HTTPResponse: Sendable, Hashable {
    /// The status code of the final response (after any `100 Continue`).
    public var status: Int
    /// Header fields of the final response, in the order received.
    public var headers: HTTPHeaders
    /// The response body bytes (empty for `HEAD` and bodiless statuses).
    public var body: [UInt8]

    /// Creates a response; public so callers can build fixtures in tests.
    public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
