import TorcCore

/// `POST /workflows/initialize_jobs/{K}` (docs/job-lifecycle.md, "Initialization"): derives `blocks`
/// edges from files, computes every job's scheduling cache and initial status.
/// One transaction; reads each collection once, writes in bulk, and validates
/// everything before the first write.
extension WorkflowDatabase {
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
            let files = CollectionName(.files, workflow: w)
            var schedulers: [Document] = []
            for collection in WorkflowCollection.schedulers { schedulers += try all(collection) }
            let plan = try InitializationPlan(
                jobs: all(.jobs), fileIDs: writer.keys(in: files).map { DocumentKey.id($0, in: files) },
                produces: edges(.produces), needs: edges(.needs), blocks: edges(.blocks),
                requires: edges(.requires), scheduledBys: edges(.scheduledBys),
                requirements: all(.resourceRequirements), schedulers: schedulers)
            if !plan.newBlocks.isEmpty {
                _ = try writer.insert(
                    plan.newBlocks.map { ["_from": .string($0.from), "_to": .string($0.to)] },
                    into: CollectionName(.blocks, workflow: w))
            }
            // Bodies are built and written a chunk at a time: a workflow's jobs are never held twice.
            let jobsCollection = CollectionName(.jobs, workflow: w)
            for start in stride(from: 0, to: plan.changes.count, by: 2_000) {
                let chunk = plan.changes[start..<min(plan.changes.count, start + 2_000)]
                try writer.replaceWithoutResult(chunk.map { $0.replacement }, in: jobsCollection)
            }
            return ["message": "Initialized job status"]
        }
    }
}

/// The pure computation of initialize_jobs over the workflow's documents.
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

    /// Jobs whose status or cache changes, in creation order.
    var changes: [Change] = []

    init(
        jobs: [Document], fileIDs: [String], produces: [EdgeHandles], needs: [EdgeHandles], blocks: [EdgeHandles],
        requires: [EdgeHandles], scheduledBys: [EdgeHandles], requirements: [Document], schedulers: [Document]
    ) throws {
        let jobIDs = Set(jobs.map(\.id))

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

        // 4.4 inputs and 4.1 requirements.
        var requirementByID: [String: Document] = [:]
        for document in requirements { requirementByID[document.id] = document }
        var requiresOf: [String: [String]] = [:]
        for edge in requires { requiresOf[edge.from, default: []].append(edge.to) }
        var schedulerOf: [String: [String]] = [:]
        for edge in scheduledBys { schedulerOf[edge.from, default: []].append(edge.to) }

        let active = jobs.filter { $0.jobStatus != .disabled }
        let needsAutoSelection = active.contains { (schedulerOf[$0.id] ?? []).isEmpty }
        var walltimes: [String: Double] = [:]
        if needsAutoSelection {
            for scheduler in schedulers where scheduler.id.hasPrefix("slurm_schedulers__") {
                walltimes[scheduler.id] = try SlurmWalltime.seconds(scheduler["walltime"]?.stringValue)
            }
        }

        // 4.3 step 3: blocked = reachable in one or more steps from a job that is not done.
        var blocked = Set<String>()
        var queue: [String] = []
        for job in jobs where job.jobStatus != .done {
            for dependent in dependents[job.id] ?? []
            where jobIDs.contains(dependent) && blocked.insert(dependent).inserted {
                queue.append(dependent)
            }
        }
        var index = 0
        while index < queue.count {
            let current = queue[index]
            index += 1
            for dependent in dependents[current] ?? []
            where jobIDs.contains(dependent) && blocked.insert(dependent).inserted {
                queue.append(dependent)
            }
        }

        for job in active {
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
            let status: JobStatus =
                blocked.contains(job.id) ? .blocked : (job.jobStatus == .done ? .done : .ready)
            // Compared as the database compares values: a backend that renders
            // 43200.0 as 43200 (ArangoDB) must not make an unchanged job look changed.
            if job["status"] != status.json || !(job["internal"] ?? .null).looselyEquals(.object(cache)) {
                changes.append(Change(job: job, status: status, cache: cache))
            }
        }
    }
}
