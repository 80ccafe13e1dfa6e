import Foundation
import HTTPTypes
import Testing
import TorcCore

/// Whole workflows driven by simulated job runners (docs/job-lifecycle.md, "Transitions"; docs/concurrency.md).
@Suite("Workflow runs")
struct WorkflowRunTests {
    static func chain(_ n: Int) -> JSONValue {
        [
            "jobs": .array(
                (0..<n).map { i in
                    ["name": .string("j\(i)"), "command": "c", "blocked_by": i == 0 ? [] : [.string("j\(i - 1)")]]
                })
        ]
    }

    static func fanOutFanIn(_ width: Int) -> JSONValue {
        var jobs: [JSONValue] = [["name": "root", "command": "c", "output_files": ["seed"]]]
        var files: [JSONValue] = [["name": "seed", "path": "seed"]]
        for i in 0..<width {
            files.append(["name": .string("out\(i)"), "path": .string("out\(i)")])
            jobs.append([
                "name": .string("w\(i)"), "command": "c", "input_files": ["seed"], "output_files": [.string("out\(i)")],
            ])
        }
        jobs.append(["name": "join", "command": "c", "input_files": .array((0..<width).map { .string("out\($0)") })])
        return ["files": .array(files), "jobs": .array(jobs)]
    }

    @Test("chain, diamond and fan-out/fan-in run to completion", arguments: ["chain", "diamond", "fan"])
    func shapes(shape: String) async throws {
        let spec: JSONValue =
            switch shape {
            case "chain": Self.chain(12)
            case "diamond": try Fixture.json("diamond_workflow.json")
            default: Self.fanOutFanIn(20)
            }
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification(spec)
            try await api.initialize(w)
            var runner = JobRunner(api: api, workflow: w)
            runner.resources = ["num_cpus": 64, "memory_gb": 512, "num_nodes": 1, "time_limit": "P2D"]
            let ran = try await runner.drain()
            let total = spec["jobs"]?.arrayValue?.count ?? 0
            #expect(ran.count == total && Set(ran).count == total)
            #expect(try await api.statuses(w).values.allSatisfy { $0 == "done" })
            #expect(try await api.get("/workflows/is_complete/\(w)")["is_complete"] == true)
            #expect(try await api.get("/workflows/\(w)/results")["total_count"] == .int(Int64(total)))
        }
    }

    /// A layered DAG of 2,000 jobs: each job after the first layer waits for two of the previous layer.
    static func layered(layers: Int = 20, width: Int = 100) -> JSONValue {
        var jobs: [JSONValue] = []
        for layer in 0..<layers {
            for i in 0..<width {
                let blockers: [JSONValue] =
                    layer == 0
                    ? []
                    : [
                        .string("l\(layer - 1)_\(i)"), .string("l\(layer - 1)_\((i * 7 + 3) % width)"),
                    ]
                jobs.append(["name": .string("l\(layer)_\(i)"), "command": "c", "blocked_by": .array(blockers)])
            }
        }
        return ["jobs": .array(jobs)]
    }

    /// 2,000 jobs on the embedded store; 400 on ArangoDB, where the emulator
    /// (one Python process serialising every request) sets the pace.
    static let drainLayers = TestStore.isArango ? 4 : 20

    @Test(
        "16 concurrent runners drain a layered DAG (2,000 jobs; 400 on ArangoDB): each handed out once, all done",
        arguments: TestStore.isArango ? [false] : [false, true])
    func concurrentRunners(onDisk: Bool) async throws {
        try await APIClient.withService(onDisk: onDisk) { (api: APIClient) async throws in
            let total = Self.drainLayers * 100
            let w = try await api.createSpecification(Self.layered(layers: Self.drainLayers))
            try await api.initialize(w)
            let ran = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<16 {
                    group.addTask { try await JobRunner(api: api, workflow: w).drain() }
                }
                var all: [String] = []
                for try await keys in group { all += keys }
                return all
            }
            #expect(ran.count == total, "every job handed out")
            #expect(Set(ran).count == total, "no job handed out twice")
            let statuses = try await api.statuses(w)
            #expect(statuses.count == total && statuses.values.allSatisfy { $0 == "done" })
            #expect(try await api.get("/workflows/\(w)/results")["total_count"] == .int(Int64(total)))
        }
    }

    @Test("two blockers completing at once wake their dependent exactly once")
    func diamondRace() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            for _ in 0..<40 {
                let w = try await api.createSpecification([
                    "jobs": [
                        ["name": "a", "command": "c"], ["name": "b", "command": "c"],
                        ["name": "d", "command": "c", "blocked_by": ["a", "b"]],
                    ]
                ])
                try await api.initialize(w)
                let runner = JobRunner(api: api, workflow: w)
                var runnerWide = runner
                runnerWide.resources = ["num_cpus": 2, "memory_gb": 8]
                let jobs = try await runnerWide.prepare()
                #expect(jobs.count == 2)
                let before = try await api.job(w, named: "d")
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for job in jobs { group.addTask { try await runner.run(job) } }
                    try await group.waitForAll()
                }
                let after = try await api.job(w, named: "d")
                #expect(after["status"] == "ready")
                #expect(after["_rev"] != before["_rev"])
            }
        }
    }

    @Test("cancel racing hand-outs leaves nothing submitted or pending")
    func cancelRace() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification(
                Self.chain(1).objectValue.map { _ in
                    ["jobs": .array((0..<400).map { ["name": .string("j\($0)"), "command": "c"] })]
                } ?? [:])
            try await api.initialize(w)
            let handed = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        var keys: [String] = []
                        let runner = JobRunner(api: api, workflow: w)
                        for _ in 0..<30 { keys += try await runner.prepare().map { $0.string("_key") } }
                        return keys
                    }
                }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(5))
                    _ = try await api.put("/workflows/cancel/\(w)")
                    return []
                }
                var all: [String] = []
                for try await keys in group { all += keys }
                return all
            }
            let statuses = try await api.get("/workflows/\(w)/jobs?limit=1000").items
            #expect(!statuses.contains { $0["status"] == "submitted_pending" || $0["status"] == "submitted" })
            let handedSet = Set(handed)
            #expect(handed.count == handedSet.count)
            for job in statuses where handedSet.contains(job.string("_key")) {
                #expect(job["status"] == "canceled")
            }
            let after = try await api.post(
                "/workflows/prepare_jobs_for_submission/\(w)", ["num_cpus": 8, "memory_gb": 8])
            #expect(after["jobs"] == [])
        }
    }

    @Test("restart: finished work whose inputs did not change stays done; the rest runs again")
    func restart() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification(try Fixture.json("diamond_workflow.json"))
            try await api.initialize(w)
            var runner = JobRunner(api: api, workflow: w)
            runner.resources = ["num_cpus": 64, "memory_gb": 512]
            runner.returnCode = { $0 == "work2" ? 1 : 0 }
            _ = try await runner.drain()
            #expect(
                try await api.statuses(w) == [
                    "preprocess": "done", "work1": "done", "work2": "done", "postprocess": "canceled",
                ])

            // Restart (docs/job-lifecycle.md, "Transitions"): run_id += 1; jobs that are not done go back to
            // uninitialized with plain PUTs; initialize_jobs. The failed-but-done work2 is not re-run, and postprocess
            // is ready because all its blockers are done.
            var status = try await api.get("/workflows/status/\(w)").json.objectValue!
            status["run_id"] = 2
            _ = try await api.put("/workflows/status/\(w)", .object(status))
            var post = try await api.job(w, named: "postprocess").objectValue!
            post["status"] = "uninitialized"
            #expect(
                try await api.put("/workflows/\(w)/jobs/\(post["_key"]!.stringValue!)", .object(post)).status == 200)
            try await api.initialize(w)
            #expect(
                try await api.statuses(w) == [
                    "preprocess": "done", "work1": "done", "work2": "done", "postprocess": "ready",
                ])
            runner.returnCode = { _ in 0 }
            #expect(try await runner.drain().count == 1)
            #expect(try await api.statuses(w).values.allSatisfy { $0 == "done" })

            // The input of preprocess changed: manage_status_change resets it and everything downstream.
            let pre = try await api.job(w, named: "preprocess")
            let reset = try await api.send(
                .put,
                "/workflows/\(w)/jobs/manage_status_change/\(pre.string("_key"))/uninitialized/\(pre.string("_rev"))")
            #expect(reset.status == 200)
            #expect(try await api.statuses(w).values.allSatisfy { $0 == "uninitialized" })
            try await api.initialize(w)
            #expect(
                try await api.statuses(w) == [
                    "preprocess": "ready", "work1": "blocked", "work2": "blocked", "postprocess": "blocked",
                ])
            #expect(try await runner.drain().count == 4)
            #expect(try await api.statuses(w).values.allSatisfy { $0 == "done" })
            #expect(try await api.job(w, named: "preprocess")["run_id"] == 2)
            #expect(try await api.job(w, named: "postprocess")["run_id"] == 2)
        }
    }

    @Test("auto-tune: one job per group runs, results tune the requirements, the rest is re-enabled")
    func autoTune() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification([
                "config": ["compute_node_resource_stats": ["process": true]],
                "resource_requirements": [
                    ["name": "small", "num_cpus": 1, "memory": "1g", "runtime": "P0DT1H"],
                    ["name": "medium", "num_cpus": 4, "memory": "8g", "runtime": "P0DT2H"],
                ],
                "jobs": [
                    ["name": "s1", "command": "c", "resource_requirements": "small"],
                    ["name": "s2", "command": "c", "resource_requirements": "small"],
                    ["name": "m1", "command": "c", "resource_requirements": "medium"],
                    ["name": "m2", "command": "c", "resource_requirements": "medium"],
                    ["name": "d1", "command": "c"],
                ],
            ])
            try await api.initialize(w)
            #expect(
                try await api.post("/workflows/auto_tune_resource_requirements/\(w)")["message"]
                    == "Enabled jobs for auto-tune mode.")
            #expect(
                try await api.statuses(w) == [
                    "s1": "ready", "s2": "disabled", "m1": "ready", "m2": "disabled", "d1": "ready",
                ])
            let keys = try await api.get("/workflows/status/\(w)")["auto_tune_status"]["job_keys"]?.arrayValue ?? []
            #expect(keys.count == 3)
            #expect(
                try await api.post("/workflows/auto_tune_resource_requirements/\(w)").message
                    == "Job \(try await api.job(w, named: "s2").string("_key")) is already disabled")
            #expect(
                try await api.post("/workflows/process_auto_tune_resource_requirements_results/\(w)").isError(400),
                "no stats yet")

            var runner = JobRunner(api: api, workflow: w)
            runner.resources = ["num_cpus": 16, "memory_gb": 64]
            let ran = try await runner.drain()
            #expect(ran.count == 3)
            for name in ["s1", "m1", "d1"] {
                let job = try await api.job(w, named: name)
                let stats = try await api.create(
                    w, "job_process_stats",
                    [
                        "job_key": .string(job.string("_key")), "run_id": 1, "avg_cpu_percent": 50,
                        "max_cpu_percent": 130,
                        "avg_rss": 1e8, "max_rss": 734_003_200, "num_samples": 3, "timestamp": "t",
                    ])
                try await api.link(w, "process_used", from: job, to: stats)
            }
            // d1 has no requirements document: nothing to tune.
            #expect(
                try await api.post("/workflows/process_auto_tune_resource_requirements_results/\(w)").message
                    == "Job \(try await api.job(w, named: "d1").string("_key")) has no resource requirements to tune")
            #expect(try await api.get("/workflows/\(w)/events")["total_count"] == 0)
        }
    }

    @Test("auto-tune result processing rewrites requirements, writes one event each, re-enables jobs")
    func autoTuneResults() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification([
                "config": ["compute_node_resource_stats": ["process": true]],
                "resource_requirements": [["name": "small", "num_cpus": 1, "memory": "1g", "runtime": "P0DT1H"]],
                "jobs": [
                    ["name": "s1", "command": "c", "resource_requirements": "small"],
                    ["name": "s2", "command": "c", "resource_requirements": "small"],
                ],
            ])
            try await api.initialize(w)
            _ = try await api.post("/workflows/auto_tune_resource_requirements/\(w)")
            var runner = JobRunner(api: api, workflow: w)
            runner.resources = ["num_cpus": 16, "memory_gb": 64]
            _ = try await runner.drain()
            let s1 = try await api.job(w, named: "s1")
            let stats = try await api.create(
                w, "job_process_stats",
                [
                    "job_key": .string(s1.string("_key")), "run_id": 1, "avg_cpu_percent": 50, "max_cpu_percent": 130,
                    "avg_rss": 1e8, "max_rss": 734_003_200, "num_samples": 3, "timestamp": "t",
                ])
            try await api.link(w, "process_used", from: s1, to: stats)
            let response = try await api.post("/workflows/process_auto_tune_resource_requirements_results/\(w)")
            #expect(response["message"] == "Processed the results of auto-tuning resource requirements.")
            let rr = try await api.get("/workflows/\(w)/resource_requirements").items[0]
            #expect(rr["num_cpus"] == 2 && rr["memory"] == "1g" && rr["runtime"] == "P0DT0H1M")
            let events = try await api.get("/workflows/\(w)/events").items
            #expect(events.count == 1 && events.first?["category"] == "resource_requirements")
            #expect(events.first?["old"]?["num_cpus"] == 1 && events.first?["new"]?["num_cpus"] == 2)
            #expect(try await api.statuses(w) == ["s1": "done", "s2": "uninitialized"])
            let autoTune = try await api.get("/workflows/status/\(w)")["auto_tune_status"]
            #expect(autoTune["enabled"] == false && autoTune["disabled"] == nil)
        }
    }
}
