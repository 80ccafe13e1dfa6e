import Foundation
import Synchronization

/// The end of a child process, awaited without holding a thread.
///
/// Why: the test run and the benchmark live on Swift's cooperative thread pool,
/// which has one thread per core (two on the machines CI uses). A blocking
/// `Process.waitUntilExit()` or a start-up poll with `Thread.sleep` holds one of
/// those threads; two at once stall every other task of the process, every
/// in-process server of the test run included, for as long as a debug build of
/// the service takes to start or stop. Timing checks elsewhere in the run then
/// fail for reasons of their own. The exit is signalled by the process's
/// termination handler instead, and the waiters are resumed from there.
final class ProcessExit: Sendable {
    private struct State {
        var exited = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Watches `process`; must be called before `process.run()`.
    init(watching process: Process) {
        process.terminationHandler = { [self] _ in signal() }
    }

    /// Whether the process has ended.
    var hasExited: Bool { state.withLock { $0.exited } }

    /// Returns once the process has ended.
    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state in
                if state.exited { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    private func signal() {
        let waiters = state.withLock { state in
            state.exited = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// Runs blocking `body` (a read from a child's pipe, raw socket work) on a
/// thread of its own, so that it never holds a thread of the cooperative pool
/// (see `ProcessExit`).
public func onOwnThread<T: Sendable>(
    name: String, _ body: @escaping @Sendable () throws -> T
) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.name = name
        thread.start()
    }
}
