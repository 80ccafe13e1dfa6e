import HTTPTypes
import Logging
import Synchronization
import Testing
import TorcCore
import TorcEngine
@testable import TorcServer

/// The dashboard: pages and assets served from the binary, and the JSON
/// endpoints its pages poll (outside the API prefix).
@Suite("Dashboard")
struct DashboardTests {
    /// The diamond workflow in several states: `preprocess` done, `work1` done
    /// but failed (return code 1), `work2` handed out (`submitted_pending`) and
    /// `postprocess` blocked.
    static func diamond(_ api: APIClient) async throws -> String {
        let w = try await api.createSpecification(try Fixture.json("diamond_workflow.json"))
        try await api.initialize(w)
        var runner = JobRunner(api: api, workflow: w, returnCode: { $0 == "work1" ? 1 : 0 })
        runner.resources = ["num_cpus": 64, "memory_gb": 512, "num_gpus": 0, "num_nodes": 1, "time_limit": "P0DT24H"]
        for job in try await runner.prepare() { try await runner.run(job) }
        let next = try await runner.prepare()
        if let work1 = next.first(where: { $0.string("name") == "work1" }) { try await runner.run(work1) }
        return w
    }

    @Test("the root, the page paths and the assets are served from the binary")
    func pagesAndAssets() async throws {
        try await OperationsHarness.withService { api, _ in
            for path in ["/", "/dashboard", "/dashboard/test/workflows/123/graph"] {
                let page = try await api.plain(.get, path)
                #expect(page.status == 200)
                #expect(page.headers[.contentType] == "text/html; charset=utf-8")
                #expect(page.text.contains("<script src=\"/dashboard/assets/app.js\"></script>"))
            }
            let script = try await api.plain(.get, "/dashboard/assets/app.js")
            #expect(script.status == 200 && script.headers[.contentType]?.hasPrefix("text/javascript") == true)
            #expect(script.text.contains("function viewGraph"))
            let style = try await api.plain(.get, "/dashboard/assets/app.css")
            #expect(style.status == 200 && style.text.contains("--s-done"))
            let missing = try await api.plain(.get, "/dashboard/assets/nope.js")
            #expect(missing.status == 404 && missing.json["errorNum"] == 1203 || missing.status == 404)
            let post = try await api.plain(.post, "/")
            #expect(post.status == 405)
        }
    }

    @Test("the workflows list has counts by status and the complete and canceled flags")
    func workflowsList() async throws {
        try await OperationsHarness.withService { api, _ in
            let w = try await Self.diamond(api)
            let empty = try await api.createWorkflow(["name": "empty", "user": "ann"])
            let list = try await api.plain(.get, "/_dashboard/api/test/workflows")
            #expect(list.status == 200)
            let items = list.json["items"]?.arrayValue ?? []
            try #require(items.map { $0.string("_key") } == [empty, w], "newest first")
            let counts = items[1]["job_counts"]
            #expect(
                counts?["total"] == 4 && counts?["done"] == 2 && counts?["submitted_pending"] == 1
                    && counts?["blocked"] == 1)
            #expect(items[1]["is_complete"] == false && items[1]["is_canceled"] == false)
            #expect(items[0]["job_counts"]?["total"] == 0)
        }
    }

    @Test("the workflow view pages and filters jobs by status and name, in one request")
    func workflowView() async throws {
        try await OperationsHarness.withService { api, _ in
            let w = try await Self.diamond(api)
            let all = try await api.plain(.get, "/_dashboard/api/test/workflows/\(w)?limit=3")
            #expect(all.status == 200)
            #expect(all.json["job_counts"]?["total"] == 4)
            #expect(all.json["jobs"]?["items"]?.arrayValue?.count == 3)
            #expect(all.json["jobs"]?["total_count"] == 4)
            #expect(all.json["schedulers"]?.arrayValue?.isEmpty == false)
            #expect(all.json["files"]?["total_count"] != 0)
            #expect(all.json["resource_requirements"]?["total_count"] != 0)
            let second = try await api.plain(.get, "/_dashboard/api/test/workflows/\(w)?limit=3&skip=3")
            #expect(second.json["jobs"]?["items"]?.arrayValue?.count == 1)
            let blocked = try await api.plain(.get, "/_dashboard/api/test/workflows/\(w)?status=blocked")
            #expect(Set(blocked.json["jobs"]?["items"]?.arrayValue?.map { $0.string("name") } ?? []) == ["postprocess"])
            let named = try await api.plain(.get, "/_dashboard/api/test/workflows/\(w)?name=WORK")
            #expect(named.json["jobs"]?["total_count"] == 2)
            let both = try await api.plain(.get, "/_dashboard/api/test/workflows/\(w)?name=work&status=done")
            #expect(both.json["jobs"]?["items"]?.arrayValue?.map { $0.string("name") } == ["work1"])
            let bad = try await api.plain(.get, "/_dashboard/api/test/workflows/\(w)?limit=x")
            #expect(bad.status == 400 && bad.json["error"] == true)
            let unknown = try await api.plain(.get, "/_dashboard/api/test/workflows/999999")
            #expect(unknown.status == 404 && unknown.json["error"] == true)
        }
    }

    @Test("the graph lays jobs out in stages along blocks edges")
    func graph() async throws {
        try await OperationsHarness.withService { api, _ in
            let w = try await Self.diamond(api)
            let graph = try await api.plain(.get, "/_dashboard/api/test/workflows/\(w)/graph")
            #expect(graph.json["mode"] == "full")
            let nodes = graph.json["nodes"]?.arrayValue ?? []
            var stage: [String: Int64] = [:]
            for node in nodes { stage[node.string("name")] = node["stage"]?.intValue }
            #expect(stage == ["preprocess": 0, "work1": 1, "work2": 1, "postprocess": 2])
            #expect(graph.json["edges"]?.arrayValue?.count == 4)
            let grouped = try await api.plain(.get, "/_dashboard/api/test/workflows/\(w)/graph?max_nodes=2")
            #expect(grouped.json["mode"] == "grouped")
            let stages = grouped.json["stages"]?.arrayValue ?? []
            try #require(stages.count == 3)
            #expect(stages[1]["counts"] == ["done": 1, "submitted_pending": 1])
            #expect(
                grouped.json["stage_edges"] == [["from": 0, "to": 1, "count": 2], ["from": 1, "to": 2, "count": 2]])
        }
    }

    @Test("stages are the longest path from a root; cycles go last")
    func stages() {
        #expect(GraphStages.compute(count: 4, edges: [(0, 1), (1, 2), (0, 2), (3, 2)]) == [0, 1, 2, 0])
        #expect(GraphStages.compute(count: 3, edges: [(0, 1), (1, 2), (2, 1)]) == [0, 2, 2])
        #expect(GraphStages.compute(count: 0, edges: []) == [])
    }

    @Test("the job view has results, user data, files, blockers and process statistics")
    func jobView() async throws {
        try await OperationsHarness.withService { api, _ in
            let w = try await Self.diamond(api)
            let jobs = try await api.get("/workflows/\(w)/jobs")
            let work1 = jobs.items.first { $0.string("name") == "work1" }?.string("_key") ?? ""
            _ = try await api.post(
                "/workflows/\(w)/job_process_stats",
                [
                    "job_key": .string(work1), "run_id": 1, "avg_cpu_percent": 50.5, "max_cpu_percent": 90.0,
                    "avg_rss": 1_500_000_000, "max_rss": 2_000_000_000, "num_samples": 10,
                    "timestamp": "2026-12-07T01:00:00",
                ])
            let stats = try await api.get("/workflows/\(w)/job_process_stats")
            try #require(stats.items.count == 1)
            _ = try await api.post(
                "/workflows/\(w)/edges/process_used",
                [
                    "_from": .string("jobs__\(w)/\(work1)"), "_to": stats.items[0]["_id"] ?? .null,
                ])
            let job = try await api.plain(.get, "/_dashboard/api/test/workflows/\(w)/jobs/\(work1)")
            #expect(job.status == 200)
            #expect(job.json["job"]?["name"] == "work1" && job.json["job"]?["status"] == "done")
            #expect(job.json["job"]?["internal"] == nil)
            #expect(job.json["results"]?.arrayValue?.first?["return_code"] == 1)
            #expect(job.json["user_data"]?.arrayValue?.first?["key1"] == "val1")
            #expect(job.json["input_files"]?.arrayValue?.map { $0.string("name") } == ["file1"])
            #expect(job.json["output_files"]?.arrayValue?.map { $0.string("name") } == ["file2"])
            #expect(job.json["blocked_by"]?.arrayValue?.map { $0.string("name") } == ["preprocess"])
            #expect(job.json["process_stats"]?.arrayValue?.first?["max_cpu_percent"] == 90.0)
            #expect(job.json["resource_requirements"]?["name"] == "medium")
        }
    }

    @Test("actions are refused while the switch is off")
    func actionsOffByDefault() async throws {
        try await OperationsHarness.withService { api, _ in
            let w = try await Self.diamond(api)
            let config = try await api.plain(.get, "/_dashboard/api/config")
            #expect(config.json == ["actions_enabled": false])
            for action in ["cancel", "reset_status", "restart_failed"] {
                let refused = try await api.plain(.post, "/_dashboard/api/test/workflows/\(w)/actions/\(action)")
                #expect(refused.status == 403 && refused.json["error"] == true)
            }
            let status = try await api.get("/workflows/status/\(w)")
            #expect(status["is_canceled"] == false)
        }
    }

    @Test("with the switch on, restart failed resets the failed job and its dependents only")
    func actionsEnabled() async throws {
        var configuration = ServiceConfiguration(port: 0, store: .memory, logLevel: .warning)
        configuration.dashboard.actionsEnabled = true
        try await OperationsHarness.withService(configuration: configuration) { api, _ in
            let w = try await Self.diamond(api)
            let restart = try await api.plain(.post, "/_dashboard/api/test/workflows/\(w)/actions/restart_failed")
            #expect(restart.status == 200 && restart.json["count"] == 1)
            let statuses = try await api.statuses(w)
            #expect(statuses["preprocess"] == "done")
            #expect(statuses["work1"] == "uninitialized" && statuses["postprocess"] == "uninitialized")
            #expect(statuses["work2"] == "submitted_pending")
            let cancel = try await api.plain(.post, "/_dashboard/api/test/workflows/\(w)/actions/cancel")
            #expect(cancel.status == 200)
            let status = try await api.get("/workflows/status/\(w)")
            #expect(status["is_canceled"] == true)
            let unknown = try await api.plain(.post, "/_dashboard/api/test/workflows/\(w)/actions/explode")
            #expect(unknown.status == 404)
        }
    }
}

/// The cache keeps only answers that were expensive to build.
@Suite("Dashboard cache of costly answers")
struct CostlyAnswerCacheTests {
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
        func next() -> Int { value.add(1, ordering: .relaxed).newValue }
    }

    @Test("cheap answers are built on every request, expensive ones are reused while fresh")
    func reuse() async throws {
        let cache = CostlyAnswerCache()
        let builds = Counter()
        for _ in 0..<3 {
            _ = try await cache.answer(for: "cheap") { .int(Int64(builds.next())) }
        }
        #expect(builds.value.load(ordering: .relaxed) == 3)
        let slow = Counter()
        var answers: [JSONValue] = []
        for _ in 0..<3 {
            answers.append(
                try await cache.answer(for: "slow") {
                    try await Task.sleep(for: .milliseconds(150))
                    return .int(Int64(slow.next()))
                })
        }
        #expect(slow.value.load(ordering: .relaxed) == 1)
        #expect(answers == [1, 1, 1])
    }
}
