import TorcCore

extension WorkflowDatabase {
    /// Puts every failed job (finished as `done` or `terminated` with a latest
    /// result whose return code is not 0, or `canceled`) and every job
    /// downstream of it back to `uninitialized`, in one transaction. Jobs that
    /// succeeded keep their status; the workflow is then restarted by its
    /// runner, which initializes the uninitialized jobs again.
    public func restartFailedJobs(key: WorkflowReference) async throws -> JSONValue {
        try await write(workflow: WorkflowLookup.key(key)) { writer in
            let w = try WorkflowLookup.require(writer, key).key
            let jobs = CollectionName(.jobs, workflow: w)
            let finished = try writer.find(
                DocumentQuery(
                    jobs, filters: [.status(in: JobStatus.complete)])
            ).documents
            // The latest result of every finished job, read in two set-based steps.
            let edges = try writer.edges(in: CollectionName(.returned, workflow: w), from: finished.map(\.id))
            var resultsOf: [String: [String]] = [:]
            for edge in edges { resultsOf[edge.from, default: []].append(edge.to) }
            var byID: [String: Document] = [:]
            for result in try GraphTraversal.resolve(writer, Array(Set(edges.map(\.to)))) { byID[result.id] = result }
            let failed = finished.filter { job in
                if job.jobStatus == .canceled { return true }
                guard let latest = LatestResult.pick((resultsOf[job.id] ?? []).compactMap { byID[$0] }) else {
                    return true
                }
                return (latest["return_code"]?.doubleValue ?? 0) != 0
            }
            _ = try JobWrites.setStatus(writer, jobs, failed, to: .uninitialized)
            for job in failed { try CompletionProcessing.reverse(writer, workflow: w, from: job) }
            return ["message": "Reset failed jobs to uninitialized", "count": .int(Int64(failed.count))]
        }
    }
}
