import CurlHTTP
import Foundation
import Testing
import TorcCore
import TorcTestSupport

/// Every job-runner call costs a fixed number of ArangoDB requests, whatever
/// the workflow's shape: at most 2 for a mutating call (one read batch, one
/// conditional write batch), 1 for a read. Counted with ArangoDB's request
/// statistics (`GET /_admin/statistics`, `http.requestsTotal`) on an emulator
/// of its own, around one call of a real service process.
@Suite("ArangoDB request budget of each runner call", .serialized)
struct RequestBudgetTests {
    /// One call and the workflow it runs on.
    enum Call: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case getJob, putJob, getWorkflow, getResult, getWorkflowUserData
        case prepareJobs
        case completeNoDependents, completeStillBlocked, completeOneDependent
        case complete100Dependents, complete1000Dependents, completeLastOfJoin100
        case completeBatchOf8, completeBatchOf100WithJoin
        case statusChangeNoDependents, statusChangeOneDependent, statusChange100Dependents, statusChange1000Dependents
        case statusChangeBlockerOfJoin100
        case postJobUserData, getJobUserData, postWorkflowUserData, postResult
        case isComplete, readyJobRequirements, listPage

        var testDescription: String { rawValue }

        /// The most requests the call may make.
        var budget: Int {
            switch self {
            case .getJob, .getWorkflow, .getResult, .getWorkflowUserData, .getJobUserData, .isComplete,
                .readyJobRequirements, .listPage:
                return 1
            default:
                return 2
            }
        }

        /// Jobs blocked by the first job (`fanOut`), or blockers of one join job (`join`).
        var shape: (fanOut: Int, join: Int) {
            switch self {
            case .completeOneDependent, .statusChangeOneDependent: return (1, 0)
            case .complete100Dependents, .statusChange100Dependents: return (100, 0)
            case .complete1000Dependents, .statusChange1000Dependents: return (1000, 0)
            case .completeStillBlocked: return (0, 2)
            case .completeLastOfJoin100, .statusChangeBlockerOfJoin100: return (0, 100)
            default: return (0, 0)
            }
        }

        /// Jobs `p0...` completed together by one `complete_jobs` call, each
        /// blocking its own dependent `q0...`; with `joined`, all of them also
        /// block one job `pjoin`, which the same call releases.
        var completions: (count: Int, joined: Bool) {
            switch self {
            case .completeBatchOf8: return (8, false)
            case .completeBatchOf100WithJoin: return (100, true)
            default: return (0, false)
            }
        }
    }

    @Test("a call stays within its ArangoDB request budget", arguments: Call.allCases)
    func budget(call: Call) async throws {
        // An emulator of its own: its request counter sees this call only.
        let emulator = try await ArangoEmulator.start()
        let used = try await ServiceProcess.with(
            arguments: ["--store", "arangodb", "--arango-url", emulator.url, "--log-level", "warning"]
        ) { services in
            let http = JSONHTTP()
            let base = services[0].baseURL(database: "budget")
            let workflow = try await Self.workflow(http, base, shape: call.shape, completions: call.completions)
            let counter = ArangoRequestCounter(arangoURL: emulator.url)
            return try await Self.measure(call, http: http, base: base, workflow: workflow, counter: counter)
        }
        await emulator.stop()
        print("ArangoDB requests of \(call.rawValue): \(used) (budget \(call.budget))")
        #expect(used <= call.budget, "\(call.rawValue) made \(used) ArangoDB requests, budget \(call.budget)")
    }

    /// A workflow with the shape, initialized: job `first` and its dependents,
    /// or blockers `b0...` of job `join`, plus one independent job `other`.
    static func workflow(
        _ http: JSONHTTP, _ base: String, shape: (fanOut: Int, join: Int), completions: (count: Int, joined: Bool)
    ) async throws -> String {
        var jobs: [JSONValue] = [["name": "first", "command": "true"], ["name": "other", "command": "true"]]
        jobs += (0..<shape.fanOut).map { ["name": .string("d\($0)"), "command": "true", "blocked_by": ["first"]] }
        if shape.join > 0 {
            jobs += (0..<shape.join).map { ["name": .string("b\($0)"), "command": "true"] }
            jobs.append([
                "name": "join", "command": "true",
                "blocked_by": .array((0..<shape.join).map { .string("b\($0)") }),
            ])
        }
        for i in 0..<completions.count {
            jobs.append(["name": .string("p\(i)"), "command": "true"])
            jobs.append(["name": .string("q\(i)"), "command": "true", "blocked_by": [.string("p\(i)")]])
        }
        if completions.joined {
            jobs.append([
                "name": "pjoin", "command": "true",
                "blocked_by": .array((0..<completions.count).map { .string("p\($0)") }),
            ])
        }
        let created = try await http.ok(
            .post, "\(base)/workflow_specifications", ["name": "budget", "jobs": .array(jobs)])
        let key = created["_key"]?.stringValue ?? ""
        try await http.ok(.post, "\(base)/workflows/initialize_jobs/\(key)")
        return key
    }

    static let resources: JSONValue = ["num_cpus": 1000, "memory_gb": 1000, "num_gpus": 0, "num_nodes": 1]

    static func result(_ name: String) -> JSONValue {
        [
            "job_key": .string(name), "job_name": .string(name), "run_id": 1, "return_code": 0,
            "exec_time_minutes": 0.5,
            "completion_time": "2026-12-01T10:00:00.000000", "status": "done",
        ]
    }

    /// Sets the call up (uncounted) and counts the requests of the call itself.
    static func measure(
        _ call: Call, http: JSONHTTP, base: String, workflow w: String, counter: ArangoRequestCounter
    ) async throws -> Int {
        let jobs = try await http.ok(.get, "\(base)/workflows/\(w)/jobs?limit=5000")["items"]?.arrayValue ?? []
        func job(_ name: String) throws -> JSONValue {
            guard let found = jobs.first(where: { $0["name"]?.stringValue == name }) else {
                throw TestFailure("no job \(name)")
            }
            return found
        }
        let first = try job("first")
        let key = first["_key"]?.stringValue ?? ""
        let rev = first["_rev"]?.stringValue ?? ""
        switch call {
        case .getJob:
            return try await counter.count { try await http.ok(.get, "\(base)/workflows/\(w)/jobs/\(key)") }
        case .putJob:
            var body = first.objectValue ?? [:]
            body["run_id"] = 2
            return try await counter.count {
                try await http.ok(.put, "\(base)/workflows/\(w)/jobs/\(key)", .object(body))
            }
        case .getWorkflow:
            return try await counter.count { try await http.ok(.get, "\(base)/workflows/\(w)") }
        case .getResult:
            let stored = try await http.ok(.post, "\(base)/workflows/\(w)/results", result(key))
            let resultKey = stored["_key"]?.stringValue ?? ""
            return try await counter.count { try await http.ok(.get, "\(base)/workflows/\(w)/results/\(resultKey)") }
        case .getWorkflowUserData:
            let stored = try await http.ok(.post, "\(base)/workflows/\(w)/user_data", ["a": 1])
            let dataKey = stored["_key"]?.stringValue ?? ""
            return try await counter.count { try await http.ok(.get, "\(base)/workflows/\(w)/user_data/\(dataKey)") }
        case .postWorkflowUserData:
            return try await counter.count { try await http.ok(.post, "\(base)/workflows/\(w)/user_data", ["a": 1]) }
        case .postResult:
            return try await counter.count { try await http.ok(.post, "\(base)/workflows/\(w)/results", result(key)) }
        case .postJobUserData:
            return try await counter.count {
                try await http.ok(.post, "\(base)/workflows/\(w)/jobs/user_data/\(key)", ["a": 1])
            }
        case .getJobUserData:
            try await http.ok(.post, "\(base)/workflows/\(w)/jobs/user_data/\(key)", ["a": 1])
            return try await counter.count { try await http.ok(.get, "\(base)/workflows/\(w)/jobs/user_data/\(key)") }
        case .isComplete:
            return try await counter.count { try await http.ok(.get, "\(base)/workflows/is_complete/\(w)") }
        case .listPage:
            return try await counter.count { try await http.ok(.get, "\(base)/workflows/\(w)/jobs?skip=1&limit=1000") }
        case .readyJobRequirements:
            return try await counter.count { try await http.ok(.get, "\(base)/workflows/ready_job_requirements/\(w)") }
        case .prepareJobs:
            let used = try await counter.count {
                let answer = try await http.ok(.post, "\(base)/workflows/prepare_jobs_for_submission/\(w)", resources)
                guard !(answer["jobs"]?.arrayValue ?? []).isEmpty else { throw TestFailure("no job handed out") }
            }
            return used
        case .statusChangeBlockerOfJoin100:
            let blocker = try job("b99")
            let blockerKey = blocker["_key"]?.stringValue ?? ""
            return try await counter.count {
                try await http.ok(
                    .put,
                    "\(base)/workflows/\(w)/jobs/manage_status_change/\(blockerKey)/submitted/"
                        + (blocker["_rev"]?.stringValue ?? "")
                )
            }
        case .statusChangeNoDependents, .statusChangeOneDependent, .statusChange100Dependents,
            .statusChange1000Dependents:
            return try await counter.count {
                try await http.ok(.put, "\(base)/workflows/\(w)/jobs/manage_status_change/\(key)/submitted/\(rev)")
            }
        case .completeNoDependents, .completeOneDependent, .complete100Dependents, .complete1000Dependents:
            let used = try await counter.count {
                try await http.ok(.post, "\(base)/workflows/\(w)/jobs/complete_job/\(key)/done/\(rev)", result(key))
            }
            let ready = try await http.ok(.get, "\(base)/workflows/\(w)/jobs/find_by_status/ready?limit=5000")
            let expected = 1 + call.shape.fanOut // `other` and every dependent
            guard ready["total_count"] == .int(Int64(expected)) else {
                throw TestFailure("\(expected) jobs should be ready, got \(ready["total_count"] ?? .null)")
            }
            return used
        case .completeBatchOf8, .completeBatchOf100WithJoin:
            let (count, joined) = call.completions
            let entries: [JSONValue] = try (0..<count).map { i in
                let job = try job("p\(i)")
                let k = job["_key"] ?? ""
                return [
                    "job_key": k, "status": "done", "rev": job["_rev"] ?? "", "result": result(k.stringValue ?? ""),
                ]
            }
            var answer: JSONValue = .null
            let used = try await counter.count {
                answer = try await http.ok(
                    .post, "\(base)/workflows/\(w)/jobs/complete_jobs", ["jobs": .array(entries)])
            }
            let outcomes = answer["jobs"]?.arrayValue ?? []
            guard outcomes.count == count, outcomes.allSatisfy({ $0["code"] == 200 }) else {
                throw TestFailure("every completion should succeed: \(answer)")
            }
            let ready = try await http.ok(.get, "\(base)/workflows/\(w)/jobs/find_by_status/ready?limit=5000")
            let names = Set((ready["items"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue })
            var expected: Set<String> = ["first", "other"]
            expected.formUnion((0..<count).map { "q\($0)" })
            if joined { expected.insert("pjoin") }
            guard names == expected else {
                throw TestFailure("ready jobs should be \(expected.sorted()), are \(names.sorted())")
            }
            return used
        case .completeStillBlocked, .completeLastOfJoin100:
            // Still blocked: the first of two blockers completes. Last of a
            // join: 99 blockers complete first (uncounted), then the 100th.
            let stillBlocked = call == .completeStillBlocked
            let blockers = try (0..<call.shape.join).map { try job("b\($0)") }
            let before = stillBlocked ? [] : Array(blockers.dropLast())
            for blocker in before {
                let k = blocker["_key"]?.stringValue ?? ""
                try await http.ok(
                    .post, "\(base)/workflows/\(w)/jobs/complete_job/\(k)/done/\(blocker["_rev"]?.stringValue ?? "")",
                    result(k))
            }
            let target = stillBlocked ? blockers[0] : blockers[blockers.count - 1]
            let targetKey = target["_key"]?.stringValue ?? ""
            let targetRev = target["_rev"]?.stringValue ?? ""
            let used = try await counter.count {
                try await http.ok(
                    .post, "\(base)/workflows/\(w)/jobs/complete_job/\(targetKey)/done/\(targetRev)", result(targetKey))
            }
            let joinKey = try job("join")["_key"]?.stringValue ?? ""
            let joinStatus = try await http.ok(.get, "\(base)/workflows/\(w)/jobs/\(joinKey)")
            let expected = stillBlocked ? "blocked" : "ready"
            guard joinStatus["status"]?.stringValue == expected else {
                throw TestFailure("join should be \(expected), is \(joinStatus["status"] ?? .null)")
            }
            return used
        }
    }
}
