import Foundation

/// A small set of dedicated threads that run blocking `curl_easy_perform` calls.
///
/// Blocking C calls must never run on Swift's cooperative thread pool (it has
/// one thread per core, so a few slow transfers would stall every task in the
/// process). Threads are started lazily, at most `maxThreads` of them; since a
/// job is only submitted while its caller holds one of the pool's
/// `maxThreads` easy handles, a submitted job never waits for a thread.
/// Public because the ArangoDB backend runs its blocking transaction bodies
/// (which call `executeBlocking`) on a set of its own.
///
/// `@unchecked Sendable`: all mutable state is guarded by `condition`, an
/// `NSCondition` because idle threads must block waiting for work (a `Mutex`
/// cannot wait).
public final class TransferThreads: @unchecked Sendable {
    // All mutable state below is guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var threadCount = 0
    private var idleThreads = 0
    private var isShutDown = false
    private let maxThreads: Int
    private let name: String

    /// Creates the (initially empty) set; `maxThreads` should equal the pool size.
    public init(maxThreads: Int, name: String) {
        self.maxThreads = max(1, maxThreads)
        self.name = name
    }

    /// Runs `job` on one of the dedicated threads, starting a thread if none is idle.
    public func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        let startThread = jobs.count > idleThreads && threadCount < maxThreads
        if startThread { threadCount += 1 }
        let index = threadCount
        condition.signal()
        condition.unlock()
        if startThread {
            let thread = Thread { [self] in self.run() }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    /// Lets the threads exit once the queued jobs are done; called when the
    /// owning client goes away.
    public func shutdown() {
        condition.lock()
        isShutDown = true
        condition.broadcast()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty && !isShutDown {
                idleThreads += 1
                condition.wait()
                idleThreads -= 1
            }
            if jobs.isEmpty {
                threadCount -= 1
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}

extension TransferThreads {
    /// Runs a blocking `body` on one of the threads and suspends the calling
    /// task (without blocking a cooperative thread) until it returns.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            submit { continuation.resume(with: Result { try body() }) }
        }
    }
}
