import TorcCore

/// Creating and removing a workflow with everything that belongs to it
/// (docs/data-model.md, "Creating a workflow"; docs/data-model.md, "Deleting documents"), inside the
/// caller's transaction so it is all or nothing.
public enum WorkflowRecords {
    /// The status document of a new (or reset) workflow.
    public static let initialStatus: JSONObject = [
        "run_id": 1, "is_canceled": false, "scheduled_compute_node_ids": [],
        "auto_tune_status": ["enabled": true, "job_keys": []],
    ]

    /// All 23 per-workflow collections, in `collection_names` order.
    public static func collections(_ workflowKey: String) -> [CollectionName] {
        WorkflowCollection.allCases.map { CollectionName($0, workflow: workflowKey) }
    }

    /// Refuses a client-supplied workflow key that could not name collections (docs/data-model.md, "Workflow keys").
    public static func validateKey(_ key: String?) throws(ServiceError) {
        guard let key else { return }
        guard DocumentKey.isValid(key) else {
            throw ServiceError.databaseError(.illegalKey(key))
        }
        // Every collection and the graph must be nameable, the longest
        // (`scheduled_compute_nodes__{key}`) included: at most 256 characters.
        let names = collections(key).map(\.rawValue) + [WorkflowCollection.graphName(workflow: key)]
        guard names.allSatisfy(CollectionName.isValid) else {
            throw .badRequest(
                "workflow key \(key) cannot be used in collection names (allowed characters: A-Z a-z 0-9 _ -, "
                    + "at most \(256 - "scheduled_compute_nodes__".count) characters)")
        }
    }

    /// Stores the workflow document, its config and status with their edges,
    /// and creates its collections. Returns the stored workflow document.
    public static func create(
        _ writer: any StoreWriter, workflow body: JSONObject, config: JSONObject? = nil
    ) throws -> Document {
        let workflow = try writer.insert([DocumentSchema.storable(body)], into: .workflows)[0]
        let configBody = config ?? ["compute_node_resource_stats": .object(Schemas.defaultComputeNodeResourceStats)]
        let configDoc = try writer.insert([configBody], into: .workflowConfigs)[0]
        let statusDoc = try writer.insert([initialStatus], into: .workflowStatuses)[0]
        _ = try writer.insert(
            [["_from": .string(workflow.id), "_to": .string(configDoc.id)]], into: .hasWorkflowConfig)
        _ = try writer.insert(
            [["_from": .string(workflow.id), "_to": .string(statusDoc.id)]], into: .hasWorkflowStatus)
        try writer.createCollections(collections(workflow.key))
        return workflow
    }

    /// The workflow's config document (found through `has_workflow_config`).
    public static func config(_ reader: any StoreReader, workflow: Document) throws -> Document {
        try attached(reader, .hasWorkflowConfig, workflow: workflow)
    }

    /// The workflow's status document (found through `has_workflow_status`).
    public static func status(_ reader: any StoreReader, workflow: Document) throws -> Document {
        try attached(reader, .hasWorkflowStatus, workflow: workflow)
    }

    static func attached(_ reader: any StoreReader, _ edge: CollectionName, workflow: Document) throws -> Document {
        let documents = try GraphTraversal.outbound(reader, edge, from: workflow.id)
        guard documents.count == 1 else { throw ServiceError.internalError }
        return documents[0]
    }

    /// Drops the collections, config, status, edges and the workflow document.
    public static func delete(_ writer: any StoreWriter, workflow: Document) throws {
        try writer.dropCollections(collections(workflow.key))
        for edgeCollection in [CollectionName.hasWorkflowConfig, .hasWorkflowStatus] {
            let edges = try writer.edges(in: edgeCollection, from: [workflow.id])
            for edge in edges {
                if let (collection, key) = GraphTraversal.split(edge.to) {
                    _ = try writer.remove([key], from: collection)
                }
            }
            _ = try writer.remove(edges.map(\.key), from: edgeCollection)
        }
        _ = try writer.remove([workflow.key], from: .workflows)
    }
}
