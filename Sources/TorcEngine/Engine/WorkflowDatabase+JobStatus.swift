import TorcCore

/// The job engine routes: complete_job and manage_status_change (docs/job-lifecycle.md, "Completion").
/// The revision check, the writes and the processing of dependents form one
/// transaction of the workflow, so concurrent completions neither double-write
/// a dependent nor lose its wake-up.
extension WorkflowDatabase {
    /// `POST /workflows/{W}/jobs/complete_job/{K}/{status}/{rev}`.
    public func completeJob(
        workflow: WorkflowReference, key: DocumentReference, status: RequestedStatus, rev: Revision, body: JSONValue?
    ) async throws -> JSONValue {
        let result = DocumentSchema.storable(try Schemas.result.validateBody(body))
        let completion = JobCompletion(hints: hints, hintPrefix: "\(name)/")
        let batch = BatchedReads.completion(workflow: workflow, job: key)
        let (answer, released) = try await writeReporting(
            workflow: WorkflowLookup.key(workflow), prefetching: batch
        ) { writer in
            let w = try WorkflowLookup.require(writer, workflow).key
            let (answer, released) = try completion.complete(
                writer, workflow: w, key: key, status: status, rev: rev, result: result)
            return (answer, .int(Int64(released)))
        }
        jobsMayBeReady(workflow: workflow, count: Int(released.intValue ?? 0))
        return answer
    }

    /// `PUT /workflows/{W}/jobs/manage_status_change/{K}/{status}/{rev}`.
    public func manageStatusChange(
        workflow: WorkflowReference, key: DocumentReference, status: RequestedStatus, rev: Revision
    ) async throws -> JSONValue {
        let batch = BatchedReads.jobNeighbours(workflow: workflow, job: key, via: .blocks)
        let answer = try await write(workflow: WorkflowLookup.key(workflow), prefetching: batch) { writer in
            let w = try WorkflowLookup.require(writer, workflow).key
            guard status.status?.isComplete != true else {
                throw ServiceError.badRequest(
                    "status=\(status) indicates completion. Post complete_job status instead.")
            }
            guard let requested = status.status else { throw ServiceError.badRequest("Invalid job status: \(status)") }
            let job = try Self.requireJob(writer, workflow: w, key: key)
            guard job.revision == rev else {
                throw ServiceError.badRequest("Revision conflict for \(job.id): _rev=\(job.rev)")
            }
            let old = job.jobStatus
            guard old != requested else { return JobView.api(job) }
            let updated = try JobWrites.setStatus(writer, CollectionName(.jobs, workflow: w), [job], to: requested)[0]
            if old?.isComplete == true && requested == .uninitialized {
                try CompletionProcessing.reverse(writer, workflow: w, from: updated)
            }
            return JobView.api(updated)
        }
        // Only a job set to `ready` can give a waiting hand-out something.
        if status.status == .ready { jobsMayBeReady(workflow: workflow) }
        return answer
    }
}

/// The completion of one job inside the caller's write transaction, shared by
/// `complete_job` and the batched `complete_jobs`. Every check (status name,
/// job existence, `_rev`) happens before the first write, so a job that fails
/// one writes nothing.
struct JobCompletion: Sendable {
    let hints: BlockerHints
    let hintPrefix: String

    /// Stores the result, sets the status and decides the dependents. Returns
    /// the job as answered and how many dependents became `ready`.
    func complete(
        _ writer: any StoreWriter, workflow w: String, key: DocumentReference, status: RequestedStatus, rev: Revision,
        result: JSONObject
    ) throws -> (JSONValue, Int) {
        guard let completed = status.status, completed.isComplete else {
            throw ServiceError.badRequest("status=\(status) does not indicate completion")
        }
        let job = try WorkflowDatabase.requireJob(writer, workflow: w, key: key)
        guard job.revision == rev else {
            throw ServiceError.conflict("Revision conflict for \(job.id): _rev=\(job.rev)")
        }
        let stored = try writer.insert([result], into: CollectionName(.results, workflow: w))[0]
        _ = try writer.insert(
            [["_from": .string(job.id), "_to": .string(stored.id)]], into: CollectionName(.returned, workflow: w))
        let old = job.jobStatus
        guard old != completed else { return (JobView.api(job), 0) }
        let jobs = CollectionName(.jobs, workflow: w)
        let updated = try JobWrites.setStatus(writer, jobs, [job], to: completed)[0]
        var released = 0
        if old?.isComplete != true {
            released = try CompletionProcessing(writer: writer, workflow: w, hints: hints, hintPrefix: hintPrefix)
                .run(completed: updated)
        }
        return (JobView.api(updated), released)
    }
}

/// Unblocking and cancelling dependents (docs/job-lifecycle.md, "Completion") and completion reversal.
struct CompletionProcessing {
    let writer: any StoreWriter
    let workflow: String
    let hints: BlockerHints
    let hintPrefix: String

    /// Decides the `blocked` dependents of a job that just became complete,
    /// recursively for every dependent this cancels. Returns how many became `ready`.
    @discardableResult
    func run(completed: Document) throws -> Int {
        let jobs = CollectionName(.jobs, workflow: workflow)
        let blocks = CollectionName(.blocks, workflow: workflow)
        var pending = [completed]
        var decided = Set<String>()
        var released = 0
        while let job = pending.popLast() {
            let dependentIDs = Self.unique(try writer.edges(in: blocks, from: [job.id]).map(\.to))
            let dependents = try GraphTraversal.resolve(writer, dependentIDs).filter {
                $0.jobStatus == .blocked && !decided.contains($0.id)
            }
            for dependent in dependents {
                guard let blockers = try completeBlockers(of: dependent) else { continue }
                decided.insert(dependent.id)
                let cancel =
                    try dependent["cancel_on_blocking_job_failure"] != .bool(false)
                    && Self.anyFailed(writer, workflow: workflow, blockers)
                let updated = try JobWrites.setStatus(writer, jobs, [dependent], to: cancel ? .canceled : .ready)
                if cancel, let canceled = updated.first { pending.append(canceled) }
                if !cancel { released += updated.count }
            }
        }
        return released
    }

    /// The blockers of `dependent` when all of them are complete, `nil` when one is not.
    /// Looks at the remembered incomplete blocker first, then scans newest first
    /// in chunks and stops at the first incomplete one (see `BlockerHints`).
    private func completeBlockers(of dependent: Document) throws -> [Document]? {
        let hintKey = hintPrefix + dependent.id
        func isComplete(_ job: Document) -> Bool { job.jobStatus?.isComplete == true }
        if let hint = hints.hint(hintKey), let witness = try GraphTraversal.resolve(writer, [hint]).first,
            !isComplete(witness),
            try !writer.edges(in: CollectionName(.blocks, workflow: workflow), from: hint, to: dependent.id).isEmpty
        {
            return nil
        }
        let handles = Self.unique(
            try writer.edges(in: CollectionName(.blocks, workflow: workflow), to: [dependent.id]).map(\.from))
        var blockers: [Document] = []
        blockers.reserveCapacity(handles.count)
        var end = handles.count
        while end > 0 {
            let start = max(0, end - 256)
            let chunk = try GraphTraversal.resolve(writer, Array(handles[start..<end]))
            if let incomplete = chunk.last(where: { !isComplete($0) }) {
                hints.remember(hintKey, incomplete.id)
                return nil
            }
            blockers += chunk
            end = start
        }
        hints.remember(hintKey, nil)
        return blockers
    }

    /// Whether any of the jobs failed: no result at all, or a latest result with a non-zero return code.
    static func anyFailed(_ reader: any StoreReader, workflow w: String, _ jobs: [Document]) throws -> Bool {
        let edges = try reader.edges(in: CollectionName(.returned, workflow: w), from: jobs.map(\.id))
        var resultsOf: [String: [String]] = [:]
        for edge in edges { resultsOf[edge.from, default: []].append(edge.to) }
        var byID: [String: Document] = [:]
        for result in try GraphTraversal.resolve(reader, unique(edges.map(\.to))) { byID[result.id] = result }
        return jobs.contains { job in
            let results = (resultsOf[job.id] ?? []).compactMap { byID[$0] }
            guard let latest = LatestResult.pick(results) else { return true }
            return (latest["return_code"]?.doubleValue ?? 0) != 0
        }
    }

    /// Resets every job downstream of `origin` (breadth-first over `blocks`
    /// edges, each once, not `origin` itself) to `uninitialized`.
    static func reverse(_ writer: any StoreWriter, workflow w: String, from origin: Document) throws {
        let blocks = CollectionName(.blocks, workflow: w)
        var visited: Set<String> = [origin.id]
        var frontier = [origin.id]
        var downstream: [String] = []
        while !frontier.isEmpty {
            let next = unique(try writer.edges(in: blocks, from: frontier).map(\.to)).filter {
                visited.insert($0).inserted
            }
            downstream += next
            frontier = next
        }
        let jobs = try GraphTraversal.resolve(writer, downstream).filter { $0.id.hasPrefix("jobs__\(w)/") }
        try JobWrites.setStatus(writer, CollectionName(.jobs, workflow: w), jobs, to: .uninitialized)
    }

    static func unique(_ handles: [String]) -> [String] {
        var seen = Set<String>()
        return handles.filter { seen.insert($0).inserted }
    }
}
