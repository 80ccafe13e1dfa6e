import HTTPTypes
import Hummingbird
import TorcCore

/// What every request passes before it is routed: the cap on concurrent requests
/// (503 with `Retry-After` beyond it) and access control (401/403). Applied by
/// `TorcResponder.respond` around everything it serves, so any page added to the
/// responder (dashboard, metrics, health) is covered without doing anything; its
/// required role comes from `AccessPolicy`.
public struct RequestGate: Sendable {
    let limiter: ConcurrencyLimiter?
    let access: AccessControl?
    let retryAfterSeconds: Int

    /// No cap, no access control (the tests' default).
    public init() {
        self.limiter = nil
        self.access = nil
        self.retryAfterSeconds = 1
    }

    public init(maxConcurrentRequests: Int?, retryAfterSeconds: Int = 1, access: AccessControl?) {
        self.limiter = maxConcurrentRequests.map(ConcurrencyLimiter.init(limit:))
        self.access = access
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// Runs `answer` if the request is admitted; otherwise the refusal, labelled
    /// `refusedRoute` (the route template metrics and logs use for it).
    func run(
        _ request: Request, refusedRoute: String = "refused", _ answer: () async -> (String, Response)
    ) async -> (String, Response) {
        if let limiter {
            guard limiter.acquire() else {
                var headers = HTTPFields()
                headers[.retryAfter] = String(retryAfterSeconds)
                return (
                    refusedRoute,
                    ErrorResponse.response(
                        HTTPError(
                            status: 503, message: "Service Unavailable: too many concurrent requests, retry later"),
                        headers: headers)
                )
            }
        }
        defer { limiter?.release() }
        if let access, let refusal = await access.gate(request) { return (refusedRoute, refusal) }
        return await answer()
    }
}
