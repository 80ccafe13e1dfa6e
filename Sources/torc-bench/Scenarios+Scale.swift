import CurlHTTP
import Foundation
import Synchronization
import TorcTestSupport
import TorcCore

/// Scenarios for many runners and large workflows: long-poll wake-up latency
/// and the cost of list pages, counts and is_complete on a workflow.
extension Scenarios {
    /// `waiters` runners park in `prepare_jobs_for_submission?wait_seconds=60`
    /// on one workflow; `releases` times a gate job is completed, which makes
    /// one job ready, and the time from the completion call returning to the
    /// hand-out of that job is measured. Before the first release the service's
    /// CPU time over 5 s of waiting is measured (needs a started server).
    func longPoll(waiters: Int, releases: Int) async throws -> ScenarioResult {
        var jobs: [JSONValue] = []
        for i in 0..<releases {
            jobs.append(["name": .string("gate\(i)"), "command": "true", "resource_requirements": "big"])
            jobs.append([
                "name": .string("job\(i)"), "command": "true", "blocked_by": [.string("gate\(i)")],
                "resource_requirements": "small",
            ])
        }
        let spec: JSONValue = [
            "name": "long-poll",
            "resource_requirements": [
                ["name": "small", "num_cpus": 1, "memory": "1g", "runtime": "P0DT1H"],
                ["name": "big", "num_cpus": 64, "memory": "1g", "runtime": "P0DT1H"],
            ],
            "jobs": .array(jobs),
        ]
        let (created, _) = try await session.call(.post, "/workflow_specifications", json: spec)
        guard let workflow = created["_key"]?.stringValue else { throw BenchError("no workflow key") }
        _ = try await session.call(.post, "/workflows/initialize_jobs/\(workflow)")
        // The gates need 64 CPUs: the parked 1-CPU runners never take them.
        var gates: [JSONValue] = []
        while gates.count < releases {
            let (answer, _) = try await session.call(
                .post, "/workflows/prepare_jobs_for_submission/\(workflow)?limit=\(releases)",
                json: ["num_cpus": 64, "memory_gb": 1])
            let handed = answer["jobs"]?.arrayValue ?? []
            if handed.isEmpty { throw BenchError("gates not handed out") }
            gates += handed
        }
        let received = ReceiptLog()
        let small = JSONWriter.bytes(["num_cpus": 1, "memory_gb": 1])
        let result = try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<waiters {
                group.addTask {
                    while true {
                        let (answer, _) = try await session.call(
                            .post, "/workflows/prepare_jobs_for_submission/\(workflow)?wait_seconds=60", body: small)
                        if answer["reason"]?.stringValue?.hasSuffix("is canceled") == true { return }
                        for job in answer["jobs"]?.arrayValue ?? [] {
                            received.record(job["name"]?.stringValue ?? "")
                        }
                    }
                }
            }
            // Let every runner park, then measure the idle service.
            try await Task.sleep(for: .seconds(3))
            let cpuBefore = server.flatMap { CPUTime.seconds(pid: $0.process.processIdentifier) }
            try await Task.sleep(for: .seconds(5))
            let cpuAfter = server.flatMap { CPUTime.seconds(pid: $0.process.processIdentifier) }
            var latencies = LatencyStats()
            for (i, gate) in gates.enumerated() {
                let key = gate["_key"]?.stringValue ?? ""
                let name = gate["name"]?.stringValue ?? ""
                let index = name.dropFirst("gate".count)
                let result: JSONValue = [
                    "job_key": .string(key), "job_name": .string(name), "run_id": 1, "return_code": 0,
                    "exec_time_minutes": 0.0, "completion_time": "2026-01-01T00:00:00.000000", "status": "done",
                ]
                _ = try await session.call(
                    .post, "/workflows/\(workflow)/jobs/complete_job/\(key)/done/\(gate["_rev"]?.stringValue ?? "")",
                    json: result)
                let released = ContinuousClock.now
                let arrival = try await received.waitFor("job\(index)", timeout: .seconds(30))
                latencies.add((arrival - released).seconds)
                _ = i
                try await Task.sleep(for: .milliseconds(20))
            }
            _ = try await session.call(.put, "/workflows/cancel/\(workflow)")
            try await group.waitForAll()
            var figures: JSONObject = [
                "wakeup_p50_ms": .double(latencies.percentile(0.5)),
                "wakeup_p99_ms": .double(latencies.percentile(0.99)),
                "wakeup_max_ms": .double(latencies.percentile(1.0)),
            ]
            if let cpuBefore, let cpuAfter {
                figures["server_cpu_percent_while_waiting"] = .double((cpuAfter - cpuBefore) / 5 * 100)
            }
            return figures
        }
        _ = try await session.call(.delete, "/workflows/\(workflow)")
        var figures = result
        figures.merge(memoryFigures()) { $1 }
        return ScenarioResult(
            scenario: "long_poll", parameters: ["waiters": .int(Int64(waiters)), "releases": .int(Int64(releases))],
            figures: figures)
    }

    /// Median latency of a list page (`skip=500&limit=100`), a filtered count
    /// (`find_by_status/ready?limit=0`) and `is_complete`, 20 calls each.
    func paging(_ workflow: String, jobs: Int, shape: WorkflowGenerator.Shape) async throws -> ScenarioResult {
        func median(_ path: String) async throws -> Double {
            var stats = LatencyStats()
            for _ in 0..<20 { stats.add(try await session.call(.get, path).1) }
            return stats.percentile(0.5)
        }
        let figures: JSONObject = [
            "page_p50_ms": .double(try await median("/workflows/\(workflow)/jobs?skip=500&limit=100")),
            "count_p50_ms": .double(try await median("/workflows/\(workflow)/jobs/find_by_status/ready?limit=0")),
            "is_complete_p50_ms": .double(try await median("/workflows/is_complete/\(workflow)")),
        ]
        return ScenarioResult(
            scenario: "paging", parameters: ["jobs": .int(Int64(jobs)), "shape": .string(shape.rawValue)],
            figures: figures)
    }
}

/// When each job name reached a parked runner.
final class ReceiptLog: Sendable {
    private let arrivals = Mutex<[String: ContinuousClock.Instant]>([:])

    func record(_ name: String) {
        let now = ContinuousClock.now
        arrivals.withLock { $0[name] = now }
    }

    /// The arrival of `name`, polling every millisecond until `timeout`.
    func waitFor(_ name: String, timeout: Duration) async throws -> ContinuousClock.Instant {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let arrival = arrivals.withLock({ $0[name] }) { return arrival }
            try await Task.sleep(for: .milliseconds(1))
        }
        throw BenchError("\(name) was not handed out within \(timeout)")
    }
}

/// CPU time (user + system) of a process, from /proc.
enum CPUTime {
    static func seconds(pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command: state is field 3, utime 14, stime 15 (1-based).
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

extension Scenarios {
    /// The root of an initialized fan-in workflow, its only ready job, handed out
    /// and completed with no other runner: the time of that `complete_job`, which
    /// decides every one of the workflow's other jobs but the join.
    func rootCompletion(_ workflow: String, jobs: Int) async throws -> ScenarioResult {
        let worker: JSONValue = ["num_cpus": 4, "memory_gb": 16, "num_nodes": 1, "time_limit": "P1D"]
        let (answer, _) = try await session.call(
            .post, "/workflows/prepare_jobs_for_submission/\(workflow)?limit=1", json: worker)
        guard let root = answer["jobs"]?.arrayValue?.first, root["name"] == "root",
            let key = root["_key"]?.stringValue, let rev = root["_rev"]?.stringValue
        else { throw BenchError("the root was not handed out: \(answer)") }
        let (_, seconds) = try await session.call(
            .post, "/workflows/\(workflow)/jobs/complete_job/\(key)/done/\(rev)", json: Self.doneResult(of: root))
        let (ready, _) = try await session.call(.get, "/workflows/\(workflow)/jobs/find_by_status/ready?limit=0")
        let released = ready["total_count"]?.intValue ?? -1
        guard released == Int64(max(0, jobs - 2)) else {
            throw BenchError("the root released \(released) jobs, not \(max(0, jobs - 2))")
        }
        var figures: JSONObject = [
            "seconds": .double(seconds), "dependents_per_second": .double(Double(released) / seconds),
        ]
        figures.merge(memoryFigures()) { $1 }
        return ScenarioResult(
            scenario: "root_completion", parameters: ["jobs": .int(Int64(jobs)), "shape": "fan-in"], figures: figures)
    }
}
