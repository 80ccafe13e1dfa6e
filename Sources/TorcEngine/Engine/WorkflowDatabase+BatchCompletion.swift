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
            var jobs: [JSONValue] = []
            jobs.reserveCapacity(entries.count)
            var refused: [Int: TorcError] = [:]
            var released = 0
            for (index, entry) in entries.enumerated() {
                do {
                    let result = try entry.result.get()
                    let (job, ready) = try completion.complete(
                        writer, workflow: w, key: DocumentReference(entry.key), status: RequestedStatus(entry.status),
                        rev: Revision(entry.rev), result: result)
                    released += ready
                    jobs.append(job)
                } catch let error as ServiceError {
                    refused[index] = error
                    jobs.append(.null)
                }
            }
            refusals.record(refused)
            return (.array(jobs), .int(Int64(released)))
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
