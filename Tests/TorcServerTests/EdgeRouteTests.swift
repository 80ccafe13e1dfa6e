import HTTPTypes
import Testing
import TorcCore

/// docs/routes.md, "Edge routes" and docs/data-model.md, "Deleting documents": edges and cascades.
@Suite("Edge routes")
struct EdgeRouteTests {
    static let names = [
        "blocks", "executed", "needs", "node_used", "process_used", "produces", "requires", "returned",
        "scheduled_bys", "stores",
    ]

    @Test("each edge collection: create, list, get, delete one, delete all", arguments: names)
    func edgeLifecycle(name: String) async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let base = "/workflows/\(w)/edges/\(name)"
            let edge = try await api.post(base, ["_from": "jobs__\(w)/1", "_to": "jobs__\(w)/2"])
            #expect(edge.status == 200)
            #expect(edge.string("_id") == "\(name)__\(w)/\(edge.string("_key"))")
            #expect(edge["_from"] == .string("jobs__\(w)/1"))
            let list = try await api.get(base)
            #expect(list.items == [edge.json] && list["total_count"] == 1)
            #expect(try await api.get("\(base)/\(edge.string("_key"))").json == edge.json)
            #expect(try await api.delete("\(base)/\(edge.string("_key"))").json == edge.json)
            let missing = try await api.get("\(base)/\(edge.string("_key"))")
            #expect(
                missing.message == "Error: Document not found. Operation: Get \(name) edge key=\(edge.string("_key"))")
            #expect(
                try await api.delete("\(base)/\(edge.string("_key"))").message
                    == "Error: Document not found. Operation: Delete \(name) edge key=\(edge.string("_key"))")
            _ = try await api.post(base, ["_from": "a/1", "_to": "b/2"])
            let all = try await api.delete(base)
            #expect(all["message"] == .string("Deleted all edges in the \"\(name)__\(w)\" collection"))
            #expect(try await api.get(base)["total_count"] == 0)
        }
    }

    @Test("unknown or non-edge names are 404 on all five routes", arguments: ["foo", "jobs", "events"])
    func unknownNames(name: String) async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let base = "/workflows/\(w)/edges/\(name)"
            #expect(try await api.get(base).isError(404))
            #expect(try await api.post(base, ["_from": "a/1", "_to": "b/2"]).isError(404))
            #expect(try await api.delete(base).isError(404))
            #expect(try await api.get("\(base)/1").isError(404))
            #expect(try await api.delete("\(base)/1").isError(404))
            #expect(try await api.get("/workflows/\(w)/jobs")["total_count"] == 0)
        }
    }

    @Test("bodies are strict and handles are checked (1233)")
    func validation() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let base = "/workflows/\(w)/edges/blocks"
            #expect(try await api.post(base, ["_from": "a/1"]).isError(400))
            #expect(try await api.post(base, ["_from": "a/1", "_to": "b/2", "weight": 1]).isError(400))
            #expect(try await api.post(base, ["_from": "nohandle", "_to": "b/2"]).isError(400, errorNum: 1233))
            #expect(try await api.post(base, ["_from": "a/1", "_to": "b/c/d"]).isError(400, errorNum: 1233))
            let keyed = try await api.post(base, ["_key": "e1", "_from": "a/1", "_to": "b/2"])
            #expect(keyed.string("_key") == "e1")
            #expect(
                try await api.post(base, ["_key": "e1", "_from": "a/1", "_to": "b/2"]).isError(400, errorNum: 1210))
        }
    }

    @Test("deleting a vertex removes its edges in every edge collection, and nothing else")
    func vertexCascade() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let job = try await api.create(w, "jobs", ["command": "c"])
            let other = try await api.create(w, "jobs", ["command": "d"])
            let file = try await api.create(w, "files", ["path": "p"])
            try await api.link(w, "needs", from: job, to: file)
            try await api.link(w, "produces", from: other, to: file)
            try await api.link(w, "blocks", from: other, to: job)
            // An edge that ignores the edge definitions is also cleaned up.
            try await api.link(w, "stores", from: file, to: job)
            _ = try await api.delete("/workflows/\(w)/jobs/\(job.string("_key"))")
            #expect(try await api.get("/workflows/\(w)/edges/needs")["total_count"] == 0)
            #expect(try await api.get("/workflows/\(w)/edges/blocks")["total_count"] == 0)
            #expect(try await api.get("/workflows/\(w)/edges/stores")["total_count"] == 0)
            #expect(try await api.get("/workflows/\(w)/edges/produces")["total_count"] == 1)
            #expect(try await api.get("/workflows/\(w)/files")["total_count"] == 1)

            _ = try await api.delete("/workflows/\(w)/files")
            #expect(try await api.get("/workflows/\(w)/edges/produces")["total_count"] == 0)
            #expect(try await api.get("/workflows/\(w)/jobs")["total_count"] == 1)
        }
    }

    @Test("deleting events or scheduled compute nodes touches no edges")
    func plainCollections() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let event = try await api.create(w, "events", ["a": 1])
            _ = try await api.post(
                "/workflows/\(w)/edges/blocks", ["_from": event["_id"] ?? .null, "_to": "jobs__\(w)/1"])
            _ = try await api.delete("/workflows/\(w)/events/\(event.string("_key"))")
            #expect(try await api.get("/workflows/\(w)/edges/blocks")["total_count"] == 1)
        }
    }
}
