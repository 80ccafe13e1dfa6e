import Synchronization

/// Collects what a soak run observes, bucketed by reporting interval: the
/// latency of every call, the failed calls, and the server's resident memory
/// at the end of each interval. Shared by all load lanes, so it is guarded by a
/// `Mutex`; every method holds the lock only to append or to take a snapshot.
final class SoakRecorder: Sendable {
    /// One interval's samples.
    struct Interval: Sendable {
        var latencies = LatencyStats()
        var errors = 0
        var firstErrors: [String] = []
        var residentBytes: Int?
    }

    private let start: ContinuousClock.Instant
    private let interval: Duration
    private let intervals = Mutex<[Interval]>([])

    init(start: ContinuousClock.Instant, interval: Duration) {
        self.start = start
        self.interval = interval
    }

    /// The interval `instant` falls into.
    private func index(at instant: ContinuousClock.Instant) -> Int {
        max(0, Int(((instant - start) / interval).rounded(.down)))
    }

    private func update(at instant: ContinuousClock.Instant, _ change: (inout Interval) -> Void) {
        let slot = index(at: instant)
        intervals.withLock { all in
            while all.count <= slot { all.append(Interval()) }
            change(&all[slot])
        }
    }

    /// A call that answered 2xx after `seconds`.
    func success(seconds: Double, at instant: ContinuousClock.Instant = .now) {
        update(at: instant) { $0.latencies.add(seconds) }
    }

    /// A call that failed (non-2xx, transport error or a wrong answer); the first few are kept verbatim.
    func failure(_ description: String, at instant: ContinuousClock.Instant = .now) {
        update(at: instant) {
            $0.errors += 1
            if $0.firstErrors.count < 5 { $0.firstErrors.append(description) }
        }
    }

    /// The server's resident memory sampled at the end of interval `slot`.
    func resident(_ bytes: Int?, forInterval slot: Int) {
        intervals.withLock { all in
            while all.count <= slot { all.append(Interval()) }
            all[slot].residentBytes = bytes
        }
    }

    /// Everything recorded so far.
    func snapshot() -> [Interval] {
        intervals.withLock { $0 }
    }
}
