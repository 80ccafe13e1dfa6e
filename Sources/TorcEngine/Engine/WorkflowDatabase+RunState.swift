import TorcCore

/// Workflow-level state routes: is_complete, ready_job_requirements, cancel,
/// reset_status (docs/job-lifecycle.md, "Cancel and reset").
extension WorkflowDatabase {
    /// `GET /workflows/is_complete/{K}`: complete when no job is outside FINISHED.
    /// Polled by every runner, so it is answered from the status index: first
    /// one lookup for a job in a known unfinished status, then (only when there is
    /// none) a comparison of the job count with the count of finished jobs, which
    /// also catches any other status string a PUT may have stored.
    public func isComplete(key: WorkflowReference) async throws -> JSONValue {
        var batch = BatchedReads.workflowWithStatus(key)
        let jobs = CollectionName(.jobs, workflow: WorkflowLookup.key(key))
        for probe in Self.unfinishedProbes(jobs) { batch.add(.find(probe)) }
        batch.add(.count(jobs, []))
        batch.add(.count(jobs, [Self.finishedFilter]))
        return try await read(prefetching: batch) { reader in
            let workflow = try WorkflowLookup.require(reader, key)
            let status = try WorkflowRecords.status(reader, workflow: workflow)
            let jobs = CollectionName(.jobs, workflow: workflow.key)
            // One indexed probe per unfinished status: a single `oneOf` query in
            // creation order would have to order every unfinished job of a
            // large workflow just to find the first one.
            var complete = true
            for probe in Self.unfinishedProbes(jobs) where complete {
                complete = try reader.find(probe).documents.isEmpty
            }
            if complete {
                complete = try reader.count(in: jobs, where: []) == reader.count(in: jobs, where: [Self.finishedFilter])
            }
            return ["is_canceled": .bool(status["is_canceled"]?.boolValue ?? false), "is_complete": .bool(complete)]
        }
    }

    /// One query per known unfinished status, each for at most one job in any
    /// order: only whether one exists matters, so the store stops at the first
    /// entry of its status index instead of ordering every job in that status
    /// (a million ready jobs) by creation.
    static func unfinishedProbes(_ jobs: CollectionName) -> [DocumentQuery] {
        JobStatus.allCases.filter { !$0.isFinished }.sorted { $0.rawValue < $1.rawValue }.map {
            DocumentQuery(jobs, filters: [.status($0)], limit: 1, anyOrder: true)
        }
    }

    /// Jobs in a finished status.
    static var finishedFilter: FieldPredicate {
        .status(in: JobStatus.finished)
    }

    /// `GET /workflows/ready_job_requirements/{K}`: what the ready jobs need,
    /// from their live requirements documents.
    public func readyJobRequirements(key: WorkflowReference, schedulerConfigID schedulerFilter: String?) async throws
        -> JSONValue
    {
        var filters: [FieldPredicate] = [.status(.ready)]
        if let schedulerFilter {
            filters.append(FieldPredicate(["internal", "scheduler_config_id"], .equal, .string(schedulerFilter)))
        }
        var batch = BatchedReads.workflow(key)
        let w0 = WorkflowLookup.key(key)
        let ready = batch.add(.find(DocumentQuery(CollectionName(.jobs, workflow: w0), filters: filters)))
        let requires = batch.add(.edges(CollectionName(.requires, workflow: w0), .from, .ids(of: ready)))
        batch.add(.documents(.ends(of: requires, .to)))
        return try await read(prefetching: batch) { [filters] reader in
            let w = try WorkflowLookup.require(reader, key).key
            let jobs = try reader.find(DocumentQuery(CollectionName(.jobs, workflow: w), filters: filters)).documents
            let requirements = try RequirementsIndex(reader, workflow: w, jobs: jobs)
            var cpus: Int64 = 0
            var gpus: Int64 = 0
            var memory = 0.0
            var maxMemory = 0.0
            var maxNodes: Int64 = 0
            var maxRuntime = -Double.infinity
            var maxRuntimeText = ""
            for job in jobs {
                let rr = try requirements.requirements(of: job)
                cpus += rr["num_cpus"]?.intValue ?? 0
                gpus += rr["num_gpus"]?.intValue ?? 0
                let bytes = Double(try MemorySize.bytes(rr["memory"]?.stringValue ?? ""))
                memory += bytes
                maxMemory = max(maxMemory, bytes)
                maxNodes = max(maxNodes, rr["num_nodes"]?.intValue ?? 0)
                let runtimeText = rr["runtime"]?.stringValue ?? ""
                let runtime = try ISODuration.seconds(runtimeText)
                if runtime > maxRuntime {
                    maxRuntime = runtime
                    maxRuntimeText = runtimeText
                }
            }
            let gib = 1_073_741_824.0
            return [
                "num_jobs": .int(Int64(jobs.count)), "num_cpus": .int(cpus), "num_gpus": .int(gpus),
                "memory_gb": .double(memory / gib), "max_memory_gb": .double(maxMemory / gib),
                "max_num_nodes": .int(maxNodes), "max_runtime": .string(maxRuntimeText),
            ]
        }
    }

    /// `PUT /workflows/cancel/{K}`: flags the workflow canceled and cancels
    /// every submitted or pending job, in one transaction serialised with hand-outs.
    public func cancelWorkflow(key: WorkflowReference) async throws -> JSONValue {
        defer { jobsMayBeReady(workflow: key) }
        return try await write(workflow: WorkflowLookup.key(key)) { writer in
            let workflow = try WorkflowLookup.require(writer, key)
            var status = try WorkflowRecords.status(writer, workflow: workflow)
            if status["is_canceled"] != .bool(true) {
                status["is_canceled"] = true
                _ = try writer.replace(
                    [DocumentReplacement(key: status.key, body: status.body, expectedRev: status.rev)],
                    in: .workflowStatuses)
            }
            let jobs = CollectionName(.jobs, workflow: workflow.key)
            let running = try writer.find(
                DocumentQuery(jobs, filters: [.status(in: [.submitted, .submittedPending])]))
            try JobWrites.setStatus(writer, jobs, running.documents, to: .canceled)
            return ["message": "Canceled workflow"]
        }
    }

    /// `POST /workflows/reset_status/{K}`: every job back to `uninitialized`,
    /// the status document back to its initial flags (`run_id` kept).
    public func resetStatus(key: WorkflowReference) async throws -> JSONValue {
        defer { jobsMayBeReady(workflow: key) }
        return try await write(workflow: WorkflowLookup.key(key)) { writer in
            let workflow = try WorkflowLookup.require(writer, key)
            let jobs = CollectionName(.jobs, workflow: workflow.key)
            let all = try writer.find(DocumentQuery(jobs)).documents
            try JobWrites.setStatus(writer, jobs, all, to: .uninitialized, onlyChanged: false)
            var status = try WorkflowRecords.status(writer, workflow: workflow)
            status["is_canceled"] = false
            status["scheduled_compute_node_ids"] = []
            status["auto_tune_status"] = ["enabled": true, "job_keys": []]
            _ = try writer.replace(
                [DocumentReplacement(key: status.key, body: status.body, expectedRev: status.rev)],
                in: .workflowStatuses)
            return ["message": "Reset job status to uninitialized"]
        }
    }
}

/// Bulk job status writes.
enum JobWrites {
    /// Writes `status` on the jobs (one bulk replace, each conditional on the
    /// revision just read). With `onlyChanged`, jobs already in that status are not written.
    @discardableResult
    static func setStatus(
        _ writer: any StoreWriter, _ collection: CollectionName, _ jobs: [Document], to status: JobStatus,
        onlyChanged: Bool = true
    ) throws -> [Document] {
        let replacements = jobs.compactMap { job -> DocumentReplacement? in
            if onlyChanged && job.jobStatus == status { return nil }
            var body = job.body
            body["status"] = status.json
            return DocumentReplacement(key: job.key, body: body, expectedRev: job.rev)
        }
        guard !replacements.isEmpty else { return [] }
        return try writer.replace(replacements, in: collection)
    }
}

/// The resource requirements of many jobs, read with one edge query and one
/// document read (docs/job-lifecycle.md, "Initialization").
struct RequirementsIndex {
    private var byJob: [String: [String]] = [:]
    private var documents: [String: Document] = [:]

    init(_ reader: any StoreReader, workflow: String, jobs: [Document]) throws {
        guard !jobs.isEmpty else { return }
        let edges = try reader.edges(in: CollectionName(.requires, workflow: workflow), from: jobs.map(\.id))
        for edge in edges { byJob[edge.from, default: []].append(edge.to) }
        for document in try GraphTraversal.resolve(reader, Array(Set(edges.map(\.to)))) {
            documents[document.id] = document
        }
    }

    /// The job's requirements document body, or the defaults; 500 for several edges.
    func requirements(of job: Document) throws -> JSONObject {
        try document(of: job)?.body ?? ResourceRequirementsLookup.defaults
    }

    /// The job's requirements document, `nil` for none.
    func document(of job: Document) throws -> Document? {
        let targets = (byJob[job.id] ?? []).compactMap { documents[$0] }
        guard targets.count <= 1 else { throw ServiceError.internalError }
        return targets.first
    }
}
