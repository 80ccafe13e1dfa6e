import Foundation
import HTTPTypes
import Testing
import TorcCore

/// docs/job-lifecycle.md, "Hand-out": prepare_jobs_for_submission.
@Suite("Job hand-out")
struct JobHandOutTests {
    /// A workflow of independent jobs with the given (cpus, memory) needs, initialised.
    func workflow(_ api: APIClient, _ needs: [(Int64, String)], extra: JSONObject = [:]) async throws -> String {
        var spec: JSONObject = [
            "resource_requirements": .array(
                needs.enumerated().map { index, need in
                    [
                        "name": .string("r\(index)"), "num_cpus": .int(need.0), "memory": .string(need.1),
                        "runtime": "P0DT1H",
                    ]
                }),
            "jobs": .array(
                needs.indices.map {
                    ["name": .string("j\($0)"), "command": "c", "resource_requirements": .string("r\($0)")]
                }),
        ]
        for (name, value) in extra { spec[name] = value }
        let w = try await api.createSpecification(.object(spec))
        try await api.initialize(w)
        return w
    }

    func names(_ response: APIResponse) -> [String] {
        (response["jobs"].arrayValue ?? []).map { $0.string("name") }
    }

    @Test("first-fit packing, stopping when the CPUs are used up")
    func packing() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let worker: JSONValue = ["num_cpus": 16, "memory_gb": 32, "time_limit": "P0DT24H"]
            let w1 = try await workflow(api, [(8, "16g"), (8, "16g"), (1, "1g")])
            let first = try await api.post("/workflows/prepare_jobs_for_submission/\(w1)", worker)
            #expect(names(first) == ["j0", "j1"] && first["reason"] == "")
            #expect(
                (first["jobs"].arrayValue ?? []).allSatisfy {
                    $0["status"] == "submitted_pending" && $0["internal"] == nil
                })
            #expect(try await api.statuses(w1)["j2"] == "ready")

            let w2 = try await workflow(api, [(4, "30g"), (4, "4g"), (1, "1m")])
            #expect(names(try await api.post("/workflows/prepare_jobs_for_submission/\(w2)", worker)) == ["j0", "j2"])
        }
    }

    @Test("limits are inclusive; runtime, node count and scheduler filter candidates")
    func filters() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await workflow(api, [(4, "8g")])
            let exact = try await api.post(
                "/workflows/prepare_jobs_for_submission/\(w)", ["num_cpus": 4, "memory_gb": 8, "time_limit": "PT1H"])
            #expect(names(exact) == ["j0"])
            let w2 = try await workflow(api, [(1, "1g")])
            let short = try await api.post(
                "/workflows/prepare_jobs_for_submission/\(w2)", ["num_cpus": 4, "memory_gb": 8, "time_limit": "PT59M"])
            #expect(names(short) == [])
            #expect(short.string("reason").hasPrefix("No jobs matched status='ready'"))
            let nodes = try await api.post(
                "/workflows/prepare_jobs_for_submission/\(w2)", ["num_cpus": 4, "memory_gb": 8, "num_nodes": 2])
            #expect(names(nodes) == [])
            let other = try await api.post(
                "/workflows/prepare_jobs_for_submission/\(w2)",
                ["num_cpus": 4, "memory_gb": 8, "scheduler_config_id": "local_schedulers__\(w2)/1"])
            #expect(names(other) == ["j0"], "jobs bound to no scheduler run anywhere")
            let huge = try await api.post(
                "/workflows/prepare_jobs_for_submission/\(w2)", ["num_cpus": 4, "memory_gb": 17_179_869_184])
            #expect(huge.status == 200)
        }
    }

    @Test("the limit bounds the candidates; bad bodies and queries are 400")
    func limits() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await workflow(api, [(1, "1g"), (1, "1g"), (1, "1g")])
            let two = try await api.post(
                "/workflows/prepare_jobs_for_submission/\(w)?limit=2.9", ["num_cpus": 8, "memory_gb": 8])
            #expect(names(two) == ["j0", "j1"])
            #expect(
                try await api.post(
                    "/workflows/prepare_jobs_for_submission/\(w)?limit=-1", ["num_cpus": 8, "memory_gb": 8]
                ).isError(400))
            #expect(try await api.post("/workflows/prepare_jobs_for_submission/\(w)", ["num_cpus": 8]).isError(400))
            #expect(
                try await api.post(
                    "/workflows/prepare_jobs_for_submission/\(w)", ["num_cpus": 8, "memory_gb": 1, "gpu": 1]
                ).isError(400))
            #expect(try await api.post("/workflows/prepare_jobs_for_submission/\(w)").isError(400))
            #expect(
                try await api.post("/workflows/prepare_jobs_for_submission/nope", ["num_cpus": 8, "memory_gb": 8])
                    .isError(404))
        }
    }

    @Test("a canceled workflow hands out nothing and says why")
    func canceled() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await workflow(api, [(1, "1g")])
            #expect(try await api.put("/workflows/cancel/\(w)")["message"] == "Canceled workflow")
            let response = try await api.post(
                "/workflows/prepare_jobs_for_submission/\(w)", ["num_cpus": 8, "memory_gb": 8])
            #expect(response.json == ["jobs": [], "reason": .string("Workflow \(w) is canceled")])
            #expect(try await api.statuses(w) == ["j0": "ready"])
        }
    }

    @Test("every stored job field comes back, so the runner's PUT keeps them")
    func fields() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification([
                "jobs": [
                    [
                        "name": "j", "command": "c", "cancel_on_blocking_job_failure": false,
                        "supports_termination": true,
                    ]
                ]
            ])
            try await api.initialize(w)
            let job = try #require(
                (try await api.post("/workflows/prepare_jobs_for_submission/\(w)", ["num_cpus": 1, "memory_gb": 1])[
                    "jobs"
                ].arrayValue)?.first)
            #expect(job["cancel_on_blocking_job_failure"] == false && job["supports_termination"] == true)
            #expect(job["run_id"] == 0 && job["command"] == "c")
        }
    }
}
