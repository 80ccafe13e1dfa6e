import CurlHTTP
import Foundation
import Testing

@Suite("Failures and timeouts")
struct FailureTests {
    @Test("a closed port fails quickly with connectionFailed")
    func connectFailure() async throws {
        let client = makeClient { $0.retry = .none }
        let target = "http://127.0.0.1:\(TestServer.shared.closedPort)/"
        let (result, elapsed) = await timed { await Result { try await client.execute(HTTPRequest(url: target)) } }
        guard case .failure(let error) = result, case .connectionFailed = error as? CurlHTTPError else {
            Issue.record("expected connectionFailed, got \(result)")
            return
        }
        #expect(elapsed < .seconds(5), "no hang")
    }

    @Test("the total timeout stops a slow response")
    func totalTimeout() async throws {
        let client = makeClient { $0.totalTimeout = .milliseconds(500) }
        let (result, elapsed) = await timed {
            await Result { try await client.execute(HTTPRequest(url: url("/slow?ms=10000"))) }
        }
        guard case .failure(let error) = result, case .timedOut = error as? CurlHTTPError else {
            Issue.record("expected timedOut, got \(result)")
            return
        }
        #expect(elapsed >= .milliseconds(450))
        #expect(elapsed < .milliseconds(8000), "ended by the timeout, not by the 10 s answer")
    }

    @Test("a per-request timeout overrides the client's, also when blocking")
    func perRequestTimeout() async throws {
        let client = makeClient { $0.totalTimeout = .seconds(30) }
        let request = HTTPRequest(url: url("/slow?ms=10000"), timeout: .milliseconds(300))
        let (result, elapsed) = try await timed {
            try await onDedicatedThread { Result { () throws(CurlHTTPError) in try client.executeBlocking(request) } }
        }
        guard case .failure(.timedOut) = result else {
            Issue.record("expected timedOut, got \(result)")
            return
        }
        #expect(elapsed < .milliseconds(8000), "ended by the timeout, not by the 10 s answer")
    }

    @Test("cancelling the task aborts the transfer")
    func cancellation() async throws {
        let client = makeClient()
        let (result, elapsed) = await timed {
            let task = Task { try await client.execute(HTTPRequest(url: url("/slow?ms=10000"))) }
            try? await Task.sleep(for: .milliseconds(200))
            task.cancel()
            return await task.result
        }
        guard case .failure(let error) = result else {
            Issue.record("expected cancellation, got \(result)")
            return
        }
        #expect(error is CancellationError)
        #expect(elapsed < .milliseconds(8000), "ended by the cancellation, not by the 10 s answer")
    }

    @Test("a task cancelled while queued for a connection stops waiting")
    func cancellationWhileQueued() async throws {
        let client = makeClient { $0.maxConnections = 1 }
        let busy = Task { try await client.execute(HTTPRequest(url: url("/slow?ms=6000"))) }
        try await Task.sleep(for: .milliseconds(100))
        let (result, elapsed) = await timed {
            let queued = Task { try await client.execute(HTTPRequest(url: url("/echo"))) }
            try? await Task.sleep(for: .milliseconds(100))
            queued.cancel()
            return await queued.result
        }
        guard case .failure(let error) = result else {
            Issue.record("expected cancellation, got \(result)")
            return
        }
        #expect(error is CancellationError)
        #expect(elapsed < .milliseconds(5000), "left the queue before the busy transfer ended")
        // The pool still works after the cancelled waiter left the queue.
        #expect(try await busy.value.text == "slow")
        #expect(try await client.execute(HTTPRequest(url: url("/echo"))).status == 200)
    }
}

extension Result where Failure == any Error {
    /// Captures the outcome of an async throwing call.
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
