import CMalloc

/// Gives the free memory of bulk requests back to the operating system.
///
/// glibc returns freed memory to its arenas, not to the system, unless it
/// lies at the top of the heap. After a 100,000-job specification is stored,
/// hundreds of megabytes sit free but resident, and the `initialize_jobs`
/// that follows adds its own peak on top of them. `malloc_trim` after the few
/// requests that can have allocated much (slow ones, or ones with a large
/// body) releases those pages at the cost of milliseconds, paid only by them;
/// the hand-out and completion calls of runners never reach the thresholds.
enum HeapTrimmer {
    /// Requests that ran at least this long are followed by a trim.
    static let slowRequest: Duration = .milliseconds(250)
    /// Requests with a body at least this large are followed by a trim.
    static let largeBody = 4 << 20

    static func afterRequest(elapsed: Duration, bodyBytes: Int) {
        guard elapsed >= slowRequest || bodyBytes >= largeBody else { return }
        _ = cmalloc_trim()
    }
}
