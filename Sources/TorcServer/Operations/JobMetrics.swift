import TorcCore

/// Counts jobs handed out and completed from the answers of the routes that
/// do so, after they succeeded.
enum JobMetrics {
    static func record(
        _ answer: RouteResponse, operationId: String, parameters: [String: String], metrics: ServiceMetrics
    ) {
        switch operationId {
        case "post_workflows_prepare_jobs_for_submission_key":
            if case .json(let value) = answer { metrics.jobsHandedOut(value["jobs"]?.arrayValue?.count ?? 0) }
        case "post_workflows_workflow_jobs_complete_job_key_status_rev":
            metrics.jobsCompleted(status: parameters["status"] ?? "")
        case "post_workflows_workflow_jobs_complete_jobs":
            // One outcome per entry; only the completed ones count, by the status each job got.
            guard case .json(let value) = answer else { return }
            var byStatus: [String: Int] = [:]
            for outcome in value["jobs"]?.arrayValue ?? [] where outcome["code"]?.intValue == 200 {
                byStatus[outcome["job"]?["status"]?.stringValue ?? "", default: 0] += 1
            }
            for (status, count) in byStatus { metrics.jobsCompleted(status: status, count: count) }
        default:
            break
        }
    }
}
