import CurlHTTP
import Foundation
import Testing
import TorcCore
import TorcTestSupport

/// Several real torc-service processes sharing one store: the hand-out
/// guarantees must hold in the store, not in a process (docs/concurrency.md).
/// On ArangoDB the processes share a database; on the embedded store they
/// share a data directory, whose SQLite file serialises their writes.
@Suite("Several service processes on one store", .serialized)
struct MultiProcessTests {
    @Test("two service processes on one ArangoDB database hand every job out exactly once", arguments: 1...2)
    func twoProcesses(round: Int) async throws {
        let server = try await ArangoEmulator.shared()
        let arguments = ["--store", "arangodb", "--arango-url", server.url, "--log-level", "warning"]
        try await Self.handOut(arguments: arguments, database: "twoproc\(round)x\(UInt32.random(in: 0...UInt32.max))")
    }

    @Test("two service processes on one SQLite data directory hand every job out exactly once")
    func twoProcessesOnSQLite() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("torc-shared-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await Self.handOut(
            arguments: ["--store", "sqlite:\(directory)", "--log-level", "warning"], database: "shared")
    }

    /// 16 runners, alternating between two processes, drain 240 independent jobs.
    static func handOut(arguments: [String], database: String) async throws {
        try await ServiceProcess.with(count: 2, arguments: arguments) { services in
            try await handOut(bases: services.map { $0.baseURL(database: database) })
        }
    }

    static func handOut(bases: [String]) async throws {
        let http = JSONHTTP()
        let jobCount = 240
        let specification: JSONValue = [
            "name": "shared",
            "jobs": .array((0..<jobCount).map { ["name": .string("job\($0)"), "command": "true"] }),
        ]
        let workflow = try await http.ok(.post, "\(bases[0])/workflow_specifications", specification)
        let key = workflow["_key"]?.stringValue ?? ""
        try await http.ok(.post, "\(bases[1])/workflows/initialize_jobs/\(key)")
        let ran = try await withThrowingTaskGroup(of: [String].self) { group in
            for runner in 0..<16 {
                let base = bases[runner % 2]
                group.addTask { try await HTTPRunner(http: http, base: base, workflow: key).drain() }
            }
            var all: [String] = []
            for try await keys in group { all += keys }
            return all
        }
        #expect(ran.count == jobCount, "every job handed out")
        #expect(Set(ran).count == jobCount, "no job handed out twice")
        let results = try await http.ok(.get, "\(bases[0])/workflows/\(key)/results")
        #expect(results["total_count"] == .int(Int64(jobCount)), "one result per job")
        let done = try await http.ok(.get, "\(bases[1])/workflows/\(key)/jobs?status=done")
        #expect(done["total_count"] == .int(Int64(jobCount)))
    }
}
