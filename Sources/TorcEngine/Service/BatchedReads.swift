import TorcCore

/// What the hot calls read, stated up front as `ReadBatch`es, so that a
/// remote store answers a whole call in one read request (plus one write
/// request for mutating calls). The rules stay in the call bodies: these
/// batches only list the documents and edges those bodies look at. A batch
/// that misses something costs requests, not correctness (the body then runs
/// in a transaction; see `SnapshotSession`).
enum BatchedReads {
    /// The workflow document (step 0).
    static func workflow(_ value: String) -> ReadBatch {
        var batch = ReadBatch()
        if let key = DocumentKey.resolve(value, in: .workflows) {
            batch.document(key, in: .workflows)
        } else {
            batch.add(.documents(.literal([])))
        }
        return batch
    }

    /// The workflow and one document of one of its collections.
    static func document(workflow value: String, _ key: String, in collection: WorkflowCollection) -> ReadBatch {
        var batch = workflow(value)
        let name = CollectionName(collection, workflow: WorkflowLookup.key(value))
        if let resolved = DocumentKey.resolve(key, in: name) { batch.document(resolved, in: name) }
        return batch
    }

    /// The workflow and its status document (through `has_workflow_status`).
    static func workflowWithStatus(_ value: String) -> ReadBatch {
        var batch = workflow(value)
        addStatus(&batch, workflowStep: 0)
        return batch
    }

    private static func addStatus(_ batch: inout ReadBatch, workflowStep: Int) {
        let edges = batch.add(.edges(.hasWorkflowStatus, .from, .ids(of: workflowStep)))
        batch.add(.documents(.ends(of: edges, .to)))
    }

    /// The workflow, a job, and the documents an outbound edge collection of the job reaches.
    static func jobNeighbours(workflow value: String, job key: String, via edges: WorkflowCollection) -> ReadBatch {
        var batch = document(workflow: value, key, in: .jobs)
        let jobStep = batch.steps.count - 1
        let w = WorkflowLookup.key(value)
        let out = batch.add(.edges(CollectionName(edges, workflow: w), .from, .ids(of: jobStep)))
        batch.add(.documents(.ends(of: out, .to)))
        return batch
    }

    /// Everything completion processing of one job reads: the job, its
    /// dependents, every blocker of those dependents with their results.
    /// Dependents canceled in turn (a failed blocker) reach further than this
    /// batch; that rare case runs in a transaction.
    static func completion(workflow value: String, job key: String) -> ReadBatch {
        var batch = document(workflow: value, key, in: .jobs)
        addDependents(&batch, jobStep: batch.steps.count - 1, workflow: WorkflowLookup.key(value))
        return batch
    }

    /// `completion` for many jobs of one workflow at once (`complete_jobs`):
    /// the jobs, their dependents, every blocker of those dependents and the
    /// blockers' results, in one batch whatever the number of jobs. Keys that
    /// cannot name a job are left out; the body finds them absent and refuses
    /// them, as the transaction would.
    static func completions(workflow value: String, jobs keys: [String]) -> ReadBatch {
        var batch = workflow(value)
        let w = WorkflowLookup.key(value)
        let jobs = CollectionName(.jobs, workflow: w)
        var seen = Set<String>()
        let handles = keys.compactMap { key -> String? in
            guard let resolved = DocumentKey.resolve(key, in: jobs), DocumentKey.isValid(resolved) else { return nil }
            let handle = DocumentKey.id(resolved, in: jobs)
            return seen.insert(handle).inserted ? handle : nil
        }
        let jobStep = batch.add(.documents(.literal(handles)))
        addDependents(&batch, jobStep: jobStep, workflow: w)
        return batch
    }

    /// The dependents of the jobs of step `jobStep`, every blocker of those
    /// dependents, and the blockers' results (what `CompletionProcessing` reads).
    private static func addDependents(_ batch: inout ReadBatch, jobStep: Int, workflow w: String) {
        let blocks = CollectionName(.blocks, workflow: w)
        let out = batch.add(.edges(blocks, .from, .ids(of: jobStep)))
        batch.add(.documents(.ends(of: out, .to)))
        let into = batch.add(.edges(blocks, .to, .ends(of: out, .to)))
        let blockers = batch.add(.documents(.ends(of: into, .from)))
        let returned = batch.add(.edges(CollectionName(.returned, workflow: w), .from, .ids(of: blockers)))
        batch.add(.documents(.ends(of: returned, .to)))
    }

    /// What a hand-out reads: the workflow, its status, and the first page of candidates.
    static func handOut(workflow value: String, firstPage: DocumentQuery) -> ReadBatch {
        var batch = workflowWithStatus(value)
        batch.add(.find(firstPage))
        return batch
    }
}

extension WorkflowDatabase {
    /// `read(_:)` with the batch of what `body` reads (one request on a remote store).
    func read<T: Sendable>(
        prefetching batch: ReadBatch, _ body: @escaping @Sendable (any StoreReader) throws -> T
    ) async throws -> T {
        try await store.read(prefetching: batch, body)
    }

    /// `write(workflow:_:)` as a read batch plus a conditional write batch
    /// (two requests on a remote store), falling back to the transaction.
    func write(
        workflow: String, prefetching batch: ReadBatch,
        _ body: @escaping @Sendable (any StoreWriter) throws -> JSONValue
    ) async throws -> JSONValue {
        try await store.write(.workflow(workflow), prefetching: batch, body)
    }

    /// `write(workflow:prefetching:_:)` for a body that also reports a fact its
    /// caller needs after the write (whether a hand-out gave jobs, how many jobs a
    /// completion released). The fact travels beside the answer through the batch,
    /// which only swaps placeholder keys and revisions in strings, so numbers and
    /// booleans arrive as the body computed them.
    func writeReporting(
        workflow: String, prefetching batch: ReadBatch,
        _ body: @escaping @Sendable (any StoreWriter) throws -> (answer: JSONValue, fact: JSONValue)
    ) async throws -> (answer: JSONValue, fact: JSONValue) {
        let both = try await write(workflow: workflow, prefetching: batch) { writer in
            let (answer, fact) = try body(writer)
            return .array([answer, fact])
        }
        guard case .array(let pair) = both, pair.count == 2 else { throw TorcError.internalError }
        return (pair[0], pair[1])
    }
}
