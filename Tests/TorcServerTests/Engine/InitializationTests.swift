import Foundation
import HTTPTypes
import Testing
import TorcCore

/// docs/job-lifecycle.md, "Initialization": initialize_jobs.
@Suite("Job initialisation")
struct InitializationTests {
    @Test("statuses follow the upstream closure; done jobs stay done only below done jobs")
    func statuses() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification([
                "jobs": [
                    ["name": "a", "command": "a"], ["name": "b", "command": "b", "blocked_by": ["a"]],
                    ["name": "c", "command": "c", "blocked_by": ["b"]], ["name": "d", "command": "d"],
                    ["name": "x", "command": "x", "blocked_by": ["y"]],
                    ["name": "y", "command": "y", "blocked_by": ["x"]],
                ]
            ])
            // c is done already, but its upstream is not: it must run again.
            let c = try await api.job(w, named: "c")
            var body = c.objectValue!
            body["status"] = "done"
            _ = try await api.put("/workflows/\(w)/jobs/\(c.string("_key"))", .object(body))
            let d = try await api.job(w, named: "d")
            var dBody = d.objectValue!
            dBody["status"] = "done"
            _ = try await api.put("/workflows/\(w)/jobs/\(d.string("_key"))", .object(dBody))
            try await api.initialize(w)
            #expect(
                try await api.statuses(w) == [
                    "a": "ready", "b": "blocked", "c": "blocked", "d": "done", "x": "blocked", "y": "blocked",
                ])
        }
    }

    @Test("caches come from the requirements; disabled jobs are untouched; unchanged jobs keep their _rev")
    func caches() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification([
                "resource_requirements": [
                    ["name": "big", "num_cpus": 36, "memory": "80g", "runtime": "P0DT12H", "num_nodes": 2]
                ],
                "jobs": [
                    ["name": "big", "command": "b", "resource_requirements": "big"], ["name": "plain", "command": "p"],
                    ["name": "off", "command": "o"],
                ],
            ])
            let off = try await api.job(w, named: "off")
            var offBody = off.objectValue!
            offBody["status"] = "disabled"
            let disabled = try await api.put("/workflows/\(w)/jobs/\(off.string("_key"))", .object(offBody))
            try await api.initialize(w)
            let big = try await api.job(w, named: "big")
            let deleted = try await api.delete("/workflows/\(w)/jobs/\(big.string("_key"))")
            #expect(
                deleted["internal"]
                    == api.stored([
                        "memory_bytes": .int(80 << 30), "num_cpus": 36, "num_gpus": 0, "runtime_seconds": 43200.0,
                        "scheduler_config_id": "", "num_nodes": 2,
                    ]))
            #expect(try await api.job(w, named: "off")["_rev"] == disabled["_rev"])
            let plain = try await api.job(w, named: "plain")
            try await api.initialize(w)
            #expect(try await api.job(w, named: "plain")["_rev"] == plain["_rev"], "a second call changes nothing")
        }
    }

    @Test("file dependencies: derived once, no self-edges")
    func fileDependencies() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification([
                "files": [["name": "f", "path": "f"], ["name": "g", "path": "g"]],
                "jobs": [
                    ["name": "p", "command": "p", "output_files": ["f"]],
                    ["name": "c1", "command": "c", "input_files": ["f"], "output_files": ["g"]],
                    ["name": "c2", "command": "c", "input_files": ["f", "g"], "output_files": ["g"]],
                ],
            ])
            try await api.initialize(w)
            try await api.initialize(w)
            let edges = try await api.get("/workflows/\(w)/edges/blocks")
            #expect(edges["total_count"] == 3, "p->c1, p->c2, c1->c2; no c2->c2")
            #expect(try await api.statuses(w) == ["p": "ready", "c1": "blocked", "c2": "blocked"])
        }
    }

    @Test(
        "invalid memory, runtime or walltime: 400 and nothing changed",
        arguments: [
            (["name": "r", "memory": "lots"] as JSONValue, [] as JSONValue),
            (["name": "r", "runtime": "P1M"] as JSONValue, [] as JSONValue),
            (["name": "r", "runtime": "soon"] as JSONValue, [] as JSONValue),
            (
                ["name": "r"] as JSONValue,
                [["name": "s", "account": "a", "nodes": 1, "walltime": "1:2:3:4"]] as JSONValue
            ),
            (["name": "r"] as JSONValue, [["name": "s", "account": "a", "nodes": 1]] as JSONValue),
        ])
    func invalid(requirement: JSONValue, slurm: JSONValue) async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification([
                "resource_requirements": [["name": "ok"]],
                "schedulers": ["slurm_schedulers": slurm],
                "jobs": [
                    ["name": "j", "command": "c", "resource_requirements": "ok"], ["name": "k", "command": "c"],
                ],
            ])
            let rr = try await api.get("/workflows/\(w)/resource_requirements")
            let stored = rr.items[0]
            var body = stored.objectValue!
            for (name, value) in requirement.objectValue! { body[name] = value }
            _ = try await api.put("/workflows/\(w)/resource_requirements/\(stored.string("_key"))", .object(body))
            let before = try await api.get("/workflows/\(w)/jobs")
            let response = try await api.post("/workflows/initialize_jobs/\(w)")
            #expect(response.isError(400), "\(response.json)")
            #expect(try await api.get("/workflows/\(w)/jobs").items == before.items)
        }
    }

    @Test("scheduler auto-selection: the only scheduler, Slurm only when the runtime fits")
    func autoSelection() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification([
                "resource_requirements": [["name": "short", "runtime": "PT1H"], ["name": "long", "runtime": "P1D"]],
                "schedulers": [
                    "slurm_schedulers": [["name": "s", "account": "a", "nodes": 1, "walltime": "04:00:00"]]
                ],
                "jobs": [
                    ["name": "short", "command": "c", "resource_requirements": "short"],
                    ["name": "long", "command": "c", "resource_requirements": "long"],
                ],
            ])
            try await api.initialize(w)
            let slurm = try await api.get("/workflows/\(w)/slurm_schedulers").items[0].string("_id")
            let all = try await api.get("/workflows/ready_job_requirements/\(w)")
            #expect(all["num_jobs"] == 2)
            let slurmID = slurm.replacingOccurrences(of: "/", with: "%2F")
            let bound = try await api.get("/workflows/ready_job_requirements/\(w)?scheduler_config_id=\(slurmID)")
            #expect(bound["num_jobs"] == 1 && bound["max_runtime"] == "PT1H")
            let unbound = try await api.get("/workflows/ready_job_requirements/\(w)?scheduler_config_id=")
            #expect(unbound["num_jobs"] == 1 && unbound["max_runtime"] == "P1D")
        }
    }

    @Test("unknown workflow is 404; a body is ignored")
    func misc() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            #expect(try await api.post("/workflows/initialize_jobs/nope").isError(404))
            let w = try await api.createWorkflow()
            #expect(try await api.raw(.post, "/workflows/initialize_jobs/\(w)", body: "not json").status == 200)
        }
    }
}
