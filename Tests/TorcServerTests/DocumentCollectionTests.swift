import HTTPTypes
import Testing
import TorcCore

/// docs/routes.md, "Generic collection routes": the six generic operations of each of the 13 document collections.
@Suite("Generic collection routes")
struct DocumentCollectionTests {
    @Test("POST, GET, list, PUT, DELETE", arguments: SampleDocument.all)
    func lifecycle(sample: SampleDocument) async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let base = "/workflows/\(w)/\(sample.collection)"

            let created = try await api.post(base, sample.body)
            #expect(created.status == 200)
            let key = created.string("_key")
            #expect(created.string("_id") == "\(sample.collection)__\(w)/\(key)")
            #expect(!created.string("_rev").isEmpty)
            #expect(created.json.contains(sample.body), "every attribute sent is stored as sent")
            #expect(created.json["internal"] == nil, "internal is never sent for POST of a job")

            let fetched = try await api.get("\(base)/\(key)")
            #expect(fetched.status == 200)
            #expect(fetched.json == api.stored(created.json))

            let list = try await api.get(base)
            #expect(list.status == 200)
            #expect(list.items == [api.stored(created.json)])
            #expect(list["count"] == 1 && list["total_count"] == 1 && list["has_more"] == false)

            var update = created.json.objectValue ?? [:]
            update[sample.changed.name] = sample.changed.value
            let updated = try await api.put("\(base)/\(key)", .object(update))
            #expect(updated.status == 200)
            #expect(updated[sample.changed.name] == sample.changed.value)
            #expect(updated["_oldRev"] == created["_rev"])
            #expect(updated.string("_rev") != created.string("_rev"))
            let refetched = try await api.get("\(base)/\(key)")
            #expect(refetched[sample.changed.name] == sample.changed.value)
            #expect(refetched["_rev"] == updated["_rev"])

            let stale = try await api.put("\(base)/\(key)", .object(update))
            #expect(stale.isError(409))
            #expect(stale.message == "Error: Conflicting revision. Operation: Update \(sample.collection) key=\(key)")

            let deleted = try await api.delete("\(base)/\(key)")
            #expect(deleted.status == 200)
            #expect(deleted["_key"] == .string(key))
            let gone = try await api.get("\(base)/\(key)")
            #expect(gone.isError(404))
            #expect(gone.message == "Error: Document not found. Operation: Get \(sample.collection) with key=\(key)")
            let goneAgain = try await api.delete("\(base)/\(key)")
            #expect(
                goneAgain.message == "Error: Document not found. Operation: Get \(sample.collection) with key=\(key)")
        }
    }

    @Test("DELETE all answers the fixed message", arguments: SampleDocument.all)
    func deleteAll(sample: SampleDocument) async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let base = "/workflows/\(w)/\(sample.collection)"
            _ = try await api.create(w, sample.collection, sample.body)
            _ = try await api.create(w, sample.collection, sample.body)
            let response = try await api.delete(base)
            #expect(response.status == 200)
            #expect(
                response["message"]
                    == .string("Deleted all documents in the \"\(sample.collection)\" collection for workflow \(w)"))
            #expect(try await api.get(base)["total_count"] == 0)
        }
    }

    @Test("an unknown workflow is a 404, after body validation", arguments: SampleDocument.all)
    func unknownWorkflow(sample: SampleDocument) async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let base = "/workflows/999/\(sample.collection)"
            let missing = try await api.get(base)
            #expect(missing.isError(404))
            #expect(missing.message == "Error: Document not found. Operation: Get workflows with key=999")
            #expect(try await api.post(base, sample.body).isError(404))
            #expect(try await api.get("\(base)/1").isError(404))
            #expect(try await api.delete(base).isError(404))
            // A malformed body is reported before the workflow lookup.
            #expect(try await api.raw(.post, base, body: "{").isError(400))
            // A GET ignores any body it carries.
            let w = try await api.createWorkflow()
            #expect(try await api.raw(.get, "/workflows/\(w)/\(sample.collection)", body: "{").status == 200)
        }
    }

    @Test("PUT requires _rev and a matching _key; a stale _rev is 409 and writes nothing")
    func putChecks() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let file = try await api.create(w, "files", ["name": "f", "path": "p"])
            let key = file.string("_key")
            let noRev = try await api.put("/workflows/\(w)/files/\(key)", ["_key": .string(key), "path": "q"])
            #expect(noRev.isError(400))
            #expect(noRev.message == "Updating a document requires the existing revision")
            let noKey = try await api.put("/workflows/\(w)/files/\(key)", ["_rev": file["_rev"]!, "path": "q"])
            #expect(noKey.message == "key=\(key) does not match undefined")
            let otherKey = try await api.put(
                "/workflows/\(w)/files/\(key)", ["_key": "other", "_rev": file["_rev"]!, "path": "q"])
            #expect(otherKey.message == "key=\(key) does not match other")
            let missing = try await api.put("/workflows/\(w)/files/nope", ["_key": "nope", "_rev": "x", "path": "q"])
            #expect(missing.isError(404))
            #expect(missing.message == "Error: Document not found. Operation: Update files key=nope")
            let stale = try await api.put(
                "/workflows/\(w)/files/\(key)", ["_key": .string(key), "_rev": "_stale", "path": "q"])
            #expect(stale.isError(409))
            #expect(try await api.get("/workflows/\(w)/files/\(key)")["path"] == "p")
        }
    }

    @Test("PUT merges: absent attributes are kept, nested objects merge, defaults are re-applied")
    func putMerges() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let node = try await api.create(
                w, "compute_nodes",
                [
                    "hostname": "h", "start_time": "t", "duration_seconds": 5,
                    "resources": ["num_cpus": 4, "memory_gb": 8], "scheduler": ["id": 1, "inner": ["a": 1]],
                ])
            let response = try await api.put(
                "/workflows/\(w)/compute_nodes/\(node.string("_key"))",
                [
                    "_key": node["_key"]!, "_rev": node["_rev"]!, "hostname": "h2", "start_time": "t",
                    "resources": ["num_cpus": 4, "memory_gb": 8], "scheduler": ["inner": ["b": 2]],
                ])
            #expect(response.status == 200)
            #expect(response["duration_seconds"] == .null, "the answer is the request body, not the stored document")
            let stored = try await api.get("/workflows/\(w)/compute_nodes/\(node.string("_key"))")
            #expect(stored["duration_seconds"] == 5)
            #expect(stored["scheduler"] == ["id": 1, "inner": ["a": 1, "b": 2]])
            #expect(stored["hostname"] == "h2")

            let rr = try await api.create(w, "resource_requirements", ["name": "r", "memory": "10g", "num_cpus": 8])
            _ = try await api.put(
                "/workflows/\(w)/resource_requirements/\(rr.string("_key"))",
                ["_key": rr["_key"]!, "_rev": rr["_rev"]!, "name": "r"])
            let rrStored = try await api.get("/workflows/\(w)/resource_requirements/\(rr.string("_key"))")
            #expect(rrStored["memory"] == "1m", "defaults apply on PUT too")
            #expect(rrStored["num_cpus"] == 1)
        }
    }

    @Test("jobs: status defaults to uninitialized, internal is hidden, kept on PUT, visible on DELETE")
    func jobs() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let job = try await api.create(w, "jobs", ["command": "run", "cancel_on_blocking_job_failure": false])
            #expect(job["status"] == "uninitialized")
            #expect(job["run_id"] == 0)
            #expect(job["supports_termination"] == false)
            #expect(job["internal"] == nil)
            let key = job.string("_key")
            var body = job.objectValue!
            body["run_id"] = 1
            body["status"] = "done"
            let put = try await api.put("/workflows/\(w)/jobs/\(key)", .object(body))
            #expect(put.status == 200)
            #expect(put["internal"] == .null)
            #expect(put["cancel_on_blocking_job_failure"] == false)
            let withInternal = try await api.put(
                "/workflows/\(w)/jobs/\(key)",
                ["_key": .string(key), "_rev": put["_rev"], "command": "run", "internal": ["num_cpus": 4]])
            #expect(withInternal.status == 200)
            let put2 = try await api.put(
                "/workflows/\(w)/jobs/\(key)", ["_key": .string(key), "_rev": withInternal["_rev"], "command": "run"])
            #expect(put2.status == 200)
            let deleted = try await api.delete("/workflows/\(w)/jobs/\(key)")
            #expect(deleted["internal"]["num_cpus"] == 4, "a PUT without internal keeps the stored one")
            #expect(deleted["internal"]["scheduler_config_id"] == "")
            #expect(deleted["status"] == "done", "PUT writes status verbatim")
        }
    }

    @Test("client keys: used when legal, 1221 when illegal, 1210 when taken")
    func clientKeys() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let ok = try await api.post(
                "/workflows/\(w)/files", ["_key": "my-file", "path": "p", "_id": "x/y", "_rev": "r"])
            #expect(ok.string("_key") == "my-file")
            #expect(ok.string("_id") == "files__\(w)/my-file")
            #expect(ok.string("_rev") != "r")
            let taken = try await api.post("/workflows/\(w)/files", ["_key": "my-file", "path": "p"])
            #expect(taken.isError(400, errorNum: 1210))
            #expect(taken.message.hasPrefix("Database error occurred: ArangoError 1210: unique constraint violated"))
            let illegal = try await api.post("/workflows/\(w)/files", ["_key": "a/b", "path": "p"])
            #expect(illegal.isError(400, errorNum: 1221))
            #expect(try await api.get("/workflows/\(w)/files")["total_count"] == 1)
        }
    }

    @Test("path keys may be _ids with an encoded slash; another collection's _id is not found")
    func idsInPaths() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let job = try await api.create(w, "jobs", ["command": "c"])
            let key = job.string("_key")
            let byID = try await api.get("/workflows/\(w)/jobs/jobs__\(w)%2F\(key)")
            #expect(byID.status == 200)
            #expect(byID["_key"] == .string(key))
            #expect(try await api.get("/workflows/\(w)/jobs/files__\(w)%2F\(key)").isError(404))
            #expect(try await api.get("/workflows/workflows%2F\(w)/jobs/\(key)").status == 200)
        }
    }

    @Test("list filters are typed, combine with AND, and total_count counts matches")
    func filters() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            _ = try await api.create(w, "jobs", ["name": "a", "command": "c", "run_id": 2])
            _ = try await api.create(
                w, "jobs", ["name": "b", "command": "c", "run_id": 2, "supports_termination": true])
            _ = try await api.create(w, "jobs", ["name": "c", "command": "d", "run_id": 3])
            let byRun = try await api.get("/workflows/\(w)/jobs?run_id=2")
            #expect(byRun.items.map { $0.string("name") } == ["a", "b"])
            #expect(byRun["total_count"] == 2)
            let both = try await api.get("/workflows/\(w)/jobs?run_id=2&supports_termination=True")
            #expect(both.items.map { $0.string("name") } == ["b"])
            let byCommand = try await api.get("/workflows/\(w)/jobs?command=c&name=a")
            #expect(byCommand.items.count == 1)
            #expect(try await api.get("/workflows/\(w)/jobs?run_id=x").isError(400))
            #expect(try await api.get("/workflows/\(w)/jobs?supports_termination=maybe").isError(400))
            #expect(try await api.get("/workflows/\(w)/jobs?name=").isError(400))
            #expect(try await api.get("/workflows/\(w)/jobs?unknown=1")["total_count"] == 3)
            _ = try await api.create(
                w, "compute_nodes",
                ["hostname": "h", "start_time": "t", "is_active": true, "resources": ["num_cpus": 1, "memory_gb": 1]])
            #expect(try await api.get("/workflows/\(w)/compute_nodes?is_active=true")["count"] == 1)
            #expect(try await api.get("/workflows/\(w)/compute_nodes?is_active=false")["count"] == 0)
        }
    }
}
