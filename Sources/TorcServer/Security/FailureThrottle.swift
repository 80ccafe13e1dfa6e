import Synchronization

/// Slows down repeated authentication failures: after `freeFailures` failures for one
/// user name (or one kind of bad token), each further failure is answered only after
/// a delay that doubles up to `maxDelay`. A success clears the count; counts older than
/// `window` are forgotten. Memory is bounded: at most `capacity` names are tracked, and
/// when full the oldest half is dropped.
final class FailureThrottle: Sendable {
    private struct Entry {
        var failures: Int
        var last: ContinuousClock.Instant
    }

    let freeFailures: Int
    let baseDelay: Duration
    let maxDelay: Duration
    let window: Duration
    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(
        freeFailures: Int = 3, baseDelay: Duration = .milliseconds(250), maxDelay: Duration = .seconds(5),
        window: Duration = .seconds(900), capacity: Int = 10_000
    ) {
        self.freeFailures = freeFailures
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.window = window
        self.capacity = capacity
    }

    /// Records a failure for `name` and returns how long to wait before answering.
    func failed(_ name: String, now: ContinuousClock.Instant = .now) -> Duration {
        let failures = entries.withLock { entries -> Int in
            var entry = entries[name] ?? Entry(failures: 0, last: now)
            if now - entry.last > window { entry.failures = 0 }
            entry.failures += 1
            entry.last = now
            if entries[name] == nil, entries.count >= capacity {
                let byAge = entries.sorted { $0.value.last < $1.value.last }
                for (old, _) in byAge.prefix(capacity / 2) { entries[old] = nil }
            }
            entries[name] = entry
            return entry.failures
        }
        return delay(afterFailures: failures)
    }

    /// Forgets the failures of `name` after a success.
    func succeeded(_ name: String) {
        entries.withLock { entries in
            if entries[name] != nil { entries[name] = nil }
        }
    }

    /// The wait after `failures` failures in a row.
    func delay(afterFailures failures: Int) -> Duration {
        guard failures > freeFailures else { return .zero }
        let doublings = min(failures - freeFailures - 1, 16)
        return min(baseDelay * (1 << doublings), maxDelay)
    }

    var trackedCount: Int { entries.withLock { $0.count } }
}
