import TorcCore

/// The query of `prepare_jobs_for_submission`: `limit` and `wait_seconds`,
/// parsed where the route matches.
///
/// The operation checks its body before its query, so a malformed value is
/// kept as its error and raised by the engine at that point: a request wrong in
/// both places keeps answering the body's message.
public struct HandOutQuery: Sendable {
    /// The most candidates to consider: default 1000, truncated, negative -> 400.
    let limit: Result<Int, ServiceError>
    /// How long to wait for ready jobs; `nil` (absent or 0) for no waiting.
    let waitSeconds: Result<Double?, ServiceError>

    public init(_ query: QueryParameters) {
        limit = Result { () throws(ServiceError) in try WorkflowDatabase.candidateLimit(query) }
        waitSeconds = Result { () throws(ServiceError) in try WorkflowDatabase.waitSeconds(query) }
    }
}
