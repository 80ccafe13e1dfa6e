import OrderedCollections

/// The name of a stored collection, exactly as it appears in `_id`s:
/// a global collection (`workflows`) or a per-workflow one (`jobs__92237770`).
///
/// Per-workflow names are client-visible (clients build `_from` handles such as
/// `jobs__{W}/{K}` themselves), so they follow the original layout to the letter.
public struct CollectionName: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// The full name, e.g. `jobs__92237770`.
    public let rawValue: String

    /// Wraps a full collection name.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// The per-workflow collection `{base}__{workflowKey}`.
    public init(_ base: WorkflowCollection, workflow: String) {
        self.rawValue = "\(base.rawValue)__\(workflow)"
    }

    public var description: String { rawValue }

    public static func < (lhs: CollectionName, rhs: CollectionName) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Whether documents of this collection are edges (`_from`/`_to`).
    public var isEdgeCollection: Bool {
        if let base = baseAndWorkflow?.base { return base.isEdge }
        return GlobalCollection(rawValue: rawValue)?.isEdge ?? false
    }

    /// The per-workflow base and workflow key, or `nil` for global collections.
    public var baseAndWorkflow: (base: WorkflowCollection, workflow: String)? {
        // Base names contain single underscores only, so the first "__" separates.
        let utf8 = Array(rawValue.utf8)
        guard utf8.count > 2 else { return nil }
        for i in 0..<(utf8.count - 1) where utf8[i] == 0x5F && utf8[i + 1] == 0x5F {
            guard let base = WorkflowCollection(rawValue: String(decoding: utf8[..<i], as: UTF8.self)) else {
                return nil
            }
            return (base, String(decoding: utf8[(i + 2)...], as: UTF8.self))
        }
        return nil
    }

    /// Whether the name is usable as a collection name (`A-Z a-z 0-9 _ -`, at most 256 characters).
    public static func isValid(_ name: String) -> Bool {
        isValidName(name.utf8)
    }

    /// The name rule on UTF-8 bytes.
    @inline(__always) static func isValidName(_ utf8: some Collection<UInt8>) -> Bool {
        !utf8.isEmpty && utf8.count <= 256 && utf8.allSatisfy(isNameByte)
    }

    /// `A-Z a-z 0-9 _ -`.
    @inline(__always) static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D
    }

    public static let workflows = CollectionName(GlobalCollection.workflows.rawValue)
    public static let workflowConfigs = CollectionName(GlobalCollection.workflowConfigs.rawValue)
    public static let workflowStatuses = CollectionName(GlobalCollection.workflowStatuses.rawValue)
    public static let hasWorkflowConfig = CollectionName(GlobalCollection.hasWorkflowConfig.rawValue)
    public static let hasWorkflowStatus = CollectionName(GlobalCollection.hasWorkflowStatus.rawValue)
}

/// The five collections every database has, forming the graph `workflow_graph`.
public enum GlobalCollection: String, CaseIterable, Sendable {
    case workflows
    case workflowConfigs = "workflow_configs"
    case workflowStatuses = "workflow_statuses"
    case hasWorkflowConfig = "has_workflow_config"
    case hasWorkflowStatus = "has_workflow_status"

    /// Whether the collection holds edges.
    public var isEdge: Bool { self == .hasWorkflowConfig || self == .hasWorkflowStatus }

    /// The name of the global graph.
    public static let graphName = "workflow_graph"
}

/// The 23 per-workflow collection base names, in the order
/// `GET /workflows/collection_names/{W}` lists them.
public enum WorkflowCollection: String, CaseIterable, Sendable {
    // plain document collections (not in the graph)
    case events
    case scheduledComputeNodes = "scheduled_compute_nodes"
    // vertex collections
    case awsSchedulers = "aws_schedulers"
    case computeNodes = "compute_nodes"
    case computeNodeStats = "compute_node_stats"
    case files
    case jobProcessStats = "job_process_stats"
    case jobs
    case localSchedulers = "local_schedulers"
    case resourceRequirements = "resource_requirements"
    case results
    case slurmSchedulers = "slurm_schedulers"
    case userData = "user_data"
    // edge collections
    case blocks
    case executed
    case needs
    case nodeUsed = "node_used"
    case processUsed = "process_used"
    case produces
    case requires
    case returned
    case scheduledBys = "scheduled_bys"
    case stores

    /// Whether the collection holds edges.
    public var isEdge: Bool { Self.edges.contains(self) }

    /// Whether the collection is a vertex collection of the per-workflow graph:
    /// deleting one of its documents deletes the edges attached to it.
    public var isVertex: Bool { Self.vertices.contains(self) }

    /// The 10 edge collections.
    public static let edges: [WorkflowCollection] = [
        .blocks, .executed, .needs, .nodeUsed, .processUsed, .produces, .requires, .returned, .scheduledBys, .stores,
    ]

    /// The 11 vertex collections.
    public static let vertices: [WorkflowCollection] = [
        .awsSchedulers, .computeNodes, .computeNodeStats, .files, .jobProcessStats, .jobs, .localSchedulers,
        .resourceRequirements, .results, .slurmSchedulers, .userData,
    ]

    /// The 13 document collections served by the generic CRUD routes.
    public static let documentCollections: [WorkflowCollection] = allCases.filter { !$0.isEdge }

    /// The three scheduler collections.
    public static let schedulers: [WorkflowCollection] = [.awsSchedulers, .localSchedulers, .slurmSchedulers]

    /// Edge definitions of the per-workflow graph `workflow_graph__{W}`: edge -> (from, to).
    public var edgeDefinition: (from: [WorkflowCollection], to: [WorkflowCollection])? {
        switch self {
        case .blocks: return ([.jobs], [.jobs])
        case .executed: return ([.computeNodes], [.jobs])
        case .needs: return ([.jobs], [.files])
        case .nodeUsed: return ([.computeNodes], [.computeNodeStats])
        case .processUsed: return ([.jobs], [.jobProcessStats])
        case .produces: return ([.jobs], [.files])
        case .requires: return ([.jobs], [.resourceRequirements])
        case .returned: return ([.jobs], [.results])
        case .scheduledBys: return ([.jobs], [.localSchedulers, .awsSchedulers, .slurmSchedulers])
        case .stores: return ([.jobs], [.userData])
        default: return nil
        }
    }

    /// The name of a workflow's graph.
    public static func graphName(workflow: String) -> String { "workflow_graph__\(workflow)" }
}
