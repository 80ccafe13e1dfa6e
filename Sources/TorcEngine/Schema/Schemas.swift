import TorcCore

/// The schemas of every stored document type (data-model 5.x). Typed
/// schemas are strict; `events` and `user_data` accept any object.
public enum Schemas {
    /// Workflow (docs/data-model.md, "Document types").
    public static let workflow = DocumentSchema(
        DocumentSchema.systemFields + [
            .optional("name", .text), .optional("user", .text), .optional("description", .text),
        ]
    )

    /// `compute_node_resource_stats` of a workflow config, all defaulted (docs/data-model.md, "Document types").
    public static let computeNodeResourceStats = DocumentSchema([
        .defaulted("cpu", .boolean, false),
        .defaulted("disk", .boolean, false),
        .defaulted("memory", .boolean, false),
        .defaulted("network", .boolean, false),
        .defaulted("process", .boolean, false),
        .defaulted("include_child_processes", .boolean, true),
        .defaulted("recurse_child_processes", .boolean, false),
        .defaulted("monitor_type", .text, "aggregation"),
        .defaulted("make_plots", .boolean, true),
        .defaulted("interval", .number, 10),
    ])

    /// The default `compute_node_resource_stats` object.
    public static let defaultComputeNodeResourceStats: JSONObject = {
        do { return try computeNodeResourceStats.validate([:], path: []) } catch { preconditionFailure("\(error)") }
    }()

    /// Workflow config (docs/data-model.md, "Document types").
    public static let workflowConfig = DocumentSchema(
        DocumentSchema.systemFields + [
            .defaulted(
                "compute_node_resource_stats", .object(computeNodeResourceStats),
                .object(defaultComputeNodeResourceStats))
        ]
    )

    /// `auto_tune_status` of a workflow status.
    public static let autoTuneStatus = DocumentSchema([
        .defaulted("enabled", .boolean, true),
        .defaulted("job_keys", .array(.text), []),
    ])

    /// Workflow status (docs/data-model.md, "Document types").
    public static let workflowStatus = DocumentSchema(
        DocumentSchema.systemFields + [
            .required("run_id", .integer),
            .required("is_canceled", .boolean),
            .required("auto_tune_status", .object(autoTuneStatus)),
            // Server-maintained; a status read and sent back carries it: accepted and ignored
            // (docs/data-model.md, "PUT merges").
            .optional("scheduled_compute_node_ids", .any),
        ]
    )

    /// The scheduling cache of a job (docs/data-model.md, "Document types").
    public static let jobInternal = DocumentSchema([
        .defaulted("memory_bytes", .integer, 0),
        .defaulted("num_cpus", .integer, 0),
        .defaulted("num_gpus", .integer, 0),
        .defaulted("runtime_seconds", .number, 0),
        .defaulted("scheduler_config_id", .text, ""),
    ])

    /// The default scheduling cache.
    public static let defaultJobInternal: JSONObject = {
        do { return try jobInternal.validate([:], path: []) } catch { preconditionFailure("\(error)") }
    }()

    /// Job (docs/data-model.md, "Document types"). `internal` has no default here: POST fills it, PUT keeps
    /// the stored one.
    public static let job = DocumentSchema(
        DocumentSchema.systemFields + [
            .optional("name", .text),
            .required("command", .text),
            .optional("status", .text),
            .defaulted("cancel_on_blocking_job_failure", .boolean, true),
            .defaulted("supports_termination", .boolean, false),
            .defaulted("run_id", .integer, 0),
            // Hand-out order: higher first; absent counts as 0 (see JobSelection).
            .optional("priority", .integer),
            .optional("internal", .object(jobInternal)),
        ]
    )

    /// File (docs/data-model.md, "Document types").
    public static let file = DocumentSchema(
        DocumentSchema.systemFields + [
            .optional("name", .text), .required("path", .text), .optional("st_mtime", .number),
        ]
    )

    /// Resource requirements (docs/data-model.md, "Document types").
    public static let resourceRequirements = DocumentSchema(
        DocumentSchema.systemFields + [
            .optional("name", .text),
            .defaulted("num_cpus", .integer, 1),
            .defaulted("num_gpus", .integer, 0),
            .defaulted("num_nodes", .integer, 1),
            .defaulted("memory", .text, "1m"),
            .defaulted("runtime", .text, "P0DT1M"),
        ]
    )

    /// Result (docs/data-model.md, "Document types").
    public static let result = DocumentSchema(
        DocumentSchema.systemFields + [
            .required("job_key", .text),
            .required("job_name", .text),
            .required("run_id", .integer),
            .required("return_code", .integer),
            .required("exec_time_minutes", .number),
            .required("completion_time", .text),
            .required("status", .text),
        ]
    )

    /// Worker resources: compute node `resources` and the body of
    /// `prepare_jobs_for_submission` (docs/data-model.md, "Document types").
    public static let workerResources = DocumentSchema([
        .required("num_cpus", .integer),
        .required("memory_gb", .number),
        .defaulted("num_gpus", .integer, 0),
        .defaulted("num_nodes", .integer, 1),
        .optional("time_limit", .string(allowNull: true)),
        .optional("scheduler_config_id", .text),
    ])

    /// Compute node (docs/data-model.md, "Document types").
    public static let computeNode = DocumentSchema(
        DocumentSchema.systemFields + [
            .required("hostname", .text),
            .required("start_time", .text),
            .optional("duration_seconds", .number),
            .optional("is_active", .boolean),
            .required("resources", .object(workerResources)),
            .defaulted("scheduler", .anyObject, .object([:])),
        ]
    )

    /// One entry of compute node stats (docs/data-model.md, "Document types").
    public static let computeNodeStat = DocumentSchema([
        .required("resource_type", .text),
        .required("average", .anyObject),
        .required("minimum", .anyObject),
        .required("maximum", .anyObject),
        .required("num_samples", .integer),
        .optional("job_key", .text),
    ])

    /// Compute node stats (docs/data-model.md, "Document types").
    public static let computeNodeStats = DocumentSchema(
        DocumentSchema.systemFields + [
            .required("hostname", .text),
            .optional("stats", .array(.object(computeNodeStat))),
            .required("timestamp", .text),
        ]
    )

    /// Job process stats (docs/data-model.md, "Document types").
    public static let jobProcessStats = DocumentSchema(
        DocumentSchema.systemFields + [
            .required("job_key", .text),
            .required("run_id", .integer),
            .required("avg_cpu_percent", .number),
            .required("max_cpu_percent", .number),
            .required("avg_rss", .number),
            .required("max_rss", .number),
            .required("num_samples", .integer),
            .required("timestamp", .text),
        ]
    )

    /// AWS scheduler (docs/data-model.md, "Document types").
    public static let awsScheduler = DocumentSchema(DocumentSchema.systemFields + [.optional("name", .text)])

    /// Local scheduler (docs/data-model.md, "Document types").
    public static let localScheduler = DocumentSchema(
        DocumentSchema.systemFields + [
            .defaulted("name", .text, "default"), .optional("memory", .text), .optional("num_cpus", .integer),
        ]
    )

    /// Slurm scheduler (docs/data-model.md, "Document types").
    public static let slurmScheduler = DocumentSchema(
        DocumentSchema.systemFields + [
            .optional("name", .text),
            .required("account", .text),
            .optional("gres", .text),
            .optional("mem", .text),
            .required("nodes", .integer),
            .optional("partition", .text),
            .defaulted("qos", .text, "normal"),
            .optional("tmp", .text),
            .optional("walltime", .text),
        ]
    )

    /// Scheduled compute node (docs/data-model.md, "Document types").
    public static let scheduledComputeNode = DocumentSchema(
        DocumentSchema.systemFields + [
            .optional("scheduler_id", .text), .required("scheduler_config_id", .text), .required("status", .text),
        ]
    )

    /// Free-form documents: events and user data (docs/data-model.md, "Document types").
    public static let freeForm = DocumentSchema([], allowsUnknown: true)

    /// Edge documents (docs/data-model.md, "Document types").
    public static let edge = DocumentSchema(
        DocumentSchema.systemFields + [.required("_from", .text), .required("_to", .text)]
    )

    /// The schema of a per-workflow document collection's bodies.
    public static func schema(for collection: WorkflowCollection) -> DocumentSchema {
        switch collection {
        case .awsSchedulers: return awsScheduler
        case .computeNodes: return computeNode
        case .computeNodeStats: return computeNodeStats
        case .events, .userData: return freeForm
        case .files: return file
        case .jobs: return job
        case .jobProcessStats: return jobProcessStats
        case .localSchedulers: return localScheduler
        case .resourceRequirements: return resourceRequirements
        case .results: return result
        case .scheduledComputeNodes: return scheduledComputeNode
        case .slurmSchedulers: return slurmScheduler
        default: return edge
        }
    }

    /// The filter query parameters of each generic list route, with their types
    /// (docs/routes.md, "Generic collection routes").
    public static func listFilters(for collection: WorkflowCollection) -> [(String, FilterType)] {
        switch collection {
        case .awsSchedulers: return [("_key", .string), ("name", .string)]
        case .computeNodes: return [("_key", .string), ("hostname", .string), ("is_active", .boolean)]
        case .computeNodeStats: return [("_key", .string), ("hostname", .string)]
        case .events, .userData: return [("_key", .string)]
        case .files: return [("_key", .string), ("name", .string), ("path", .string)]
        case .jobs:
            return [
                ("_key", .string), ("name", .string), ("command", .string), ("status", .string), ("run_id", .integer),
                ("cancel_on_blocking_job_failure", .boolean), ("supports_termination", .boolean),
            ]
        case .jobProcessStats: return [("_key", .string), ("job_key", .string), ("run_id", .integer)]
        case .localSchedulers: return [("_key", .string), ("memory", .string), ("num_cpus", .integer)]
        case .resourceRequirements:
            return [
                ("_key", .string), ("name", .string), ("memory", .string), ("runtime", .string),
                ("num_cpus", .integer), ("num_gpus", .integer), ("num_nodes", .integer),
            ]
        case .results:
            return [
                ("_key", .string), ("job_key", .string), ("job_name", .string), ("status", .string),
                ("run_id", .integer), ("return_code", .integer),
            ]
        case .scheduledComputeNodes:
            return [
                ("_key", .string), ("scheduler_id", .string), ("scheduler_config_id", .string), ("status", .string),
            ]
        case .slurmSchedulers:
            return [
                ("_key", .string), ("name", .string), ("account", .string), ("gres", .string), ("mem", .string),
                ("partition", .string), ("qos", .string), ("tmp", .string), ("walltime", .string), ("nodes", .integer),
            ]
        default: return []
        }
    }
}

/// The type of a filter query parameter; its text is converted before matching.
public enum FilterType: Sendable {
    case string, integer, boolean
}
