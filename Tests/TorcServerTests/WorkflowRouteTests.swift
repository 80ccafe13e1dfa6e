import HTTPTypes
import Testing
import TorcCore

/// docs/routes.md, "Workflows": workflows, their config and status, collection names.
@Suite("Workflow routes")
struct WorkflowRouteTests {
    @Test("create, read, list with filters, update, delete")
    func crud() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let created = try await api.post("/workflows", ["name": "wf", "user": "alice"])
            #expect(created.status == 200)
            #expect(created["name"] == "wf" && created["user"] == "alice")
            let key = created.string("_key")
            #expect(created.string("_id") == "workflows/\(key)")
            _ = try await api.post("/workflows", ["name": "other", "user": "bob"])

            #expect(try await api.get("/workflows/\(key)").json == created.json)
            let list = try await api.get("/workflows?user=alice")
            #expect(list.items == [created.json] && list["total_count"] == 1)
            #expect(try await api.get("/workflows")["total_count"] == 2)

            let noRev = try await api.put("/workflows/\(key)", ["_key": .string(key), "name": "x"])
            #expect(noRev.message == "Updating a workflow requires the existing revision")
            let wrongKey = try await api.put("/workflows/\(key)", ["_key": "zz", "_rev": created["_rev"], "name": "x"])
            #expect(wrongKey.message == "key=\(key) does not match zz")
            let updated = try await api.put(
                "/workflows/\(key)", ["_key": .string(key), "_rev": created["_rev"], "description": "d"])
            #expect(updated.status == 200 && updated["_oldRev"] == created["_rev"])
            let stored = try await api.get("/workflows/\(key)")
            #expect(stored["name"] == "wf" && stored["description"] == "d")
            let stale = try await api.put(
                "/workflows/\(key)", ["_key": .string(key), "_rev": created["_rev"], "description": "e"])
            #expect(stale.isError(409))
            #expect(stale.message == "Error: Conflicting revision. Operation: Update workflow key=\(key)")
            let missing = try await api.put("/workflows/nope", ["_key": "nope", "_rev": "x"])
            #expect(missing.message == "Error: Document not found. Operation: Update workflow key=nope")

            _ = try await api.create(key, "jobs", ["command": "c"])
            let deleted = try await api.delete("/workflows/\(key)")
            #expect(deleted.status == 200 && deleted["description"] == "d")
            #expect(
                try await api.get("/workflows/\(key)").message
                    == "Error: Document not found. Operation: Get workflows with key=\(key)")
            #expect(try await api.get("/workflows/\(key)/jobs").isError(404))
            #expect(try await api.get("/workflows/config/\(key)").isError(404))
            #expect(try await api.get("/workflows")["total_count"] == 1)
        }
    }

    @Test("custom keys: usable ones accepted, others refused before anything is written")
    func customKeys() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let ok = try await api.post("/workflows", ["_key": "my-wf_1"])
            #expect(ok.string("_key") == "my-wf_1")
            #expect(try await api.get("/workflows/collection_names/my-wf_1")["names"].arrayValue?.count == 23)
            #expect(try await api.post("/workflows", ["_key": "my-wf_1"]).isError(400, errorNum: 1210))
            let dotted = try await api.post("/workflows", ["_key": "a.b"])
            #expect(dotted.isError(400))
            // Longest usable key: `scheduled_compute_nodes__{key}` has at most 256 characters.
            let longest = String(repeating: "k", count: 256 - "scheduled_compute_nodes__".count)
            #expect(try await api.post("/workflows", ["_key": .string(longest + "k")]).isError(400))
            #expect(try await api.get("/workflows")["total_count"] == 1)
            #expect(try await api.post("/workflows", ["_key": .string(longest)]).status == 200)
            #expect(try await api.get("/workflows/\(longest)/jobs")["total_count"] == 0)
            #expect(try await api.post("/workflows", ["name": ""]).isError(400))
            #expect(try await api.post("/workflows", ["name": "w", "owner": "x"]).isError(400))
        }
    }

    @Test("collection names in the contract's order")
    func collectionNames() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let names = try await api.get("/workflows/collection_names/\(w)")["names"].arrayValue ?? []
            let expected = [
                "events", "scheduled_compute_nodes", "aws_schedulers", "compute_nodes", "compute_node_stats", "files",
                "job_process_stats", "jobs", "local_schedulers", "resource_requirements", "results", "slurm_schedulers",
                "user_data", "blocks", "executed", "needs", "node_used", "process_used", "produces", "requires",
                "returned", "scheduled_bys", "stores",
            ].map { JSONValue.string("\($0)__\(w)") }
            #expect(names == expected)
            #expect(try await api.get("/workflows/collection_names/nope").isError(404))
        }
    }

    @Test("config: defaults at creation, merged PUT, own document only, rev checked when present")
    func config() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let config = try await api.get("/workflows/config/\(w)")
            #expect(config.string("_id").hasPrefix("workflow_configs/"))
            let stats = config["compute_node_resource_stats"]
            #expect(stats["cpu"] == false && stats["include_child_processes"] == true && stats["interval"] == 10)
            #expect(stats["monitor_type"] == "aggregation" && stats["make_plots"] == true)

            let put = try await api.put(
                "/workflows/config/\(w)",
                [
                    "_key": config["_key"], "_rev": config["_rev"],
                    "compute_node_resource_stats": ["cpu": true, "interval": 5],
                ])
            #expect(put.status == 200)
            #expect(put.string("_rev") != config.string("_rev"), "the answer carries the new _rev")
            let after = try await api.get("/workflows/config/\(w)")
            #expect(after["_rev"] == put["_rev"])
            #expect(after["compute_node_resource_stats"]["cpu"] == true)
            #expect(after["compute_node_resource_stats"]["memory"] == false)
            #expect(after["compute_node_resource_stats"]["interval"] == 5)

            let stale = try await api.put("/workflows/config/\(w)", ["_rev": config["_rev"]])
            #expect(stale.isError(409))
            #expect(
                stale.message
                    == "Error: Conflicting revision. Operation: Update workflow config key=\(config.string("_key"))")
            let noKey = try await api.put("/workflows/config/\(w)", ["compute_node_resource_stats": ["disk": true]])
            #expect(noKey.status == 200)
            let other = try await api.createWorkflow()
            let otherConfig = try await api.get("/workflows/config/\(other)")
            let foreign = try await api.put("/workflows/config/\(w)", ["_key": otherConfig["_key"]])
            #expect(foreign.isError(400))
            #expect(
                try await api.put("/workflows/config/\(w)", ["compute_node_resource_stats": ["gpu": true]]).isError(400)
            )
        }
    }

    @Test("status: created state, PUT merge keeps server attributes, no side effects")
    func status() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let status = try await api.get("/workflows/status/\(w)")
            #expect(status["run_id"] == 1 && status["is_canceled"] == false)
            #expect(status["scheduled_compute_node_ids"] == [])
            #expect(status["auto_tune_status"] == ["enabled": true, "job_keys": []])
            #expect(try await api.put("/workflows/status/\(w)", ["run_id": 2, "is_canceled": false]).isError(400))
            let put = try await api.put(
                "/workflows/status/\(w)",
                ["_key": status["_key"], "run_id": 2, "is_canceled": true, "auto_tune_status": [:]])
            #expect(put.status == 200)
            #expect(put["auto_tune_status"] == ["enabled": true, "job_keys": []])
            let after = try await api.get("/workflows/status/\(w)")
            #expect(after["run_id"] == 2 && after["is_canceled"] == true)
            #expect(after["scheduled_compute_node_ids"] == [])
            // A status read and sent back whole is accepted; the server's own attribute is not overwritten.
            let echoed = try await api.put(
                "/workflows/status/\(w)",
                ["run_id": 3, "is_canceled": true, "auto_tune_status": [:], "scheduled_compute_node_ids": ["x"]])
            #expect(echoed.status == 200)
            #expect(try await api.get("/workflows/status/\(w)")["scheduled_compute_node_ids"] == [])
        }
    }

    @Test("each database is an independent data set; invalid names are refused")
    func databases() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            var other = api
            other.database = "other-db"
            #expect(try await other.get("/workflows/\(w)").isError(404))
            #expect(try await other.get("/workflows")["total_count"] == 0)
            #expect(try await api.raw(.get, "/_db/..%2Fetc/torc-service/workflows", absolute: true).status == 400)
            #expect(try await api.raw(.get, "/_db/9bad/torc-service/workflows", absolute: true).status == 400)
        }
    }
}
