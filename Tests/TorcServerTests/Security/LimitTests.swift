import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TorcCore
@testable import TorcServer
import TorcSQLite
import TorcTestSupport

/// Runs `body` with the port of a live server with `limits`.
private func withLiveServer(
    _ limits: LimitSettings, _ body: @escaping @Sendable (Int) async throws -> Void
) async throws {
    var configuration = ServiceConfiguration(port: 0, store: .memory, logLevel: .critical)
    configuration.limits = limits
    let app = buildApplication(configuration: configuration, provider: SQLiteStoreProvider.inMemory())
    try await app.test(.live) { client in
        let port = try #require(client.port)
        try await body(port)
    }
}

/// Blocking socket work runs on a thread of its own (`onOwnThread`): on the
/// cooperative pool (two threads on a two-core machine) it would starve the
/// server it talks to.
private func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await onOwnThread(name: "raw connection", work)
}

private let path = "/_db/test/torc-service/workflows"

@Suite("Limits: header size, idle and slow clients, concurrent requests, connections", .serialized)
struct LimitTests {
    @Test("a request head larger than the limit is refused (431) without being served")
    func headerSize() async throws {
        try await withLiveServer(LimitSettings(maxHeaderSize: 4096)) { port in
            let answer = try await blocking {
                let connection = try RawConnection(port: port)
                connection.send(
                    "GET \(path) HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 8192))\r\n\r\n")
                return connection.receive(timeout: 5)
            }
            #expect(RawConnection.status(answer.text) == 431)
            let small = try await blocking {
                let connection = try RawConnection(port: port)
                // `Connection: close` ends the answer with the connection, so a generous
                // deadline (the first request also opens the database) costs nothing when all is well.
                connection.send(
                    "GET \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                        + "X-Small: \(String(repeating: "a", count: 1024))\r\n\r\n")
                return connection.receive(timeout: 15)
            }
            #expect(RawConnection.status(small.text) == 200)
        }
    }

    @Test("a slow-loris client sending its head a byte at a time is disconnected after the idle timeout")
    func slowLoris() async throws {
        try await withLiveServer(LimitSettings(idleTimeoutSeconds: 1)) { port in
            let outcome = try await blocking { () -> (closed: Bool, seconds: Double) in
                let connection = try RawConnection(port: port)
                let start = Date()
                let head = "GET \(path) HTTP/1.1\r\nHost: x\r\nX-Slow: " + String(repeating: "a", count: 100)
                for byte in head {
                    guard connection.send(String(byte)) else { return (true, Date().timeIntervalSince(start)) }
                    if connection.receive(timeout: 0.2).closed { return (true, Date().timeIntervalSince(start)) }
                    if Date().timeIntervalSince(start) > 10 { break }
                }
                return (false, Date().timeIntervalSince(start))
            }
            #expect(outcome.closed)
            #expect(outcome.seconds < 5)
        }
    }

    @Test("an idle keep-alive connection is closed after the idle timeout")
    func idleConnection() async throws {
        try await withLiveServer(LimitSettings(idleTimeoutSeconds: 1)) { port in
            let answer = try await blocking {
                let connection = try RawConnection(port: port)
                connection.send("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n")
                return connection.receive(timeout: 5)
            }
            #expect(RawConnection.status(answer.text) == 200)
            #expect(answer.closed)
        }
    }

    @Test("beyond the concurrent-request cap a request gets 503 with Retry-After in the error format")
    func concurrentRequests() async throws {
        try await withLiveServer(LimitSettings(maxConcurrentRequests: 1, retryAfterSeconds: 2)) { port in
            let answers = try await blocking { () -> (String, String) in
                // The first request holds the only slot while its body is incomplete.
                let holder = try RawConnection(port: port)
                holder.send("POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n{\"name\":")
                Thread.sleep(forTimeInterval: 0.3)
                let second = try RawConnection(port: port)
                second.send("GET \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                let refused = second.receive(timeout: 5).text
                holder.send(" \"held\"    }")
                let served = holder.receiveResponse(timeout: 15).text
                return (refused, served)
            }
            #expect(RawConnection.status(answers.0) == 503)
            #expect(answers.0.lowercased().contains("retry-after: 2"))
            #expect(answers.0.contains(#""errorNum":503"#))
            #expect(RawConnection.status(answers.1) == 200)
        }
    }

    @Test("beyond the connection cap a new connection's request gets 503 and the connection is closed")
    func connections() async throws {
        try await withLiveServer(LimitSettings(maxConnections: 2)) { port in
            let answer = try await blocking { () -> (String, Bool, String) in
                // Both connections answer once, so the server has counted them before the third.
                let first = try RawConnection(port: port)
                first.send("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n")
                _ = first.receiveResponse(timeout: 15)
                let second = try RawConnection(port: port)
                second.send("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n")
                _ = second.receiveResponse(timeout: 15)
                let third = try RawConnection(port: port)
                third.send("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n")
                let refused = third.receive(timeout: 5)
                first.send("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n")
                let served = first.receiveResponse(timeout: 15).text
                _ = second
                return (refused.text, refused.closed, served)
            }
            #expect(RawConnection.status(answer.0) == 503)
            #expect(answer.0.lowercased().contains("retry-after: 1"))
            #expect(answer.1)
            #expect(RawConnection.status(answer.2) == 200)
        }
    }

    @Test("limits out of range stop the start with a message")
    func validation() {
        #expect(throws: ConfigurationError.self) { try LimitSettings(maxHeaderSize: 10).validate() }
        #expect(throws: ConfigurationError.self) { try LimitSettings(idleTimeoutSeconds: 0).validate() }
        #expect(throws: ConfigurationError.self) { try LimitSettings(maxConcurrentRequests: 0).validate() }
        #expect(throws: ConfigurationError.self) { try LimitSettings(maxConnections: 0).validate() }
    }
}
