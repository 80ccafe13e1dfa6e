import Synchronization
import TorcCore

/// `POST /workflows/{W}/jobs/complete_jobs`: completes many jobs in one call
/// and one atomic write, so a runner that finishes several short jobs pays for
/// one request and one commit instead of one each.
///
/// Body: `{"jobs": [{"job_key": K, "status": S, "rev": R, "result": {...}}, ...]}`
/// (at most `maxBatch` entries). Each entry is completed exactly as
/// `complete_job` would (`JobCompletion`), in order; an entry that fails a
/// check (unknown job, stale `_rev`, invalid status or result) writes nothing
/// and fails alone. The answer is one outcome per entry, in order; the HTTP
/// layer renders a refusal exactly as `complete_job` would have answered it.
///
/// On a store that batches calls (ArangoDB) the whole call is one read batch
/// (`BatchedReads.completions`: every job, its dependents, their blockers and
/// the blockers' results) and one conditional write batch, however many
/// entries and dependents there are (docs/arangodb-concurrency.md). The write
/// batch applies all completions or none; if a document the decisions rest on
/// changed in between, the whole call is decided again on fresh data, so a
/// refusal (a stale `rev` given by the caller) is always decided on the state
/// that is written.
extension WorkflowDatabase {
    /// The most entries one call may carry.
    public static let maxBatch = 1000

    public func completeJobs(workflow: WorkflowReference, body: JSONValue?) async throws -> [JobCompletionOutcome] {
        let entries = try BatchEntry.parse(body)
        let completion = JobCompletion(hints: hints, hintPrefix: "\(name)/")
        let batch = BatchedReads.completions(workflow: workflow.text, jobs: entries.map(\.key))
        // The refusals of the body's last run (the one whose writes count); they
        // stay beside the answer because a batched write carries only JSON.
        let refusals = RefusalLog()
        let (answer, released) = try await writeReporting(
            workflow: WorkflowLookup.key(workflow), prefetching: batch
        ) { writer in
            let w = try WorkflowLookup.require(writer, workflow).key
            let outcome =
                try completion.completeTogether(writer, workflow: w, entries: entries)
                ?? completion.completeInTurn(writer, workflow: w, entries: entries)
            refusals.record(outcome.refused)
            return (.array(outcome.jobs), .int(Int64(outcome.released)))
        }
        jobsMayBeReady(workflow: workflow, count: Int(released.intValue ?? 0))
        let refused = refusals.last
        let jobs = answer.arrayValue ?? []
        guard jobs.count == entries.count else { throw TorcError.internalError }
        return zip(entries.indices, entries).map { index, entry in
            if let error = refused[index] { return .refused(key: entry.key, error: error) }
            return .completed(key: entry.key, job: jobs[index])
        }
    }
}

/// What one run of a `complete_jobs` body decided: the answer's job per entry
/// (`null` where refused), the refusals by entry index, and how many
/// dependents became `ready`.
struct BatchCompletionOutcome {
    var jobs: [JSONValue]
    var refused: [Int: TorcError]
    var released: Int
}

extension JobCompletion {
    /// The entries completed one after another, each exactly as `complete_job` would.
    func completeInTurn(_ writer: any StoreWriter, workflow w: String, entries: [BatchEntry]) throws
        -> BatchCompletionOutcome
    {
        var outcome = BatchCompletionOutcome(jobs: [], refused: [:], released: 0)
        outcome.jobs.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            do {
                let result = try entry.result.get()
                let (job, ready) = try complete(
                    writer, workflow: w, key: DocumentReference(entry.key), status: RequestedStatus(entry.status),
                    rev: Revision(entry.rev), result: result)
                outcome.released += ready
                outcome.jobs.append(job)
            } catch let error as ServiceError {
                outcome.refused[index] = error
                outcome.jobs.append(.null)
            }
        }
        return outcome
    }

    /// The entries completed together: every job read at once and every entry
    /// checked, then all results stored in one insert, all `returned` edges in
    /// another, all status changes in one replace, and only then the
    /// dependents decided. A batch of runners' completions costs a few store
    /// calls instead of a few per job.
    ///
    /// The same outcome as `completeInTurn`, as long as no entry's job can be
    /// written by the dependents' processing of another: that processing only
    /// writes `blocked` jobs, so `nil` (complete them in turn) when a job is
    /// `blocked`, and when one job is named twice (the second entry's check
    /// depends on the first's write). A dependent of several completed jobs is
    /// decided once, when the last of its blockers is complete, in turn or
    /// together; its decision reads the blockers' results, all stored by then.
    func completeTogether(_ writer: any StoreWriter, workflow w: String, entries: [BatchEntry]) throws
        -> BatchCompletionOutcome?
    {
        let jobsCollection = CollectionName(.jobs, workflow: w)
        let keys = entries.map { DocumentReference($0.key).key(in: jobsCollection) }
        let named = keys.compactMap { $0 }
        guard Set(named).count == named.count else { return nil }
        var stored: [String: Document] = [:]
        for job in try writer.documents(named, in: jobsCollection) {
            guard job.jobStatus != .blocked else { return nil }
            stored[job.key] = job
        }
        // Every check first, in the order of the entries, as `complete` makes them.
        var accepted: [(index: Int, job: Document, status: JobStatus, result: JSONObject)] = []
        var outcome = BatchCompletionOutcome(
            jobs: Array(repeating: .null, count: entries.count), refused: [:], released: 0)
        for (index, entry) in entries.enumerated() {
            do {
                let result = try entry.result.get()
                let status = try Self.completion(RequestedStatus(entry.status))
                guard let job = keys[index].flatMap({ stored[$0] }) else {
                    throw WorkflowDatabase.missingJob(DocumentReference(entry.key))
                }
                try Self.check(job, rev: Revision(entry.rev))
                accepted.append((index, job, status, result))
            } catch let error as ServiceError {
                outcome.refused[index] = error
            }
        }
        guard !accepted.isEmpty else { return outcome }
        let results = try writer.insertReturningIDs(
            accepted.map(\.result), into: CollectionName(.results, workflow: w))
        _ = try writer.insertReturningIDs(
            zip(accepted, results).map { entry, result in ["_from": .string(entry.job.id), "_to": .string(result)] },
            into: CollectionName(.returned, workflow: w))
        let changing = accepted.filter { $0.job.jobStatus != $0.status }
        let updated = try writer.replace(
            changing.map { entry in
                var body = entry.job.body
                body["status"] = entry.status.json
                return DocumentReplacement(key: entry.job.key, body: body, expectedRev: entry.job.rev)
            }, in: jobsCollection)
        for entry in accepted where entry.job.jobStatus == entry.status {
            outcome.jobs[entry.index] = JobView.api(entry.job) // already in that status: answered as read
        }
        let processing = CompletionProcessing(writer: writer, workflow: w, hints: hints, hintPrefix: hintPrefix)
        for (entry, job) in zip(changing, updated) {
            outcome.jobs[entry.index] = JobView.api(job)
            if entry.job.jobStatus?.isComplete != true { outcome.released += try processing.run(completed: job) }
        }
        return outcome
    }
}

/// The refusals of the latest run of a `complete_jobs` body. A batched write
/// may run the body several times (a stale read, then the transaction
/// fallback); each run replaces what the one before recorded, and the answer
/// returned is always the last run's.
private final class RefusalLog: Sendable {
    private let refusals = Mutex<[Int: TorcError]>([:])

    func record(_ refused: [Int: TorcError]) { refusals.withLock { $0 = refused } }

    var last: [Int: TorcError] { refusals.withLock { $0 } }
}

/// What became of one entry of a `complete_jobs` call.
public enum JobCompletionOutcome: Sendable {
    /// Completed; `job` is what `complete_job` answers.
    case completed(key: String, job: JSONValue)
    /// Refused, with nothing written for it; `error` is what `complete_job` would have thrown.
    case refused(key: String, error: TorcError)
}

/// One entry of a `complete_jobs` body, checked before the transaction.
struct BatchEntry: Sendable {
    var key: String
    var status: String
    var rev: String
    /// The storable result, or why the entry is refused.
    var result: Result<JSONObject, ServiceError>

    /// The entries of the body; 400 for a body that is not a list of entries
    /// with string `job_key`, `status` and `rev`.
    static func parse(_ body: JSONValue?) throws(ServiceError) -> [BatchEntry] {
        guard case .object(let object)? = body, case .array(let items)? = object["jobs"] else {
            throw .badRequest("request body must be an object with an array \"jobs\"")
        }
        guard items.count <= WorkflowDatabase.maxBatch else {
            throw .badRequest("at most \(WorkflowDatabase.maxBatch) jobs may be completed in one call")
        }
        var entries: [BatchEntry] = []
        entries.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard case .object(let entry) = item, let key = entry["job_key"]?.stringValue,
                let status = entry["status"]?.stringValue, let rev = entry["rev"]?.stringValue
            else {
                throw .badRequest("jobs[\(index)] must be an object with string job_key, status and rev")
            }
            let result: Result<JSONObject, ServiceError>
            do {
                result = .success(DocumentSchema.storable(try Schemas.result.validateBody(entry["result"])))
            } catch {
                result = .failure(error)
            }
            entries.append(BatchEntry(key: key, status: status, rev: rev, result: result))
        }
        return entries
    }
}
