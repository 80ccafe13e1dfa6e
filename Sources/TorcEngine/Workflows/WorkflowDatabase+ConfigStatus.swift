import TorcCore

/// Workflow config and status documents (docs/routes.md, "Workflows").
extension WorkflowDatabase {
    /// `GET /workflows/config/{K}`.
    public func getWorkflowConfig(key: WorkflowReference) async throws -> JSONValue {
        try await read { reader in
            try WorkflowRecords.config(reader, workflow: WorkflowLookup.require(reader, key)).json
        }
    }

    /// `PUT /workflows/config/{K}`: merges into the workflow's own config.
    public func updateWorkflowConfig(key: WorkflowReference, body: JSONValue?) async throws -> JSONValue {
        let object = try Schemas.workflowConfig.validateBody(body)
        return try await updateAttached(key: key, body: object, kind: "config") { reader, workflow in
            try WorkflowRecords.config(reader, workflow: workflow)
        }
    }

    /// `GET /workflows/status/{K}`.
    public func getWorkflowStatus(key: WorkflowReference) async throws -> JSONValue {
        try await read { reader in
            try WorkflowRecords.status(reader, workflow: WorkflowLookup.require(reader, key)).json
        }
    }

    /// `PUT /workflows/status/{K}`: merges into the workflow's own status; no side effects.
    public func updateWorkflowStatus(key: WorkflowReference, body: JSONValue?) async throws -> JSONValue {
        var object = try Schemas.workflowStatus.validateBody(body)
        object.removeValue(forKey: "scheduled_compute_node_ids")
        return try await updateAttached(key: key, body: object, kind: "status") { reader, workflow in
            try WorkflowRecords.status(reader, workflow: workflow)
        }
    }

    /// The shared PUT of config and status: the body may name only the
    /// workflow's own document (400 otherwise); `_rev` is checked when present;
    /// the answer is the validated body with the document's identity and new `_rev`.
    private func updateAttached(
        key: WorkflowReference, body: JSONObject, kind: String,
        document: @escaping @Sendable (any StoreReader, Document) throws -> Document
    ) async throws -> JSONValue {
        try await write(workflow: WorkflowLookup.key(key)) { writer in
            let workflow = try WorkflowLookup.require(writer, key)
            let target = try document(writer, workflow)
            let operation = "Update workflow \(kind) key=\(target.key)"
            if let bodyKey = body["_key"]?.stringValue, bodyKey != target.key {
                throw ServiceError.badRequest("\(kind) key=\(bodyKey) does not belong to workflow \(workflow.key)")
            }
            if let bodyID = body["_id"]?.stringValue, bodyID != target.id {
                throw ServiceError.badRequest("\(kind) _id=\(bodyID) does not belong to workflow \(workflow.key)")
            }
            let updated = try DocumentUpdate.merge(
                writer, target.id.hasPrefix("workflow_configs/") ? .workflowConfigs : .workflowStatuses,
                key: DocumentReference(target.key), rev: body["_rev"]?.stringValue.map(Revision.init), patch: body,
                operation: operation)
            var response = body
            response["_id"] = .string(updated.id)
            response["_key"] = .string(updated.key)
            response["_rev"] = .string(updated.rev)
            return .object(response)
        }
    }
}
