import TorcCore

/// A workflow specification (docs/routes.md, "Workflows"): the whole workflow described by names.
/// Parsing validates the format, de-duplicates identical entries and resolves
/// every name before anything is stored, so a bad specification creates nothing.
struct WorkflowSpecification {
    static let nullableText = FieldType.string(allowEmpty: true, allowNull: true)

    static let schedulersSchema = DocumentSchema([
        .defaulted("aws_schedulers", .array(.object(Schemas.awsScheduler)), []),
        .defaulted("local_schedulers", .array(.object(Schemas.localScheduler)), []),
        .defaulted("slurm_schedulers", .array(.object(Schemas.slurmScheduler)), []),
    ])

    static let schema = DocumentSchema([
        .optional("name", nullableText),
        .optional("key", .text),
        .optional("user", nullableText),
        .optional("description", nullableText),
        .defaulted("files", .array(.object(Schemas.file)), []),
        .defaulted("resource_requirements", .array(.object(Schemas.resourceRequirements)), []),
        .defaulted(
            "schedulers", .object(schedulersSchema),
            .object(["aws_schedulers": [], "local_schedulers": [], "slurm_schedulers": []])),
        .defaulted("jobs", .array(.object(JobSpecification.schema)), []),
        .optional("config", .anyObject),
    ])

    /// Entries of one kind after de-duplication, with name lookup.
    struct Entries {
        /// Distinct entries in first-occurrence order, as stored bodies.
        var bodies: [JSONObject] = []
        /// Indexes into `bodies` by `name`.
        var byName: [String: [Int]] = [:]

        init(_ items: [JSONValue]) {
            var seen: [JSONObject: Int] = [:]
            for item in items {
                let body = DocumentSchema.storable(item.objectValue ?? [:])
                var identity = body
                if identity["_key"] != nil { identity.removeValue(forKey: "_key") }
                // Identity ignores attribute order: {"a":1,"b":2} and {"b":2,"a":1} are one entry.
                identity = Self.canonical(identity)
                if seen[identity] != nil { continue }
                seen[identity] = bodies.count
                if let name = body["name"]?.stringValue { byName[name, default: []].append(bodies.count) }
                bodies.append(body)
            }
        }

        /// The object with its members sorted by name, recursively.
        static func canonical(_ object: JSONObject) -> JSONObject {
            var sorted = JSONObject()
            for name in object.keys.sorted() {
                let value = object[name]!
                if case .object(let inner) = value {
                    sorted[name] = .object(canonical(inner))
                } else if case .array(let items) = value {
                    sorted[name] = .array(
                        items.map { item in
                            if case .object(let inner) = item { return .object(canonical(inner)) }
                            return item
                        })
                } else {
                    sorted[name] = value
                }
            }
            return sorted
        }

        /// The single entry called `name`; `nil` when none; 400 when ambiguous.
        func resolve(_ name: String) throws(ServiceError) -> Int? {
            let matches = byName[name] ?? []
            if matches.count > 1 {
                throw .badRequest(
                    "filter = \(JSONWriter.string(["name": .string(name)])) matches \(matches.count) documents")
            }
            return matches.first
        }
    }

    /// One job with its references resolved to entry indexes.
    struct Job {
        var body: JSONObject
        var inputs: [Int] = []
        var outputs: [Int] = []
        var blockedBy: [Int] = []
        var requirement: Int?
        var scheduler: (kind: WorkflowCollection, index: Int)?
        var userData: [JSONObject] = []
    }

    var workflow: JSONObject = [:]
    var config: JSONObject
    var files: Entries
    var requirements: Entries
    var schedulers: [(WorkflowCollection, Entries)]
    var jobs: [Job] = []

    init(_ body: JSONValue?) throws {
        let spec = try Self.schema.validateBody(body)
        for name in ["name", "user", "description"] { if let value = spec[name] { workflow[name] = value } }
        if let key = spec["key"]?.stringValue {
            try WorkflowRecords.validateKey(key)
            workflow["_key"] = .string(key)
        }
        var config = DocumentSchema.storable(spec["config"]?.objectValue ?? [:])
        config.removeValue(forKey: "_key")
        var stats = Schemas.defaultComputeNodeResourceStats
        for (name, value) in config["compute_node_resource_stats"]?.objectValue ?? [:] { stats[name] = value }
        config["compute_node_resource_stats"] = .object(stats)
        self.config = config

        files = Entries(spec["files"]?.arrayValue ?? [])
        requirements = Entries(spec["resource_requirements"]?.arrayValue ?? [])
        for requirement in requirements.bodies {
            _ = try MemorySize.bytes(requirement["memory"]?.stringValue ?? "")
        }
        let schedulerLists = spec["schedulers"]?.objectValue ?? [:]
        schedulers = WorkflowCollection.schedulers.map { ($0, Entries(schedulerLists[$0.rawValue]?.arrayValue ?? [])) }

        let specs = (spec["jobs"]?.arrayValue ?? []).compactMap(\.objectValue)
        var jobsByName: [String: [Int]] = [:]
        for (index, job) in specs.enumerated() {
            if let name = job["name"]?.stringValue { jobsByName[name, default: []].append(index) }
        }
        for job in specs {
            let text = JSONWriter.string(.object(job))
            var resolved = Job(body: JobSpecification.jobBody(job))
            for name in Self.strings(job["input_files"]) {
                guard let index = try files.resolve(name) else {
                    throw ServiceError.badRequest("Invalid input file=\(name) in \(text)")
                }
                resolved.inputs.append(index)
            }
            for name in Self.strings(job["output_files"]) {
                guard let index = try files.resolve(name) else {
                    throw ServiceError.badRequest("Invalid output file=\(name) in \(text)")
                }
                resolved.outputs.append(index)
            }
            for name in Self.strings(job["blocked_by"]) {
                let matches = jobsByName[name] ?? []
                if matches.count > 1 {
                    throw ServiceError.badRequest(
                        "filter = \(JSONWriter.string(["name": .string(name)])) matches \(matches.count) documents")
                }
                guard let index = matches.first else {
                    throw ServiceError.badRequest("Invalid blocked_by=\(name) in job \(text)")
                }
                resolved.blockedBy.append(index)
            }
            if let name = job["resource_requirements"]?.stringValue {
                guard let index = try requirements.resolve(name) else {
                    throw ServiceError.badRequest("Invalid resource_requirements=\(name) in job \(text)")
                }
                resolved.requirement = index
            }
            if let reference = job["scheduler"]?.stringValue, !reference.isEmpty {
                let invalid = ServiceError.badRequest("Invalid scheduler=\(reference) in job=\(text)")
                let parts = reference.split(separator: "/", omittingEmptySubsequences: false)
                guard parts.count == 2, let (kind, entries) = schedulers.first(where: { $0.0.rawValue == parts[0] })
                else {
                    throw invalid
                }
                guard let index = try entries.resolve(String(parts[1])) else { throw invalid }
                resolved.scheduler = (kind, index)
            }
            resolved.userData = (job["user_data"]?.arrayValue ?? []).compactMap(\.objectValue).map(
                DocumentSchema.storable)
            jobs.append(resolved)
        }
    }

    static func strings(_ value: JSONValue?) -> [String] {
        (value?.arrayValue ?? []).compactMap(\.stringValue)
    }

    /// Stores everything inside the caller's transaction: the workflow and its
    /// records, then each collection with one bulk insert (docs/routes.md, "Workflows").
    func store(_ writer: any StoreWriter) throws -> Document {
        let workflowDoc = try WorkflowRecords.create(writer, workflow: workflow, config: config)
        let w = workflowDoc.key
        // Only the `_id`s of stored documents are kept, so a large workflow's
        // documents are not held twice while the rest is written.
        func insert(_ bodies: [JSONObject], _ collection: WorkflowCollection) throws -> [String] {
            bodies.isEmpty ? [] : try writer.insertReturningIDs(bodies, into: CollectionName(collection, workflow: w))
        }
        let storedFiles = try insert(files.bodies, .files)
        var storedSchedulers: [WorkflowCollection: [String]] = [:]
        for (kind, entries) in schedulers { storedSchedulers[kind] = try insert(entries.bodies, kind) }
        let storedRequirements = try insert(requirements.bodies, .resourceRequirements)
        let storedJobs = try insert(jobs.map(\.body), .jobs)

        // One edge collection at a time, so only one list of edge bodies exists at once.
        func edge(_ from: String, _ to: String) -> JSONObject { ["_from": .string(from), "_to": .string(to)] }
        func link(_ collection: WorkflowCollection, _ make: (Job, String) -> [JSONObject]) throws {
            var bodies: [JSONObject] = []
            for (job, stored) in zip(jobs, storedJobs) { bodies += make(job, stored) }
            _ = try insert(bodies, collection)
        }
        try link(.needs) { job, stored in job.inputs.map { edge(stored, storedFiles[$0]) } }
        try link(.produces) { job, stored in job.outputs.map { edge(stored, storedFiles[$0]) } }
        try link(.requires) { job, stored in job.requirement.map { [edge(stored, storedRequirements[$0])] } ?? [] }
        try link(.scheduledBys) { job, stored in
            guard let (kind, index) = job.scheduler, let target = storedSchedulers[kind]?[index] else { return [] }
            return [edge(stored, target)]
        }
        var userData: [JSONObject] = []
        var userDataOwners: [String] = []
        for (job, stored) in zip(jobs, storedJobs) where !job.userData.isEmpty {
            userData += job.userData
            userDataOwners += Array(repeating: stored, count: job.userData.count)
        }
        let storedUserData = try insert(userData, .userData)
        userData = []
        _ = try insert(zip(userDataOwners, storedUserData).map { edge($0, $1) }, .stores)
        try link(.blocks) { job, stored in job.blockedBy.map { edge(storedJobs[$0], stored) } }
        return workflowDoc
    }
}
