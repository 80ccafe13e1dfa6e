import CMalloc

/// Tunes glibc's allocator for a long-running server before the first request.
///
/// glibc gives every thread that allocates concurrently its own arena (up to
/// eight per core). A large request (a 100,000-job specification is a 27 MB
/// body) is parsed on one of Swift's concurrency threads and written on GRDB's
/// writer thread, so its memory peaks in several arenas, and each arena keeps
/// what it once held: resident memory ends near the sum of those peaks
/// (583 MB after a 100,000-job create and initialize, against a live heap of
/// 313 MB). Two arenas, and a fixed mmap threshold so that large buffers go
/// back to the system when freed, bring that peak to about 365 MB.
///
/// `MALLOC_ARENA_MAX` and `MALLOC_MMAP_THRESHOLD_` in the environment still
/// win, so an operator can choose otherwise.
public enum AllocatorTuning {
    static let arenas: Int32 = 2
    static let mmapThreshold: Int32 = 256 * 1024

    /// Call first thing at start-up, before threads allocate.
    public static func apply(environment: [String: String]) {
        if environment["MALLOC_ARENA_MAX"] == nil { _ = cmalloc_set_arena_max(arenas) }
        if environment["MALLOC_MMAP_THRESHOLD_"] == nil { _ = cmalloc_set_mmap_threshold(mmapThreshold) }
    }

    /// Returns the free pages of every arena to the system. It locks each arena
    /// while it walks it: call it from `HeapTrimService`, never on a request.
    static func trim() {
        _ = cmalloc_trim()
    }

    /// Bytes the arenas hold free: an upper bound of what `trim()` can return.
    /// It walks the arenas' free lists, so it is read only when a trim is in question.
    static func freeBytes() -> Int {
        Int(cmalloc_free_bytes())
    }
}
