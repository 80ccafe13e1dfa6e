import TorcCore

/// The six generic operations on the 13 per-workflow document collections
/// (docs/routes.md, "Generic collection routes").
extension WorkflowDatabase {
    /// `GET /workflows/{W}/{c}`: a filtered page in creation order.
    public func listDocuments(
        workflow: WorkflowReference, collection: WorkflowCollection, query: ListQuery
    ) async throws -> JSONValue {
        let paging = query.paging
        let filters = query.filters
        @Sendable func page(_ name: CollectionName) -> DocumentQuery {
            DocumentQuery(name, filters: filters, skip: paging.skip, limit: paging.limit, countTotal: true)
        }
        var batch = BatchedReads.workflow(workflow)
        batch.add(.find(page(CollectionName(collection, workflow: WorkflowLookup.key(workflow)))))
        return try await read(prefetching: batch) { reader in
            let workflowDoc = try WorkflowLookup.require(reader, workflow)
            let name = CollectionName(collection, workflow: workflowDoc.key)
            let result = try reader.find(page(name))
            return paging.envelope(
                result.documents.map { JobView.api($0, in: collection) }, totalCount: result.totalCount ?? 0)
        }
    }

    /// `POST /workflows/{W}/{c}`: stores one document with defaults filled in.
    public func createDocument(
        workflow: WorkflowReference, collection: WorkflowCollection, body: JSONValue?
    ) async throws -> JSONValue {
        var object = DocumentSchema.storable(try Schemas.schema(for: collection).validateBody(body))
        if collection == .jobs {
            if object["status"] == nil { object["status"] = JobStatus.uninitialized.json }
            if object["internal"] == nil { object["internal"] = .object(Schemas.defaultJobInternal) }
        }
        let prepared = object
        let workflowKey = WorkflowLookup.key(workflow)
        // Only a job written as `ready` can give a waiting hand-out something.
        defer {
            if collection == .jobs && prepared["status"] == JobStatus.ready.json {
                jobsMayBeReady(workflow: workflow)
            }
        }
        return try await write(workflow: workflowKey, prefetching: BatchedReads.workflow(workflow)) { writer in
            let workflowDoc = try WorkflowLookup.require(writer, workflow)
            let name = CollectionName(collection, workflow: workflowDoc.key)
            let stored = try writer.insert([prepared], into: name)[0]
            return JobView.api(stored, in: collection)
        }
    }

    /// `DELETE /workflows/{W}/{c}`: empties the collection and removes the
    /// edges of its documents from all 10 edge collections.
    public func deleteAllDocuments(
        workflow: WorkflowReference, collection: WorkflowCollection, body: JSONValue?
    ) async throws -> JSONValue {
        try OptionalBody.validate(body)
        let workflowKey = WorkflowLookup.key(workflow)
        return try await write(workflow: workflowKey) { writer in
            let workflowDoc = try WorkflowLookup.require(writer, workflow)
            let name = CollectionName(collection, workflow: workflowDoc.key)
            if collection.isVertex {
                try writer.removeEdges(touchingCollection: name, in: Self.edgeCollections(workflowDoc.key))
            }
            try writer.truncate(name)
            return .object([
                "message": .string(
                    "Deleted all documents in the \"\(collection.rawValue)\" collection for workflow \(workflowDoc.key)"
                )
            ])
        }
    }

    /// `GET /workflows/{W}/{c}/{K}`.
    public func getDocument(
        workflow: WorkflowReference, collection: WorkflowCollection, key: DocumentReference
    ) async throws -> JSONValue {
        try await read(prefetching: BatchedReads.document(workflow: workflow, key, in: collection)) { reader in
            let found = try WorkflowLookup.requireDocument(reader, workflow: workflow, key, in: collection)
            return JobView.api(found.document, in: collection)
        }
    }

    /// `PUT /workflows/{W}/{c}/{K}`: a `_rev`-checked merge of the body into
    /// the stored document. Answers the validated body with the new metadata.
    public func updateDocument(
        workflow: WorkflowReference, collection: WorkflowCollection, key: DocumentReference, body: JSONValue?
    ) async throws -> JSONValue {
        let object = try Schemas.schema(for: collection).validateBody(body)
        let workflowKey = WorkflowLookup.key(workflow)
        defer {
            if collection == .jobs && object["status"] == JobStatus.ready.json { jobsMayBeReady(workflow: workflow) }
        }
        let batch = BatchedReads.document(workflow: workflow, key, in: collection)
        return try await write(workflow: workflowKey, prefetching: batch) { writer in
            let workflowDoc = try WorkflowLookup.require(writer, workflow)
            guard let rev = object["_rev"]?.stringValue else {
                throw ServiceError.badRequest("Updating a document requires the existing revision")
            }
            let bodyKey = object["_key"]?.stringValue
            guard bodyKey == key.text else {
                throw ServiceError.badRequest("key=\(key) does not match \(bodyKey ?? "undefined")")
            }
            let name = CollectionName(collection, workflow: workflowDoc.key)
            let operation = "Update \(collection.rawValue) key=\(key)"
            let updated = try DocumentUpdate.merge(
                writer, name, key: key, rev: Revision(rev), patch: object, operation: operation)
            var response = object
            response["_id"] = .string(updated.id)
            response["_key"] = .string(updated.key)
            response["_rev"] = .string(updated.rev)
            response["_oldRev"] = .string(rev)
            if collection == .jobs { response.removeValue(forKey: "internal") }
            return .object(response)
        }
    }

    /// `DELETE /workflows/{W}/{c}/{K}`: removes the document and, for vertex
    /// collections, every edge attached to it. Answers the stored document
    /// (jobs with `internal`).
    public func deleteDocument(
        workflow: WorkflowReference, collection: WorkflowCollection, key: DocumentReference, body: JSONValue?
    ) async throws -> JSONValue {
        try OptionalBody.validate(body)
        let workflowKey = WorkflowLookup.key(workflow)
        return try await write(workflow: workflowKey) { writer in
            let (workflowDoc, name, document) = try WorkflowLookup.requireDocument(
                writer, workflow: workflow, key, in: collection)
            _ = try writer.remove([document.key], from: name)
            if collection.isVertex {
                try writer.removeEdges(touching: [document.id], in: Self.edgeCollections(workflowDoc.key))
            }
            return document.json
        }
    }

    /// The 10 edge collections of a workflow.
    static func edgeCollections(_ workflowKey: String) -> [CollectionName] {
        WorkflowCollection.edges.map { CollectionName($0, workflow: workflowKey) }
    }
}

/// The `_rev`-checked merge every PUT performs (docs/data-model.md, "PUT merges").
enum DocumentUpdate {
    /// Merges `patch` into the stored document `key` if its `_rev` is `rev`.
    /// 404 / 409 carry `Operation: {operation}`.
    static func merge(
        _ writer: any StoreWriter, _ collection: CollectionName, key: DocumentReference, rev: Revision?,
        patch: JSONObject, operation: String
    ) throws -> Document {
        guard let resolved = key.key(in: collection),
            let stored = try writer.document(resolved, in: collection)
        else {
            throw ServiceError.documentNotFound(operation)
        }
        if let rev, stored.revision != rev { throw ServiceError.conflictingRevision(operation) }
        var cleanPatch = patch
        for attribute in Document.systemAttributes { cleanPatch.removeValue(forKey: attribute) }
        let merged = stored.body.merging(patch: cleanPatch)
        do {
            return try writer.replace(
                [DocumentReplacement(key: stored.key, body: merged, expectedRev: stored.rev)], in: collection)[0]
        } catch .conflict {
            throw ServiceError.conflictingRevision(operation)
        } catch .documentNotFound {
            throw ServiceError.documentNotFound(operation)
        }
    }
}

/// The optional object body of DELETE routes: ignored, but it must be an object when present.
enum OptionalBody {
    static func validate(_ body: JSONValue?) throws(ServiceError) {
        guard let body else { return }
        guard case .object = body else { throw .badRequest("request body must be an object") }
    }
}
