import CurlHTTP
import Foundation
import TorcTestSupport
import TorcCore

/// One measured scenario: its parameters and figures, for the table and the JSON report.
struct ScenarioResult: Sendable {
    var scenario: String
    var parameters: JSONObject
    var figures: JSONObject
}

/// The scenarios of the benchmark, each against one service database.
struct Scenarios: Sendable {
    let session: APISession
    let server: ServiceProcess?

    func memoryFigures() -> JSONObject {
        guard let server, let peak = server.peakResidentBytes() else { return [:] }
        return ["server_peak_rss_mb": .double(Double(peak) / 1_048_576)]
    }

    /// POST /workflow_specifications of a generated workflow.
    func create(jobs: Int, shape: WorkflowGenerator.Shape, priorities: WorkflowGenerator.Priorities = .none)
        async throws -> (String, ScenarioResult)
    {
        let body = JSONWriter.bytes(WorkflowGenerator.specification(jobs: jobs, shape: shape, priorities: priorities))
        let (workflow, seconds) = try await session.call(.post, "/workflow_specifications", body: body)
        guard let key = workflow["_key"]?.stringValue else { throw BenchError("no workflow key") }
        var figures: JSONObject = [
            "seconds": .double(seconds), "jobs_per_second": .double(Double(jobs) / seconds),
            "request_mb": .double(Double(body.count) / 1_048_576),
        ]
        figures.merge(memoryFigures()) { $1 }
        return (
            key,
            ScenarioResult(
                scenario: "create", parameters: ["jobs": .int(Int64(jobs)), "shape": .string(shape.rawValue)],
                figures: figures)
        )
    }

    /// POST /workflows/initialize_jobs.
    func initialize(_ workflow: String, jobs: Int, shape: WorkflowGenerator.Shape) async throws -> ScenarioResult {
        let (_, seconds) = try await session.call(.post, "/workflows/initialize_jobs/\(workflow)")
        var figures: JSONObject = ["seconds": .double(seconds)]
        figures.merge(memoryFigures()) { $1 }
        return ScenarioResult(
            scenario: "initialize", parameters: ["jobs": .int(Int64(jobs)), "shape": .string(shape.rawValue)],
            figures: figures)
    }

    /// The result a simulated runner reports for `job` (a handed-out job): run 1, exit code 0.
    static func doneResult(of job: JSONValue) -> JSONValue {
        [
            "job_key": job["_key"] ?? "", "job_name": job["name"] ?? "", "run_id": 1, "return_code": 0,
            "exec_time_minutes": 0.0, "completion_time": "2026-01-01T00:00:00.000000", "status": "done",
        ]
    }

    /// What one simulated runner observed.
    struct RunnerLog: Sendable {
        var handedOut: [String] = []
        var prepare = LatencyStats()
        var complete = LatencyStats()
    }

    /// W runners loop prepare_jobs_for_submission (one 4-CPU node) and
    /// complete_job until is_complete; every job must be handed out once and end done.
    /// With `batch` > 1 a runner asks for up to `batch` jobs (`limit=batch`, a
    /// node with room for them) and completes them with one `complete_jobs`
    /// call; with `waitSeconds` its hand-out calls long-poll instead of sleeping.
    func drain(
        _ workflow: String, jobs: Int, workers: Int, shape: WorkflowGenerator.Shape, batch: Int = 1,
        waitSeconds: Double = 0
    ) async throws -> ScenarioResult {
        let cpus = batch > 1 ? 2 * batch : 4
        let resources = JSONWriter.bytes([
            "num_cpus": .int(Int64(cpus)), "memory_gb": 16, "num_nodes": 1, "time_limit": "P1D",
        ])
        var query: [String] = []
        if batch > 1 { query.append("limit=\(batch)") }
        if waitSeconds > 0 { query.append("wait_seconds=\(waitSeconds)") }
        let preparePath =
            "/workflows/prepare_jobs_for_submission/\(workflow)"
            + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        let start = ContinuousClock.now
        let logs = try await withThrowingTaskGroup(of: RunnerLog.self) { group in
            for _ in 0..<workers {
                group.addTask {
                    var log = RunnerLog()
                    var idle = 0
                    while true {
                        let (answer, prepareSeconds) = try await session.call(.post, preparePath, body: resources)
                        log.prepare.add(prepareSeconds)
                        let handed = answer["jobs"]?.arrayValue ?? []
                        if handed.isEmpty {
                            let (state, _) = try await session.call(.get, "/workflows/is_complete/\(workflow)")
                            if state["is_complete"] == .bool(true) { return log }
                            idle += 1
                            try await Task.sleep(for: .milliseconds(min(20, idle)))
                            continue
                        }
                        idle = 0
                        if batch > 1 {
                            let entries: [JSONValue] = handed.map { job in
                                [
                                    "job_key": job["_key"] ?? "", "status": "done", "rev": job["_rev"] ?? "",
                                    "result": Self.doneResult(of: job),
                                ]
                            }
                            let (outcome, completeSeconds) = try await session.call(
                                .post, "/workflows/\(workflow)/jobs/complete_jobs", json: ["jobs": .array(entries)])
                            log.complete.add(completeSeconds)
                            for (job, result) in zip(handed, outcome["jobs"]?.arrayValue ?? []) {
                                guard result["code"] == 200 else {
                                    throw BenchError("complete_jobs refused a job: \(result)")
                                }
                                log.handedOut.append(job["_key"]?.stringValue ?? "")
                            }
                            continue
                        }
                        for job in handed {
                            let key = job["_key"]?.stringValue ?? ""
                            let id = (job["_id"]?.stringValue ?? "").replacingOccurrences(of: "/", with: "%2F")
                            let rev = job["_rev"]?.stringValue ?? ""
                            let (_, completeSeconds) = try await session.call(
                                .post, "/workflows/\(workflow)/jobs/complete_job/\(id)/done/\(rev)",
                                json: Self.doneResult(of: job))
                            log.complete.add(completeSeconds)
                            log.handedOut.append(key)
                        }
                    }
                }
            }
            var all: [RunnerLog] = []
            for try await log in group { all.append(log) }
            return all
        }
        let seconds = (ContinuousClock.now - start).seconds
        let handed = logs.flatMap(\.handedOut)
        guard handed.count == jobs, Set(handed).count == jobs else {
            throw BenchError(
                "drain handed out \(handed.count) jobs (\(Set(handed).count) distinct), expected \(jobs) once each")
        }
        let (done, _) = try await session.call(.get, "/workflows/\(workflow)/jobs/find_by_status/done?limit=0")
        guard done["total_count"] == .int(Int64(jobs)) else { throw BenchError("not every job is done: \(done)") }
        var prepare = LatencyStats()
        var complete = LatencyStats()
        for log in logs {
            prepare.add(log.prepare)
            complete.add(log.complete)
        }
        var figures: JSONObject = [
            "seconds": .double(seconds), "jobs_per_second": .double(Double(jobs) / seconds),
            "calls_per_second": .double(Double(prepare.count + complete.count) / seconds),
            "prepare_p50_ms": .double(prepare.percentile(0.5)), "prepare_p99_ms": .double(prepare.percentile(0.99)),
            "complete_p50_ms": .double(complete.percentile(0.5)), "complete_p99_ms": .double(complete.percentile(0.99)),
            "prepare_calls": .int(Int64(prepare.count)),
        ]
        figures.merge(memoryFigures()) { $1 }
        return ScenarioResult(
            scenario: "drain",
            parameters: [
                "jobs": .int(Int64(jobs)), "workers": .int(Int64(workers)), "shape": .string(shape.rawValue),
                "batch": .int(Int64(batch)), "wait_seconds": .double(waitSeconds),
            ],
            figures: figures)
    }

    /// 16 clients POST and GET job user data.
    func userData(_ workflow: String, clients: Int, requestsPerClient: Int) async throws -> ScenarioResult {
        let (page, _) = try await session.call(.get, "/workflows/\(workflow)/jobs?limit=\(clients * 4)")
        let keys = (page["items"]?.arrayValue ?? []).compactMap { $0["_key"]?.stringValue }
        guard !keys.isEmpty else { throw BenchError("no jobs for the user data scenario") }
        let start = ContinuousClock.now
        let stats = try await withThrowingTaskGroup(of: (LatencyStats, LatencyStats).self) { group in
            for client in 0..<clients {
                group.addTask {
                    var post = LatencyStats()
                    var get = LatencyStats()
                    for i in 0..<requestsPerClient {
                        let key = keys[(client * 4 + i % 4) % keys.count]
                        let body: JSONValue = [
                            "client": .int(Int64(client)), "i": .int(Int64(i)), "value": 1.5, "tags": ["a", "b"],
                        ]
                        let (_, postSeconds) = try await session.call(
                            .post, "/workflows/\(workflow)/jobs/user_data/\(key)", json: body)
                        post.add(postSeconds)
                        let (_, getSeconds) = try await session.call(
                            .get, "/workflows/\(workflow)/jobs/user_data/\(key)")
                        get.add(getSeconds)
                    }
                    return (post, get)
                }
            }
            var post = LatencyStats()
            var get = LatencyStats()
            for try await (p, g) in group {
                post.add(p)
                get.add(g)
            }
            return (post, get)
        }
        let seconds = (ContinuousClock.now - start).seconds
        var figures: JSONObject = [
            "requests_per_second": .double(Double(stats.0.count + stats.1.count) / seconds),
            "post_p99_ms": .double(stats.0.percentile(0.99)), "get_p99_ms": .double(stats.1.percentile(0.99)),
            "post_p50_ms": .double(stats.0.percentile(0.5)), "get_p50_ms": .double(stats.1.percentile(0.5)),
        ]
        figures.merge(memoryFigures()) { $1 }
        return ScenarioResult(
            scenario: "user_data",
            parameters: ["clients": .int(Int64(clients)), "requests": .int(Int64(clients * requestsPerClient * 2))],
            figures: figures)
    }

    /// The cheapest route: GET of one small document, by the same kind of clients.
    func ceiling(_ workflow: String, clients: Int, requestsPerClient: Int) async throws -> ScenarioResult {
        let start = ContinuousClock.now
        let stats = try await withThrowingTaskGroup(of: LatencyStats.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    var stats = LatencyStats()
                    for _ in 0..<requestsPerClient {
                        stats.add(try await session.call(.get, "/workflows/\(workflow)").1)
                    }
                    return stats
                }
            }
            var all = LatencyStats()
            for try await stats in group { all.add(stats) }
            return all
        }
        let seconds = (ContinuousClock.now - start).seconds
        var figures: JSONObject = [
            "requests_per_second": .double(Double(stats.count) / seconds), "p50_ms": .double(stats.percentile(0.5)),
            "p99_ms": .double(stats.percentile(0.99)),
        ]
        figures.merge(memoryFigures()) { $1 }
        return ScenarioResult(
            scenario: "ceiling", parameters: ["clients": .int(Int64(clients)), "requests": .int(Int64(stats.count))],
            figures: figures)
    }
}
