import TorcCore

/// `POST /workflows/{W}/jobs/complete_jobs`: completes many jobs in one call
/// and one write transaction, so a runner that finishes several short jobs
/// pays for one request and one commit instead of one each.
///
/// Body: `{"jobs": [{"job_key": K, "status": S, "rev": R, "result": {...}}, ...]}`
/// (at most `maxBatch` entries). Each entry is completed exactly as
/// `complete_job` would (`JobCompletion`), in order; an entry that fails a
/// check (unknown job, stale `_rev`, invalid status or result) writes nothing
/// and fails alone. The answer is one outcome per entry, in order; the HTTP
/// layer renders a refusal exactly as `complete_job` would have answered it.
extension WorkflowDatabase {
    /// The most entries one call may carry.
    public static let maxBatch = 1000

    public func completeJobs(workflow: WorkflowReference, body: JSONValue?) async throws -> [JobCompletionOutcome] {
        let entries = try BatchEntry.parse(body)
        let completion = JobCompletion(hints: hints, hintPrefix: "\(name)/")
        let (outcomes, released) = try await write(workflow: WorkflowLookup.key(workflow)) { writer in
            let w = try WorkflowLookup.require(writer, workflow).key
            var outcomes: [JobCompletionOutcome] = []
            outcomes.reserveCapacity(entries.count)
            var released = 0
            for entry in entries {
                do {
                    guard case .success(let result) = entry.result else {
                        if case .failure(let error) = entry.result { throw error }
                        continue
                    }
                    let (job, ready) = try completion.complete(
                        writer, workflow: w, key: DocumentReference(entry.key), status: RequestedStatus(entry.status),
                        rev: Revision(entry.rev), result: result)
                    released += ready
                    outcomes.append(.completed(key: entry.key, job: job))
                } catch let error as ServiceError {
                    outcomes.append(.refused(key: entry.key, error: error))
                }
            }
            return (outcomes, released)
        }
        jobsMayBeReady(workflow: workflow, count: released)
        return outcomes
    }
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
