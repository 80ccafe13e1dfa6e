import Foundation
import HTTPTypes
import Testing
import TorcCore

/// docs/routes.md, "Workflows": workflow specifications.
@Suite("Workflow specifications")
struct WorkflowSpecificationTests {
    @Test(
        "the users' example files are accepted as they are",
        arguments: [
            "diamond_workflow.json", "independent_workflow.json", "workflow.json",
        ])
    func examples(file: String) async throws {
        let spec = try Fixture.json(file)
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification(spec)
            let jobs = try await api.get("/workflows/\(w)/jobs")
            #expect(jobs["total_count"] == .int(Int64(spec["jobs"]?.arrayValue?.count ?? 0)))
            #expect(jobs.items.allSatisfy { $0["status"] == "uninitialized" })
            try await api.initialize(w)
            let statuses = try await api.statuses(w)
            #expect(statuses.values.allSatisfy { $0 == "ready" || $0 == "blocked" })
            #expect(statuses.values.contains("ready"))
        }
    }

    @Test("example and template documents")
    func fixedDocuments() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let example = try await api.get("/workflow_specifications/example")
            #expect(example.json == (try Fixture.json("workflow.json")))
            let template = try await api.get("/workflow_specifications/template")
            #expect(template["name"] == "" && template["jobs"] == [])
            #expect(template["config"]["compute_node_resource_stats"]?["interval"] == 10)
            // The template can be posted as it is.
            let w = try await api.createSpecification(template.json)
            #expect(try await api.get("/workflows/\(w)")["name"] == "")
        }
    }

    @Test("the diamond: edges, names, user data, config merge, and the GET form")
    func diamond() async throws {
        let spec = try Fixture.json("diamond_workflow.json")
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification(spec)
            let workflow = try await api.get("/workflows/\(w)")
            #expect(workflow["name"] == spec["name"] ?? .null)
            let back = try await api.get("/workflow_specifications/\(w)")
            let jobs = back["jobs"].arrayValue ?? []
            let work1 = try #require(jobs.first { $0["name"] == "work1" })
            #expect(work1["blocked_by"] == ["preprocess"])
            #expect(work1["input_files"] == ["file1"] && work1["output_files"] == ["file2"])
            #expect(work1["resource_requirements"] == "medium")
            #expect(work1["user_data"] == [["key1": "val1"]])
            #expect(work1.string("scheduler").hasPrefix("slurm_schedulers__\(w)/"))
            let stats = back["config"]["compute_node_resource_stats"]
            #expect(stats?["include_child_processes"] == true, "settings not given keep their defaults")
            #expect((back["files"].arrayValue ?? []).count == (spec["files"]?.arrayValue ?? []).count)
            try await api.initialize(w)
            let after = try await api.get("/workflow_specifications/\(w)")
            let postprocess = try #require((after["jobs"].arrayValue ?? []).first { $0["name"] == "postprocess" })
            #expect(Set(postprocess["blocked_by"]?.arrayValue ?? []) == ["work1", "work2"])
        }
    }

    @Test("identical entries (in any attribute order) are stored once; blocked_by is order-independent; keys are used")
    func resolution() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification([
                "name": nil, "key": "spec-wf",
                "files": [["name": "f", "path": "p"], ["path": "p", "name": "f"]],
                "resource_requirements": [["name": "r", "memory": "2g"], ["name": "r", "memory": "2g"]],
                "jobs": [
                    [
                        "name": "late", "command": "b", "blocked_by": ["early"], "input_files": ["f"],
                        "resource_requirements": "r",
                    ],
                    ["name": "early", "key": "job-key", "command": "a", "output_files": ["f"]],
                ],
                "schedulers": ["local_schedulers": []],
            ])
            #expect(w == "spec-wf")
            #expect(try await api.get("/workflows/\(w)")["name"] == .null)
            #expect(try await api.get("/workflows/\(w)/files")["total_count"] == 1)
            #expect(try await api.get("/workflows/\(w)/resource_requirements")["total_count"] == 1)
            #expect(try await api.get("/workflows/\(w)/jobs/job-key")["name"] == "early")
            #expect(try await api.get("/workflows/\(w)/edges/blocks")["total_count"] == 1)
            try await api.initialize(w)
            try await api.initialize(w)
            #expect(try await api.get("/workflows/\(w)/edges/blocks")["total_count"] == 1, "no duplicate derived edge")
            #expect(try await api.statuses(w) == ["early": "ready", "late": "blocked"])
        }
    }

    @Test(
        "bad specifications are 400 and create nothing",
        arguments: [
            #"{"jobs": [{"name": "j", "command": "c", "input_files": ["nope"]}]}"#,
            #"{"jobs": [{"name": "j", "command": "c", "output_files": ["nope"]}]}"#,
            #"{"jobs": [{"name": "j", "command": "c", "blocked_by": ["nope"]}]}"#,
            #"{"jobs": [{"name": "j", "command": "c", "scheduler": "local_schedulers/nope"}]}"#,
            #"{"jobs": [{"name": "j", "command": "c", "scheduler": "jobs/j"}]}"#,
            #"{"jobs": [{"name": "j", "command": "c", "resource_requirements": "nope"}]}"#,
            #"{"files": [{"name": "f", "path": "a"}, {"name": "f", "path": "b"}], "#
                + #""jobs": [{"command": "c", "input_files": ["f"]}]}"#,
            #"{"jobs": [{"name": "j", "command": "c"}, {"name": "j", "command": "d"}, "#
                + #"{"command": "e", "blocked_by": ["j"]}]}"#,
            #"{"resource_requirements": [{"name": "r", "memory": "1.5g"}]}"#,
            #"{"key": "a.b"}"#,
            #"{"jobs": [{"command": "c", "unknown": 1}]}"#,
            #"{"color": "blue"}"#,
            #"{"jobs": [{"command": "c", "key": "k"}, {"command": "d", "key": "k"}]}"#,
            #"[1]"#,
        ])
    func invalid(body: String) async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let response = try await api.raw(.post, "/workflow_specifications", body: body)
            #expect(response.status == 400 && response["error"] == true, "\(response.json)")
            #expect(try await api.get("/workflows")["total_count"] == 0)
        }
    }

    @Test("error messages name the wrong entry")
    func messages() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let missing = try await api.post(
                "/workflow_specifications", ["jobs": [["name": "j", "command": "c", "input_files": ["nope"]]]])
            #expect(missing.message.hasPrefix("Invalid input file=nope in {"))
            let memory = try await api.post("/workflow_specifications", ["resource_requirements": [["memory": "10gb"]]])
            #expect(memory.message == "10gb is an invalid memory value")
        }
    }
}
