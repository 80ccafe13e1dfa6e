import CurlHTTP
import Foundation
import TorcCore
import TorcTestSupport

extension Scenarios {
    /// ArangoDB requests per call on small workflows of the shapes that used
    /// to make the count grow: a job with `fanOut` dependents, a join of `join` blockers.
    func arangoRequests(counter: ArangoRequestCounter, fanOut: Int = 100, join: Int = 100) async throws
        -> ScenarioResult
    {
        var figures: JSONObject = [:]
        var jobs: [JSONValue] = [["name": "first", "command": "true"], ["name": "other", "command": "true"]]
        jobs += (0..<fanOut).map { ["name": .string("d\($0)"), "command": "true", "blocked_by": ["first"]] }
        jobs += (0..<join).map { ["name": .string("b\($0)"), "command": "true"] }
        jobs.append(["name": "join", "command": "true", "blocked_by": .array((0..<join).map { .string("b\($0)") })])
        let (created, _) = try await session.call(
            .post, "/workflow_specifications", json: ["name": "requests", "jobs": .array(jobs)])
        let w = created["_key"]?.stringValue ?? ""
        try await session.call(.post, "/workflows/initialize_jobs/\(w)")
        let (list, _) = try await session.call(.get, "/workflows/\(w)/jobs?limit=10000")
        var byName: [String: JSONValue] = [:]
        for job in list["items"]?.arrayValue ?? [] { byName[job["name"]?.stringValue ?? ""] = job }
        func result(_ key: String) -> JSONValue {
            [
                "job_key": .string(key), "job_name": .string(key), "run_id": 1, "return_code": 0,
                "exec_time_minutes": 0.0, "completion_time": "2026-01-01T00:00:00.000000", "status": "done",
            ]
        }
        func measure(_ name: String, _ body: () async throws -> Void) async throws {
            figures[name] = .int(Int64(try await counter.count(body)))
        }
        let other = byName["other"]?["_key"]?.stringValue ?? ""
        try await measure("get_job") { try await session.call(.get, "/workflows/\(w)/jobs/\(other)") }
        try await measure("is_complete") { try await session.call(.get, "/workflows/is_complete/\(w)") }
        try await measure("ready_job_requirements") {
            try await session.call(.get, "/workflows/ready_job_requirements/\(w)")
        }
        try await measure("post_job_user_data") {
            try await session.call(.post, "/workflows/\(w)/jobs/user_data/\(other)", json: ["a": 1])
        }
        try await measure("get_job_user_data") {
            try await session.call(.get, "/workflows/\(w)/jobs/user_data/\(other)")
        }
        try await measure("post_result") {
            try await session.call(.post, "/workflows/\(w)/results", json: result(other))
        }
        var handed: [JSONValue] = []
        try await measure("prepare_jobs_for_submission") {
            let (answer, _) = try await session.call(
                .post, "/workflows/prepare_jobs_for_submission/\(w)",
                json: ["num_cpus": 1, "memory_gb": 1, "num_nodes": 1])
            handed = answer["jobs"]?.arrayValue ?? []
        }
        guard let job = handed.first, let key = job["_key"]?.stringValue else { throw BenchError("nothing handed out") }
        var rev = job["_rev"]?.stringValue ?? ""
        try await measure("manage_status_change") {
            let (answer, _) = try await session.call(
                .put, "/workflows/\(w)/jobs/manage_status_change/\(key)/submitted/\(rev)")
            rev = answer["_rev"]?.stringValue ?? ""
        }
        let completeName =
            key == byName["first"]?["_key"]?.stringValue ? "complete_job_\(fanOut)_dependents" : "complete_job"
        try await measure(completeName) {
            try await session.call(.post, "/workflows/\(w)/jobs/complete_job/\(key)/done/\(rev)", json: result(key))
        }
        if completeName == "complete_job", let first = byName["first"], let firstKey = first["_key"]?.stringValue {
            try await measure("complete_job_\(fanOut)_dependents") {
                try await session.call(
                    .post, "/workflows/\(w)/jobs/complete_job/\(firstKey)/done/\(first["_rev"]?.stringValue ?? "")",
                    json: result(firstKey))
            }
        }
        for index in 0..<join {
            guard let blocker = byName["b\(index)"], let blockerKey = blocker["_key"]?.stringValue else { continue }
            let path = "/workflows/\(w)/jobs/complete_job/\(blockerKey)/done/\(blocker["_rev"]?.stringValue ?? "")"
            if index == join - 1 {
                try await measure("complete_job_last_of_join_\(join)") {
                    try await session.call(.post, path, json: result(blockerKey))
                }
            } else {
                try await session.call(.post, path, json: result(blockerKey))
            }
        }
        _ = try await session.call(.delete, "/workflows/\(w)")
        return ScenarioResult(
            scenario: "arango_requests", parameters: ["fan_out": .int(Int64(fanOut)), "join": .int(Int64(join))],
            figures: figures)
    }
}
