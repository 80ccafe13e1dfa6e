import Synchronization

/// The write calls of one SQLite database waiting for the single writer
/// connection, so that those that arrive while a transaction runs can share
/// the next one (group commit, docs/concurrency.md "Group commit").
///
/// Why: every write on SQLite is serialised, and each transaction of its own
/// pays for a hop to the writer queue and back, `BEGIN`/`COMMIT`, its pages
/// in the WAL and, with `synchronous = FULL`, an fsync (about 0.2 ms on this
/// machine kind). Under many runners making small writes those costs, not the
/// statements, bound the rate. The queue only orders and hands out calls; how
/// a batch runs is `SQLiteStore.runBatch`.
final class SQLiteWriteQueue: Sendable {
    /// At most this many calls share one transaction: a call waits for those
    /// ahead of it in its batch, so this bounds what one batch adds to latency.
    static let maxBatch = 64

    /// One caller's write.
    struct Call: Sendable {
        /// Runs the caller's body inside the open transaction and keeps its
        /// outcome; returns its error, or nil when its writes are to stay.
        let run: @Sendable (SQLiteTransaction) -> (any Error)?
        /// Answers the caller after the batch ended: with the body's own
        /// outcome, or with `failure` when the transaction did not commit.
        let settle: @Sendable ((any Error)?) -> Void
    }

    private struct State {
        var pending: [Call] = []
        /// Whether a batch is scheduled or running; it takes the pending calls.
        var scheduled = false
        /// Calls of the batch running now.
        var running = 0
    }

    private let state = Mutex(State())

    /// Adds a call. Returns true when the caller must schedule a batch (none is
    /// scheduled or running); otherwise the running batch's successor takes it.
    func enqueue(_ call: Call) -> Bool {
        state.withLock { state in
            state.pending.append(call)
            if state.scheduled { return false }
            state.scheduled = true
            return true
        }
    }

    /// The calls of the next batch, oldest first, at most `maxBatch`.
    func take() -> [Call] {
        state.withLock { state in
            let count = min(state.pending.count, Self.maxBatch)
            let batch = Array(state.pending.prefix(count))
            state.pending.removeFirst(count)
            state.running = count
            return batch
        }
    }

    /// Called when a batch ended: returns true when calls are waiting and
    /// another batch must be scheduled; otherwise the queue goes idle.
    func finishBatch() -> Bool {
        state.withLock { state in
            state.running = 0
            if state.pending.isEmpty {
                state.scheduled = false
                return false
            }
            return true
        }
    }
}

extension SQLiteWriteQueue {
    /// Calls waiting for the next batch (for diagnostics and tests).
    var waiting: Int { state.withLock { $0.pending.count } }

    /// Calls of the batch running now (for diagnostics and tests).
    var running: Int { state.withLock { $0.running } }
}

/// The outcome of one call's body, kept from the moment it ran until the
/// batch's commit decides whether it stands.
final class SQLiteCallOutcome<T: Sendable>: Sendable {
    private let value = Mutex<Result<T, any Error>?>(nil)

    func record(_ result: Result<T, any Error>) { value.withLock { $0 = result } }

    /// The recorded outcome; a call that never ran (the batch failed first) has none.
    func get(orFailure failure: any Error) -> Result<T, any Error> {
        value.withLock { $0 } ?? .failure(failure)
    }
}
