import TorcCore

/// The original service's collections, graphs and indexes in ArangoDB, so
/// that a database written by the original is served unchanged and the other
/// way round (docs/data-model.md, "Per-workflow collections").
enum ArangoLayout {
    /// The graph `workflow_graph` over the five global collections.
    static var globalGraph: JSONValue {
        [
            "name": .string(GlobalCollection.graphName),
            "edgeDefinitions": [
                ["collection": "has_workflow_config", "from": ["workflows"], "to": ["workflow_configs"]],
                ["collection": "has_workflow_status", "from": ["workflows"], "to": ["workflow_statuses"]],
            ],
            "orphanCollections": [],
        ]
    }

    /// The graph `workflow_graph__{W}` with the edge definitions of the data model.
    static func workflowGraph(_ workflow: String) -> JSONValue {
        let definitions: [JSONValue] = WorkflowCollection.edges.compactMap { edge in
            guard let definition = edge.edgeDefinition else { return nil }
            return [
                "collection": .string(CollectionName(edge, workflow: workflow).rawValue),
                "from": .array(definition.from.map { .string(CollectionName($0, workflow: workflow).rawValue) }),
                "to": .array(definition.to.map { .string(CollectionName($0, workflow: workflow).rawValue) }),
            ]
        }
        return [
            "name": .string(WorkflowCollection.graphName(workflow: workflow)),
            "edgeDefinitions": .array(definitions),
            "orphanCollections": [],
        ]
    }

    /// The collections `workflow_graph__{W}` creates itself (all but the two plain ones).
    static let graphMembers: Set<WorkflowCollection> = Set(
        WorkflowCollection.allCases.filter {
            $0 != .events && $0 != .scheduledComputeNodes
        })

    /// Persistent indexes for the lookups the routes make beyond the primary
    /// and edge indexes: hand-out and completion select jobs by status, and
    /// specifications and filters look jobs and files up by name.
    static func indexes(for base: WorkflowCollection) -> [[String]] {
        switch base {
        case .jobs: return [["status"], ["name"]]
        case .files: return [["name"]]
        default: return []
        }
    }

    /// ArangoDB's collection type: 2 document, 3 edge.
    static func type(of collection: CollectionName) -> Int { collection.isEdgeCollection ? 3 : 2 }
}
