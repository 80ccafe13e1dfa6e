import Testing
import TorcCore

/// Job priorities: the hand-out gives the fitting job with the highest
/// `priority` first and keeps creation order among equal priorities (a job
/// without one counts as 0).
@Suite("Job priorities")
struct JobPriorityTests {
    @Test("hand-out order: highest priority first, creation order among equals")
    func order() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let priorities: [Int64?] = [nil, 5, nil, 10, 5, -3, 0]
            let w = try await api.createSpecification([
                "jobs": .array(
                    priorities.enumerated().map { index, priority in
                        var job: JSONObject = ["name": .string("j\(index)"), "command": "c"]
                        if let priority { job["priority"] = .int(priority) }
                        return .object(job)
                    })
            ])
            try await api.initialize(w)
            var order: [String] = []
            for _ in priorities.indices {
                let answer = try await api.post(
                    "/workflows/prepare_jobs_for_submission/\(w)", ["num_cpus": 1, "memory_gb": 1])
                order += (answer["jobs"].arrayValue ?? []).map { $0.string("name") }
            }
            #expect(order == ["j3", "j1", "j4", "j0", "j2", "j6", "j5"])
        }
    }

    @Test("priority is stored, listed, shown in the specification form and updatable; non-integers are 400")
    func roundTrip() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification([
                "jobs": [["name": "low", "command": "c"], ["name": "high", "command": "c", "priority": 7]]
            ])
            let jobs = try await api.get("/workflows/\(w)/jobs").items
            #expect(jobs.map { $0["priority"] ?? .null } == [.null, 7])
            let spec = try await api.get("/workflow_specifications/\(w)")
            #expect((spec["jobs"].arrayValue ?? []).map { $0["priority"] ?? .null } == [.null, 7])
            guard case .object(var low) = jobs[0] else {
                Issue.record("job is not an object")
                return
            }
            low["priority"] = 9
            let updated = try await api.put("/workflows/\(w)/jobs/\(jobs[0].string("_key"))", .object(low))
            #expect(updated.status == 200)
            try await api.initialize(w)
            let first = try await api.post(
                "/workflows/prepare_jobs_for_submission/\(w)", ["num_cpus": 1, "memory_gb": 1])
            #expect(first["jobs"].arrayValue?.first?.string("name") == "low", "a raised priority moves the job first")
            let bad = try await api.post("/workflows/\(w)/jobs", ["command": "c", "priority": "high"])
            #expect(bad.isError(400))
        }
    }
}
