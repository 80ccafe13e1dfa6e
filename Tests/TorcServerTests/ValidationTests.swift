import HTTPTypes
import Testing
import TorcCore

/// docs/data-model.md, "Request bodies": strict typed bodies, conversions, defaults, and what is refused.
@Suite("Body validation")
struct ValidationTests {
    struct Case: Sendable, CustomStringConvertible {
        var collection: String
        var body: String
        var description: String { "\(collection) \(body)" }
    }

    @Test(
        "invalid bodies get 400 and store nothing",
        arguments: [
            Case(collection: "files", body: #"{"path": "p", "file_hash": "x"}"#),
            Case(collection: "files", body: #"{"name": "f"}"#),
            Case(collection: "files", body: #"{"path": ""}"#),
            Case(collection: "files", body: #"{"path": null}"#),
            Case(collection: "files", body: #"{"path": 5}"#),
            Case(collection: "files", body: #"{"path": "p", "st_mtime": "soon"}"#),
            Case(collection: "files", body: #"[{"path": "p"}]"#),
            Case(collection: "files", body: #""text""#),
            Case(collection: "files", body: "42"),
            Case(collection: "files", body: "{"),
            Case(collection: "files", body: "{\"path\": \"p\"} trailing"),
            Case(collection: "files", body: ""),
            Case(collection: "jobs", body: #"{"command": "c", "run_id": 1.5}"#),
            Case(collection: "jobs", body: #"{"command": "c", "run_id": 9007199254740993}"#),
            Case(collection: "jobs", body: #"{"command": "c", "supports_termination": "yes"}"#),
            Case(collection: "jobs", body: #"{"command": "c", "internal": {"num_nodes": 1}}"#),
            Case(collection: "jobs", body: #"{"command": "c", "internal": {"scheduler_config_id": ""}}"#),
            Case(collection: "jobs", body: #"{"name": "n"}"#),
            Case(
                collection: "compute_nodes",
                body: #"{"hostname": "h", "start_time": "t", "resources": {"num_cpus": 1}}"#),
            Case(
                collection: "compute_nodes",
                body: #"{"hostname": "h", "start_time": "t", "resources": {"num_cpus": 1, "memory_gb": 1, "extra": 1}}"#
            ),
            Case(
                collection: "compute_node_stats",
                body: #"{"hostname": "h", "timestamp": "t", "stats": [{"resource_type": "cpu"}]}"#),
            Case(collection: "results", body: #"{"job_key": "1"}"#),
            Case(collection: "slurm_schedulers", body: #"{"account": "a"}"#),
            Case(collection: "user_data", body: #"[1, 2]"#),
            Case(collection: "events", body: #""event""#),
            Case(collection: "resource_requirements", body: #"{"num_cpus": "many"}"#),
            Case(collection: "scheduled_compute_nodes", body: #"{"status": "pending"}"#),
        ])
    func invalid(c: Case) async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let response = try await api.raw(.post, "/workflows/\(w)/\(c.collection)", body: c.body)
            #expect(response.isError(400), "\(response.json)")
            #expect(try await api.get("/workflows/\(w)/\(c.collection)")["total_count"] == 0)
        }
    }

    @Test("messages name the attribute")
    func messages() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            #expect(
                try await api.post("/workflows/\(w)/jobs", ["name": "n"]).message
                    == #"child "command" fails because ["command" is required]"#)
            #expect(
                try await api.post("/workflows/\(w)/files", ["path": "p", "file_hash": "x"]).message
                    == #""file_hash" is not allowed"#)
            #expect(
                try await api.post("/workflows/\(w)/files", ["path": ""]).message
                    == #"child "path" fails because ["path" is not allowed to be empty]"#)
            #expect(try await api.post("/workflows/\(w)/files").message == "request body is required")
            #expect(try await api.post("/workflows/\(w)/files", [1]).message == "request body must be an object")
        }
    }

    @Test("numeric and boolean strings are converted; integral doubles become integers")
    func conversions() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let job = try await api.create(
                w, "jobs",
                [
                    "command": "c", "run_id": "4", "supports_termination": "TRUE",
                    "cancel_on_blocking_job_failure": "false",
                ])
            #expect(job["run_id"] == 4)
            #expect(job["supports_termination"] == true)
            #expect(job["cancel_on_blocking_job_failure"] == false)
            let rr = try await api.create(w, "resource_requirements", ["num_cpus": 1.0, "num_gpus": "2"])
            #expect(rr["num_cpus"] == .int(1))
            #expect(rr["num_gpus"] == .int(2))
            let file = try await api.create(w, "files", ["path": "p", "st_mtime": "1681400000.5"])
            #expect(file["st_mtime"] == .double(1681400000.5))
            let int = try await api.create(w, "files", ["path": "p", "st_mtime": 1681400000])
            #expect(int["st_mtime"] == .int(1681400000))
            let float = try await api.create(w, "files", ["path": "p", "st_mtime": 1.0])
            #expect(float["st_mtime"] == .double(1.0))
        }
    }

    @Test("defaults are filled in on POST")
    func defaults() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let rr = try await api.create(w, "resource_requirements", ["name": "small"])
            #expect(rr["num_cpus"] == 1 && rr["num_gpus"] == 0 && rr["num_nodes"] == 1)
            #expect(rr["memory"] == "1m" && rr["runtime"] == "P0DT1M")
            let local = try await api.create(w, "local_schedulers", [:])
            #expect(local["name"] == "default")
            let slurm = try await api.create(w, "slurm_schedulers", ["account": "a", "nodes": 1])
            #expect(slurm["qos"] == "normal")
            let node = try await api.create(
                w, "compute_nodes", ["hostname": "h", "start_time": "t", "resources": ["num_cpus": 2, "memory_gb": 4]])
            #expect(node["scheduler"] == [:])
            #expect(node["resources"]?["num_gpus"] == 0 && node["resources"]?["num_nodes"] == 1)
        }
    }

    @Test("free-form documents keep every key and value")
    func freeForm() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let body =
                #"{"i":1,"f":1.0,"e":1e-7,"big":18446744073709551615,"neg":-3,"s":"é😀\n","n":null,"b":false,"#
                + #""a":[1,[2,[3,{"x":{}}]]],"o":{"z":1,"a":2}}"#
            let created = try await api.raw(.post, "/workflows/\(w)/user_data", body: body)
            #expect(created.status == 200)
            let read = try await api.get("/workflows/\(w)/user_data/\(created.string("_key"))")
            var expected = try JSONParser.parse(body).objectValue!
            expected["_key"] = read["_key"]
            expected["_id"] = read["_id"]
            expected["_rev"] = read["_rev"]
            #expect(read.json.looselyEquals(.object(expected)))
            #expect(read["i"] == .int(1))
            #expect(read["f"] == api.stored(.double(1.0)))
            #expect(read["o"].objectValue?.keys.elementsEqual(["z", "a"]) == true)
        }
    }

    @Test("bodies larger than the limit get 413 and store nothing")
    func oversize() async throws {
        try await APIClient.withService(maxBodySize: 4096) { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let big = "{\"v\": \"" + String(repeating: "x", count: 10_000) + "\"}"
            let response = try await api.raw(.post, "/workflows/\(w)/user_data", body: big)
            #expect(response.isError(413))
            #expect(try await api.get("/workflows/\(w)/user_data")["total_count"] == 0)
        }
    }
}
