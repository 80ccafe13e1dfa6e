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
        let completed = try Self.completion(status)
        let job = try WorkflowDatabase.requireJob(writer, workflow: w, key: key)
        try Self.check(job, rev: rev)
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

    /// The completion status `status` names; 400 when it names none.
    static func completion(_ status: RequestedStatus) throws -> JobStatus {
        guard let completed = status.status, completed.isComplete else {
            throw ServiceError.badRequest("status=\(status) does not indicate completion")
        }
        return completed
    }

    /// 409 unless the job is at revision `rev`.
    static func check(_ job: Document, rev: Revision) throws {
        guard job.revision == rev else {
            throw ServiceError.conflict("Revision conflict for \(job.id): _rev=\(job.rev)")
        }
    }
}

/// Unblocking and cancelling dependents (docs/job-lifecycle.md, "Completion") and completion reversal.
///
/// Memory stays bounded by a chunk, not by the width of the graph: a job with
/// a million dependents (the root of a fan-out) has its dependents read and
/// decided `chunkSize` at a time, and a job with a million blockers (the join
/// of a fan-in) has its blockers checked, and then their results, a chunk at a
/// time; only the blockers' handles are held whole.
struct CompletionProcessing {
    let writer: any StoreWriter
    let workflow: String
    let hints: BlockerHints
    let hintPrefix: String

    /// Dependents read and decided together, and blockers checked together.
    static let chunkSize = 256

    /// Decides the `blocked` dependents of a job that just became complete,
    /// recursively for every dependent this cancels. Returns how many became `ready`.
    ///
    /// A dependent is decided once: it is only considered while its stored
    /// status (read after every earlier write of this call) is `blocked`, and
    /// deciding it writes `ready` or `canceled`. The dependents of one chunk
    /// are written together; one canceled in a chunk is processed in turn after
    /// the chunk, so a dependent it also blocks sees it complete then.
    @discardableResult
    func run(completed: Document) throws -> Int {
        let jobs = CollectionName(.jobs, workflow: workflow)
        let blocks = CollectionName(.blocks, workflow: workflow)
        var pending = [completed.id]
        var released = 0
        var failures = FailureMemo()
        while let job = pending.popLast() {
            let dependentIDs = Self.unique(try writer.neighbours(in: blocks, from: job))
            for start in stride(from: 0, to: dependentIDs.count, by: Self.chunkSize) {
                let chunk = Array(dependentIDs[start..<min(dependentIDs.count, start + Self.chunkSize)])
                var ready: [Document] = []
                var canceled: [Document] = []
                for dependent in try GraphTraversal.resolve(writer, chunk) where dependent.jobStatus == .blocked {
                    guard let blockers = try completeBlockers(of: dependent, known: failures) else { continue }
                    let cancel =
                        try dependent["cancel_on_blocking_job_failure"] != .bool(false)
                        && Self.anyFailed(writer, workflow: workflow, blockers, memo: &failures)
                    if cancel { canceled.append(dependent) } else { ready.append(dependent) }
                }
                released += try JobWrites.setStatus(writer, jobs, ready, to: .ready).count
                let written = try JobWrites.setStatus(writer, jobs, canceled, to: .canceled)
                // Last in, first out, as each canceled job was pushed before.
                pending += written.map(\.id)
            }
        }
        return released
    }

    /// The handles of the blockers of `dependent` when all of them are complete,
    /// `nil` when one is not. Looks at the remembered incomplete blocker first,
    /// then scans newest first in chunks and stops at the first incomplete one
    /// (see `BlockerHints`). Blocker documents are read a chunk at a time and
    /// not kept; handles of blockers that do not exist are kept (they count as
    /// complete here, and `anyFailed` skips them as well). A blocker in `known`
    /// is complete (`anyFailed` is only asked about complete jobs, and no job
    /// stops being complete while dependents are decided) and is not read again.
    private func completeBlockers(of dependent: Document, known: FailureMemo) throws -> [String]? {
        let hintKey = hintPrefix + dependent.id
        let blocks = CollectionName(.blocks, workflow: workflow)
        func isComplete(_ job: Document) -> Bool { job.jobStatus?.isComplete == true }
        if let hint = hints.hint(hintKey), let witness = try GraphTraversal.resolve(writer, [hint]).first,
            !isComplete(witness),
            try !writer.edges(in: blocks, from: hint, to: dependent.id).isEmpty
        {
            return nil
        }
        let handles = Self.unique(try writer.neighbours(in: blocks, to: dependent.id))
        var end = handles.count
        while end > 0 {
            let start = max(0, end - Self.chunkSize)
            let chunk = try GraphTraversal.resolve(writer, handles[start..<end].filter { known[$0] == nil })
            if let incomplete = chunk.last(where: { !isComplete($0) }) {
                hints.remember(hintKey, incomplete.id)
                return nil
            }
            end = start
        }
        hints.remember(hintKey, nil)
        return handles
    }

    /// Whether any of the jobs failed: no result at all, or a latest result with
    /// a non-zero return code. Handles naming no job are passed over. Decided a
    /// chunk at a time, stopping at the first failed job, so a join job's
    /// million blockers never have their results in memory at once. Jobs
    /// decided before (in `memo`) are not read again.
    static func anyFailed(
        _ reader: any StoreReader, workflow w: String, _ handles: [String], memo: inout FailureMemo
    ) throws -> Bool {
        var unknown: [String] = []
        for job in handles {
            switch memo[job] {
            case true?: return true
            case false?: continue
            case nil: unknown.append(job)
            }
        }
        let returned = CollectionName(.returned, workflow: w)
        for start in stride(from: 0, to: unknown.count, by: chunkSize) {
            let chunk = Array(unknown[start..<min(unknown.count, start + chunkSize)])
            let edges = try reader.edges(in: returned, from: chunk)
            var resultsOf: [String: [String]] = [:]
            for edge in edges { resultsOf[edge.from, default: []].append(edge.to) }
            var byID: [String: Document] = [:]
            for result in try GraphTraversal.resolve(reader, unique(edges.map(\.to))) { byID[result.id] = result }
            var withoutResult: [String] = []
            for job in chunk {
                let results = (resultsOf[job] ?? []).compactMap { byID[$0] }
                guard let latest = LatestResult.pick(results) else {
                    withoutResult.append(job)
                    continue
                }
                let failed = (latest["return_code"]?.doubleValue ?? 0) != 0
                memo[job] = failed
                if failed { return true }
            }
            // A job without a result failed, if it exists.
            if !withoutResult.isEmpty {
                let existing = Set(try GraphTraversal.resolve(reader, withoutResult).map(\.id))
                for job in withoutResult { memo[job] = existing.contains(job) }
                if !existing.isEmpty { return true }
            }
        }
        return false
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

/// Whether blockers failed, as `CompletionProcessing.anyFailed` found while one
/// completion's dependents were decided; a job in it is also known to be complete.
///
/// Why: the root of a fan-out is the one blocker of each of its dependents, so
/// without this its document and results would be read once per dependent
/// (about a third of a wide fan-out's completion). A blocker's results do not
/// change while its dependents are decided: the cascade writes statuses only,
/// and a job is only asked about once it is complete. Bounded, so a join's
/// million blockers are not all kept; past the bound the rest are read as before.
struct FailureMemo {
    static let capacity = 4096
    private var failed: [String: Bool] = [:]

    subscript(job: String) -> Bool? {
        get { failed[job] }
        set {
            guard let newValue, failed.count < Self.capacity || failed[job] != nil else { return }
            failed[job] = newValue
        }
    }
}
