import Foundation
import HTTPTypes
import TorcCore

/// A simulated job runner doing what the torc job runner does per job:
/// prepare_jobs_for_submission -> job PUT (run_id + 1) -> manage_status_change
/// to `submitted` -> complete_job with the job's `_id` as key.
struct JobRunner: Sendable {
    let api: APIClient
    let workflow: String
    var resources: JSONValue = ["num_cpus": 4, "memory_gb": 8, "num_gpus": 0, "num_nodes": 1, "time_limit": "P0DT24H"]
    /// The return code each job reports, by job name.
    var returnCode: @Sendable (String) -> Int64 = { _ in 0 }

    /// Asks for jobs once; returns the jobs handed out.
    func prepare() async throws -> [JSONValue] {
        let response = try await api.post("/workflows/prepare_jobs_for_submission/\(workflow)", resources)
        guard response.status == 200 else { throw RunnerError("prepare: \(response.json)") }
        return response["jobs"].arrayValue ?? []
    }

    /// Runs one handed-out job to completion; returns the job after complete_job.
    @discardableResult
    func run(_ job: JSONValue) async throws -> JSONValue {
        var body = job.objectValue ?? [:]
        body["run_id"] = .int((job["run_id"]?.intValue ?? 0) + 1)
        let key = job.string("_key")
        let put = try await api.put("/workflows/\(workflow)/jobs/\(key)", .object(body))
        guard put.status == 200 else { throw RunnerError("PUT: \(put.json)") }
        let submitted = try await api.send(
            .put, "/workflows/\(workflow)/jobs/manage_status_change/\(key)/submitted/\(put.string("_rev"))")
        guard submitted.status == 200 else { throw RunnerError("submitted: \(submitted.json)") }
        let name = job.string("name")
        let code = returnCode(name)
        let id = job.string("_id").replacingOccurrences(of: "/", with: "%2F")
        let done = try await api.post(
            "/workflows/\(workflow)/jobs/complete_job/\(id)/done/\(submitted.string("_rev"))",
            [
                "job_key": .string(key), "job_name": .string(name), "run_id": body["run_id"] ?? 1,
                "return_code": .int(code), "exec_time_minutes": 0.01,
                "completion_time": .string(Self.now()),
                "status": "done",
            ])
        guard done.status == 200 else { throw RunnerError("complete: \(done.json)") }
        return done.json
    }

    /// The current time as the job runner writes it (`2023-04-13T10:20:30.123456`).
    static func now() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSSSS"
        return formatter.string(from: Date())
    }

    /// Loops until the workflow is complete; returns the keys it ran.
    func drain(maxIdlePolls: Int = 2000) async throws -> [String] {
        var ran: [String] = []
        var idle = 0
        while true {
            let jobs = try await prepare()
            if jobs.isEmpty {
                let complete = try await api.get("/workflows/is_complete/\(workflow)")
                if complete["is_complete"] == true || complete["is_canceled"] == true { return ran }
                idle += 1
                if idle > maxIdlePolls { throw RunnerError("no progress") }
                try await Task.sleep(for: .milliseconds(1))
                continue
            }
            idle = 0
            for job in jobs {
                try await run(job)
                ran.append(job.string("_key"))
            }
        }
    }
}

struct RunnerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension APIClient {
    /// Posts a workflow specification and returns the workflow key.
    func createSpecification(_ spec: JSONValue) async throws -> String {
        let response = try await post("/workflow_specifications", spec)
        guard response.status == 200 else { throw RunnerError("specification: \(response.json)") }
        return response.string("_key")
    }

    /// Calls initialize_jobs.
    func initialize(_ workflow: String) async throws {
        let response = try await post("/workflows/initialize_jobs/\(workflow)")
        guard response.status == 200 else { throw RunnerError("initialize: \(response.json)") }
    }

    /// Status of every job by name.
    func statuses(_ workflow: String) async throws -> [String: String] {
        var result: [String: String] = [:]
        var skip = 0
        while true {
            let page = try await get("/workflows/\(workflow)/jobs?skip=\(skip)")
            for job in page.items { result[job.string("name")] = job.string("status") }
            skip += page.items.count
            if page["has_more"] != true { return result }
        }
    }

    /// A job by name.
    func job(_ workflow: String, named name: String) async throws -> JSONValue {
        let page = try await get("/workflows/\(workflow)/jobs?name=\(name)")
        guard let job = page.items.first else { throw RunnerError("no job \(name)") }
        return job
    }
}

/// Loads a fixture file next to the tests.
enum Fixture {
    static func json(_ name: String) throws -> JSONValue {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name)
        return try JSONParser.parse(Array(try Data(contentsOf: url)))
    }
}
