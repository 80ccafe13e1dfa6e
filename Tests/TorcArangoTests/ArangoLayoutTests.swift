import CurlHTTP
import Foundation
import Testing
import TorcCore
import TorcTestSupport

/// The original service's layout (docs/data-model.md, "Per-workflow collections"): a database
/// written with plain ArangoDB calls, as the Foxx service wrote it, is served
/// and driven unchanged, and what torc-service writes has the same layout.
@Suite("ArangoDB: the original layout", .serialized)
struct ArangoLayoutTests {
    /// Builds workflow `100` in database `database` the way the original stored it.
    static func buildOriginal(_ http: JSONHTTP, _ arango: String, database: String) async throws {
        try await http.ok(.post, "\(arango)/_api/database", ["name": .string(database)])
        let db = "\(arango)/_db/\(database)"
        try await http.ok(
            .post, "\(db)/_api/gharial",
            [
                "name": "workflow_graph",
                "edgeDefinitions": [
                    ["collection": "has_workflow_config", "from": ["workflows"], "to": ["workflow_configs"]],
                    ["collection": "has_workflow_status", "from": ["workflows"], "to": ["workflow_statuses"]],
                ],
            ])
        try await http.ok(.post, "\(db)/_api/document/workflows", ["_key": "100", "name": "legacy", "user": "alice"])
        try await http.ok(
            .post, "\(db)/_api/document/workflow_configs",
            [
                "_key": "101",
                "compute_node_resource_stats": [
                    "cpu": false, "disk": false, "memory": false, "network": false, "process": false,
                    "include_child_processes": true, "recurse_child_processes": false, "monitor_type": "aggregation",
                    "make_plots": true, "interval": 10,
                ],
            ])
        try await http.ok(
            .post, "\(db)/_api/document/workflow_statuses",
            [
                "_key": "102", "run_id": 1, "is_canceled": false, "scheduled_compute_node_ids": [],
                "auto_tune_status": ["enabled": true, "job_keys": []],
            ])
        try await http.ok(
            .post, "\(db)/_api/document/has_workflow_config", ["_from": "workflows/100", "_to": "workflow_configs/101"])
        try await http.ok(
            .post, "\(db)/_api/document/has_workflow_status",
            ["_from": "workflows/100", "_to": "workflow_statuses/102"])
        // The per-workflow graph and its two plain collections.
        var definitions: [JSONValue] = []
        for edge in WorkflowCollection.edges {
            let definition = edge.edgeDefinition!
            definitions.append([
                "collection": .string("\(edge.rawValue)__100"),
                "from": .array(definition.from.map { .string("\($0.rawValue)__100") }),
                "to": .array(definition.to.map { .string("\($0.rawValue)__100") }),
            ])
        }
        try await http.ok(
            .post, "\(db)/_api/gharial", ["name": "workflow_graph__100", "edgeDefinitions": .array(definitions)])
        for plain in ["events__100", "scheduled_compute_nodes__100"] {
            try await http.ok(.post, "\(db)/_api/collection", ["name": .string(plain)])
        }
        let cache: JSONValue = [
            "memory_bytes": 0, "num_cpus": 0, "num_gpus": 0, "runtime_seconds": 0, "scheduler_config_id": "",
        ]
        for (key, name) in [("201", "prep"), ("202", "work")] {
            try await http.ok(
                .post, "\(db)/_api/document/jobs__100",
                [
                    "_key": .string(key), "name": .string(name), "command": .string("echo \(name)"),
                    "status": "uninitialized", "cancel_on_blocking_job_failure": true, "supports_termination": false,
                    "run_id": 0, "internal": cache,
                ])
        }
        try await http.ok(.post, "\(db)/_api/document/blocks__100", ["_from": "jobs__100/201", "_to": "jobs__100/202"])
        try await http.ok(
            .post, "\(db)/_api/document/resource_requirements__100",
            [
                "_key": "301", "name": "small", "num_cpus": 2, "num_gpus": 0, "num_nodes": 1, "memory": "1g",
                "runtime": "P0DT1H",
            ])
        for job in ["201", "202"] {
            try await http.ok(
                .post, "\(db)/_api/document/requires__100",
                [
                    "_from": .string("jobs__100/\(job)"), "_to": "resource_requirements__100/301",
                ])
        }
        try await http.ok(.post, "\(db)/_api/document/user_data__100", ["_key": "401", "key1": "val1", "n": 7])
        try await http.ok(
            .post, "\(db)/_api/document/stores__100", ["_from": "jobs__100/201", "_to": "user_data__100/401"])
    }

    @Test("a database written by the original is served and driven to completion; our writes keep its layout")
    func originalDatabase() async throws {
        let server = try await ArangoEmulator.shared()
        let database = "legacy\(UInt32.random(in: 0...UInt32.max))"
        let http = JSONHTTP()
        try await Self.buildOriginal(http, server.url, database: database)
        try await ServiceProcess.with(
            arguments: ["--store", "arangodb", "--arango-url", server.url, "--log-level", "warning"]
        ) { services in
            try await Self.serveOriginal(
                http, server.url, base: services[0].baseURL(database: database), database: database)
        }
    }

    /// Reads the original's workflow, drives it to completion and checks where the writes went.
    static func serveOriginal(_ http: JSONHTTP, _ serverURL: String, base: String, database: String) async throws {

        // Read as stored.
        let workflows = try await http.ok(.get, "\(base)/workflows")
        #expect(workflows["items"]?.arrayValue?.map { $0["_key"] } == ["100"])
        #expect(try await http.ok(.get, "\(base)/workflows/config/100")["_id"] == "workflow_configs/101")
        #expect(try await http.ok(.get, "\(base)/workflows/status/100")["_id"] == "workflow_statuses/102")
        let userData = try await http.ok(.get, "\(base)/workflows/100/jobs/user_data/201")
        #expect(userData["items"]?.arrayValue?.first?["key1"] == "val1")
        let job = try await http.ok(.get, "\(base)/workflows/100/jobs/jobs__100%2F202")
        #expect(job["name"] == "work" && job["internal"] == nil)

        // Driven: initialize, hand out, complete, in dependency order.
        try await http.ok(.post, "\(base)/workflows/initialize_jobs/100")
        let ran = try await HTTPRunner(http: http, base: base, workflow: "100").drain()
        #expect(ran == ["201", "202"], "prep runs before work")
        #expect(try await http.ok(.get, "\(base)/workflows/is_complete/100")["is_complete"] == true)

        // What torc-service wrote is where the original would have written it.
        let db = "\(serverURL)/_db/\(database)"
        let cached = try await http.ok(.get, "\(db)/_api/document/jobs__100/202")
        #expect(cached["status"] == "done")
        #expect(cached["internal"]?["num_cpus"] == 2 && cached["internal"]?["memory_bytes"] == .int(1 << 30))
        let results = try await http.ok(.post, "\(db)/_api/cursor", ["query": "FOR r IN results__100 RETURN r.job_key"])
        #expect(Set(results["result"]?.arrayValue ?? []) == ["201", "202"])
        let returned = try await http.ok(.post, "\(db)/_api/cursor", ["query": "FOR e IN returned__100 RETURN e._from"])
        #expect(Set(returned["result"]?.arrayValue ?? []) == ["jobs__100/201", "jobs__100/202"])

        // A workflow created through torc-service gets the original's collections and graphs.
        let created = try await http.ok(.post, "\(base)/workflows", ["name": "new"])
        let w = created["_key"]?.stringValue ?? ""
        let graph = try await http.ok(.get, "\(db)/_api/gharial/workflow_graph__\(w)")
        let edges = Set(
            (graph["graph"]?["edgeDefinitions"]?.arrayValue ?? []).compactMap { $0["collection"]?.stringValue })
        #expect(edges == Set(WorkflowCollection.edges.map { "\($0.rawValue)__\(w)" }))
        let collections = try await http.ok(.get, "\(db)/_api/collection?excludeSystem=true")
        let names = Set((collections["result"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue })
        for base in WorkflowCollection.allCases { #expect(names.contains("\(base.rawValue)__\(w)"), "\(base)") }
        let edge = try await http.ok(
            .post, "\(db)/_api/cursor",
            [
                "query": "FOR e IN has_workflow_status FILTER e._from == @w RETURN e._to",
                "bindVars": ["w": .string("workflows/\(w)")],
            ])
        #expect(edge["result"]?.arrayValue?.count == 1)

        // Deleting it removes its collections and graph, and nothing of the original workflow.
        try await http.ok(.delete, "\(base)/workflows/\(w)")
        #expect(try await http.call(.get, "\(db)/_api/gharial/workflow_graph__\(w)").status == 404)
        #expect(try await http.call(.get, "\(db)/_api/collection/jobs__\(w)").status == 404)
        #expect(try await http.call(.get, "\(db)/_api/collection/jobs__100").status == 200)
    }

    @Test("a database that does not exist is created on first use, with the global collections and graph")
    func createdOnFirstUse() async throws {
        let server = try await ArangoEmulator.shared()
        let database = "fresh\(UInt32.random(in: 0...UInt32.max))"
        try await ServiceProcess.with(
            arguments: ["--store", "arangodb", "--arango-url", server.url, "--log-level", "warning"]
        ) { services in
            let http = JSONHTTP()
            let list = try await http.ok(.get, "\(services[0].baseURL(database: database))/workflows")
            #expect(list["items"] == [])
            let graph = try await http.ok(.get, "\(server.url)/_db/\(database)/_api/gharial/workflow_graph")
            #expect(graph["graph"]?["edgeDefinitions"]?.arrayValue?.count == 2)
        }
    }
}
