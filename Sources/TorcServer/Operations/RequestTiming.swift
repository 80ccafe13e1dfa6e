import Synchronization

/// Time one request spent in store transactions, for the slow-request log.
///
/// The responder creates one per request and binds it to the task for the
/// request's duration (`RequestTiming.$current`); the instrumented store adds
/// each transaction's duration to it. A task-local, not a global: concurrent
/// requests each see their own.
final class RequestTiming: Sendable {
    @TaskLocal static var current: RequestTiming?

    private let store = Mutex<Duration>(.zero)
    private let transactions = Atomic<Int>(0)

    func addStoreTime(_ duration: Duration) {
        store.withLock { $0 += duration }
        transactions.add(1, ordering: .relaxed)
    }

    /// Total store time so far.
    var storeTime: Duration { store.withLock { $0 } }
    /// Number of store transactions so far.
    var storeTransactions: Int { transactions.load(ordering: .relaxed) }
}
