import TorcCore

/// Workflow CRUD (docs/routes.md, "Workflows").
extension WorkflowDatabase {
    /// `GET /workflows`: filtered by `name`, `user`, `description`.
    public func listWorkflows(query: ListQuery) async throws -> JSONValue {
        let (paging, filters) = (query.paging, query.filters)
        return try await read { reader in
            let result = try reader.find(
                DocumentQuery(.workflows, filters: filters, skip: paging.skip, limit: paging.limit, countTotal: true))
            return paging.envelope(result.documents.map(\.json), totalCount: result.totalCount ?? 0)
        }
    }

    /// `POST /workflows`: the workflow with its config, status, edges and
    /// collections, all in one transaction.
    public func createWorkflow(body: JSONValue?) async throws -> JSONValue {
        let object = try Schemas.workflow.validateBody(body)
        try WorkflowRecords.validateKey(object["_key"]?.stringValue)
        return try await writeGlobal { writer in
            try WorkflowRecords.create(writer, workflow: object).json
        }
    }

    /// `GET /workflows/{K}`.
    public func getWorkflow(key: WorkflowReference) async throws -> JSONValue {
        try await read(prefetching: BatchedReads.workflow(key)) { reader in try WorkflowLookup.require(reader, key).json
        }
    }

    /// `PUT /workflows/{K}`: `_key` must match, `_rev` is required and checked.
    public func updateWorkflow(key: WorkflowReference, body: JSONValue?) async throws -> JSONValue {
        let object = try Schemas.workflow.validateBody(body)
        let bodyKey = object["_key"]?.stringValue
        guard bodyKey == key.text else {
            throw ServiceError.badRequest("key=\(key) does not match \(bodyKey ?? "undefined")")
        }
        guard let rev = object["_rev"]?.stringValue else {
            throw ServiceError.badRequest("Updating a workflow requires the existing revision")
        }
        return try await write(workflow: WorkflowLookup.key(key)) { writer in
            let updated = try DocumentUpdate.merge(
                writer, .workflows, key: DocumentReference(key.text), rev: Revision(rev), patch: object,
                operation: "Update workflow key=\(key)")
            var response = object
            response["_id"] = .string(updated.id)
            response["_key"] = .string(updated.key)
            response["_rev"] = .string(updated.rev)
            response["_oldRev"] = .string(rev)
            return .object(response)
        }
    }

    /// `DELETE /workflows/{K}`: removes the workflow and everything it owns.
    public func deleteWorkflow(key: WorkflowReference, body: JSONValue?) async throws -> JSONValue {
        try OptionalBody.validate(body)
        return try await write(workflow: WorkflowLookup.key(key)) { writer in
            let workflow = try WorkflowLookup.require(writer, key)
            try WorkflowRecords.delete(writer, workflow: workflow)
            return workflow.json
        }
    }

    /// `GET /workflows/collection_names/{K}`.
    public func collectionNames(key: WorkflowReference) async throws -> JSONValue {
        try await read { reader in
            let workflow = try WorkflowLookup.require(reader, key)
            return .object(["names": .array(WorkflowRecords.collections(workflow.key).map { .string($0.rawValue) })])
        }
    }
}

extension String {
    /// The string with `prefix` replaced when it starts with it.
    func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
