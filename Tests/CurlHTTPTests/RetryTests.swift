import CurlHTTP
import Foundation
import Testing

@Suite("Retries")
struct RetryTests {
    private func retryingClient(attempts: Int = 3) -> CurlHTTPClient {
        makeClient {
            $0.retry = .init(maxAttempts: attempts, initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(50))
        }
    }

    private func attempts(for key: String) async throws -> String {
        try await makeClient().execute(HTTPRequest(url: url("/flaky-count?key=\(key)"))).text
    }

    @Test("a GET is retried when the connection drops before the response", arguments: [HTTPMethod.get, .put, .delete])
    func idempotentRetried(method: HTTPMethod) async throws {
        let key = uniqueKey()
        let response = try await retryingClient().execute(
            HTTPRequest(method: method, url: url("/flaky?key=\(key)&fail=1")))
        #expect(response.status == 200)
        #expect(response.text == "attempts=2")
    }

    @Test("a POST is never retried")
    func postNotRetried() async throws {
        let key = uniqueKey()
        await #expect {
            try await retryingClient().execute(
                HTTPRequest(method: .post, url: url("/flaky?key=\(key)&fail=1"), body: [1]))
        } throws: { error in
            guard case .connectionFailed = error as? CurlHTTPError else { return false }
            return true
        }
        #expect(try await attempts(for: key) == "1")
    }

    @Test("retries stop after maxAttempts")
    func givesUp() async throws {
        let key = uniqueKey()
        await #expect {
            try await retryingClient(attempts: 3).execute(HTTPRequest(url: url("/flaky?key=\(key)&fail=10")))
        } throws: { error in
            guard case .connectionFailed = error as? CurlHTTPError else { return false }
            return true
        }
        #expect(try await attempts(for: key) == "3")
    }

    @Test("RetryPolicy.none makes a single attempt")
    func noRetryPolicy() async throws {
        let key = uniqueKey()
        let client = makeClient { $0.retry = .none }
        await #expect(throws: CurlHTTPError.self) {
            try await client.execute(HTTPRequest(url: url("/flaky?key=\(key)&fail=1")))
        }
        #expect(try await attempts(for: key) == "1")
    }

    @Test("executeBlocking retries too")
    func blockingRetry() async throws {
        let key = uniqueKey()
        let client = retryingClient()
        let response = try await onDedicatedThread {
            try client.executeBlocking(HTTPRequest(url: url("/flaky?key=\(key)&fail=2")))
        }
        #expect(response.text == "attempts=3")
    }

    @Test("a GET to a closed port is retried, then reported as connectionFailed")
    func closedPortRetried() async throws {
        let client = retryingClient(attempts: 3)
        let (result, elapsed) = await timed {
            await Result {
                try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(TestServer.shared.closedPort)/"))
            }
        }
        guard case .failure(let error) = result, case .connectionFailed = error as? CurlHTTPError else {
            Issue.record("expected connectionFailed, got \(result)")
            return
        }
        // Two backoffs (10 ms, 20 ms) happened, and it still failed fast.
        #expect(elapsed >= .milliseconds(30))
        #expect(elapsed < .seconds(5), "no hang")
    }
}
