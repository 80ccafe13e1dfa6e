import Foundation
import GRDB
import Synchronization
import Testing
import TorcCore
@testable import TorcSQLite

/// The schema is versioned, and files written before versions existed keep working.
@Suite("SQLite schema migrations")
struct SQLiteMigrationTests {
    /// The DDL every torc-service wrote before the schema was versioned, frozen
    /// here as it was: such files have these tables and `user_version` 0.
    static let unversionedDDL = [
        "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
        "CREATE TABLE IF NOT EXISTS collections "
            + "(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, is_edge INTEGER NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS documents (
            seq INTEGER PRIMARY KEY,
            cid INTEGER NOT NULL,
            key TEXT NOT NULL,
            rev TEXT NOT NULL,
            body TEXT NOT NULL,
            from_id TEXT,
            to_id TEXT,
            status TEXT,
            name TEXT
        )
        """,
        "CREATE UNIQUE INDEX IF NOT EXISTS documents_key ON documents (cid, key)",
        "CREATE INDEX IF NOT EXISTS documents_collection ON documents (cid)",
        "CREATE INDEX IF NOT EXISTS documents_from_to ON documents (cid, from_id, to_id) WHERE from_id IS NOT NULL",
        "CREATE INDEX IF NOT EXISTS documents_to ON documents (cid, to_id) WHERE to_id IS NOT NULL",
        "CREATE INDEX IF NOT EXISTS documents_status ON documents (cid, status) WHERE status IS NOT NULL",
        "CREATE INDEX IF NOT EXISTS documents_name ON documents (cid, name) WHERE name IS NOT NULL",
        "INSERT OR IGNORE INTO meta (name, value) VALUES ('key', 0), ('rev', 0)",
    ]

    static let jobs = CollectionName("jobs__1")

    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("torc-migration-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes `{directory}/legacy.sqlite` as an unversioned torc-service did: the
    /// frozen tables, the global collections, a workflow's jobs collection and
    /// two jobs, written by the store's own transaction code. That code also fills
    /// the `rank` column of schema version 2, so the column exists only while the
    /// rows are written and is dropped again, leaving the unversioned layout.
    /// Returns the jobs' keys.
    func writeUnversionedFile(in directory: String) throws -> [String] {
        let queue = try DatabaseQueue(path: directory + "/legacy.sqlite")
        defer { try? queue.close() }
        return try queue.write { db in
            for statement in Self.unversionedDDL { try db.execute(sql: statement) }
            try db.execute(sql: "ALTER TABLE documents ADD COLUMN rank INTEGER")
            let counters = SQLiteCounters()
            let transaction = SQLiteTransaction(db: db, counters: counters)
            try transaction.createCollections(
                GlobalCollection.allCases.map { CollectionName($0.rawValue) } + [Self.jobs])
            let keys = try transaction.insertReturningIDs(
                [["command": "written before versions", "status": "done"], ["command": "second", "n": 1.0]],
                into: Self.jobs
            ).map { String($0.split(separator: "/").last ?? "") }
            _ = try counters.save(db)
            try db.execute(sql: "ALTER TABLE documents DROP COLUMN rank")
            #expect(try Int.fetchOne(db, sql: "PRAGMA user_version") == 0)
            return keys
        }
    }

    func stampVersion(_ version: Int, path: String) throws {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        try queue.write { db in try db.execute(sql: "PRAGMA user_version = \(version)") }
    }

    func userVersion(_ path: String) throws -> Int? {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") }
    }

    @Test("a data directory written before schema versions opens, is migrated and keeps working")
    func unversionedDirectory() async throws {
        let directory = try temporaryDirectory()
        let oldKeys = try writeUnversionedFile(in: directory)

        let provider = try SQLiteStoreProvider(directory: directory)
        let store = try await provider.store(forDatabase: "legacy")
        let found = try await store.read { reader in try reader.find(DocumentQuery(Self.jobs)).documents }
        #expect(found.map(\.key) == oldKeys)
        #expect(found.first?.json["command"] == "written before versions")
        #expect(found.last?.json["n"] == .double(1.0), "floats stay floats")
        let newIDs = try await store.write(.workflow("1")) { writer in
            try writer.insertReturningIDs([["command": "written after"]], into: Self.jobs)
        }
        let newKey = try #require(newIDs.first?.split(separator: "/").last.map(String.init))
        #expect(!oldKeys.contains(newKey), "generated keys continue after the old ones")
        #expect(Int(newKey) ?? 0 > oldKeys.compactMap { Int($0) }.max() ?? 0)
        let byStatus = try await store.read { reader in
            try reader.find(DocumentQuery(Self.jobs, filters: [.equal("status", "done")])).documents
        }
        #expect(byStatus.map(\.key) == [oldKeys[0]], "indexed columns of old rows still answer")
        let counts = try await store.read { reader in
            [
                try reader.count(in: Self.jobs, where: []),
                try reader.count(in: Self.jobs, where: [.equal("status", "done")]),
            ]
        }
        #expect(counts == [3, 1], "the count tables hold the old rows and the new one")
        await provider.shutdown()
        #expect(try userVersion(directory + "/legacy.sqlite") == SQLiteSchema.currentVersion)
    }

    @Test("a new file is created at the current version; reopening changes nothing")
    func newFile() async throws {
        let directory = try temporaryDirectory()
        for _ in 0..<2 {
            let provider = try SQLiteStoreProvider(directory: directory)
            _ = try await provider.store(forDatabase: "fresh")
            await provider.shutdown()
            #expect(try userVersion(directory + "/fresh.sqlite") == SQLiteSchema.currentVersion)
        }
    }

    @Test("a file from a newer torc-service is refused, not misread")
    func newerFile() async throws {
        let directory = try temporaryDirectory()
        try stampVersion(SQLiteSchema.currentVersion + 1, path: directory + "/future.sqlite")
        let provider = try SQLiteStoreProvider(directory: directory)
        await #expect(throws: StoreError.self) { _ = try await provider.store(forDatabase: "future") }
        await provider.shutdown()
    }
}

/// A's open was never released: B's open had to wait for it.
struct OpenOfAEndedOnItsDeadline: Error {}

/// How often a store was opened, counted across tasks.
final class OpenCount: Sendable {
    let value = Atomic<Int>(0)
}

/// Opening one database never makes requests for another wait.
@Suite("SQLite store registry")
struct SQLiteStoreRegistryTests {
    @Test("a slow first open of database A does not delay database B")
    func slowOpenDoesNotBlockOthers() async throws {
        // A's open holds until B has been opened: if B waited for A, A's open would
        // only end on its (long) deadline and the check below would fail. No clock
        // bound, so a loaded machine cannot make this fail.
        let registry = StoreRegistry()
        let aStarted = Atomic<Bool>(false)
        let releaseA = DispatchSemaphore(value: 0)
        let slow = Task {
            try await registry.store("a") {
                aStarted.store(true, ordering: .sequentiallyConsistent)
                let released = releaseA.wait(timeout: .now() + 60) == .success
                if !released { throw OpenOfAEndedOnItsDeadline() }
                return try SQLiteStore.inMemory()
            }
        }
        while !aStarted.load(ordering: .sequentiallyConsistent) {
            try await Task.sleep(for: .milliseconds(10))
        }
        _ = try await registry.store("b") { try SQLiteStore.inMemory() }
        releaseA.signal()
        await #expect(throws: Never.self, "B was opened while A's open was still under way") {
            _ = try await slow.value
        }
        await registry.closeAll()
    }

    @Test("concurrent first requests for one database open it once")
    func opensOnce() async throws {
        let registry = StoreRegistry()
        let opens = OpenCount()
        try await withThrowingTaskGroup(of: ObjectIdentifier.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let store = try await registry.store("a") {
                        opens.value.add(1, ordering: .relaxed)
                        Thread.sleep(forTimeInterval: 0.2)
                        return try SQLiteStore.inMemory()
                    }
                    return ObjectIdentifier(store)
                }
            }
            var identities = Set<ObjectIdentifier>()
            for try await identity in group { identities.insert(identity) }
            #expect(identities.count == 1)
        }
        #expect(opens.value.load(ordering: .relaxed) == 1)
        await registry.closeAll()
    }

    @Test("a failed open is not remembered: the next request tries again")
    func failedOpenRetried() async throws {
        struct OpenFailed: Error {}
        let registry = StoreRegistry()
        await #expect(throws: OpenFailed.self) { _ = try await registry.store("a") { throw OpenFailed() } }
        _ = try await registry.store("a") { try SQLiteStore.inMemory() }
        await registry.closeAll()
    }
}
