import TorcCore

/// Job specification routes (docs/routes.md, "Workflows").
extension WorkflowDatabase {
    /// `POST /workflows/{W}/job_specifications`: the job, its edges and user
    /// data, with every name reference checked before anything is written.
    public func createJobSpecification(workflow: WorkflowReference, body: JSONValue?) async throws -> JSONValue {
        let spec = try JobSpecification.schema.validateBody(body)
        if let key = spec["key"]?.stringValue, !DocumentKey.isValid(key) {
            throw ServiceError.databaseError(.illegalKey(key))
        }
        return try await write(workflow: WorkflowLookup.key(workflow)) { writer in
            let w = try WorkflowLookup.require(writer, workflow).key
            func unique(_ collection: WorkflowCollection, _ name: String) throws -> Document {
                let found = try writer.find(
                    DocumentQuery(
                        CollectionName(collection, workflow: w), filters: [.equal("name", .string(name))], limit: 2,
                        countTotal: true))
                let count = found.totalCount ?? found.documents.count
                let filter = JSONWriter.string(.object(["name": .string(name)]))
                if count == 0 { throw ServiceError.badRequest("filter = \(filter) does not match any documents") }
                if count > 1 { throw ServiceError.badRequest("filter = \(filter) matches \(count) documents") }
                return found.documents[0]
            }
            func names(_ attribute: String) -> [String] {
                (spec[attribute]?.arrayValue ?? []).compactMap(\.stringValue)
            }
            let inputs = try names("input_files").map { try unique(.files, $0) }
            let outputs = try names("output_files").map { try unique(.files, $0) }
            let blockers = try names("blocked_by").map { try unique(.jobs, $0) }
            var scheduler: Document?
            if let reference = spec["scheduler"]?.stringValue, !reference.isEmpty {
                let parts = reference.split(separator: "/", omittingEmptySubsequences: false)
                guard parts.count == 2, let collection = WorkflowCollection(rawValue: String(parts[0])),
                    WorkflowCollection.schedulers.contains(collection)
                else {
                    throw ServiceError.badRequest(
                        "\(reference) must be split by / into a scheduler collection and a name")
                }
                scheduler = try unique(collection, String(parts[1]))
            }
            let requirements = try spec["resource_requirements"]?.stringValue.map {
                try unique(.resourceRequirements, $0)
            }

            let job = try writer.insert([JobSpecification.jobBody(spec)], into: CollectionName(.jobs, workflow: w))[0]
            func link(_ collection: WorkflowCollection, _ pairs: [(String, String)]) throws {
                guard !pairs.isEmpty else { return }
                _ = try writer.insert(
                    pairs.map { ["_from": .string($0.0), "_to": .string($0.1)] },
                    into: CollectionName(collection, workflow: w))
            }
            try link(.needs, inputs.map { (job.id, $0.id) })
            try link(.produces, outputs.map { (job.id, $0.id) })
            try link(.blocks, blockers.map { ($0.id, job.id) })
            try link(.requires, requirements.map { [(job.id, $0.id)] } ?? [])
            try link(.scheduledBys, scheduler.map { [(job.id, $0.id)] } ?? [])
            let userData = (spec["user_data"]?.arrayValue ?? []).compactMap(\.objectValue).map(DocumentSchema.storable)
            if !userData.isEmpty {
                let stored = try writer.insert(userData, into: CollectionName(.userData, workflow: w))
                try link(.stores, stored.map { (job.id, $0.id) })
            }
            return job.json
        }
    }

    /// `GET /workflows/{W}/job_specifications/{K}`.
    public func getJobSpecification(workflow: WorkflowReference, key: DocumentReference) async throws -> JSONValue {
        try await read { reader in
            let w = try WorkflowLookup.require(reader, workflow).key
            let job = try Self.requireJob(reader, workflow: w, key: key)
            return .object(try JobSpecification.view(reader, workflow: w, jobs: [job])[0])
        }
    }

    /// `GET /workflows/{W}/job_specifications`: a page of jobs in specification form.
    public func listJobSpecifications(workflow: WorkflowReference, paging: Paging) async throws -> JSONValue {
        return try await read { reader in
            let w = try WorkflowLookup.require(reader, workflow).key
            let page = try reader.find(
                DocumentQuery(
                    CollectionName(.jobs, workflow: w), skip: paging.skip, limit: paging.limit, countTotal: true))
            let specs = try JobSpecification.view(reader, workflow: w, jobs: page.documents)
            return paging.envelope(specs.map { .object($0) }, totalCount: page.totalCount ?? 0)
        }
    }
}
