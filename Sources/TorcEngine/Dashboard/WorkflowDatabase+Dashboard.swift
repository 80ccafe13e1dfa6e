import TorcCore

/// Read-only views for the web dashboard. Each answers one page refresh in one
/// snapshot, with set-based store operations only: status counts come from the
/// status index (one count per status), job lists are paged in the store, and
/// nothing loads a whole large workflow except the graph, which does so once.
extension WorkflowDatabase {
    /// The statuses a dashboard shows, in the order a job moves through them.
    public static let dashboardStatuses: [JobStatus] = JobStatus.allCases

    /// Every workflow (newest first, at most `limit`) with its job counts by
    /// status and whether it is complete or canceled.
    public func dashboardWorkflows(limit: Int = 200) async throws -> JSONValue {
        try await read { reader in
            let total = try reader.count(in: .workflows, where: [])
            let skip = max(0, total - limit)
            let workflows = try reader.find(DocumentQuery(.workflows, skip: skip, limit: limit)).documents
            var items: [JSONValue] = []
            for workflow in workflows.reversed() {
                var item = workflow.body
                let counts = try Self.statusCounts(reader, workflow: workflow.key)
                let status = try? WorkflowRecords.status(reader, workflow: workflow)
                item["job_counts"] = counts.json
                item["is_canceled"] = .bool(status?["is_canceled"]?.boolValue ?? false)
                item["is_complete"] = .bool(counts.isComplete)
                items.append(.object(item))
            }
            return ["items": .array(items), "total_count": .int(Int64(total))]
        }
    }

    /// One workflow page: the workflow, its counts by status, one page of its
    /// jobs (filtered by status and by a substring of the name), and its
    /// schedulers, files and resource requirements (the first `limit` of each).
    public func dashboardWorkflow(
        key: WorkflowReference, status: String?, name: String?, skip: Int, limit: Int
    ) async throws -> JSONValue {
        let limit = min(max(limit, 1), 500)
        let skip = max(skip, 0)
        return try await read { reader in
            let workflow = try WorkflowLookup.require(reader, key)
            let w = workflow.key
            let counts = try Self.statusCounts(reader, workflow: w)
            let runStatus = try? WorkflowRecords.status(reader, workflow: workflow)
            let jobs = try Self.jobsPage(reader, workflow: w, status: status, name: name, skip: skip, limit: limit)
            var schedulers: [JSONValue] = []
            for collection in WorkflowCollection.schedulers {
                for document in try reader.find(DocumentQuery(CollectionName(collection, workflow: w), limit: limit))
                    .documents
                {
                    var body = document.body
                    body["scheduler_type"] = .string(collection.rawValue)
                    schedulers.append(.object(body))
                }
            }
            return [
                "workflow": workflow.json,
                "is_canceled": .bool(runStatus?["is_canceled"]?.boolValue ?? false),
                "is_complete": .bool(counts.isComplete),
                "job_counts": counts.json,
                "jobs": jobs,
                "schedulers": .array(schedulers),
                "files": try Self.firstDocuments(reader, CollectionName(.files, workflow: w), limit: limit),
                "resource_requirements": try Self.firstDocuments(
                    reader, CollectionName(.resourceRequirements, workflow: w), limit: limit),
            ]
        }
    }

    /// One page of a workflow's jobs, filtered by status and by a substring of
    /// the name (the part of the workflow view that may scan all jobs).
    public func dashboardJobs(key: WorkflowReference, status: String?, name: String?, skip: Int, limit: Int)
        async throws
        -> JSONValue
    {
        let limit = min(max(limit, 1), 500)
        let skip = max(skip, 0)
        return try await read { reader in
            let w = try WorkflowLookup.require(reader, key).key
            return try Self.jobsPage(reader, workflow: w, status: status, name: name, skip: skip, limit: limit)
        }
    }

    /// The dependency graph of a workflow: every job with its stage (the
    /// longest path from a root over `blocks` edges) when there are at most
    /// `maxNodes` jobs; above that, counts per stage and status and the number
    /// of edges between stages, so a very large workflow stays readable.
    public func dashboardGraph(key: WorkflowReference, maxNodes: Int) async throws -> JSONValue {
        try await read { reader in
            let w = try WorkflowLookup.require(reader, key).key
            let jobs = try reader.find(DocumentQuery(CollectionName(.jobs, workflow: w))).documents
            let edges = try reader.edgeHandles(in: CollectionName(.blocks, workflow: w))
            var index: [String: Int] = [:]
            index.reserveCapacity(jobs.count)
            for (i, job) in jobs.enumerated() { index[job.id] = i }
            let pairs: [(Int, Int)] = edges.compactMap { edge in
                guard let from = index[edge.from], let to = index[edge.to] else { return nil }
                return (from, to)
            }
            let stages = GraphStages.compute(count: jobs.count, edges: pairs)
            let statuses = jobs.map { $0["status"]?.stringValue ?? "unknown" }
            if jobs.count <= maxNodes {
                let nodes: [JSONValue] = jobs.indices.map { i in
                    [
                        "key": .string(jobs[i].key), "name": jobs[i]["name"] ?? .string(jobs[i].key),
                        "status": .string(statuses[i]), "stage": .int(Int64(stages[i])),
                    ]
                }
                return [
                    "mode": "full", "job_count": .int(Int64(jobs.count)), "nodes": .array(nodes),
                    "edges": .array(pairs.map { .array([.int(Int64($0.0)), .int(Int64($0.1))]) }),
                ]
            }
            return GraphStages.grouped(stages: stages, statuses: statuses, edges: pairs)
        }
    }

    /// One job with everything the job page shows: requirements, results,
    /// user data, input and output files, events and process statistics.
    public func dashboardJob(workflow: WorkflowReference, key: DocumentReference) async throws -> JSONValue {
        try await read { reader in
            let w = try WorkflowLookup.require(reader, workflow).key
            let job = try Self.requireJob(reader, workflow: w, key: key)
            func outbound(_ edge: WorkflowCollection) throws -> [Document] {
                try GraphTraversal.outbound(reader, CollectionName(edge, workflow: w), from: job.id)
            }
            func byRunID(_ documents: [Document]) -> JSONValue {
                .array(
                    documents.enumerated().sorted { a, b in
                        let ra = a.element["run_id"]?.doubleValue ?? 0
                        let rb = b.element["run_id"]?.doubleValue ?? 0
                        return ra != rb ? ra < rb : a.offset < b.offset
                    }.map(\.element.json))
            }
            let events = try reader.find(
                DocumentQuery(
                    CollectionName(.events, workflow: w), filters: [.equal("job_key", .string(job.key))], limit: 500))
            return [
                "job": JobView.api(job),
                "resource_requirements": try ResourceRequirementsLookup.forJob(reader, workflow: w, job: job)?.json
                    ?? .null,
                "results": byRunID(try outbound(.returned)),
                "user_data": .array(try outbound(.stores).map(\.json)),
                "input_files": .array(try outbound(.needs).map(\.json)),
                "output_files": .array(try outbound(.produces).map(\.json)),
                "events": .array(events.documents.map(\.json)),
                "process_stats": byRunID(try outbound(.processUsed)),
                "blocked_by": .array(
                    try GraphTraversal.inbound(reader, CollectionName(.blocks, workflow: w), to: job.id)
                        .map { blocker -> JSONValue in
                            [
                                "key": .string(blocker.key), "name": blocker["name"] ?? .null,
                                "status": blocker["status"] ?? .null,
                            ]
                        }),
            ]
        }
    }

    /// Counts of a workflow's jobs by status, from the status index.
    static func statusCounts(_ reader: any StoreReader, workflow w: String) throws -> StatusCounts {
        let jobs = CollectionName(.jobs, workflow: w)
        var counts = StatusCounts()
        counts.total = try reader.count(in: jobs, where: [])
        for status in dashboardStatuses {
            counts.byStatus.append((status, try reader.count(in: jobs, where: [.status(status)])))
        }
        return counts
    }

    /// One page of jobs. Without a name filter the store pages (and counts) by
    /// itself; a name filter is a substring match, applied to the documents the
    /// status filter selects.
    static func jobsPage(
        _ reader: any StoreReader, workflow w: String, status: String?, name: String?, skip: Int, limit: Int
    ) throws -> JSONValue {
        let jobs = CollectionName(.jobs, workflow: w)
        let filters: [FieldPredicate] = status.map { [.equal("status", .string($0))] } ?? []
        let items: [Document]
        let total: Int
        if let name, !name.isEmpty {
            let needle = name.lowercased()
            let matching = try reader.find(DocumentQuery(jobs, filters: filters)).documents.filter {
                ($0["name"]?.stringValue ?? "").lowercased().contains(needle)
            }
            total = matching.count
            items = skip < matching.count ? Array(matching[skip..<min(matching.count, skip + limit)]) : []
        } else {
            let result = try reader.find(
                DocumentQuery(jobs, filters: filters, skip: skip, limit: limit, countTotal: true))
            items = result.documents
            total = result.totalCount ?? 0
        }
        return [
            "items": .array(items.map(JobView.api)), "skip": .int(Int64(skip)), "limit": .int(Int64(limit)),
            "total_count": .int(Int64(total)),
        ]
    }

    static func firstDocuments(_ reader: any StoreReader, _ collection: CollectionName, limit: Int) throws -> JSONValue
    {
        let result = try reader.find(DocumentQuery(collection, limit: limit, countTotal: true))
        return ["items": .array(result.documents.map(\.json)), "total_count": .int(Int64(result.totalCount ?? 0))]
    }
}

/// A workflow's job counts by status.
struct StatusCounts {
    var total = 0
    var byStatus: [(JobStatus, Int)] = []

    /// Complete when every job is in a finished status (and there is at least one job).
    var isComplete: Bool {
        total > 0 && byStatus.filter { $0.0.isFinished }.reduce(0) { $0 + $1.1 } == total
    }

    var json: JSONValue {
        var object: JSONObject = ["total": .int(Int64(total))]
        for (status, count) in byStatus { object[status.rawValue] = .int(Int64(count)) }
        return .object(object)
    }
}
