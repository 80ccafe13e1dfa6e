import TorcCore

/// The workflow specification routes (docs/routes.md, "Workflows").
extension WorkflowDatabase {
    /// `POST /workflow_specifications`: the whole workflow, atomically.
    public func createWorkflowSpecification(body: JSONValue?) async throws -> JSONValue {
        let specification = try WorkflowSpecification(body)
        return try await writeGlobal { writer in try specification.store(writer).json }
    }

    /// `GET /workflow_specifications/{K}`: the stored workflow in specification form.
    public func getWorkflowSpecification(key: WorkflowReference) async throws -> JSONValue {
        try await read { reader in
            let workflow = try WorkflowLookup.require(reader, key)
            let w = workflow.key
            func all(_ collection: WorkflowCollection) throws -> [Document] {
                try reader.find(DocumentQuery(CollectionName(collection, workflow: w))).documents
            }
            let jobs = try JobSpecification.view(reader, workflow: w, jobs: all(.jobs))
            var schedulers = JSONObject()
            for collection in WorkflowCollection.schedulers {
                schedulers[collection.rawValue] = .array(try all(collection).map(\.json))
            }
            return [
                "config": try WorkflowRecords.config(reader, workflow: workflow).json,
                "files": .array(try all(.files).map(\.json)),
                "jobs": .array(jobs.map { .object($0) }),
                "resource_requirements": .array(try all(.resourceRequirements).map(\.json)),
                "schedulers": .object(schedulers),
            ]
        }
    }
}

/// The fixed documents of `GET /workflow_specifications/example` and `/template` (docs/routes.md, "Workflows").
public enum WorkflowSpecificationSamples {
    /// An example specification.
    public static let example: JSONValue = [
        "files": [
            ["name": "work_script", "path": "my_script.sh"],
            ["name": "postprocess_script", "path": "postprocess.sh"],
            ["name": "f1", "path": "dir/f1.json"],
            ["name": "f2", "path": "dir/f2.json"],
            ["name": "f3", "path": "dir/f3.json"],
        ],
        "jobs": [
            [
                "name": "work", "command": "bash my_script.sh -i f1.json -o f2.json",
                "input_files": ["work_script", "f1"], "output_files": ["f2"], "resource_requirements": "medium",
            ],
            [
                "name": "postprocess", "command": "bash postprocess.sh -i f2.json -o f3.json",
                "input_files": ["postprocess_script", "f2"], "output_files": ["f3"], "resource_requirements": "small",
            ],
        ],
        "resource_requirements": [
            ["name": "small", "num_cpus": 1, "memory": "10g", "runtime": "P0DT1H"],
            ["name": "medium", "num_cpus": 8, "memory": "30g", "runtime": "P0DT4H"],
        ],
    ]

    /// An empty specification with every attribute.
    public static let template: JSONValue = [
        "name": "", "description": "", "user": "",
        "files": [], "jobs": [], "resource_requirements": [],
        "schedulers": ["aws_schedulers": [], "local_schedulers": [], "slurm_schedulers": []],
        "config": ["compute_node_resource_stats": .object(Schemas.defaultComputeNodeResourceStats)],
    ]
}
