import TorcCore

/// A workflow specification (docs/routes.md, "Workflows"): the whole workflow described by names.
/// Reading validates the format, de-duplicates identical entries and resolves
/// every name before anything is stored, so a bad specification creates nothing.
///
/// The request text is never held as one tree of values: its `jobs` and
/// `files` arrays are outlined to element byte ranges (`JSONObjectOutline`),
/// and each element is decoded, checked and dropped in turn; what is kept per
/// job or file is a few integers (`References`, `SpecificationEntries`). The
/// elements are decoded again, a chunk at a time, when they are stored. The
/// checks, their order and their messages are those of a body parsed whole:
/// the first schema problem in member order, then the key, the requirements'
/// memory sizes and each job's references in job order.
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

    /// The members read element by element; all others are read as values.
    static let streamedMembers: Set<String> = ["jobs", "files"]

    /// The jobs' references resolved to entry indexes, for all jobs in a few
    /// flat arrays: a million jobs cost a few integers each here.
    struct References {
        var inputs = IndexLists()
        var outputs = IndexLists()
        var blockedBy = IndexLists()
        /// The requirement entry of each job, `-1` for none.
        var requirement: [Int32] = []
        /// The scheduler kind (position in `schedulers`) and entry of each job, `-1` for none.
        var schedulerKind: [Int8] = []
        var schedulerEntry: [Int32] = []
        /// The jobs that carry user data, in order.
        var withUserData: [Int32] = []
    }

    var workflow: JSONObject = [:]
    var config: JSONObject
    /// The files' elements and which of them are distinct entries.
    var fileElements = SpecificationElements.empty("files")
    var files = SpecificationEntries()
    var requirements: ValueEntries
    var schedulers: [(WorkflowCollection, ValueEntries)]
    var jobs = SpecificationElements.empty("jobs")
    var references = References()

    /// Reads, validates and resolves a specification from its JSON text and
    /// that text's outline (`JSONParser.outlineBody`, with `streamedMembers`
    /// expanded; the HTTP layer outlines a body when it reads it, so that
    /// malformed JSON is refused before anything else is looked at).
    init(_ buffer: UnsafeBufferPointer<UInt8>, outline body: OutlinedBody) throws {
        let outline: JSONObjectOutline
        switch body {
        case .blank: throw ServiceError.badRequest("request body is required")
        case .notObject: throw ServiceError.badRequest("request body must be an object")
        case .object(let found): outline = found
        }

        // Schema validation in member order, as `DocumentSchema.validate` does it;
        // the streamed arrays are validated element by element, their names and
        // distinct entries noted on the way.
        var spec = JSONObject()
        var jobNames = NameIndex()
        for member in outline.members {
            guard let field = Self.schema.field(member.name) else { throw SchemaMessage.notAllowed([member.name]) }
            if let ranges = member.elements, case .array(let type) = field.type {
                let elements = SpecificationElements(member: member.name, type: type, ranges: ranges)
                if member.name == "jobs" {
                    for index in 0..<elements.count {
                        if let name = try elements.element(buffer, index)["name"]?.stringValue {
                            jobNames.add(name, index: index)
                        }
                    }
                    jobs = elements
                } else {
                    var entries = SpecificationEntries()
                    for index in 0..<elements.count {
                        try entries.add(DocumentSchema.storable(try elements.element(buffer, index)), at: index) {
                            DocumentSchema.storable(try elements.element(buffer, $0))
                        }
                    }
                    fileElements = elements
                    files = entries
                }
                spec[member.name] = .array([])
            } else if let value = member.value {
                spec[member.name] = try DocumentSchema.convert(value, as: field.type, path: [member.name])
            }
        }
        for field in Self.schema.fields where spec[field.name] == nil {
            if field.required { throw SchemaMessage.required([field.name]) }
            if let defaultValue = field.defaultValue { spec[field.name] = defaultValue }
        }

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

        requirements = ValueEntries(spec["resource_requirements"]?.arrayValue ?? [])
        for requirement in requirements.bodies {
            _ = try MemorySize.bytes(requirement["memory"]?.stringValue ?? "")
        }
        let schedulerLists = spec["schedulers"]?.objectValue ?? [:]
        schedulers = WorkflowCollection.schedulers.map {
            ($0, ValueEntries(schedulerLists[$0.rawValue]?.arrayValue ?? []))
        }

        references.requirement.reserveCapacity(jobs.count)
        references.schedulerKind.reserveCapacity(jobs.count)
        references.schedulerEntry.reserveCapacity(jobs.count)
        for index in 0..<jobs.count {
            try resolve(try jobs.element(buffer, index), names: jobNames)
        }
    }

    /// Reads a specification from its JSON text alone, outlining it first.
    init(_ buffer: UnsafeBufferPointer<UInt8>) throws {
        let body: OutlinedBody
        do {
            body = try JSONParser.outlineBody(buffer, expanding: Self.streamedMembers)
        } catch {
            throw ServiceError.badRequest(error.message)
        }
        try self.init(buffer, outline: body)
    }

    /// Resolves one job's names to entry indexes, or throws the 400 naming it.
    private mutating func resolve(_ job: JSONObject, names jobNames: NameIndex) throws {
        let text = JSONWriter.string(.object(job))
        references.inputs.startList()
        for name in Self.strings(job["input_files"]) {
            guard let index = try files.resolve(name) else {
                throw ServiceError.badRequest("Invalid input file=\(name) in \(text)")
            }
            references.inputs.append(index)
        }
        references.outputs.startList()
        for name in Self.strings(job["output_files"]) {
            guard let index = try files.resolve(name) else {
                throw ServiceError.badRequest("Invalid output file=\(name) in \(text)")
            }
            references.outputs.append(index)
        }
        references.blockedBy.startList()
        for name in Self.strings(job["blocked_by"]) {
            guard let index = try jobNames.resolve(name) else {
                throw ServiceError.badRequest("Invalid blocked_by=\(name) in job \(text)")
            }
            references.blockedBy.append(index)
        }
        var requirement: Int32 = -1
        if let name = job["resource_requirements"]?.stringValue {
            guard let index = try requirements.resolve(name) else {
                throw ServiceError.badRequest("Invalid resource_requirements=\(name) in job \(text)")
            }
            requirement = Int32(index)
        }
        references.requirement.append(requirement)
        var kind: Int8 = -1
        var entry: Int32 = -1
        if let reference = job["scheduler"]?.stringValue, !reference.isEmpty {
            let invalid = ServiceError.badRequest("Invalid scheduler=\(reference) in job=\(text)")
            let parts = reference.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let position = schedulers.firstIndex(where: { $0.0.rawValue == parts[0] }) else {
                throw invalid
            }
            guard let index = try schedulers[position].1.resolve(String(parts[1])) else { throw invalid }
            kind = Int8(position)
            entry = Int32(index)
        }
        references.schedulerKind.append(kind)
        references.schedulerEntry.append(entry)
        if !(job["user_data"]?.arrayValue ?? []).isEmpty {
            references.withUserData.append(Int32(references.requirement.count - 1))
        }
    }

    static func strings(_ value: JSONValue?) -> [String] {
        (value?.arrayValue ?? []).compactMap(\.stringValue)
    }
}
