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
    /// are read ahead in one batch (see `BatchedReads.handOut`). Where calls are
    /// batched, the jobs chosen are reserved in this process until written, and
    /// concurrent hand-outs of the workflow pass over them (`HandOutReservations`);
    /// their first page is wider by what others hold, so it still has their share.
    func handOut(key: WorkflowReference, request: WorkerRequest, limit: Int) async throws -> HandOut {
        let jobs = CollectionName(.jobs, workflow: WorkflowLookup.key(key))
        let ticket = store.batchesCalls ? reservations.begin(scope: "\(name)/\(jobs.rawValue)") : nil
        var handedOut = false
        defer { if let ticket { reservations.end(ticket, handedOut: handedOut) } }
        // Room for the jobs others hold and for what the others still choosing
        // will take (about a lone caller's first page each), so that passing
        // over them rarely needs a second page, which the batch did not read.
        let widening =
            ticket.map { ticket in
                let load = reservations.load(besides: ticket)
                return load.jobs + load.choosing * min(JobSelection.firstPageSize(request), limit)
            } ?? 0
        let firstPage = JobSelection.firstPage(jobs, request: request, limit: limit, widenedBy: widening)
        let batch = BatchedReads.handOut(workflow: key, firstPage: firstPage)
        let held = reservations
        let (answer, fact) = try await writeReporting(workflow: WorkflowLookup.key(key), prefetching: batch) { writer in
            let workflow = try WorkflowLookup.require(writer, key)
            let status = try WorkflowRecords.status(writer, workflow: workflow)
            if status["is_canceled"] == .bool(true) {
                return (
                    ["jobs": [], "reason": .string("Workflow \(workflow.key) is canceled")], ["workflow_canceled": true]
                )
            }
            let jobs = CollectionName(.jobs, workflow: workflow.key)
            let selected = try JobSelection.choose(
                writer, jobs, request: request, limit: limit, widenedBy: widening,
                reservations: ticket.map { (held, $0) })
            let written = try JobWrites.setStatus(writer, jobs, selected, to: .submittedPending)
            let answer: JSONValue = [
                "jobs": .array(written.map(JobView.api)),
                "reason": .string(written.isEmpty ? request.noMatchReason : ""),
            ]
            return (answer, ["handed_out": .bool(!written.isEmpty)])
        }
        handedOut = fact["handed_out"] == .bool(true)
        return HandOut(answer: answer, handedOut: handedOut, canceled: fact["workflow_canceled"] == .bool(true))
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

    /// The first candidate query `select` makes (read ahead by batched hand-outs),
    /// `widening` candidates longer than a lone caller's, for the jobs it may pass over.
    static func firstPage(_ jobs: CollectionName, request: WorkerRequest, limit: Int, widenedBy widening: Int = 0)
        -> DocumentQuery
    {
        DocumentQuery(
            jobs, filters: request.candidateFilters, skip: 0,
            limit: min(firstPageSize(request), limit) + bounded(widening), order: handOutOrder)
    }

    /// How often a hand-out chooses again when concurrent ones took its choice first.
    static let choiceRounds = 64

    /// A widening of the first page, bounded like the later pages.
    static func bounded(_ widening: Int) -> Int { min(max(0, widening), 4096) }

    /// `select`, passing over the jobs concurrent hand-outs of this process
    /// reserved and reserving the chosen ones (see `HandOutReservations`).
    /// Another call may reserve a job between the choice and the reservation:
    /// then the choice is made again. Every round that fails is one in which
    /// another call succeeded, so n hand-outs choosing at once need at most n
    /// rounds; a round is a pass over candidates already read. Past
    /// `choiceRounds` the last choice stands and the revision check decides.
    static func choose(
        _ reader: any StoreReader, _ jobs: CollectionName, request: WorkerRequest, limit: Int, widenedBy widening: Int,
        reservations: (HandOutReservations, HandOutReservations.Ticket)?
    ) throws -> [Document] {
        guard let (reservations, ticket) = reservations else {
            return try select(reader, jobs, request: request, limit: limit, widenedBy: widening)
        }
        var selected: [Document] = []
        for _ in 0..<choiceRounds {
            let taken = reservations.taken(besides: ticket)
            selected = try select(reader, jobs, request: request, limit: limit, widenedBy: widening, passingOver: taken)
            if reservations.reserve(Set(selected.map(\.id)), for: ticket) { break }
        }
        return selected
    }

    /// First-fit packing of the candidates, highest priority first, leaving out
    /// the jobs in `passingOver` (`_id`s) as if they were no longer ready: they
    /// do not count towards `limit`, which is how many candidates are looked at.
    static func select(
        _ reader: any StoreReader, _ jobs: CollectionName, request: WorkerRequest, limit: Int,
        widenedBy widening: Int = 0, passingOver taken: Set<String> = []
    ) throws -> [Document] {
        var cpus = request.cpus
        var memory = request.memoryBytes
        var selected: [Document] = []
        guard limit > 0, cpus > 0, memory > 0 else { return [] }
        // Candidates read in the store's order, and those of them looked at.
        var read = 0
        var considered = 0
        var extra = bounded(widening)
        // Small pages first: a caller with C free CPUs is usually full after C
        // candidates (most jobs need one or two), and every candidate read is a
        // document parsed; later pages grow fourfold.
        var pageSize = firstPageSize(request)
        while considered < limit {
            let take = min(pageSize, limit - considered) + extra
            extra = 0
            let page = try reader.find(
                DocumentQuery(jobs, filters: request.candidateFilters, skip: read, limit: take, order: handOutOrder))
            for job in page.documents where !taken.contains(job.id) {
                guard considered < limit else { return selected }
                considered += 1
                let jobCPUs = job["internal"]?["num_cpus"]?.intValue ?? 0
                let jobMemory = job["internal"]?["memory_bytes"]?.doubleValue ?? 0
                if jobCPUs <= cpus && jobMemory <= memory {
                    selected.append(job)
                    cpus -= jobCPUs
                    memory -= jobMemory
                    if cpus == 0 || memory <= 0 { return selected }
                }
            }
            read += page.documents.count
            if page.documents.count < take { break }
            pageSize = min(pageSize * 4, 4096)
        }
        return selected
    }
}
