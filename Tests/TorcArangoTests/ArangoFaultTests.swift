import CurlHTTP
import Foundation
import Synchronization
import Testing
import TorcCore
import TorcTestSupport

/// ArangoDB going away under load and coming back (issue: faults): requests
/// answer 503 in the service's error format within the configured timeout,
/// unacknowledged writes are never reported as done, and the service recovers
/// by itself.
@Suite("ArangoDB: outages", .serialized)
struct ArangoFaultTests {
    @Test("ArangoDB stopped under load: 503 within the timeout, no phantom writes, recovery after restart")
    func outage() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("torc-emulator-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let emulator = try await ArangoEmulator.start(dataDirectory: directory)
        let restarted = try await ServiceProcess.with(
            arguments: [
                "--store", "arangodb", "--arango-url", emulator.url, "--arango-timeout", "3", "--log-level", "error",
            ]
        ) { services in
            try await Self.outage(of: emulator, base: services[0].baseURL(database: "outage"), directory: directory)
        }
        await restarted.stop()
    }

    /// Stops `emulator` under load, checks the answers while it is down, restarts it on the same port and
    /// data, and checks the recovery; returns the restarted emulator.
    static func outage(of emulator: ArangoEmulator, base: String, directory: String) async throws -> ArangoEmulator {
        let port = emulator.listenPort
        let http = JSONHTTP(timeout: .seconds(30))
        let workflow = try await http.ok(.post, "\(base)/workflows", ["name": "outage"])
        let key = workflow["_key"]?.stringValue ?? ""

        // Load: readers and writers running while ArangoDB stops.
        let stop = StopFlag()
        let acknowledged = Counter()
        let load = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in 0..<8 {
                    group.addTask {
                        while !stop.isSet {
                            let (status, json) =
                                client % 2 == 0
                                ? try await http.call(.get, "\(base)/workflows/\(key)")
                                : try await http.call(
                                    .post, "\(base)/workflows/\(key)/events", ["n": .int(Int64(client))])
                            guard
                                status == 200 || (status == 503 && json["error"] == .bool(true) && json["code"] == 503)
                            else { throw TestFailure("unexpected answer under load: \(status) \(json)") }
                            if status == 200 && client % 2 == 1 { acknowledged.increment() }
                            try await Task.sleep(for: .milliseconds(status == 200 ? 2 : 50))
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        try await Task.sleep(for: .milliseconds(500))
        await emulator.stop()

        // While ArangoDB is down: 503 in the error format, within the timeout (plus slack).
        let started = ContinuousClock.now
        let (status, json) = try await http.call(.post, "\(base)/workflows/\(key)/events", ["phantom": true])
        let elapsed = ContinuousClock.now - started
        #expect(status == 503, "\(json)")
        #expect(json["error"] == .bool(true) && json["code"] == 503 && json["errorNum"] == 503)
        #expect(elapsed < .seconds(10), "answered after \(elapsed)")
        #expect(try await http.call(.get, "\(base)/workflows/\(key)").status == 503)

        // ArangoDB back on the same port with the same data: the service recovers by itself.
        let restarted = try await ArangoEmulator.start(port: port, dataDirectory: directory)
        var recovered = false
        for _ in 0..<100 {
            if try await http.call(.get, "\(base)/workflows/\(key)").status == 200 {
                recovered = true
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(recovered, "the service answers again after ArangoDB is back")
        stop.set()
        try await load.value

        // The write answered 503 was not stored; every event answered 200 was.
        let events = try await http.ok(.get, "\(base)/workflows/\(key)/events?limit=100000")
        let items = events["items"]?.arrayValue ?? []
        #expect(!items.contains { $0["phantom"] != nil }, "a write answered 503 must not be stored")
        let stored = items.filter { $0["n"] != nil }.count
        #expect(acknowledged.value > 0)
        #expect(stored >= acknowledged.value, "every write answered 200 is stored (\(stored) of \(acknowledged.value))")
        let after = try await http.call(.post, "\(base)/workflows/\(key)/events", ["after": true])
        #expect(after.status == 200)
        return restarted
    }
}

/// A flag set once by one task and read by others.
final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}

/// A count shared by concurrent tasks.
final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
    func increment() { count.add(1, ordering: .relaxed) }
}
