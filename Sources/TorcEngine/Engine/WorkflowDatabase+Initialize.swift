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
                produces: { try edges(.produces) }, needs: { try edges(.needs) }, blocks: { try edges(.blocks) },
                requires: { try edges(.requires) }, scheduledBys: { try edges(.scheduledBys) },
                requirements: all(.resourceRequirements), schedulers: schedulers)
            // Inserted a chunk at a time, ids only: a fan-in of a million jobs
            // derives two million edges, which as bodies and stored documents
            // at once would outweigh the whole graph pass.
            let blocks = CollectionName(.blocks, workflow: w)
            for start in stride(from: 0, to: plan.newBlockCount, by: Self.initializationChunk) {
                let chunk = plan.newBlocks(start..<min(plan.newBlockCount, start + Self.initializationChunk))
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
///
/// The graph pass numbers every handle once (`HandleTable`) and keeps edges as
/// pairs of numbers grouped by one end (`Adjacency`); the edge collections are
/// read one at a time and each list is dropped once numbered, so memory holds
/// the workflow's handles once, not every edge's copies of them.
struct InitializationPlan {
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

    /// Marks in `requirementOf` and `schedulerOf`: none, and more than one.
    private static let none: Int32 = -1
    private static let several: Int32 = -2

    private var table = HandleTable()
    /// `blocks` edges to add, in derivation order.
    private var derived: [NumberedEdge] = []
    /// By handle number: reachable in one or more `blocks` steps from a job that is not done.
    private var blocked: [Bool] = []
    /// By handle number: the resource requirements and the scheduler a job is bound to.
    private var requirementOf: [Int32] = []
    private var schedulerOf: [Int32] = []
    private var requirementByID: [String: Document] = [:]
    private var walltimes: [String: Double] = [:]
    private let schedulers: [Document]

    /// `activeIDs` are the jobs that are not disabled. Each edge list is read
    /// when the pass needs it and released once numbered.
    init(
        jobIDs: [String], doneIDs: Set<String>, activeIDs: some Sequence<String>, fileIDs: [String],
        produces: () throws -> [EdgeHandles], needs: () throws -> [EdgeHandles], blocks: () throws -> [EdgeHandles],
        requires: () throws -> [EdgeHandles], scheduledBys: () throws -> [EdgeHandles], requirements: [Document],
        schedulers: [Document]
    ) throws {
        self.schedulers = schedulers
        // Jobs first, so that the numbers below `jobCount` are exactly the jobs.
        for id in jobIDs { _ = table.number(id) }
        let jobCount = table.count
        let files = fileIDs.map { table.number($0) }

        // 4.2: blocks edges implied by files, without duplicates or self-edges,
        // for each file its producers in edge order, for each its consumers in edge order.
        let producers = Adjacency(table.pairs(try produces()), count: table.count, byTo: true)
        let consumers = Adjacency(table.pairs(try needs()), count: table.count, byTo: true)
        let existing = table.pairs(try blocks())
        var seen = Set(existing)
        for file in files {
            for producer in producers[file] {
                for consumer in consumers[file] where producer != consumer {
                    let edge = NumberedEdge(from: producer, to: consumer)
                    if seen.insert(edge).inserted { derived.append(edge) }
                }
            }
        }
        seen = []

        // 4.4 inputs and 4.1 requirements.
        for document in requirements { requirementByID[document.id] = document }
        let required = table.pairs(try requires())
        let scheduled = table.pairs(try scheduledBys())
        requirementOf = Self.bindings(required, count: table.count)
        schedulerOf = Self.bindings(scheduled, count: table.count)

        let needsAutoSelection = activeIDs.contains { id in
            table.lookup(id).map { schedulerOf[Int($0)] == Self.none } ?? true
        }
        if needsAutoSelection {
            for scheduler in schedulers where scheduler.id.hasPrefix("slurm_schedulers__") {
                walltimes[scheduler.id] = try SlurmWalltime.seconds(scheduler["walltime"]?.stringValue)
            }
        }

        // 4.3 step 3: blocked = reachable in one or more steps from a job that is not done.
        let dependents = Adjacency(existing + derived, count: table.count)
        var done = [Bool](repeating: false, count: jobCount)
        for id in doneIDs {
            if let number = table.lookup(id), Int(number) < jobCount { done[Int(number)] = true }
        }
        blocked = [Bool](repeating: false, count: table.count)
        var queue: [Int32] = []
        for job in 0..<Int32(jobCount) where !done[Int(job)] {
            for dependent in dependents[job] where Int(dependent) < jobCount && !blocked[Int(dependent)] {
                blocked[Int(dependent)] = true
                queue.append(dependent)
            }
        }
        var index = 0
        while index < queue.count {
            let current = queue[index]
            index += 1
            for dependent in dependents[current] where Int(dependent) < jobCount && !blocked[Int(dependent)] {
                blocked[Int(dependent)] = true
                queue.append(dependent)
            }
        }
    }

    /// By handle number: the `to` of its one edge, `none`, or `several`.
    private static func bindings(_ edges: [NumberedEdge], count: Int) -> [Int32] {
        var bound = [Int32](repeating: none, count: count)
        for edge in edges {
            let index = Int(edge.from)
            bound[index] = bound[index] == none ? edge.to : several
        }
        return bound
    }

    /// How many `blocks` edges the pass derived.
    var newBlockCount: Int { derived.count }

    /// The derived `blocks` edges in `range` (of `0..<newBlockCount`), as handles, in derivation order.
    func newBlocks(_ range: Range<Int>) -> [(from: String, to: String)] {
        derived[range].map { (table[$0.from], table[$0.to]) }
    }

    /// The new status and cache of an active (not disabled) job, or `nil` when both are unchanged.
    func change(of job: Document) throws -> Change? {
        let number = table.lookup(job.id).map(Int.init)
        let requirement = number.map { requirementOf[$0] } ?? Self.none
        let bound = number.map { schedulerOf[$0] } ?? Self.none
        guard requirement != Self.several, bound != Self.several else { throw ServiceError.internalError }
        let rr =
            (requirement == Self.none ? nil : requirementByID[table[requirement]]?.body)
            ?? ResourceRequirementsLookup.defaults
        let memory = try MemorySize.bytes(rr["memory"]?.stringValue ?? "")
        let runtime = try ISODuration.seconds(rr["runtime"]?.stringValue ?? "")
        let scheduler: String
        if bound != Self.none {
            scheduler = table[bound]
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
            number.map { blocked[$0] } == true ? .blocked : (job.jobStatus == .done ? .done : .ready)
        // Compared as the database compares values: a backend that renders
        // 43200.0 as 43200 (ArangoDB) must not make an unchanged job look changed.
        guard job["status"] != status.json || !(job["internal"] ?? .null).looselyEquals(.object(cache)) else {
            return nil
        }
        return Change(job: job, status: status, cache: cache)
    }
}
