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
    static func open(path: String, durability: Durability = .full) throws -> SQLiteStore {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let level = durability == .full ? "FULL" : "NORMAL"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(level)")
        }
        return try SQLiteStore(writer: DatabasePool(path: path, configuration: configuration))
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

    public func write<T: Sendable>(
        _ scope: WriteScope, _ body: @escaping @Sendable (any StoreWriter) throws -> T
    ) async throws -> T {
        let counters = self.counters
        let collections = self.collections
        return try await mapErrors {
            try await writer.writeWithoutTransaction { db in
                // BEGIN and COMMIT through cached statements: GRDB's own
                // transaction helpers compile them anew for every transaction.
                try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
                do {
                    if try collections.validate(db) { counters.invalidate() }
                    let transaction = SQLiteTransaction(db: db, counters: counters, shared: collections)
                    let result = try body(transaction)
                    let reservation = transaction.usedCounters ? try counters.save(db) : nil
                    try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
                    counters.didCommit(reservation)
                    collections.apply(found: transaction.found, dropped: transaction.dropped)
                    return result
                } catch {
                    if db.isInsideTransaction { try? db.rollback() }
                    throw error
                }
            }
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
