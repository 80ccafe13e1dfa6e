import TorcCore

/// The job statuses (docs/job-lifecycle.md, "Statuses") and the sets the engine reasons with.
///
/// Stored jobs and the API carry the raw values; inside the engine every
/// comparison, assignment and set goes through this type, so a misspelt status
/// is a compile error rather than a job that silently never matches.
public enum JobStatus: String, CaseIterable, Sendable {
    case uninitialized, blocked, ready
    case submittedPending = "submitted_pending"
    case submitted, done, canceled, terminated, disabled

    /// `done`, `canceled`, `terminated`: the job ran (or was stopped) and its dependents can be decided.
    public static let complete: Set<JobStatus> = [.done, .canceled, .terminated]
    /// The complete statuses plus `disabled`: nothing more will happen to the job.
    public static let finished: Set<JobStatus> = complete.union([.disabled])

    /// Whether the status is one of `complete`.
    public var isComplete: Bool { Self.complete.contains(self) }
    /// Whether the status is one of `finished`.
    public var isFinished: Bool { Self.finished.contains(self) }

    /// The status as stored in a job document and sent over the wire.
    public var json: JSONValue { .string(rawValue) }

    /// The statuses as a JSON array in raw-value order (stable store filters).
    static func jsonArray(_ statuses: some Sequence<JobStatus>) -> JSONValue {
        .array(statuses.map(\.rawValue).sorted().map { .string($0) })
    }
}

extension Document {
    /// The job's status, `nil` when the document has none or an unknown one.
    var jobStatus: JobStatus? { self["status"]?.stringValue.flatMap(JobStatus.init(rawValue:)) }
}

extension FieldPredicate {
    /// `status == status`.
    static func status(_ status: JobStatus) -> FieldPredicate { .equal("status", status.json) }

    /// `status` is one of `statuses`.
    static func status(in statuses: some Sequence<JobStatus>) -> FieldPredicate {
        FieldPredicate(["status"], .oneOf, JobStatus.jsonArray(statuses))
    }
}
