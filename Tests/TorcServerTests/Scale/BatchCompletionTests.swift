import Testing
import TorcCore

/// `POST /workflows/{W}/jobs/complete_jobs`: many completions in one call,
/// each atomic on its own, with one outcome per job.
@Suite("Batched completion")
struct BatchCompletionTests {
    static let worker: JSONValue = ["num_cpus": 8, "memory_gb": 8]

    func result(_ job: JSONValue, code: Int64 = 0) -> JSONValue {
        [
            "job_key": job["_key"] ?? "", "job_name": job["name"] ?? "", "run_id": 1, "return_code": .int(code),
            "exec_time_minutes": 0.1, "completion_time": "2026-12-07T01:00:00", "status": "done",
        ]
    }

    func entry(_ job: JSONValue, rev: String? = nil, status: String = "done", code: Int64 = 0) -> JSONValue {
        [
            "job_key": job["_key"] ?? "", "status": .string(status), "rev": .string(rev ?? job.string("_rev")),
            "result": result(job, code: code),
        ]
    }

    @Test("a stale _rev fails only its own job and writes nothing for it")
    func staleRevision() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification([
                "jobs": [
                    ["name": "a", "command": "a"], ["name": "b", "command": "b"], ["name": "c", "command": "c"],
                    ["name": "after_a", "command": "d", "blocked_by": ["a"]],
                    ["name": "after_b", "command": "e", "blocked_by": ["b"]],
                ]
            ])
            try await api.initialize(w)
            let jobs =
                try await api.post("/workflows/prepare_jobs_for_submission/\(w)", Self.worker)["jobs"].arrayValue ?? []
            #expect(jobs.map { $0.string("name") } == ["a", "b", "c"])
            let answer = try await api.post(
                "/workflows/\(w)/jobs/complete_jobs",
                [
                    "jobs": [entry(jobs[0]), entry(jobs[1], rev: "stale"), entry(jobs[2], code: 1), entry(jobs[0])]
                ])
            #expect(answer.status == 200)
            let outcomes = answer["jobs"].arrayValue ?? []
            #expect(outcomes.map { $0["code"]?.intValue ?? 0 } == [200, 409, 200, 409])
            #expect(outcomes[0]["job"]?["status"] == "done" && outcomes[0]["job"]?["internal"] == nil)
            #expect(outcomes[1]["error"]?["errorMessage"]?.stringValue?.hasPrefix("Revision conflict") == true)
            #expect(outcomes[1]["job_key"] == jobs[1]["_key"])
            let statuses = try await api.statuses(w)
            #expect(
                statuses == [
                    "a": "done", "b": "submitted_pending", "c": "done", "after_a": "ready", "after_b": "blocked",
                ])
            let results = try await api.get("/workflows/\(w)/results")
            #expect(results["total_count"] == 2, "no result stored for the refused entries")
        }
    }

    @Test("refused entries: unknown job, non-completion status, invalid result; malformed bodies are 400")
    func validation() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification(["jobs": [["name": "a", "command": "a"]]])
            try await api.initialize(w)
            let job =
                try await api.post("/workflows/prepare_jobs_for_submission/\(w)", Self.worker)["jobs"].arrayValue?.first
                ?? .null
            let badResult: JSONValue = [
                "job_key": job["_key"] ?? "", "status": "done", "rev": job["_rev"] ?? "", "result": ["job_key": 1],
            ]
            let answer = try await api.post(
                "/workflows/\(w)/jobs/complete_jobs",
                [
                    "jobs": [
                        ["job_key": "nope", "status": "done", "rev": "1", "result": result(job)],
                        entry(job, status: "running"), badResult, entry(job),
                    ]
                ])
            #expect((answer["jobs"].arrayValue ?? []).map { $0["code"]?.intValue ?? 0 } == [404, 400, 400, 200])
            #expect(try await api.post("/workflows/\(w)/jobs/complete_jobs", ["jobs": "x"]).isError(400))
            #expect(try await api.post("/workflows/\(w)/jobs/complete_jobs", ["jobs": [["job_key": 1]]]).isError(400))
            let tooMany = JSONValue.array(Array(repeating: entry(job), count: 1001))
            #expect(try await api.post("/workflows/\(w)/jobs/complete_jobs", ["jobs": tooMany]).isError(400))
            #expect(try await api.post("/workflows/nope/jobs/complete_jobs", ["jobs": []]).isError(404))
        }
    }
}
