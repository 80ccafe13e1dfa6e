import TorcCore

/// Counts jobs handed out and completed from the answers of the two routes
/// that do so, after they succeeded.
enum JobMetrics {
    static func record(
        _ answer: RouteResponse, operationId: String, parameters: [String: String], metrics: ServiceMetrics
    ) {
        switch operationId {
        case "post_workflows_prepare_jobs_for_submission_key":
            if case .json(let value) = answer { metrics.jobsHandedOut(value["jobs"]?.arrayValue?.count ?? 0) }
        case "post_workflows_workflow_jobs_complete_job_key_status_rev":
            metrics.jobCompleted(status: parameters["status"] ?? "")
        default:
            break
        }
    }
}
