import CMalloc

/// Gives freed heap back to the operating system after bulk requests.
///
/// glibc keeps the memory a large request freed (a 100,000-job specification,
/// `initialize_jobs` on it) in its arenas, so a process that serves several
/// such requests in a row grows far beyond its live data although nothing
/// leaks. `malloc_trim` after the few requests that can have allocated much
/// (long-running or with a large body) keeps the resident size near the live
/// data at a cost of milliseconds, paid only by those requests.
enum HeapTrimmer {
    /// Requests that ran at least this long are trimmed after.
    static let slowRequest: Duration = .milliseconds(200)
    /// Requests with a body at least this large are trimmed after.
    static let largeBody = 4 << 20

    static func afterRequest(elapsed: Duration, bodyBytes: Int) {
        guard elapsed >= slowRequest || bodyBytes >= largeBody else { return }
        _ = cmalloc_trim()
    }
}
