import Synchronization

/// Caps the requests being answered at once. Past the cap a request is answered
/// 503 with `Retry-After` at once, before its body is read, so a flood costs little
/// memory: at most `limit` requests hold a body (each at most the body size limit).
final class ConcurrencyLimiter: Sendable {
    let limit: Int
    private let inFlight = Atomic<Int>(0)

    init(limit: Int) { self.limit = limit }

    /// Takes a slot; `false` when all are taken (nothing to release then).
    func acquire() -> Bool {
        let now = inFlight.wrappingAdd(1, ordering: .acquiring).newValue
        if now > limit {
            inFlight.wrappingSubtract(1, ordering: .releasing)
            return false
        }
        return true
    }

    func release() { inFlight.wrappingSubtract(1, ordering: .releasing) }

    /// Requests being answered now.
    var current: Int { inFlight.load(ordering: .relaxed) }
}
