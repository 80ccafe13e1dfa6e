import CurlHTTP
import Foundation
import TorcCore

/// A plain JSON-over-HTTP caller for tests: talks to ArangoDB directly (to
/// build a database as the original service did) and to torc-service processes.
struct JSONHTTP: Sendable {
    let client: CurlHTTPClient

    init(user: String? = "root", password: String = "", timeout: Duration = .seconds(60)) {
        client = CurlHTTPClient(
            configuration: .init(
                totalTimeout: timeout, maxConnections: 64,
                auth: user.map { .basic(user: $0, password: password) } ?? .none,
                retry: .none))
    }

    /// Sends `body` (JSON) and returns the status and parsed answer (`.null` when empty or not JSON).
    @discardableResult
    func call(_ method: HTTPMethod, _ url: String, _ body: JSONValue? = nil) async throws -> (
        status: Int, json: JSONValue
    ) {
        let request = HTTPRequest(
            method: method, url: url, headers: ["Content-Type": "application/json"],
            body: body.map { JSONWriter.bytes($0) } ?? [])
        let response = try await client.execute(request)
        let json = response.body.isEmpty ? JSONValue.null : ((try? JSONParser.parse(response.body)) ?? .null)
        return (response.status, json)
    }

    /// Like `call`, but requires a 2xx answer.
    @discardableResult
    func ok(_ method: HTTPMethod, _ url: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        let (status, json) = try await call(method, url, body)
        guard (200..<300).contains(status) else { throw TestFailure("\(method) \(url) -> \(status): \(json)") }
        return json
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A minimal torc job runner over HTTP: asks for jobs, marks them submitted,
/// completes them, until the workflow is complete. Returns the keys it ran.
struct HTTPRunner: Sendable {
    let http: JSONHTTP
    let base: String
    let workflow: String
    var resources: JSONValue = ["num_cpus": 4, "memory_gb": 8, "num_gpus": 0, "num_nodes": 1]

    func drain(maxIdlePolls: Int = 400) async throws -> [String] {
        var ran: [String] = []
        var idle = 0
        while idle < maxIdlePolls {
            let prepared = try await http.ok(
                .post, "\(base)/workflows/prepare_jobs_for_submission/\(workflow)", resources)
            let jobs = prepared["jobs"]?.arrayValue ?? []
            if jobs.isEmpty {
                if try await http.ok(.get, "\(base)/workflows/is_complete/\(workflow)")["is_complete"] == .bool(true) {
                    return ran
                }
                idle += 1
                try await Task.sleep(for: .milliseconds(20))
                continue
            }
            idle = 0
            for job in jobs {
                let key = job["_key"]?.stringValue ?? ""
                let jobs = "\(base)/workflows/\(workflow)/jobs"
                let submitted = try await http.ok(
                    .put, "\(jobs)/manage_status_change/\(key)/submitted/\(job["_rev"]?.stringValue ?? "")")
                let id = (job["_id"]?.stringValue ?? "").replacingOccurrences(of: "/", with: "%2F")
                try await http.ok(
                    .post,
                    "\(jobs)/complete_job/\(id)/done/\(submitted["_rev"]?.stringValue ?? "")",
                    [
                        "job_key": .string(key), "job_name": job["name"] ?? "job", "run_id": 1, "return_code": 0,
                        "exec_time_minutes": 0.5,
                        "completion_time": "2026-12-01T10:00:00.000000", "status": "done",
                    ])
                ran.append(key)
            }
        }
        throw TestFailure("workflow \(workflow) did not complete")
    }
}
