import CurlHTTP
import Foundation
import Testing

@Suite("Connection pool")
struct ConnectionPoolTests {
    @Test("sequential requests reuse one keep-alive connection")
    func keepAlive() async throws {
        let client = makeClient { $0.maxConnections = 1 }
        var connectionIDs: Set<String> = []
        for index in 0..<10 {
            let response = try await client.execute(
                HTTPRequest(method: .post, url: url("/echo"), body: Array("\(index)".utf8)))
            #expect(response.text == "\(index)")
            connectionIDs.insert(try #require(response.headers["X-Conn-Id"]))
        }
        #expect(connectionIDs.count == 1)
    }

    @Test("64 concurrent requests share a pool of 4 connections")
    func concurrent() async throws {
        let client = makeClient { $0.maxConnections = 4 }
        let connectionIDs = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<64 {
                group.addTask {
                    let request = HTTPRequest(
                        method: .put, url: url("/echo"), headers: ["X-Test": "\(index)"],
                        body: Array("body \(index)".utf8))
                    let response = try await client.execute(request)
                    #expect(response.status == 200)
                    #expect(response.text == "body \(index)")
                    #expect(response.headers["X-Echo"] == "\(index)")
                    return response.headers["X-Conn-Id"] ?? "?"
                }
            }
            var ids: [String] = []
            for try await id in group { ids.append(id) }
            return ids
        }
        #expect(connectionIDs.count == 64)
        #expect(Set(connectionIDs).count <= 4)
        #expect(!connectionIDs.contains("?"))
    }

    @Test("executeBlocking works from a dedicated thread")
    func blocking() async throws {
        let client = makeClient { $0.maxConnections = 1 }
        let responses = try await onDedicatedThread {
            try (0..<3).map { index in
                try client.executeBlocking(
                    HTTPRequest(method: .post, url: url("/echo"), body: Array("blocking \(index)".utf8)))
            }
        }
        #expect(responses.map(\.text) == ["blocking 0", "blocking 1", "blocking 2"])
        #expect(Set(responses.compactMap { $0.headers["X-Conn-Id"] }).count == 1)
    }

    @Test("blocking threads and tasks share the same bounded pool")
    func mixed() async throws {
        let client = makeClient { $0.maxConnections = 2 }
        async let blockingIDs: [String] = withThrowingTaskGroup(of: [String].self) { group in
            for thread in 0..<3 {
                group.addTask {
                    try await onDedicatedThread {
                        try (0..<5).map { index in
                            let response = try client.executeBlocking(HTTPRequest(url: url("/slow?ms=5")))
                            #expect(response.text == "slow", "thread \(thread) request \(index)")
                            return response.headers["X-Conn-Id"] ?? "?"
                        }
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        async let asyncIDs: [String] = withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<15 {
                group.addTask {
                    try await client.execute(HTTPRequest(url: url("/slow?ms=5"))).headers["X-Conn-Id"] ?? "?"
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let all = try await blockingIDs + asyncIDs
        #expect(all.count == 30)
        #expect(Set(all).count <= 2)
    }
}
