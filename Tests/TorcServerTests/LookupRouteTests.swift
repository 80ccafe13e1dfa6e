import HTTPTypes
import Testing
import TorcCore

/// docs/routes.md, "Lookups": relationship and job lookups.
@Suite("Lookup routes")
struct LookupRouteTests {
    @Test("files produced by a job: edge order, skip applied, dangling edges omitted")
    func producedByJob() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let job = try await api.create(w, "jobs", ["command": "c"])
            var files: [JSONValue] = []
            for i in 0..<4 { files.append(try await api.create(w, "files", ["name": .string("f\(i)"), "path": "p"])) }
            for file in files.reversed() { try await api.link(w, "produces", from: job, to: file) }
            _ = try await api.post(
                "/workflows/\(w)/edges/produces", ["_from": job["_id"] ?? .null, "_to": "files__\(w)/gone"])
            let all = try await api.get("/workflows/\(w)/files/produced_by_job/\(job.string("_key"))")
            #expect(all.items.map { $0.string("name") } == ["f3", "f2", "f1", "f0"])
            #expect(all["total_count"] == 4)
            let page = try await api.get("/workflows/\(w)/files/produced_by_job/\(job.string("_key"))?skip=1&limit=2")
            #expect(page.items.map { $0.string("name") } == ["f2", "f1"] && page["has_more"] == true)
            let missing = try await api.get("/workflows/\(w)/files/produced_by_job/nope")
            #expect(missing.message == "Error: Document not found. Operation: Get files produced_by_job key=nope")
        }
    }

    @Test("jobs by status and by needed file")
    func jobLookups() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let a = try await api.create(w, "jobs", ["command": "a", "status": "ready"])
            let b = try await api.create(w, "jobs", ["command": "b"])
            let file = try await api.create(w, "files", ["path": "p"])
            try await api.link(w, "needs", from: a, to: file)
            try await api.link(w, "needs", from: b, to: file)
            let ready = try await api.get("/workflows/\(w)/jobs/find_by_status/ready")
            #expect(ready.items.map { $0.string("command") } == ["a"] && ready["total_count"] == 1)
            #expect(ready.items.first?["internal"] == nil)
            #expect(try await api.get("/workflows/\(w)/jobs/find_by_status/bogus")["count"] == 0)
            #expect(try await api.get("/workflows/\(w)/jobs/find_by_status/ready?limit=-1").status == 400)
            let needing = try await api.get("/workflows/\(w)/jobs/find_by_needs_file/\(file.string("_key"))?skip=1")
            #expect(needing.items.map { $0.string("command") } == ["b"] && needing["total_count"] == 2)
            let missing = try await api.get("/workflows/\(w)/jobs/find_by_needs_file/nope")
            #expect(missing.isError(404) && missing.message == "File nope is not stored")
        }
    }

    @Test("resource requirements: defaults without an edge, the document with one")
    func requirements() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let job = try await api.create(w, "jobs", ["command": "c"])
            let defaults = try await api.get("/workflows/\(w)/jobs/resource_requirements/\(job.string("_key"))")
            #expect(
                defaults.json == [
                    "name": "default", "num_cpus": 1, "num_gpus": 0, "num_nodes": 1, "memory": "1m",
                    "runtime": "P0DT1M",
                ])
            let rr = try await api.create(w, "resource_requirements", ["name": "big", "num_cpus": 8])
            try await api.link(w, "requires", from: job, to: rr)
            #expect(try await api.get("/workflows/\(w)/jobs/resource_requirements/\(job.string("_key"))").json == rr)
            let missing = try await api.get("/workflows/\(w)/jobs/resource_requirements/nope")
            #expect(missing.message == "Error: Document not found. Operation: Get jobs with key=nope")
        }
    }

    @Test("process stats: a bare array sorted by run_id")
    func processStats() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let job = try await api.create(w, "jobs", ["command": "c"])
            for run in [3, 1, 2] {
                let stats = try await api.create(
                    w, "job_process_stats",
                    [
                        "job_key": job["_key"] ?? .null, "run_id": .int(Int64(run)), "avg_cpu_percent": 1,
                        "max_cpu_percent": 2, "avg_rss": 3, "max_rss": 4, "num_samples": 1, "timestamp": "t",
                    ])
                try await api.link(w, "process_used", from: job, to: stats)
            }
            let response = try await api.get("/workflows/\(w)/jobs/process_stats/\(job.string("_key"))")
            #expect(response.json.arrayValue?.map { $0["run_id"] } == [1, 2, 3])
            let other = try await api.create(w, "jobs", ["command": "d"])
            #expect(try await api.get("/workflows/\(w)/jobs/process_stats/\(other.string("_key"))").json == [])
        }
    }

    @Test("job user data: stored with its stores edge, also from a JSON string body")
    func userData() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let job = try await api.create(w, "jobs", ["command": "c"])
            let path = "/workflows/\(w)/jobs/user_data/\(job.string("_key"))"
            #expect(try await api.get(path).json == ["items": []])
            let first = try await api.post(path, ["key1": "val1", "n": 1.0])
            #expect(first.status == 200 && first["key1"] == "val1" && first["n"] == .double(1.0))
            #expect(first.string("_id").hasPrefix("user_data__\(w)/"))
            let second = try await api.post(path, .string(#"{"key2": [1, 2]}"#))
            #expect(second.status == 200 && second["key2"] == [1, 2])
            let listed = try await api.get(path)
            #expect(listed.json == api.stored(["items": [first.json, second.json]]))
            let edges = try await api.get("/workflows/\(w)/edges/stores")
            #expect(edges.items.map { $0["_to"] } == [first["_id"], second["_id"]])
            #expect(edges.items.allSatisfy { $0["_from"] == job["_id"] })
            #expect(try await api.post(path, .string("not json")).isError(400))
            #expect(try await api.post(path, [1, 2]).isError(400))
            let duplicate = try await api.post(path, ["_key": first["_key"]])
            #expect(duplicate.isError(400, errorNum: 1210))
            #expect(try await api.get("/workflows/\(w)/edges/stores")["total_count"] == 2, "nothing half-written")
            #expect(try await api.post("/workflows/\(w)/jobs/user_data/nope", ["a": 1]).isError(404))
            #expect(try await api.get("/workflows/\(w)/user_data")["total_count"] == 2)
        }
    }

    @Test("the latest result by completion time, creation order on ties or unparsable times")
    func latestResult() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let job = try await api.create(w, "jobs", ["command": "c"])
            let path = "/workflows/\(w)/results/find_by_job/\(job.string("_key"))"
            #expect(try await api.get(path).message == "No result is stored for job \(job.string("_key"))")
            func result(_ time: String, _ code: Int64) async throws {
                let stored = try await api.create(
                    w, "results",
                    [
                        "job_key": job["_key"] ?? .null, "job_name": "j", "run_id": 1, "return_code": .int(code),
                        "exec_time_minutes": 1, "completion_time": .string(time), "status": "done",
                    ])
                try await api.link(w, "returned", from: job, to: stored)
            }
            try await result("2023-04-13 10:00:00.5", 1)
            try await result("2023-04-13T09:00:00", 2)
            try await result("2023-04-13 10:00:00.4", 3)
            #expect(try await api.get(path)["return_code"] == 1)
            try await result("2023-04-13 10:00:00.500000", 4)
            #expect(try await api.get(path)["return_code"] == 4, "ties: the last created wins")
            try await result("yesterday", 5)
            #expect(try await api.get(path)["return_code"] == 5, "unparsable: creation order")
        }
    }

    @Test("job keys in creation order")
    func jobKeys() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            var keys: [JSONValue] = []
            for i in 0..<3 {
                keys.append(try await api.create(w, "jobs", ["command": .string("c\(i)")])["_key"] ?? .null)
            }
            #expect(try await api.get("/workflows/\(w)/job_keys").json == ["items": .array(keys)])
            #expect(try await api.get("/workflows/nope/job_keys").isError(404))
        }
    }
}
