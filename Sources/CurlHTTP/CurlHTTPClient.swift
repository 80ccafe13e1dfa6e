import Foundation
import Logging

/// An HTTP/1.1 client on libcurl with a bounded pool of keep-alive connections.
///
/// The one public entry point of this module, built for the ArangoDB storage
/// backend: a `Sendable` value that is cheap to copy (copies share one pool),
/// with an `async` entry point for tasks and a blocking one for code that
/// already runs on its own thread. Blocking libcurl calls never run on Swift's
/// cooperative thread pool: async requests run on dedicated transfer threads,
/// blocking requests on the caller's thread. The pool and its threads are
/// released when the last copy of the client goes away.
public struct CurlHTTPClient: Sendable {
    /// The settings the client was created with, for diagnostics.
    public let configuration: Configuration
    private let core: Core

    /// Creates a client; no connection is opened until the first request.
    ///
    /// - Parameters:
    ///   - configuration: timeouts, pool size, TLS, credentials and retry policy.
    ///   - logger: receives a debug line per retry; it never sees credentials.
    public init(configuration: Configuration = Configuration(), logger: Logger = Logger(label: "CurlHTTP")) {
        self.configuration = configuration
        core = Core(configuration: configuration, logger: logger)
    }

    /// Sends a request and returns the complete response, from any task.
    ///
    /// Waits (in FIFO order, without blocking a thread) when all pooled
    /// connections are busy; the transfer itself runs on a dedicated thread.
    /// An HTTP error status is a normal response, not an error.
    /// Cancelling the task stops the wait or aborts the transfer (within about
    /// a second) with `CancellationError`.
    ///
    /// - Throws: `CurlHTTPError` when no complete response was received, or
    ///   `CancellationError`.
    public func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await core.execute(request)
    }

    /// Sends a request and blocks the calling thread until the response is complete.
    ///
    /// For callers already on their own (non-cooperative) thread, such as the
    /// storage backend's transaction threads, where hopping to another thread
    /// and back would only add latency. Shares the connection pool (and its
    /// FIFO queue) with `execute(_:)`. Do not call it from an async context:
    /// it would block a cooperative thread.
    ///
    /// - Throws: `CurlHTTPError` when no complete response was received.
    public func executeBlocking(_ request: HTTPRequest) throws(CurlHTTPError) -> HTTPResponse {
        try core.executeBlocking(request)
    }
}

extension CurlHTTPClient {
    /// The shared state behind every copy of a client; its `deinit` stops the
    /// transfer threads.
    private final class Core: Sendable {
        let pool: EasyHandlePool
        let threads: TransferThreads
        let settings: TransferSettings
        let retry: Configuration.RetryPolicy
        let logger: Logger

        init(configuration: Configuration, logger: Logger) {
            let size = max(1, configuration.maxConnections)
            pool = EasyHandlePool(capacity: size)
            threads = TransferThreads(maxThreads: size, name: "CurlHTTP.transfer")
            settings = TransferSettings(
                connectTimeout: configuration.connectTimeout,
                totalTimeout: configuration.totalTimeout,
                tls: configuration.tls,
                auth: configuration.auth
            )
            retry = configuration.retry
            self.logger = logger
        }

        deinit {
            threads.shutdown()
        }

        func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
            guard CurlGlobal.isInitialized else { throw Self.globalInitFailure }
            var attempt = 1
            while true {
                try Task.checkCancellation()
                let handle = try await pool.acquire()
                let cancellation = CancellationFlag()
                let outcome = await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<TransferOutcome, Never>) in
                        threads.submit { [pool, settings] in
                            let outcome = handle.perform(request, settings: settings, cancellation: cancellation)
                            pool.release(handle)
                            continuation.resume(returning: outcome)
                        }
                    }
                } onCancel: {
                    cancellation.cancel()
                }
                switch outcome {
                case .success(let response):
                    return response
                case .cancelled:
                    throw CancellationError()
                case .failure(let failure):
                    guard let delay = retryDelay(after: failure, request: request, attempt: attempt) else {
                        throw failure.error
                    }
                    try await Task.sleep(for: delay)
                    attempt += 1
                }
            }
        }

        func executeBlocking(_ request: HTTPRequest) throws(CurlHTTPError) -> HTTPResponse {
            guard CurlGlobal.isInitialized else { throw Self.globalInitFailure }
            var attempt = 1
            while true {
                let handle = try pool.acquireBlocking()
                let outcome = handle.perform(request, settings: settings, cancellation: nil)
                pool.release(handle)
                switch outcome {
                case .success(let response):
                    return response
                case .cancelled:
                    // Only produced when a cancellation flag is passed, which we do not.
                    throw .other(code: 42, message: "transfer aborted")
                case .failure(let failure):
                    guard let delay = retryDelay(after: failure, request: request, attempt: attempt) else {
                        throw failure.error
                    }
                    let (seconds, attoseconds) = delay.components
                    Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
                    attempt += 1
                }
            }
        }

        /// The wait before the next attempt, or `nil` when the failure must be
        /// reported: not a connection failure before the response, not an
        /// idempotent method, or out of attempts.
        private func retryDelay(after failure: TransferFailure, request: HTTPRequest, attempt: Int) -> Duration? {
            guard failure.connectionLostBeforeResponse, request.method.isIdempotent, attempt < retry.maxAttempts else {
                return nil
            }
            let delay = retry.backoff(afterAttempt: attempt)
            logger.debug(
                "retrying after connection failure",
                metadata: [
                    "method": "\(request.method)",
                    "attempt": "\(attempt)",
                    "delay": "\(delay)",
                    "error": "\(failure.error)",
                ])
            return delay
        }

        private static let globalInitFailure = CurlHTTPError.other(code: 2, message: "curl_global_init failed")
    }
}
