import Foundation
import Synchronization
import Testing
import TorcCore
import TorcSQLite

@testable import TorcEngine

/// The embedded store driven the way calls are driven on ArangoDB: as a read
/// batch plus a conditional write batch, with requests counted. Concurrency is
/// real here (SQLite's reads run beside each other), so hand-outs that choose
/// the same jobs do collide, as runners on ArangoDB do.
final class BatchingStore: DocumentStore {
    struct Counts: Sendable {
        var readBatches = 0
        var writeBatches = 0
        var staleWriteBatches = 0
        var transactions = 0
    }

    let base: any DocumentStore
    let counts = Mutex(Counts())

    init(_ base: any DocumentStore) { self.base = base }

    var batchesCalls: Bool { true }
    var keepsIntegralFloats: Bool { base.keepsIntegralFloats }

    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreReader) throws -> T) async throws -> T {
        counts.withLock { $0.transactions += 1 }
        return try await base.read(body)
    }

    func write<T: Sendable>(_ scope: WriteScope, _ body: @escaping @Sendable (any StoreWriter) throws -> T)
        async throws -> T
    {
        counts.withLock { $0.transactions += 1 }
        return try await base.write(scope, body)
    }

    func read(batch: ReadBatch) async throws -> [ReadBatch.Answer] {
        counts.withLock { $0.readBatches += 1 }
        return try await base.read(batch: batch)
    }

    func apply(_ batch: WriteBatch, scope: WriteScope) async throws -> WriteBatch.Outcome {
        counts.withLock { $0.writeBatches += 1 }
        do {
            return try await base.apply(batch, scope: scope)
        } catch let stale as WriteBatchStale {
            counts.withLock { $0.staleWriteBatches += 1 }
            throw stale
        }
    }

    func reset() { counts.withLock { $0 = Counts() } }
    var snapshot: Counts { counts.withLock { $0 } }
}

/// Hands out one `BatchingStore` over SQLite per database.
final class BatchingProvider: StoreProvider {
    let base: SQLiteStoreProvider
    let stores = Mutex<[String: BatchingStore]>([:])

    init(base: SQLiteStoreProvider) { self.base = base }

    func store(forDatabase database: String) async throws(StoreError) -> any DocumentStore {
        let inner = try await base.store(forDatabase: database)
        return stores.withLock { stores in
            if let known = stores[database] { return known }
            let made = BatchingStore(inner)
            stores[database] = made
            return made
        }
    }

    func shutdown() async { await base.shutdown() }
    var description: String { "batching \(base.description)" }
}

/// A service over a fresh SQLite directory whose calls are batched.
struct BatchedService {
    let directory: String
    let service: TorcService
    let database: WorkflowDatabase
    let store: BatchingStore

    init() async throws {
        directory = NSTemporaryDirectory() + "torc-batched-\(UUID().uuidString)"
        let provider = BatchingProvider(base: try SQLiteStoreProvider(directory: directory))
        service = TorcService(provider: provider)
        database = try await service.database("batched")
        guard let store = try await provider.store(forDatabase: "batched") as? BatchingStore else {
            throw StoreError.failure("not a batching store")
        }
        self.store = store
    }

    /// A workflow of `jobs` (specification bodies), initialized; its key.
    func workflow(_ jobs: [JSONValue]) async throws -> String {
        let created = try await database.createWorkflowSpecification(body: ["name": "batched", "jobs": .array(jobs)])
        let key = created["_key"]?.stringValue ?? ""
        _ = try await database.initializeJobs(key: WorkflowReference(key))
        return key
    }

    func jobs(_ workflow: String, status: String) async throws -> [JSONValue] {
        let page = try await database.jobsByStatus(
            workflow: WorkflowReference(workflow), status: RequestedStatus(status),
            paging: Paging.parse(["limit": "10000"]))
        return page["items"]?.arrayValue ?? []
    }

    func close() async {
        await service.provider.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Hand-outs and batched completions where calls are batched (ArangoDB's way,
/// docs/arangodb-concurrency.md), run on the embedded store with real concurrency.
@Suite("Batched hand-outs and completions", .serialized)
struct BatchedCallTests {
    static func result(_ job: JSONValue, code: Int64 = 0) -> JSONValue {
        [
            "job_key": job["_key"] ?? "", "job_name": job["name"] ?? "", "run_id": 1, "return_code": .int(code),
            "exec_time_minutes": 0.1, "completion_time": "2026-12-07T01:00:00", "status": "done",
        ]
    }

    @Test(
        "16 runners asking at once get disjoint jobs without a single stale write batch",
        arguments: [(cpus: 4, limit: nil), (cpus: 16, limit: 4)] as [(cpus: Int, limit: Int?)])
    func concurrentHandOutsDoNotCollide(runner: (cpus: Int, limit: Int?)) async throws {
        let service = try await BatchedService()
        let jobs: [JSONValue] = (0..<200).map { ["name": .string("j\($0)"), "command": "true"] }
        let w = try await service.workflow(jobs)
        service.store.reset()
        let database = service.database
        let handed = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<16 {
                group.addTask {
                    var mine: [String] = []
                    for _ in 0..<3 {
                        // Jobs passed over for another hand-out do not count towards `limit`.
                        let answer = try await database.prepareJobsForSubmission(
                            key: WorkflowReference(w),
                            query: HandOutQuery(runner.limit.map { ["limit": String($0)] } ?? [:]),
                            body: ["num_cpus": .int(Int64(runner.cpus)), "memory_gb": 16])
                        mine += (answer["jobs"]?.arrayValue ?? []).compactMap { $0["_key"]?.stringValue }
                    }
                    return mine
                }
            }
            var all: [String] = []
            for try await keys in group { all += keys }
            return all
        }
        let counts = service.store.snapshot
        await service.close()
        #expect(handed.count == 16 * 3 * 4)
        #expect(Set(handed).count == handed.count, "a job was handed out twice")
        #expect(counts.staleWriteBatches == 0, "hand-outs collided: \(counts)")
        // Each hand-out wrote once: in its write batch, or in the transaction a
        // batch that did not cover its reads falls back to.
        #expect(counts.writeBatches + counts.transactions == 16 * 3, "\(counts)")
    }

    @Test("a hand-out that runs alone takes the first jobs in order, as before")
    func loneHandOutKeepsOrder() async throws {
        let service = try await BatchedService()
        let w = try await service.workflow((0..<10).map { ["name": .string("j\($0)"), "command": "true"] })
        let answer = try await service.database.prepareJobsForSubmission(
            key: WorkflowReference(w), query: HandOutQuery([:]), body: ["num_cpus": 3, "memory_gb": 16])
        await service.close()
        #expect((answer["jobs"]?.arrayValue ?? []).map { $0["name"]?.stringValue ?? "" } == ["j0", "j1", "j2"])
    }

    @Test("complete_jobs of 100 jobs releasing dependents and a join: one read batch, one write batch")
    func completeJobsIsOneBatch() async throws {
        let service = try await BatchedService()
        var jobs: [JSONValue] = []
        for i in 0..<100 {
            jobs.append(["name": .string("p\(i)"), "command": "true"])
            jobs.append(["name": .string("q\(i)"), "command": "true", "blocked_by": [.string("p\(i)")]])
        }
        jobs.append(["name": "join", "command": "true", "blocked_by": .array((0..<100).map { .string("p\($0)") })])
        let w = try await service.workflow(jobs)
        let ready = try await service.jobs(w, status: "ready")
        service.store.reset()
        let entries: [JSONValue] = ready.map { job in
            ["job_key": job["_key"] ?? "", "status": "done", "rev": job["_rev"] ?? "", "result": Self.result(job)]
        }
        let outcomes = try await service.database.completeJobs(
            workflow: WorkflowReference(w), body: ["jobs": .array(entries)])
        let counts = service.store.snapshot
        let nowReady = Set(try await service.jobs(w, status: "ready").compactMap { $0["name"]?.stringValue })
        let done = try await service.jobs(w, status: "done")
        await service.close()
        #expect(outcomes.count == 100)
        for outcome in outcomes {
            guard case .completed(_, let job) = outcome else {
                Issue.record("refused: \(outcome)")
                continue
            }
            // The answer carries the stored revision, not a placeholder.
            #expect(job["_rev"]?.stringValue?.hasPrefix("pending-") == false)
            #expect(job["status"] == "done")
        }
        #expect(done.count == 100)
        #expect(nowReady == Set((0..<100).map { "q\($0)" } + ["join"]))
        #expect(counts.readBatches == 1 && counts.writeBatches == 1 && counts.transactions == 0, "\(counts)")
    }

    @Test("complete_jobs, batched: a stale rev, an unknown key and a bad status fail alone")
    func completeJobsRefusalsStayAlone() async throws {
        let service = try await BatchedService()
        let w = try await service.workflow([
            ["name": "a", "command": "true"], ["name": "b", "command": "true"],
            ["name": "c", "command": "true", "blocked_by": ["a", "b"]],
        ])
        let ready = try await service.jobs(w, status: "ready")
        let byName = Dictionary(uniqueKeysWithValues: ready.map { ($0["name"]?.stringValue ?? "", $0) })
        let a = try #require(byName["a"])
        let b = try #require(byName["b"])
        service.store.reset()
        let entries: [JSONValue] = [
            ["job_key": a["_key"] ?? "", "status": "done", "rev": "stale", "result": Self.result(a)],
            ["job_key": b["_key"] ?? "", "status": "done", "rev": b["_rev"] ?? "", "result": Self.result(b)],
            ["job_key": "nope", "status": "done", "rev": "1", "result": Self.result(a)],
            ["job_key": a["_key"] ?? "", "status": "running", "rev": a["_rev"] ?? "", "result": Self.result(a)],
        ]
        let outcomes = try await service.database.completeJobs(
            workflow: WorkflowReference(w), body: ["jobs": .array(entries)])
        let counts = service.store.snapshot
        let blocked = try await service.jobs(w, status: "blocked")
        let done = try await service.jobs(w, status: "done")
        await service.close()
        #expect(outcomes.count == 4)
        if case .refused(_, let error) = outcomes[0] { #expect(error.kind == .conflict) } else { Issue.record("a") }
        if case .completed(_, let job) = outcomes[1] { #expect(job["status"] == "done") } else { Issue.record("b") }
        if case .refused(_, let error) = outcomes[2] { #expect(error.kind == .notFound) } else { Issue.record("nope") }
        if case .refused(_, let error) = outcomes[3] { #expect(error.kind == .badRequest) } else { Issue.record("a2") }
        #expect(done.map { $0["name"] } == ["b"])
        #expect(blocked.map { $0["name"] } == ["c"], "c still waits for a")
        #expect(counts.readBatches == 1 && counts.writeBatches == 1 && counts.transactions == 0, "\(counts)")
    }
}

/// The bookkeeping behind collision-free hand-outs (`HandOutReservations`).
@Suite("Hand-out reservations")
struct HandOutReservationTests {
    @Test("a job reserved by a running call is taken for others of its workflow only")
    func reservedForOthers() {
        let reservations = HandOutReservations()
        let a = reservations.begin(scope: "db/jobs__1")
        let b = reservations.begin(scope: "db/jobs__1")
        let other = reservations.begin(scope: "db/jobs__2")
        #expect(reservations.reserve(["j1", "j2"], for: a))
        #expect(reservations.taken(besides: b) == ["j1", "j2"])
        #expect(reservations.taken(besides: a).isEmpty)
        #expect(reservations.taken(besides: other).isEmpty)
        #expect(!reservations.reserve(["j2", "j3"], for: b), "j2 is a's")
        #expect(reservations.reserve(["j3"], for: b))
        #expect(reservations.load(besides: a) == (jobs: 1, choosing: 0), "b holds j3; other is another workflow")
    }

    @Test("a call's new choice replaces its old one; a call that wrote nothing frees its jobs at once")
    func rerunsAndFailures() {
        let reservations = HandOutReservations()
        let a = reservations.begin(scope: "s")
        let b = reservations.begin(scope: "s")
        #expect(reservations.reserve(["j1"], for: a))
        #expect(reservations.reserve(["j2"], for: a))
        #expect(reservations.taken(besides: b) == ["j2"])
        reservations.end(a, handedOut: false)
        #expect(reservations.taken(besides: b).isEmpty)
    }

    @Test("jobs handed out stay taken while a call that began before the hand-out ended still runs")
    func retainedForEarlierCalls() {
        let reservations = HandOutReservations()
        let early = reservations.begin(scope: "s")
        let a = reservations.begin(scope: "s")
        #expect(reservations.reserve(["j1"], for: a))
        reservations.end(a, handedOut: true)
        // `early` may have read j1 as ready before a wrote it.
        #expect(reservations.taken(besides: early) == ["j1"])
        let late = reservations.begin(scope: "s")
        #expect(reservations.taken(besides: late) == ["j1"])
        reservations.end(early, handedOut: false)
        // Every call still running began after j1 was written: it reads j1 as handed out.
        #expect(reservations.taken(besides: late).isEmpty)
    }
}
