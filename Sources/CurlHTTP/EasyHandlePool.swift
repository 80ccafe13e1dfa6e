import Foundation

/// A bounded pool of easy handles shared by the async and the blocking entry point.
///
/// Each handle keeps at most one live TCP connection, so reusing a handle
/// reuses its keep-alive connection and the pool size bounds the connections
/// to the server. Handles are created lazily up to the bound; when all are in
/// use, callers wait in strict FIFO order (async callers on a continuation,
/// blocking callers on a semaphore), with no polling. Returning a handle hands
/// it straight to the oldest waiter.
///
/// `@unchecked Sendable`: every mutable property is read and written only under
/// `lock`. It stays an `NSLock` rather than a `Mutex` because blocking callers
/// park on a semaphore after leaving the lock, and the waiter list hands out
/// continuations and semaphores that must be resumed outside it.
final class EasyHandlePool: @unchecked Sendable {
    /// A caller waiting for a handle.
    private enum Waiter {
        case task(id: UInt64, CheckedContinuation<EasyHandle, any Error>)
        case thread(BlockingWaiter)
    }

    /// A parked blocking caller; `handle` is written before `semaphore` is
    /// signalled, which orders the write before the waiter's read.
    private final class BlockingWaiter: @unchecked Sendable {
        let semaphore = DispatchSemaphore(value: 0)
        var result: Result<EasyHandle, CurlHTTPError>?
    }

    /// What a caller should do after looking at the pool under the lock.
    private enum Decision {
        case use(EasyHandle)
        case create
        case fail(any Error)
        case wait
    }

    // All mutable state below is guarded by `lock`.
    private let lock = NSLock()
    private var idle: [EasyHandle] = []
    private var created = 0
    private var waiters: [Waiter] = []
    private var nextWaiterID: UInt64 = 0
    private let capacity: Int

    /// Creates an empty pool holding at most `capacity` handles (at least 1).
    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Takes a free handle, creates one if under the bound, or waits in line.
    /// Throws `CancellationError` if the task is cancelled while waiting.
    func acquire() async throws -> EasyHandle {
        let id = lock.withLock {
            nextWaiterID &+= 1
            return nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<EasyHandle, any Error>) in
                let decision: Decision = lock.withLock {
                    // Checked under the lock so a concurrent cancellation handler
                    // either sees this waiter queued or we see the cancellation.
                    if Task.isCancelled { return .fail(CancellationError()) }
                    if let decision = takeOrReserve() { return decision }
                    waiters.append(.task(id: id, continuation))
                    return .wait
                }
                switch decision {
                case .use(let handle): continuation.resume(returning: handle)
                case .create: continuation.resume(with: Result { try createHandle() })
                case .fail(let error): continuation.resume(throwing: error)
                case .wait: break
                }
            }
        } onCancel: {
            let continuation: CheckedContinuation<EasyHandle, any Error>? = lock.withLock {
                guard
                    let index = waiters.firstIndex(where: {
                        if case .task(let waiterID, _) = $0 { waiterID == id } else { false }
                    })
                else { return nil }
                guard case .task(_, let continuation) = waiters.remove(at: index) else { return nil }
                return continuation
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// Blocking variant of `acquire()` for callers on their own threads.
    func acquireBlocking() throws(CurlHTTPError) -> EasyHandle {
        let waiter = BlockingWaiter()
        let decision: Decision = lock.withLock {
            if let decision = takeOrReserve() { return decision }
            waiters.append(.thread(waiter))
            return .wait
        }
        switch decision {
        case .use(let handle):
            return handle
        case .create:
            return try createHandle()
        case .fail:
            preconditionFailure("blocking acquisition is never refused")
        case .wait:
            waiter.semaphore.wait()
            // `result` is always set before the signal.
            return try waiter.result!.get()
        }
    }

    /// Returns a handle: to the oldest waiter if there is one, else to the idle list.
    func release(_ handle: EasyHandle) {
        let next: Waiter? = lock.withLock {
            if waiters.isEmpty {
                idle.append(handle)
                return nil
            }
            return waiters.removeFirst()
        }
        switch next {
        case .none: break
        case .task(_, let continuation)?: continuation.resume(returning: handle)
        case .thread(let waiter)?:
            waiter.result = .success(handle)
            waiter.semaphore.signal()
        }
    }

    /// Must be called with `lock` held. Most recently used handle first, since
    /// its connection is the least likely to have been closed by the server.
    private func takeOrReserve() -> Decision? {
        if let handle = idle.popLast() { return .use(handle) }
        if created < capacity {
            created += 1
            return .create
        }
        return nil
    }

    /// Creates a handle for a slot reserved by `takeOrReserve`; on failure the
    /// slot is given back and passed on to the oldest waiter, so nobody is
    /// left waiting for a handle that will never exist.
    private func createHandle() throws(CurlHTTPError) -> EasyHandle {
        if let handle = EasyHandle() { return handle }
        let error = CurlHTTPError.other(code: -1, message: "curl_easy_init failed")
        let next: Waiter? = lock.withLock {
            created -= 1
            return waiters.isEmpty ? nil : waiters.removeFirst()
        }
        switch next {
        case .none: break
        case .task(_, let continuation)?: continuation.resume(throwing: error)
        case .thread(let waiter)?:
            waiter.result = .failure(error)
            waiter.semaphore.signal()
        }
        throw error
    }
}
