import TorcCore

/// `POST /workflows/initialize_jobs/{K}` (docs/job-lifecycle.md, "Initialization"): derives `blocks`
/// edges from files, computes every job's scheduling cache and initial status.
/// One transaction. The graph pass reads only job keys and the keys of done and
/// disabled jobs (projections, no bodies) plus edge handles; job bodies are then
/// read, recomputed and rewritten a chunk at a time, so memory stays bounded by
/// the graph, not by the bodies (a million-job workflow). A rule error in any
/// chunk rolls back everything written before it.
extension WorkflowDatabase {
    /// Jobs read, recomputed and rewritten together.
    static let initializationChunk = 2_000

    public func initializeJobs(key: WorkflowReference) async throws -> JSONValue {
        defer { jobsMayBeReady(workflow: key) }
        return try await write(workflow: WorkflowLookup.key(key)) { writer in
            let w = try WorkflowLookup.require(writer, key).key
            func all(_ collection: WorkflowCollection) throws -> [Document] {
                try writer.find(DocumentQuery(CollectionName(collection, workflow: w))).documents
            }
            func edges(_ collection: WorkflowCollection) throws -> [EdgeHandles] {
                try writer.edgeHandles(in: CollectionName(collection, workflow: w))
            }
            let jobsCollection = CollectionName(.jobs, workflow: w)
            func keys(withStatus status: JobStatus) throws -> Set<String> {
                let query = DocumentQuery(
                    jobsCollection, filters: [.equal("status", status.json)], anyOrder: true, fields: [])
                return Set(try writer.find(query).documents.map(\.key))
            }
            let files = CollectionName(.files, workflow: w)
            var schedulers: [Document] = []
            for collection in WorkflowCollection.schedulers { schedulers += try all(collection) }
            let jobKeys = try writer.keys(in: jobsCollection)
            let disabled = try keys(withStatus: .disabled)
            let plan = try InitializationPlan(
                jobIDs: jobKeys.map { DocumentKey.id($0, in: jobsCollection) },
                doneIDs: Set(keys(withStatus: .done).map { DocumentKey.id($0, in: jobsCollection) }),
                activeIDs: jobKeys.lazy.filter { !disabled.contains($0) }.map {
                    DocumentKey.id($0, in: jobsCollection)
                },
                fileIDs: writer.keys(in: files).map { DocumentKey.id($0, in: files) },
                produces: edges(.produces), needs: edges(.needs), blocks: edges(.blocks),
                requires: edges(.requires), scheduledBys: edges(.scheduledBys),
                requirements: all(.resourceRequirements), schedulers: schedulers)
            // Inserted a chunk at a time, ids only: a fan-in of a million jobs
            // derives two million edges, which as bodies and stored documents
            // at once would outweigh the whole graph pass.
            let blocks = CollectionName(.blocks, workflow: w)
            for start in stride(from: 0, to: plan.newBlocks.count, by: Self.initializationChunk) {
                let chunk = plan.newBlocks[start..<min(plan.newBlocks.count, start + Self.initializationChunk)]
                _ = try writer.insertReturningIDs(
                    chunk.map { ["_from": .string($0.from), "_to": .string($0.to)] }, into: blocks)
            }
            // Bodies are read, recomputed and written a chunk at a time, in creation order.
            let active = jobKeys.filter { !disabled.contains($0) }
            for start in stride(from: 0, to: active.count, by: Self.initializationChunk) {
                let chunk = Array(active[start..<min(active.count, start + Self.initializationChunk)])
                let changes = try writer.documents(chunk, in: jobsCollection).compactMap { try plan.change(of: $0) }
                if !changes.isEmpty { try writer.replaceWithoutResult(changes.map(\.replacement), in: jobsCollection) }
            }
            return ["message": "Initialized job status"]
        }
    }
}

/// The computation of initialize_jobs: the graph pass over ids and edges, then
/// each job's new status and cache from its own document.
struct InitializationPlan {
    /// `blocks` edges to add, in derivation order.
    var newBlocks: [(from: String, to: String)] = []
    /// A job whose status or cache changes.
    struct Change {
        var job: Document
        var status: JobStatus
        var cache: JSONObject

        /// The conditional write of the new status and cache.
        var replacement: DocumentReplacement {
            var body = job.body
            body["internal"] = .object(cache)
            body["status"] = status.json
            return DocumentReplacement(key: job.key, body: body, expectedRev: job.rev)
        }
    }

    /// Jobs reachable in one or more `blocks` steps from a job that is not done.
    private var blocked = Set<String>()
    private var requirementByID: [String: Document] = [:]
    private var requiresOf: [String: [String]] = [:]
    private var schedulerOf: [String: [String]] = [:]
    private var walltimes: [String: Double] = [:]
    private let schedulers: [Document]

    /// `activeIDs` are the jobs that are not disabled.
    init(
        jobIDs: [String], doneIDs: Set<String>, activeIDs: some Sequence<String>, fileIDs: [String],
        produces: [EdgeHandles], needs: [EdgeHandles], blocks: [EdgeHandles],
        requires: [EdgeHandles], scheduledBys: [EdgeHandles], requirements: [Document], schedulers: [Document]
    ) throws {
        self.schedulers = schedulers
        let jobIDSet = Set(jobIDs)

        // 4.2: blocks edges implied by files, without duplicates or self-edges.
        var producers: [String: [String]] = [:]
        var consumers: [String: [String]] = [:]
        for edge in produces { producers[edge.to, default: []].append(edge.from) }
        for edge in needs { consumers[edge.to, default: []].append(edge.from) }
        var existing = Set(blocks.map { "\($0.from)\n\($0.to)" })
        var dependents: [String: [String]] = [:]
        for edge in blocks { dependents[edge.from, default: []].append(edge.to) }
        for file in fileIDs {
            guard let fileProducers = producers[file], let fileConsumers = consumers[file] else { continue }
            for producer in fileProducers {
                for consumer in fileConsumers where producer != consumer {
                    guard existing.insert("\(producer)\n\(consumer)").inserted else { continue }
                    newBlocks.append((producer, consumer))
                    dependents[producer, default: []].append(consumer)
                }
            }
        }
        existing = []

        // 4.4 inputs and 4.1 requirements.
        for document in requirements { requirementByID[document.id] = document }
        for edge in requires { requiresOf[edge.from, default: []].append(edge.to) }
        for edge in scheduledBys { schedulerOf[edge.from, default: []].append(edge.to) }

        let schedulerOf = self.schedulerOf
        let needsAutoSelection = activeIDs.contains { (schedulerOf[$0] ?? []).isEmpty }
        if needsAutoSelection {
            for scheduler in schedulers where scheduler.id.hasPrefix("slurm_schedulers__") {
                walltimes[scheduler.id] = try SlurmWalltime.seconds(scheduler["walltime"]?.stringValue)
            }
        }

        // 4.3 step 3: blocked = reachable in one or more steps from a job that is not done.
        var queue: [String] = []
        for job in jobIDs where !doneIDs.contains(job) {
            for dependent in dependents[job] ?? []
            where jobIDSet.contains(dependent) && blocked.insert(dependent).inserted {
                queue.append(dependent)
            }
        }
        var index = 0
        while index < queue.count {
            let current = queue[index]
            index += 1
            for dependent in dependents[current] ?? []
            where jobIDSet.contains(dependent) && blocked.insert(dependent).inserted {
                queue.append(dependent)
            }
        }
    }

    /// The new status and cache of an active (not disabled) job, or `nil` when both are unchanged.
    func change(of job: Document) throws -> Change? {
        let required = (requiresOf[job.id] ?? [])
        guard required.count <= 1, (schedulerOf[job.id] ?? []).count <= 1 else { throw ServiceError.internalError }
        let rr = required.first.flatMap { requirementByID[$0]?.body } ?? ResourceRequirementsLookup.defaults
        let memory = try MemorySize.bytes(rr["memory"]?.stringValue ?? "")
        let runtime = try ISODuration.seconds(rr["runtime"]?.stringValue ?? "")
        let scheduler: String
        if let bound = schedulerOf[job.id]?.first {
            scheduler = bound
        } else if schedulers.count == 1 {
            let only = schedulers[0]
            if let walltime = walltimes[only.id] {
                scheduler = runtime <= walltime ? only.id : ""
            } else {
                scheduler = only.id
            }
        } else {
            scheduler = ""
        }
        var cache = job["internal"]?.objectValue ?? Schemas.defaultJobInternal
        cache["memory_bytes"] = .int(memory)
        cache["num_cpus"] = rr["num_cpus"] ?? 1
        cache["num_gpus"] = cache["num_gpus"] ?? 0
        cache["runtime_seconds"] = .double(runtime)
        cache["num_nodes"] = rr["num_nodes"] ?? 1
        cache["scheduler_config_id"] = .string(scheduler)
        let status: JobStatus = blocked.contains(job.id) ? .blocked : (job.jobStatus == .done ? .done : .ready)
        // Compared as the database compares values: a backend that renders
        // 43200.0 as 43200 (ArangoDB) must not make an unchanged job look changed.
        guard job["status"] != status.json || !(job["internal"] ?? .null).looselyEquals(.object(cache)) else {
            return nil
        }
        return Change(job: job, status: status, cache: cache)
    }
}
