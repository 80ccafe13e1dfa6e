import TorcCore

/// Relationship and job lookups (docs/routes.md, "Lookups").
extension WorkflowDatabase {
    /// The job addressed by a path key or `_id`, or the 404 with `operation`.
    static func requireJob(
        _ reader: any StoreReader, workflow: String, key: DocumentReference, operation: String? = nil
    ) throws -> Document {
        guard let job = try WorkflowLookup.document(reader, key, in: CollectionName(.jobs, workflow: workflow)) else {
            throw missingJob(key, operation: operation)
        }
        return job
    }

    /// The 404 for a job that does not exist: `operation`, or the job lookup's own.
    static func missingJob(_ key: DocumentReference, operation: String? = nil) -> ServiceError {
        ServiceError.documentNotFound(operation ?? "Get jobs with key=\(key)")
    }

    /// `GET /workflows/{W}/files/produced_by_job/{K}`: files the job produces, paged.
    public func filesProducedByJob(workflow: WorkflowReference, key: DocumentReference, paging: Paging) async throws
        -> JSONValue
    {
        let batch = BatchedReads.jobNeighbours(workflow: workflow, job: key, via: .produces)
        return try await read(prefetching: batch) { reader in
            let w = try WorkflowLookup.require(reader, workflow).key
            let job = try Self.requireJob(
                reader, workflow: w, key: key, operation: "Get files produced_by_job key=\(key)")
            let files = try GraphTraversal.outbound(reader, CollectionName(.produces, workflow: w), from: job.id)
            return paging.envelope(paging.page(files).map(\.json), totalCount: files.count)
        }
    }

    /// `GET /workflows/{W}/jobs/find_by_status/{status}`.
    public func jobsByStatus(
        workflow: WorkflowReference, status: RequestedStatus, paging: Paging
    ) async throws -> JSONValue {
        @Sendable func page(_ w: String) -> DocumentQuery {
            DocumentQuery(
                CollectionName(.jobs, workflow: w), filters: [.equal("status", .string(status.text))],
                skip: paging.skip, limit: paging.limit, countTotal: true)
        }
        var batch = BatchedReads.workflow(workflow)
        batch.add(.find(page(WorkflowLookup.key(workflow))))
        return try await read(prefetching: batch) { reader in
            let w = try WorkflowLookup.require(reader, workflow).key
            let result = try reader.find(page(w))
            return paging.envelope(result.documents.map(JobView.api), totalCount: result.totalCount ?? 0)
        }
    }

    /// `GET /workflows/{W}/jobs/find_by_needs_file/{K}`: jobs that read the file, paged.
    public func jobsNeedingFile(workflow: WorkflowReference, key: DocumentReference, paging: Paging) async throws
        -> JSONValue
    {
        return try await read { reader in
            let w = try WorkflowLookup.require(reader, workflow).key
            guard let file = try WorkflowLookup.document(reader, key, in: CollectionName(.files, workflow: w)) else {
                throw ServiceError.notFound("File \(key) is not stored")
            }
            let jobs = try GraphTraversal.inbound(reader, CollectionName(.needs, workflow: w), to: file.id)
            return paging.envelope(paging.page(jobs).map(JobView.api), totalCount: jobs.count)
        }
    }

    /// `GET /workflows/{W}/jobs/resource_requirements/{K}`: the stored
    /// requirements, or the defaults when the job has none.
    public func jobResourceRequirements(workflow: WorkflowReference, key: DocumentReference) async throws -> JSONValue {
        try await read(prefetching: BatchedReads.jobNeighbours(workflow: workflow, job: key, via: .requires)) {
            reader in
            let w = try WorkflowLookup.require(reader, workflow).key
            let job = try Self.requireJob(reader, workflow: w, key: key)
            return try ResourceRequirementsLookup.forJob(reader, workflow: w, job: job)?.json
                ?? .object(ResourceRequirementsLookup.defaults)
        }
    }

    /// `GET /workflows/{W}/jobs/process_stats/{K}`: a bare array sorted by `run_id`.
    public func jobProcessStats(workflow: WorkflowReference, key: DocumentReference) async throws -> JSONValue {
        try await read(prefetching: BatchedReads.jobNeighbours(workflow: workflow, job: key, via: .processUsed)) {
            reader in
            let w = try WorkflowLookup.require(reader, workflow).key
            let job = try Self.requireJob(reader, workflow: w, key: key)
            let stats = try GraphTraversal.outbound(reader, CollectionName(.processUsed, workflow: w), from: job.id)
            let sorted = stats.enumerated().sorted { a, b in
                let ra = a.element["run_id"]?.doubleValue ?? 0
                let rb = b.element["run_id"]?.doubleValue ?? 0
                return ra != rb ? ra < rb : a.offset < b.offset
            }
            return .array(sorted.map(\.element.json))
        }
    }

    /// `GET /workflows/{W}/jobs/user_data/{K}`: `{"items": [...]}`, not paged.
    public func jobUserData(workflow: WorkflowReference, key: DocumentReference) async throws -> JSONValue {
        try await read(prefetching: BatchedReads.jobNeighbours(workflow: workflow, job: key, via: .stores)) { reader in
            let w = try WorkflowLookup.require(reader, workflow).key
            let job = try Self.requireJob(reader, workflow: w, key: key)
            let data = try GraphTraversal.outbound(reader, CollectionName(.stores, workflow: w), from: job.id)
            return .object(["items": .array(data.map(\.json))])
        }
    }

    /// `POST /workflows/{W}/jobs/user_data/{K}`: stores the object and its
    /// `stores` edge in one transaction. A body that is a JSON string holding an
    /// object (what some clients send) is accepted as that object.
    public func addJobUserData(workflow: WorkflowReference, key: DocumentReference, body: JSONValue?) async throws
        -> JSONValue
    {
        let prepared = DocumentSchema.storable(try Schemas.freeForm.validateBody(UserDataBody.unwrap(body)))
        let batch = BatchedReads.document(workflow: workflow, key, in: .jobs)
        return try await write(workflow: WorkflowLookup.key(workflow), prefetching: batch) { writer in
            let w = try WorkflowLookup.require(writer, workflow).key
            let job = try Self.requireJob(writer, workflow: w, key: key)
            let stored = try writer.insert([prepared], into: CollectionName(.userData, workflow: w))[0]
            _ = try writer.insert(
                [["_from": .string(job.id), "_to": .string(stored.id)]], into: CollectionName(.stores, workflow: w))
            return stored.json
        }
    }

    /// `GET /workflows/{W}/results/find_by_job/{K}`: the job's latest result.
    public func latestResult(workflow: WorkflowReference, key: DocumentReference) async throws -> JSONValue {
        try await read(prefetching: BatchedReads.jobNeighbours(workflow: workflow, job: key, via: .returned)) {
            reader in
            let w = try WorkflowLookup.require(reader, workflow).key
            let job = try Self.requireJob(reader, workflow: w, key: key)
            let results = try GraphTraversal.outbound(reader, CollectionName(.returned, workflow: w), from: job.id)
            guard let latest = LatestResult.pick(results) else {
                throw ServiceError.notFound("No result is stored for job \(key)")
            }
            return latest.json
        }
    }

    /// `GET /workflows/{W}/job_keys`: `{"items": [keys]}` in creation order.
    public func jobKeys(workflow: WorkflowReference) async throws -> JSONValue {
        try await read { reader in
            let w = try WorkflowLookup.require(reader, workflow).key
            let jobs = try reader.find(DocumentQuery(CollectionName(.jobs, workflow: w)))
            return .object(["items": .array(jobs.documents.map { .string($0.key) })])
        }
    }
}

/// Job user data bodies: an object, or a JSON string whose text is an object.
enum UserDataBody {
    static func unwrap(_ body: JSONValue?) -> JSONValue? {
        if case .string(let text)? = body, let inner = try? JSONParser.parse(text), case .object = inner {
            return inner
        }
        return body
    }
}
