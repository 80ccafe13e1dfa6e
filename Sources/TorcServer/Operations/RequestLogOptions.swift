/// How requests are logged besides errors: slow requests (always, above a
/// threshold) and, optionally, every request (the access log).
public struct RequestLogOptions: Sendable, Equatable {
    /// Requests taking at least this long are logged at warning level with
    /// route, duration and store time; `nil` turns this off.
    public var slowRequestThreshold: Duration?
    /// Whether every request is logged at info level (method, path, status, duration).
    public var accessLog: Bool

    public init(slowRequestThreshold: Duration? = .seconds(1), accessLog: Bool = false) {
        self.slowRequestThreshold = slowRequestThreshold
        self.accessLog = accessLog
    }
}
