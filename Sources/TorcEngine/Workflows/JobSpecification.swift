import TorcCore

/// The name-based description of a job (docs/data-model.md, "Document types"), in both directions.
public enum JobSpecification {
    /// The schema of a job specification body.
    public static let schema = DocumentSchema([
        .optional("name", .text),
        .optional("key", .text),
        .required("command", .text),
        .defaulted("user_data", .array(.anyObject), []),
        .defaulted("cancel_on_blocking_job_failure", .boolean, true),
        .defaulted("supports_termination", .boolean, false),
        .defaulted("scheduler", .string(allowEmpty: true), ""),
        .optional("resource_requirements", .text),
        .defaulted("input_files", .array(.text), []),
        .defaulted("output_files", .array(.text), []),
        .defaulted("blocked_by", .array(.text), []),
        .optional("priority", .integer),
    ])

    /// The stored job body created from a validated specification.
    public static func jobBody(_ spec: JSONObject) -> JSONObject {
        var job: JSONObject = [:]
        if let key = spec["key"] { job["_key"] = key }
        if let name = spec["name"] { job["name"] = name }
        job["command"] = spec["command"] ?? ""
        job["status"] = JobStatus.uninitialized.json
        job["cancel_on_blocking_job_failure"] = spec["cancel_on_blocking_job_failure"] ?? true
        job["supports_termination"] = spec["supports_termination"] ?? false
        job["run_id"] = 0
        if let priority = spec["priority"] { job["priority"] = priority }
        job["internal"] = .object(Schemas.defaultJobInternal)
        return job
    }

    /// The specification form of jobs (docs/routes.md, "Workflows"), computed for many jobs with
    /// one edge query per edge collection and bulk document reads.
    public static func view(_ reader: any StoreReader, workflow: String, jobs: [Document]) throws -> [JSONObject] {
        guard !jobs.isEmpty else { return [] }
        let ids = jobs.map(\.id)
        func edges(_ collection: WorkflowCollection, inbound: Bool) throws -> [Document] {
            let name = CollectionName(collection, workflow: workflow)
            return inbound ? try reader.edges(in: name, to: ids) : try reader.edges(in: name, from: ids)
        }
        let blocks = try edges(.blocks, inbound: true)
        let needs = try edges(.needs, inbound: false)
        let produces = try edges(.produces, inbound: false)
        let requires = try edges(.requires, inbound: false)
        let schedulers = try edges(.scheduledBys, inbound: false)
        let stores = try edges(.stores, inbound: false)

        var targets = Set<String>()
        for edge in blocks { targets.insert(edge.from) }
        for edge in needs + produces + requires + stores { targets.insert(edge.to) }
        var byID: [String: Document] = [:]
        for document in try GraphTraversal.resolve(reader, Array(targets)) { byID[document.id] = document }

        func grouped(_ edges: [Document], by key: KeyPath<Document, String>, value: KeyPath<Document, String>)
            -> [String: [String]]
        {
            var result: [String: [String]] = [:]
            for edge in edges { result[edge[keyPath: key], default: []].append(edge[keyPath: value]) }
            return result
        }
        let blockers = grouped(blocks, by: \.to, value: \.from)
        let inputs = grouped(needs, by: \.from, value: \.to)
        let outputs = grouped(produces, by: \.from, value: \.to)
        let required = grouped(requires, by: \.from, value: \.to)
        let scheduled = grouped(schedulers, by: \.from, value: \.to)
        let stored = grouped(stores, by: \.from, value: \.to)

        func names(_ handles: [String]?) -> JSONValue {
            .array((handles ?? []).compactMap { byID[$0]?["name"] })
        }
        return try jobs.map { job in
            let requirement = required[job.id] ?? []
            let scheduler = scheduled[job.id] ?? []
            guard requirement.count <= 1, scheduler.count <= 1 else { throw ServiceError.internalError }
            var spec: JSONObject = [:]
            spec["name"] = job["name"]
            spec["command"] = job["command"] ?? ""
            spec["cancel_on_blocking_job_failure"] = job["cancel_on_blocking_job_failure"] ?? true
            if let priority = job["priority"] { spec["priority"] = priority }
            spec["blocked_by"] = names(blockers[job.id])
            spec["input_files"] = names(inputs[job.id])
            spec["output_files"] = names(outputs[job.id])
            spec["resource_requirements"] = requirement.first.flatMap { byID[$0]?["name"] } ?? "default"
            spec["scheduler"] = .string(scheduler.first ?? "")
            spec["user_data"] = .array(
                (stored[job.id] ?? []).compactMap { byID[$0] }.map { data in
                    var body = data.body
                    body.removeValue(forKey: "_key")
                    body.removeValue(forKey: "_id")
                    body.removeValue(forKey: "_rev")
                    return .object(body)
                })
            return spec
        }
    }
}
