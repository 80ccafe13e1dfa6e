import TorcCore

extension WorkflowSpecification {
    /// How many elements are decoded, turned into store documents and
    /// inserted at once: enough that a bulk insert's fixed cost vanishes, few
    /// enough that one chunk's documents take a few megabytes.
    static let chunkSize = 10_000

    /// Stores everything inside the caller's transaction: the workflow and its
    /// records, then each collection in bulk inserts, in the same order as
    /// ever (docs/routes.md, "Workflows"). `buffer` is the text the
    /// specification was read from: files, jobs and user data are decoded from
    /// it again a chunk at a time, so no collection's documents exist all at
    /// once; only the `_id`s of stored documents are kept, for the edges.
    func store(_ writer: any StoreWriter, _ buffer: UnsafeBufferPointer<UInt8>) throws -> Document {
        let workflowDoc = try WorkflowRecords.create(writer, workflow: workflow, config: config)
        let w = workflowDoc.key
        func insert(_ bodies: [JSONObject], _ collection: WorkflowCollection) throws -> [String] {
            bodies.isEmpty ? [] : try writer.insertReturningIDs(bodies, into: CollectionName(collection, workflow: w))
        }
        /// Inserts the documents `make` gives for `0..<count`, a chunk at a time.
        func insertChunked(_ count: Int, _ collection: WorkflowCollection, _ make: (Int) throws -> [JSONObject])
            throws -> [String]
        {
            var stored: [String] = []
            var start = 0
            while start < count {
                let end = min(start + Self.chunkSize, count)
                var bodies: [JSONObject] = []
                bodies.reserveCapacity(end - start)
                for index in start..<end { bodies += try make(index) }
                stored += try insert(bodies, collection)
                start = end
            }
            return stored
        }
        let storedFiles = try insertChunked(files.count, .files) { entry in
            [DocumentSchema.storable(try fileElements.element(buffer, Int(files.positions[entry])))]
        }
        var storedSchedulers: [[String]] = []
        for (kind, entries) in schedulers { storedSchedulers.append(try insert(entries.bodies, kind)) }
        let storedRequirements = try insert(requirements.bodies, .resourceRequirements)
        let storedJobs = try insertChunked(jobs.count, .jobs) {
            [JobSpecification.jobBody(try jobs.element(buffer, $0))]
        }

        // One edge collection at a time, a chunk of jobs at a time.
        func edge(_ from: String, _ to: String) -> JSONObject { ["_from": .string(from), "_to": .string(to)] }
        func link(_ collection: WorkflowCollection, _ make: (Int) -> [JSONObject]) throws {
            _ = try insertChunked(jobs.count, collection, make)
        }
        let refs = references
        try link(.needs) { job in refs.inputs[job].map { edge(storedJobs[job], storedFiles[Int($0)]) } }
        try link(.produces) { job in refs.outputs[job].map { edge(storedJobs[job], storedFiles[Int($0)]) } }
        try link(.requires) { job in
            let index = refs.requirement[job]
            return index < 0 ? [] : [edge(storedJobs[job], storedRequirements[Int(index)])]
        }
        try link(.scheduledBys) { job in
            let kind = refs.schedulerKind[job]
            guard kind >= 0 else { return [] }
            return [edge(storedJobs[job], storedSchedulers[Int(kind)][Int(refs.schedulerEntry[job])])]
        }
        // User data: their owners' positions are kept, the documents only per chunk.
        var userDataOwners: [Int32] = []
        let storedUserData = try insertChunked(refs.withUserData.count, .userData) { position in
            let job = refs.withUserData[position]
            let items = (try jobs.element(buffer, Int(job))["user_data"]?.arrayValue ?? []).compactMap(\.objectValue)
            userDataOwners += repeatElement(job, count: items.count)
            return items.map(DocumentSchema.storable)
        }
        _ = try insertChunked(storedUserData.count, .stores) { position in
            [edge(storedJobs[Int(userDataOwners[position])], storedUserData[position])]
        }
        try link(.blocks) { job in refs.blockedBy[job].map { edge(storedJobs[Int($0)], storedJobs[job]) } }
        return workflowDoc
    }
}
