import TorcCore

/// `POST /workflows/prepare_jobs_for_submission/{K}` (docs/job-lifecycle.md, "Hand-out"): hands
/// ready jobs that fit the caller's free resources to exactly one caller.
///
/// The canceled check, the candidate query and the `submitted_pending` writes
/// run in one write transaction of the workflow, and each write is conditional
/// on the revision just read, so no job is handed out twice, also when several
/// service processes share one database. Cost does not grow with the number of
/// jobs: candidates come from the status index, in small pages, and the scan
/// stops as soon as the caller is full.
extension WorkflowDatabase {
    public func prepareJobsForSubmission(key: WorkflowReference, query: HandOutQuery, body: JSONValue?) async throws
        -> JSONValue
    {
        let resources = try Schemas.workerResources.validateBody(body)
        let limit = try query.limit.get()
        let request = try WorkerRequest(resources)
        let handOut = { try await self.handOut(key: key, request: request, limit: limit) }
        guard let wait = try query.waitSeconds.get() else { return try await handOut().answer }
        return try await waitForJobs(workflow: key, seconds: wait, handOut: handOut)
    }

    /// One hand-out: the workflow, its status and the first page of candidates
    /// are read ahead in one batch (see `BatchedReads.handOut`).
    func handOut(key: WorkflowReference, request: WorkerRequest, limit: Int) async throws -> HandOut {
        let firstPage = JobSelection.firstPage(
            CollectionName(.jobs, workflow: WorkflowLookup.key(key)), request: request, limit: limit)
        let batch = BatchedReads.handOut(workflow: key, firstPage: firstPage)
        let (answer, fact) = try await writeReporting(workflow: WorkflowLookup.key(key), prefetching: batch) { writer in
            let workflow = try WorkflowLookup.require(writer, key)
            let status = try WorkflowRecords.status(writer, workflow: workflow)
            if status["is_canceled"] == .bool(true) {
                return (
                    ["jobs": [], "reason": .string("Workflow \(workflow.key) is canceled")], ["workflow_canceled": true]
                )
            }
            let jobs = CollectionName(.jobs, workflow: workflow.key)
            let selected = try JobSelection.select(writer, jobs, request: request, limit: limit)
            let written = try JobWrites.setStatus(writer, jobs, selected, to: .submittedPending)
            let answer: JSONValue = [
                "jobs": .array(written.map(JobView.api)),
                "reason": .string(written.isEmpty ? request.noMatchReason : ""),
            ]
            return (answer, ["handed_out": .bool(!written.isEmpty)])
        }
        return HandOut(
            answer: answer, handedOut: fact["handed_out"] == .bool(true),
            canceled: fact["workflow_canceled"] == .bool(true))
    }

    /// The `limit` query parameter: default 1000, not clamped, truncated, negative -> 400.
    static func candidateLimit(_ query: QueryParameters) throws(ServiceError) -> Int {
        guard let value = try QueryNumber.parse(query, "limit") else { return 1000 }
        let number = value.doubleValue ?? 1000
        guard number >= 0 else { throw .badRequest("query parameter \"limit\" must be larger than or equal to 0") }
        return Int(min(number, 1e9))
    }
}

/// The caller's free resources, converted (docs/job-lifecycle.md, "Hand-out").
struct WorkerRequest: Sendable {
    var cpus: Int64
    var memoryBytes: Double
    var timeLimitSeconds: Double
    var numNodes: Int64
    var schedulerID: String
    var memoryGB: JSONValue

    init(_ resources: JSONObject) throws {
        cpus = resources["num_cpus"]?.intValue ?? 0
        memoryGB = resources["memory_gb"] ?? 0
        memoryBytes = (memoryGB.doubleValue ?? 0) * 1_073_741_824
        if let limit = resources["time_limit"]?.stringValue {
            timeLimitSeconds = try ISODuration.seconds(limit)
        } else {
            timeLimitSeconds = .infinity
        }
        numNodes = resources["num_nodes"]?.intValue ?? 1
        schedulerID = resources["scheduler_config_id"]?.stringValue ?? ""
    }

    /// The store conditions every candidate meets.
    var candidateFilters: [FieldPredicate] {
        var filters: [FieldPredicate] = [
            .status(.ready),
            FieldPredicate(["internal", "num_nodes"], .equal, .int(numNodes)),
            FieldPredicate(["internal", "num_cpus"], .lessOrEqual, .int(cpus)),
            FieldPredicate(["internal", "memory_bytes"], .lessOrEqual, .double(memoryBytes)),
        ]
        if timeLimitSeconds.isFinite {
            filters.append(FieldPredicate(["internal", "runtime_seconds"], .lessOrEqual, .double(timeLimitSeconds)))
        }
        if !schedulerID.isEmpty {
            filters.append(FieldPredicate(["internal", "scheduler_config_id"], .oneOf, ["", .string(schedulerID)]))
        }
        return filters
    }

    /// The diagnostic sent when nothing matched.
    var noMatchReason: String {
        let seconds = timeLimitSeconds.isFinite ? "\(timeLimitSeconds)" : "9007199254740991"
        let bytes = memoryBytes < 9.2e18 ? "\(Int64(memoryBytes))" : "\(memoryBytes)"
        return "No jobs matched status='ready', memory_bytes <= \(bytes), num_cpus <= \(cpus), "
            + "runtime_seconds <= \(seconds), num_nodes == \(numNodes), scheduler_config_id == \(schedulerID)"
    }
}

/// First-fit packing of candidates into the caller's resources (docs/job-lifecycle.md, "Hand-out").
/// Candidates come highest `priority` first, in creation order among equal
/// priorities (jobs without one count as 0, so a workflow without priorities
/// is handed out in creation order as before).
enum JobSelection {
    static let handOutOrder = NumericOrder.descending(["priority"])

    /// The size of the first page of candidates: a caller with C free CPUs is
    /// usually full after C candidates (most jobs need one or two).
    static func firstPageSize(_ request: WorkerRequest) -> Int { max(4, Int(min(request.cpus, 1000))) }

    /// The first candidate query `select` makes (read ahead by batched hand-outs).
    static func firstPage(_ jobs: CollectionName, request: WorkerRequest, limit: Int) -> DocumentQuery {
        DocumentQuery(
            jobs, filters: request.candidateFilters, skip: 0, limit: min(firstPageSize(request), limit),
            order: handOutOrder)
    }

    static func select(
        _ reader: any StoreReader, _ jobs: CollectionName, request: WorkerRequest, limit: Int
    ) throws -> [Document] {
        var cpus = request.cpus
        var memory = request.memoryBytes
        var selected: [Document] = []
        guard limit > 0, cpus > 0, memory > 0 else { return [] }
        var considered = 0
        // Small pages first: a caller with C free CPUs is usually full after C
        // candidates (most jobs need one or two), and every candidate read is a
        // document parsed; later pages grow fourfold.
        var pageSize = firstPageSize(request)
        while considered < limit {
            let take = min(pageSize, limit - considered)
            let page = try reader.find(
                DocumentQuery(
                    jobs, filters: request.candidateFilters, skip: considered, limit: take, order: handOutOrder))
            for job in page.documents {
                let jobCPUs = job["internal"]?["num_cpus"]?.intValue ?? 0
                let jobMemory = job["internal"]?["memory_bytes"]?.doubleValue ?? 0
                if jobCPUs <= cpus && jobMemory <= memory {
                    selected.append(job)
                    cpus -= jobCPUs
                    memory -= jobMemory
                    if cpus == 0 || memory <= 0 { return selected }
                }
            }
            considered += page.documents.count
            if page.documents.count < take { break }
            pageSize = min(pageSize * 4, 4096)
        }
        return selected
    }
}
