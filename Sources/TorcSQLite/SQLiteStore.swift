import GRDB
import TorcCore

/// One database's data in SQLite: a WAL `DatabasePool` for a file (readers
/// see snapshots while the single writer works) or a `DatabaseQueue` in memory.
///
/// Every write transaction is `BEGIN IMMEDIATE ... COMMIT` on SQLite's single
/// writer, which serialises all mutating operations (docs/concurrency.md, "SQLite (embedded)").
/// Transaction bodies run on GRDB's own dispatch queues; callers suspend.
public final class SQLiteStore: DocumentStore {
    let writer: any DatabaseWriter
    let counters = SQLiteCounters()
    let collections = SQLiteCollectionCache()
    let rows = SQLiteRowCache()
    let queue = SQLiteWriteQueue()

    init(writer: any DatabaseWriter) throws {
        self.writer = writer
        // IMMEDIATE: the schema version is read under the write lock (see SQLiteSchema.migrate).
        try writer.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                try SQLiteSchema.migrate(db)
                let transaction = SQLiteTransaction(db: db, counters: counters)
                try transaction.createCollections(GlobalCollection.allCases.map { CollectionName($0.rawValue) })
                return .commit
            }
        }
    }

    /// Opens (creating if needed) the database file at `path`. In WAL mode,
    /// `synchronous = NORMAL` syncs the log only at checkpoints (a power loss may
    /// lose the last commits, never the database's consistency); `FULL` syncs it at
    /// every commit, before the answer.
    ///
    /// The level is set on the writer connection after the pool has opened it:
    /// `DatabasePool` switches its writer to WAL mode after the connection's
    /// `prepareDatabase`, and sets `synchronous = NORMAL` there, which would
    /// silently undo a `FULL` set any earlier (`SQLiteDurabilityTests`).
    static func open(path: String, durability: Durability = .full) throws -> SQLiteStore {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let pool = try DatabasePool(path: path, configuration: configuration)
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = \(durability == .full ? "FULL" : "NORMAL")")
        }
        return try SQLiteStore(writer: pool)
    }

    /// The writer connection's `synchronous` level: 2 for FULL, 1 for NORMAL.
    func synchronousLevel() async throws -> Int {
        try await writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// A new in-memory database.
    static func inMemory() throws -> SQLiteStore {
        try SQLiteStore(writer: DatabaseQueue())
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreReader) throws -> T) async throws -> T {
        let counters = self.counters
        return try await mapErrors {
            try await writer.read { db in
                try body(SQLiteTransaction(db: db, counters: counters))
            }
        }
    }

    /// Runs `body` in a write transaction, possibly shared with other calls
    /// that waited at the same time (`SQLiteWriteQueue`). Its atomicity is its
    /// own all the same: if it throws, what it wrote is rolled back and the
    /// others are not affected; it is answered only after the commit.
    public func write<T: Sendable>(
        _ scope: WriteScope, _ body: @escaping @Sendable (any StoreWriter) throws -> T
    ) async throws -> T {
        let outcome = SQLiteCallOutcome<T>()
        let failure: (any Error)? = await withCheckedContinuation { continuation in
            let call = SQLiteWriteQueue.Call(
                run: { transaction in
                    do {
                        outcome.record(.success(try body(transaction)))
                        return nil
                    } catch {
                        let mapped = (error as? DatabaseError).map(SQLiteErrorMapping.storeError) ?? error
                        outcome.record(.failure(mapped))
                        return mapped
                    }
                },
                settle: { failure in continuation.resume(returning: failure) })
            if queue.enqueue(call) { scheduleBatch() }
        }
        if let failure { throw failure }
        return try outcome.get(orFailure: StoreError.failure("SQLite: the write did not run")).get()
    }

    private func scheduleBatch() {
        writer.asyncWriteWithoutTransaction { [self] db in
            runBatch(db)
        }
    }

    /// Runs the calls waiting now in one transaction, commits once, answers
    /// them all, and schedules the next batch if more calls came meanwhile.
    private func runBatch(_ db: Database) {
        let calls = queue.take()
        let failure: (any Error)?
        switch commit(calls, db, isolated: false) {
        case .done(let error): failure = error
        case .rerunIsolated:
            switch commit(calls, db, isolated: true) {
            case .done(let error): failure = error
            case .rerunIsolated: failure = StoreError.failure("SQLite: a batch could not be run")
            }
        }
        for call in calls { call.settle(failure) }
        if queue.finishBatch() { scheduleBatch() }
    }

    /// How a run of a batch ended.
    private enum BatchRun {
        /// Committed (nil: each call keeps its own outcome), or not at all
        /// (the error every call of the batch gets).
        case done((any Error)?)
        /// A call failed after writing, in a run without savepoints: the
        /// transaction was rolled back, and the batch must run again isolated.
        case rerunIsolated
    }

    /// One run of the batch's transaction.
    ///
    /// Not isolated, the calls run one after another with nothing between
    /// them. A call that fails without having written (the usual refusal: a
    /// stale `_rev`, a missing job, a bad request, all checked before the first
    /// write) needs no undoing, which `totalChangesCount` (every row inserted,
    /// updated or deleted on the connection) shows. A call that fails after
    /// writing rolls the whole transaction back, and the batch runs again
    /// isolated: each call in a savepoint, so the failing one is undone alone.
    /// Why not always savepoints: SQLite copies every page a savepoint's calls
    /// touch to its sub-journal, and beyond 64 KiB into a temporary file; for a
    /// runner's small calls that was a fifth of the writer thread's time.
    private func commit(_ calls: [SQLiteWriteQueue.Call], _ db: Database, isolated: Bool) -> BatchRun {
        let alone = calls.count == 1
        let savepoints = isolated && !alone
        do {
            // BEGIN, COMMIT and the savepoints through cached statements: GRDB's
            // own transaction helpers compile them anew for every transaction.
            try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
            if try collections.validate(db) {
                counters.invalidate()
                rows.clear()
            }
            var found: [CollectionName: SQLiteCollectionEntry] = [:]
            var dropped: Set<CollectionName> = []
            var countDeltas = SQLiteCountDeltas()
            var rowChanges = SQLiteRowChanges()
            var usedCounters = false
            for call in calls {
                if savepoints { try db.cachedStatement(sql: "SAVEPOINT torc_call").execute() }
                let changes = db.totalChangesCount
                let transaction = SQLiteTransaction(
                    db: db, counters: counters, shared: collections, found: found, dropped: dropped,
                    countDeltas: countDeltas, rowCache: rows, rowChanges: rowChanges)
                let failure = call.run(transaction)
                usedCounters = usedCounters || transaction.usedCounters
                guard let failure else {
                    found = transaction.found
                    dropped = transaction.dropped
                    countDeltas = transaction.countDeltas
                    rowChanges = transaction.rowChanges
                    if savepoints { try db.cachedStatement(sql: "RELEASE SAVEPOINT torc_call").execute() }
                    continue
                }
                // Some errors (a full disk, I/O) make SQLite roll the whole
                // transaction back: then no call of the batch was written.
                guard db.isInsideTransaction else { return .done(failure) }
                if savepoints {
                    try db.cachedStatement(sql: "ROLLBACK TRANSACTION TO SAVEPOINT torc_call").execute()
                    try db.cachedStatement(sql: "RELEASE SAVEPOINT torc_call").execute()
                    continue
                }
                guard db.totalChangesCount != changes else { continue } // nothing of it to undo
                try db.rollback()
                // Alone, nothing else to keep: the call's own error is its answer.
                return alone ? .done(nil) : .rerunIsolated
            }
            try countDeltas.flush(db)
            let reservation = usedCounters ? try counters.save(db) : nil
            try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
            counters.didCommit(reservation)
            collections.apply(found: found, dropped: dropped)
            rows.apply(rowChanges)
            return .done(nil)
        } catch {
            if db.isInsideTransaction { try? db.rollback() }
            if let error = error as? DatabaseError { return .done(SQLiteErrorMapping.storeError(error)) }
            return .done(error)
        }
    }

    /// Closes the database.
    func close() {
        if let pool = writer as? DatabasePool { try? pool.close() }
        if let queue = writer as? DatabaseQueue { try? queue.close() }
    }

    private func mapErrors<T>(_ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch let error as DatabaseError {
            throw SQLiteErrorMapping.storeError(error)
        }
    }
}
