import Foundation
import HTTPTypes
import Testing
import TorcCore

/// docs/job-lifecycle.md, "Completion": complete_job, manage_status_change, unblocking and cancelling.
@Suite("Job completion and status changes")
struct JobCompletionTests {
    static func result(_ job: JSONValue, code: Int64 = 0, status: String = "done", time: String = "2023-04-13 10:00:00")
        -> JSONValue
    {
        [
            "job_key": .string(job.string("_key")), "job_name": .string(job.string("name")), "run_id": 1,
            "return_code": .int(code), "exec_time_minutes": 0.5, "completion_time": .string(time),
            "status": .string(status),
        ]
    }

    func complete(_ api: APIClient, _ w: String, _ name: String, status: String = "done", code: Int64 = 0) async throws
        -> APIResponse
    {
        let job = try await api.job(w, named: name)
        return try await api.post(
            "/workflows/\(w)/jobs/complete_job/\(job.string("_key"))/\(status)/\(job.string("_rev"))",
            Self.result(job, code: code, status: status))
    }

    static let diamond: JSONValue = [
        "jobs": [
            ["name": "pre", "command": "c"],
            ["name": "w1", "command": "c", "blocked_by": ["pre"]],
            ["name": "w2", "command": "c", "blocked_by": ["pre"], "cancel_on_blocking_job_failure": false],
            ["name": "post", "command": "c", "blocked_by": ["w1", "w2"]],
            ["name": "after", "command": "c", "blocked_by": ["post"]],
        ]
    ]

    @Test("completion stores the result and unblocks dependents whose blockers are all complete")
    func unblocking() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification(Self.diamond)
            try await api.initialize(w)
            let pre = try await api.job(w, named: "pre")
            let id = pre.string("_id").replacingOccurrences(of: "/", with: "%2F")
            let done = try await api.post(
                "/workflows/\(w)/jobs/complete_job/\(id)/done/\(pre.string("_rev"))", Self.result(pre))
            #expect(done.status == 200 && done["status"] == "done" && done["internal"] == .null)
            #expect(done.string("_rev") != pre.string("_rev"))
            #expect(
                try await api.statuses(w) == [
                    "pre": "done", "w1": "ready", "w2": "ready", "post": "blocked", "after": "blocked",
                ])
            #expect(try await api.get("/workflows/\(w)/results/find_by_job/\(pre.string("_key"))")["return_code"] == 0)
            _ = try await complete(api, w, "w1")
            #expect(try await api.statuses(w)["post"] == "blocked")
            _ = try await complete(api, w, "w2")
            #expect(try await api.statuses(w)["post"] == "ready")
        }
    }

    @Test("a failed blocker cancels dependents that ask for it, recursively")
    func cancellation() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification(Self.diamond)
            try await api.initialize(w)
            _ = try await complete(api, w, "pre", code: 1)
            #expect(
                try await api.statuses(w) == [
                    "pre": "done", "w1": "canceled", "w2": "ready", "post": "blocked", "after": "blocked",
                ])
            _ = try await complete(api, w, "w2")
            // post's blockers are complete and w1 failed (no result): post and after are canceled.
            #expect(
                try await api.statuses(w) == [
                    "pre": "done", "w1": "canceled", "w2": "done", "post": "canceled", "after": "canceled",
                ])
            #expect(try await api.get("/workflows/is_complete/\(w)")["is_complete"] == true)
        }
    }

    @Test("a terminated job that exited 0 has not failed")
    func terminatedNotFailed() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification([
                "jobs": [["name": "a", "command": "c"], ["name": "b", "command": "c", "blocked_by": ["a"]]]
            ])
            try await api.initialize(w)
            _ = try await complete(api, w, "a", status: "terminated")
            #expect(try await api.statuses(w)["b"] == "ready")
        }
    }

    @Test("stale rev: 409 and nothing written; completion status checked")
    func conflicts() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification(Self.diamond)
            try await api.initialize(w)
            let pre = try await api.job(w, named: "pre")
            let stale = try await api.post(
                "/workflows/\(w)/jobs/complete_job/\(pre.string("_key"))/done/_stale", Self.result(pre))
            #expect(stale.isError(409))
            #expect(stale.message == "Revision conflict for \(pre.string("_id")): _rev=\(pre.string("_rev"))")
            #expect(try await api.get("/workflows/\(w)/results")["total_count"] == 0)
            #expect(try await api.get("/workflows/\(w)/edges/returned")["total_count"] == 0)
            #expect(try await api.job(w, named: "pre")["_rev"] == pre["_rev"])
            let notComplete = try await api.post(
                "/workflows/\(w)/jobs/complete_job/\(pre.string("_key"))/ready/\(pre.string("_rev"))", Self.result(pre))
            #expect(notComplete.message == "status=ready does not indicate completion")
            #expect(
                try await api.post("/workflows/\(w)/jobs/complete_job/nope/done/x", Self.result(pre)).message
                    == "Error: Document not found. Operation: Get jobs with key=nope")
            #expect(
                try await api.post("/workflows/\(w)/jobs/complete_job/\(pre.string("_key"))/done/x", ["job_key": "1"])
                    .isError(400))
        }
    }

    @Test("after a cancel, reporting the canceled job stores the result and keeps its _rev")
    func canceledThenReported() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification(["jobs": [["name": "a", "command": "c"]]])
            try await api.initialize(w)
            let handed = try await api.post(
                "/workflows/prepare_jobs_for_submission/\(w)", ["num_cpus": 1, "memory_gb": 1])
            #expect((handed["jobs"].arrayValue ?? []).count == 1)
            _ = try await api.put("/workflows/cancel/\(w)")
            let canceled = try await api.job(w, named: "a")
            #expect(canceled["status"] == "canceled")
            let reported = try await api.post(
                "/workflows/\(w)/jobs/complete_job/\(canceled.string("_key"))/canceled/\(canceled.string("_rev"))",
                Self.result(canceled, code: -15, status: "canceled"))
            #expect(reported.status == 200 && reported["_rev"] == canceled["_rev"])
            #expect(try await api.get("/workflows/\(w)/results")["total_count"] == 1)
            let complete = try await api.get("/workflows/is_complete/\(w)")
            #expect(complete.json == ["is_canceled": true, "is_complete": true])
        }
    }

    @Test("manage_status_change: rules, stale rev 400, reversal downstream")
    func statusChanges() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification(Self.diamond)
            try await api.initialize(w)
            for name in ["pre", "w1", "w2", "post", "after"] { _ = try await complete(api, w, name) }
            let pre = try await api.job(w, named: "pre")
            let base = "/workflows/\(w)/jobs/manage_status_change/\(pre.string("_key"))"
            #expect(
                try await api.send(.put, "\(base)/done/\(pre.string("_rev"))").message
                    == "status=done indicates completion. Post complete_job status instead.")
            #expect(
                try await api.send(.put, "\(base)/sleeping/\(pre.string("_rev"))").message
                    == "Invalid job status: sleeping")
            let stale = try await api.send(.put, "\(base)/uninitialized/_old")
            #expect(
                stale.isError(400)
                    && stale.message == "Revision conflict for \(pre.string("_id")): _rev=\(pre.string("_rev"))")
            let same = try await api.send(
                .put, "/workflows/\(w)/jobs/manage_status_change/\(pre.string("_key"))/done/\(pre.string("_rev"))")
            #expect(same.isError(400))
            let reset = try await api.send(.put, "\(base)/uninitialized/\(pre.string("_rev"))")
            #expect(
                reset.status == 200 && reset["status"] == "uninitialized" && reset.string("_rev") != pre.string("_rev"))
            #expect(try await api.statuses(w).values.allSatisfy { $0 == "uninitialized" })
            #expect(try await api.get("/workflows/\(w)/results")["total_count"] == 5, "results are kept")
        }
    }

    @Test("cancel and reset_status")
    func cancelAndReset() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification(Self.diamond)
            try await api.initialize(w)
            _ = try await api.post("/workflows/prepare_jobs_for_submission/\(w)", ["num_cpus": 1, "memory_gb": 1])
            _ = try await api.put("/workflows/cancel/\(w)")
            #expect(
                try await api.statuses(w) == [
                    "pre": "canceled", "w1": "blocked", "w2": "blocked", "post": "blocked", "after": "blocked",
                ])
            #expect(try await api.get("/workflows/status/\(w)")["is_canceled"] == true)
            #expect(try await api.get("/workflows/\(w)/events")["total_count"] == 0, "the engine writes no events here")
            let before = try await api.job(w, named: "w1")
            #expect(
                try await api.post("/workflows/reset_status/\(w)")["message"] == "Reset job status to uninitialized")
            #expect(try await api.statuses(w).values.allSatisfy { $0 == "uninitialized" })
            #expect(try await api.job(w, named: "w1")["_rev"] != before["_rev"], "every job is written")
            let status = try await api.get("/workflows/status/\(w)")
            #expect(status["is_canceled"] == false && status["run_id"] == 1)
            #expect(try await api.get("/workflows/\(w)/edges/blocks")["total_count"] == 5, "edges kept")
        }
    }

    @Test("is_complete and ready_job_requirements")
    func runState() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let empty = try await api.createWorkflow()
            #expect(
                try await api.get("/workflows/is_complete/\(empty)").json == [
                    "is_canceled": false, "is_complete": true,
                ])
            let w = try await api.createSpecification([
                "resource_requirements": [
                    ["name": "a", "num_cpus": 4, "memory": "8g", "runtime": "P0DT2H"],
                    ["name": "b", "num_cpus": 8, "memory": "16g", "runtime": "P0DT12H", "num_nodes": 2],
                ],
                "jobs": [
                    ["name": "x", "command": "c", "resource_requirements": "a"],
                    ["name": "y", "command": "c", "resource_requirements": "b"],
                    ["name": "z", "command": "c"],
                ],
            ])
            #expect(try await api.get("/workflows/is_complete/\(w)")["is_complete"] == false)
            let none = try await api.get("/workflows/ready_job_requirements/\(w)")
            #expect(
                none.json == [
                    "num_jobs": 0, "num_cpus": 0, "num_gpus": 0, "memory_gb": 0.0, "max_memory_gb": 0.0,
                    "max_num_nodes": 0,
                    "max_runtime": "",
                ])
            try await api.initialize(w)
            let ready = try await api.get("/workflows/ready_job_requirements/\(w)")
            #expect(ready["num_jobs"] == 3 && ready["num_cpus"] == 13 && ready["max_num_nodes"] == 2)
            #expect(ready["max_runtime"] == "P0DT12H" && ready["max_memory_gb"] == 16.0)
            #expect(abs((ready["memory_gb"].doubleValue ?? 0) - (24.0 + 1.0 / 1024)) < 1e-9)
        }
    }
}
