import TorcCore

/// The two auto-tune routes (docs/job-lifecycle.md, "Auto-tune"): run one job per resource-requirements
/// group, then apply its measured usage and re-enable the rest. Each validates
/// everything before its first write, in one transaction.
extension WorkflowDatabase {
    /// `POST /workflows/auto_tune_resource_requirements/{K}`.
    public func autoTuneResourceRequirements(key: WorkflowReference) async throws -> JSONValue {
        try await write(workflow: WorkflowLookup.key(key)) { writer in
            let workflow = try WorkflowLookup.require(writer, key)
            let w = workflow.key
            let config = try WorkflowRecords.config(writer, workflow: workflow)
            guard config["compute_node_resource_stats"]?["process"] == .bool(true) else {
                throw ServiceError.badRequest("The auto-tune feature requires collection of job process stats.")
            }
            let jobs = try writer.find(DocumentQuery(CollectionName(.jobs, workflow: w))).documents
                .filter { $0.jobStatus != .blocked }
            let requirements = try RequirementsIndex(writer, workflow: w, jobs: jobs)
            var groups = Set<String>()
            var tuneKeys: [JSONValue] = []
            var toDisable: [Document] = []
            for job in jobs {
                let group = try requirements.requirements(of: job)["name"]?.stringValue ?? "default"
                if groups.insert(group).inserted {
                    tuneKeys.append(.string(job.key))
                } else {
                    guard job.jobStatus != .disabled else {
                        throw ServiceError.badRequest("Job \(job.key) is already disabled")
                    }
                    toDisable.append(job)
                }
            }
            try JobWrites.setStatus(writer, CollectionName(.jobs, workflow: w), toDisable, to: .disabled)
            var status = try WorkflowRecords.status(writer, workflow: workflow)
            var autoTune = status["auto_tune_status"]?.objectValue ?? [:]
            autoTune["job_keys"] = .array((autoTune["job_keys"]?.arrayValue ?? []) + tuneKeys)
            autoTune["enabled"] = true
            status["auto_tune_status"] = .object(autoTune)
            _ = try writer.replace(
                [DocumentReplacement(key: status.key, body: status.body, expectedRev: status.rev)],
                in: .workflowStatuses)
            return ["message": "Enabled jobs for auto-tune mode."]
        }
    }

    /// `POST /workflows/process_auto_tune_resource_requirements_results/{K}`.
    public func processAutoTuneResults(key: WorkflowReference) async throws -> JSONValue {
        try await write(workflow: WorkflowLookup.key(key)) { writer in
            let workflow = try WorkflowLookup.require(writer, key)
            let w = workflow.key
            var status = try WorkflowRecords.status(writer, workflow: workflow)
            let tuneKeys = (status["auto_tune_status"]?["job_keys"]?.arrayValue ?? []).compactMap(\.stringValue)
            let jobsCollection = CollectionName(.jobs, workflow: w)
            var updates: [(old: Document, new: JSONObject)] = []
            var updatedNames = Set<String>()
            for jobKey in tuneKeys {
                guard let job = try WorkflowLookup.document(writer, DocumentReference(jobKey), in: jobsCollection)
                else {
                    throw ServiceError.documentNotFound(
                        "process_auto_tune_resource_requirements_results workflow key=\(w)")
                }
                let stats = try GraphTraversal.outbound(writer, CollectionName(.processUsed, workflow: w), from: job.id)
                guard let latestStats = Self.latestStats(stats) else {
                    throw ServiceError.badRequest("job \(job.key) does not have any process stats")
                }
                let results = try GraphTraversal.outbound(writer, CollectionName(.returned, workflow: w), from: job.id)
                guard let result = LatestResult.pick(results) else {
                    throw ServiceError.badRequest(
                        "No job result for \(job.key) - \(job["status"]?.stringValue ?? ""). Cannot complete auto-tune."
                    )
                }
                guard let rr = try ResourceRequirementsLookup.forJob(writer, workflow: w, job: job) else {
                    throw ServiceError.badRequest("Job \(job.key) has no resource requirements to tune")
                }
                let name = rr["name"]?.stringValue ?? rr.key
                guard updatedNames.insert(rr.id).inserted else {
                    throw ServiceError.badRequest("resource requirements \(name) was already updated")
                }
                let maxCPU = latestStats["max_cpu_percent"]?.doubleValue ?? 0
                let maxRSS = latestStats["max_rss"]?.doubleValue ?? 0
                let minutes = result["exec_time_minutes"]?.doubleValue ?? 0
                var tuned = rr.body
                tuned["num_cpus"] = .int(maxCPU == 0 ? 1 : Int64((maxCPU / 100).rounded(.up)))
                tuned["memory"] = .string("\(Int64((maxRSS / 1_073_741_824).rounded(.up)))g")
                tuned["runtime"] = .string("P0DT0H\(Int64(minutes.rounded(.up)))M")
                updates.append((rr, tuned))
            }
            let tuneSet = Set(tuneKeys)
            let others = try writer.find(DocumentQuery(jobsCollection)).documents.filter { !tuneSet.contains($0.key) }
            if let wrong = others.first(where: { $0.jobStatus != .disabled }) {
                throw ServiceError.badRequest(
                    "Expected status disabled instead of \(wrong["status"]?.stringValue ?? "") for job \(wrong.key)")
            }

            let requirementsCollection = CollectionName(.resourceRequirements, workflow: w)
            let stored = try writer.replace(
                updates.map { DocumentReplacement(key: $0.old.key, body: $0.new, expectedRev: $0.old.rev) },
                in: requirementsCollection)
            let events: [JSONObject] = zip(updates, stored).map { update, new in
                let name = update.old["name"]?.stringValue ?? update.old.key
                return [
                    "category": "resource_requirements", "type": "update", "name": .string(name),
                    "old": update.old.json, "new": new.json,
                    "message": .string("Updated resource requirements for name = \(name)"),
                ]
            }
            if !events.isEmpty { _ = try writer.insert(events, into: CollectionName(.events, workflow: w)) }
            try JobWrites.setStatus(writer, jobsCollection, others, to: .uninitialized)
            var autoTune = status["auto_tune_status"]?.objectValue ?? [:]
            autoTune["enabled"] = false
            status["auto_tune_status"] = .object(autoTune)
            _ = try writer.replace(
                [DocumentReplacement(key: status.key, body: status.body, expectedRev: status.rev)],
                in: .workflowStatuses)
            return ["message": "Processed the results of auto-tuning resource requirements."]
        }
    }

    /// The process statistics with the highest `run_id` (the last created among equals).
    static func latestStats(_ stats: [Document]) -> Document? {
        var best: Document?
        for document in stats {
            let run = document["run_id"]?.doubleValue ?? 0
            if best == nil || run >= (best?["run_id"]?.doubleValue ?? 0) { best = document }
        }
        return best
    }
}
