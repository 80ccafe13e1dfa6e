import TorcCore

/// The edge routes (docs/routes.md, "Edge routes"). Only the 10 edge names are accepted; any other
/// `{name}` answers 404 on all five routes.
extension WorkflowDatabase {
    /// The edge collection base for `{name}`, or 404; parsed where the route
    /// matches, before anything else of the request is looked at.
    public static func edgeCollection(_ name: String) throws(ServiceError) -> WorkflowCollection {
        guard let collection = WorkflowCollection(rawValue: name), collection.isEdge else {
            throw .notFound("Error: Document not found. Operation: Get edge collection name=\(name)")
        }
        return collection
    }

    /// `GET /workflows/{W}/edges/{name}`.
    public func listEdges(
        workflow: WorkflowReference, collection: WorkflowCollection, paging: Paging
    ) async throws -> JSONValue {
        return try await read { reader in
            let workflowDoc = try WorkflowLookup.require(reader, workflow)
            let result = try reader.find(
                DocumentQuery(
                    CollectionName(collection, workflow: workflowDoc.key), skip: paging.skip, limit: paging.limit,
                    countTotal: true))
            return paging.envelope(result.documents.map(\.json), totalCount: result.totalCount ?? 0)
        }
    }

    /// `POST /workflows/{W}/edges/{name}`: stores the edge after a handle syntax check only.
    public func createEdge(
        workflow: WorkflowReference, collection: WorkflowCollection, body: JSONValue?
    ) async throws -> JSONValue {
        let prepared = DocumentSchema.storable(try Schemas.edge.validateBody(body))
        return try await write(workflow: WorkflowLookup.key(workflow)) { writer in
            let workflowDoc = try WorkflowLookup.require(writer, workflow)
            return try writer.insert([prepared], into: CollectionName(collection, workflow: workflowDoc.key))[0].json
        }
    }

    /// `DELETE /workflows/{W}/edges/{name}`: removes every edge of the collection.
    public func deleteAllEdges(
        workflow: WorkflowReference, collection: WorkflowCollection, body: JSONValue?
    ) async throws -> JSONValue {
        try OptionalBody.validate(body)
        return try await write(workflow: WorkflowLookup.key(workflow)) { writer in
            let workflowDoc = try WorkflowLookup.require(writer, workflow)
            let full = CollectionName(collection, workflow: workflowDoc.key)
            try writer.truncate(full)
            return .object(["message": .string("Deleted all edges in the \"\(full.rawValue)\" collection")])
        }
    }

    /// `GET /workflows/{W}/edges/{name}/{K}`.
    public func getEdge(
        workflow: WorkflowReference, collection: WorkflowCollection, key: DocumentReference
    ) async throws -> JSONValue {
        return try await read { reader in
            let workflowDoc = try WorkflowLookup.require(reader, workflow)
            guard
                let edge = try WorkflowLookup.document(
                    reader, key, in: CollectionName(collection, workflow: workflowDoc.key))
            else {
                throw ServiceError.documentNotFound("Get \(collection.rawValue) edge key=\(key)")
            }
            return edge.json
        }
    }

    /// `DELETE /workflows/{W}/edges/{name}/{K}`.
    public func deleteEdge(
        workflow: WorkflowReference, collection: WorkflowCollection, key: DocumentReference, body: JSONValue?
    ) async throws -> JSONValue {
        try OptionalBody.validate(body)
        return try await write(workflow: WorkflowLookup.key(workflow)) { writer in
            let workflowDoc = try WorkflowLookup.require(writer, workflow)
            let full = CollectionName(collection, workflow: workflowDoc.key)
            guard let edge = try WorkflowLookup.document(writer, key, in: full) else {
                throw ServiceError.documentNotFound("Delete \(collection.rawValue) edge key=\(key)")
            }
            _ = try writer.remove([edge.key], from: full)
            return edge.json
        }
    }
}
