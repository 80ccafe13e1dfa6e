import CMalloc
import Synchronization

/// Gives the free memory of bulk requests back to the operating system.
///
/// glibc returns freed memory to its arenas, not to the system, unless it
/// lies at the top of the heap. After a 100,000-job specification is stored,
/// hundreds of megabytes sit free but resident, and the `initialize_jobs`
/// that follows adds its own peak on top of them. `malloc_trim` after the few
/// requests that can have allocated much (slow ones, or ones with a large
/// body) releases those pages at the cost of milliseconds, paid only by them;
/// the hand-out and completion calls of runners rarely reach the thresholds.
///
/// Trims are at most one per `interval`: under overload many requests turn
/// slow at once, and each trim walks and locks the arenas, so it must not run
/// after every one of them.
final class HeapTrimmer: Sendable {
    /// Requests that ran at least this long are followed by a trim.
    static let slowRequest: Duration = .milliseconds(250)
    /// Requests with a body at least this large are followed by a trim.
    static let largeBody = 4 << 20
    /// The shortest time between two trims.
    static let interval: Duration = .seconds(1)

    private let lastTrim = Mutex<ContinuousClock.Instant?>(nil)

    func afterRequest(elapsed: Duration, bodyBytes: Int) {
        guard elapsed >= Self.slowRequest || bodyBytes >= Self.largeBody else { return }
        let now = ContinuousClock.now
        let due = lastTrim.withLock { last in
            guard last.map({ now - $0 >= Self.interval }) ?? true else { return false }
            last = now
            return true
        }
        if due { _ = cmalloc_trim() }
    }
}
