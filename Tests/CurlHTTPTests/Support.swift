import CurlHTTP
import Foundation

/// A client against the shared test server, with one configuration tweak per test.
func makeClient(_ configure: (inout CurlHTTPClient.Configuration) -> Void = { _ in }) -> CurlHTTPClient {
    var configuration = CurlHTTPClient.Configuration(
        connectTimeout: .seconds(2), totalTimeout: .seconds(10), maxConnections: 4)
    configure(&configuration)
    return CurlHTTPClient(configuration: configuration)
}

/// A URL on the shared test server.
func url(_ path: String) -> String {
    TestServer.shared.baseURL + path
}

/// A unique key for the server's per-key counters, so parallel tests never share one.
func uniqueKey() -> String {
    UUID().uuidString
}

extension HTTPResponse {
    /// The body as UTF-8 text.
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// Runs `body` on a new Foundation `Thread` (never a cooperative one) and returns its result.
func onDedicatedThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        Thread {
            continuation.resume(with: Result<T, any Error> { try body() })
        }.start()
    }
}

/// Seconds elapsed while running `body`, with its result.
func timed<T>(_ body: () async throws -> T) async rethrows -> (T, Duration) {
    let clock = ContinuousClock()
    let start = clock.now
    let value = try await body()
    return (value, clock.now - start)
}
