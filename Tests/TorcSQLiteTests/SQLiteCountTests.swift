import Foundation
import GRDB
import Testing
import TorcCore
@testable import TorcSQLite

/// Counts, existence probes and list pages cost the same on a million-job
/// workflow as on a thousand-job one: counts come from the trigger-kept count
/// tables, probes stop at the first index entry, pages walk skip + limit index
/// entries.
@Suite("SQLite counts, probes and pages at any size")
struct SQLiteCountTests {
    static let jobs = CollectionName("jobs__1")

    @Test("a list page walks the collection index in creation order, without sorting")
    func pagePlan() throws {
        let plan = try SQLiteDiagnostics.queryPlan(
            of: DocumentQuery(Self.jobs, skip: 500, limit: 100, countTotal: true))
        #expect(plan.contains("USING INDEX documents_collection (cid=?)"), "\(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
    }

    @Test("counts of a collection and of statuses are primary-key lookups in the count tables")
    func countPlans() throws {
        let filters: [[FieldPredicate]] = [
            [], [.equal("status", "ready")], [FieldPredicate(["status"], .oneOf, ["done", "canceled"])],
            [FieldPredicate(["status"], .noneOf, ["done", "canceled"])],
        ]
        for filter in filters {
            let plan = try #require(try SQLiteDiagnostics.countPlan(where: filter))
            #expect(!plan.contains("documents"), "\(filter): \(plan)")
            #expect(plan.contains("PRIMARY KEY"), "\(filter): \(plan)")
        }
        // Counts the tables cannot answer fall back to counting rows.
        #expect(SQLiteDocumentCounts.statement([.equal("status", 1)]) == nil)
        #expect(SQLiteDocumentCounts.statement([.equal("status", "ready"), .equal("name", "a")]) == nil)
        #expect(SQLiteDocumentCounts.statement([.equal("name", "a")]) == nil)
    }

    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("torc-counts-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The count tables as stored, against `count(*)` over the rows.
    func tablesMatchRows(_ db: Database) throws -> Bool {
        let kept = try Row.fetchAll(db, sql: "SELECT cid, n FROM document_counts WHERE n > 0 ORDER BY cid")
        let rows = try Row.fetchAll(db, sql: "SELECT cid, count(*) FROM documents GROUP BY cid ORDER BY cid")
        let keptStatus = try Row.fetchAll(
            db, sql: "SELECT cid, status, n FROM status_counts WHERE n > 0 ORDER BY cid, status")
        let rowsStatus = try Row.fetchAll(
            db,
            sql: """
                SELECT cid, status, count(*) FROM documents WHERE status IS NOT NULL
                GROUP BY cid, status ORDER BY cid, status
                """)
        return kept.map { [$0[0], $0[1]] as [Int64] } == rows.map { [$0[0], $0[1]] as [Int64] }
            && keptStatus.map { "\($0[0] as Int64) \($0[1] as String) \($0[2] as Int64)" }
                == rowsStatus.map { "\($0[0] as Int64) \($0[1] as String) \($0[2] as Int64)" }
    }

    /// Writes a file at schema version 2 (before the count tables) holding
    /// jobs in several statuses and some files, with the store's own insert code.
    func writeVersion2File(_ path: String, files: CollectionName) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            for step in SQLiteSchema.migrations.prefix(2) { try step(db) }
            try db.execute(sql: "PRAGMA user_version = 2")
            let counters = SQLiteCounters()
            let transaction = SQLiteTransaction(db: db, counters: counters)
            try transaction.createCollections(
                GlobalCollection.allCases.map { CollectionName($0.rawValue) } + [Self.jobs, files])
            let statuses: [JSONValue?] = ["ready", "ready", "done", "blocked", nil, 3, "ready"]
            _ = try transaction.insertReturningIDs(
                statuses.enumerated().map { index, status in
                    var body: JSONObject = ["command": .string("\(index)")]
                    if let status { body["status"] = status }
                    return body
                }, into: Self.jobs)
            _ = try transaction.insertReturningIDs([["path": "a"], ["path": "b"]], into: files)
            _ = try counters.save(db)
            #expect(try db.tableExists("document_counts") == false)
        }
        try queue.close()
    }

    /// The file's schema version and whether its count tables match its rows.
    func inspect(_ path: String) throws -> (Int?, Bool) {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in (try Int.fetchOne(db, sql: "PRAGMA user_version"), try tablesMatchRows(db)) }
    }

    @Test("a file of schema version 2 gets its counts on open and keeps them exact")
    func version2File() async throws {
        let directory = try temporaryDirectory()
        let path = directory + "/v2.sqlite"
        let files = CollectionName("files__1")
        try writeVersion2File(path, files: files)
        let provider = try SQLiteStoreProvider(directory: directory)
        let store = try await provider.store(forDatabase: "v2")
        let counts = try await store.read { reader in
            [
                try reader.count(in: Self.jobs, where: []), try reader.count(in: files, where: []),
                try reader.count(in: Self.jobs, where: [.equal("status", "ready")]),
                try reader.count(in: Self.jobs, where: [FieldPredicate(["status"], .oneOf, ["done", "blocked"])]),
                try reader.count(in: Self.jobs, where: [FieldPredicate(["status"], .noneOf, ["ready"])]),
                try reader.find(DocumentQuery(Self.jobs, limit: 1, countTotal: true)).totalCount ?? -1,
            ]
        }
        #expect(counts == [7, 2, 3, 2, 4, 7])
        // Writes after the migration keep the filled tables exact.
        try await store.write(.workflow("1")) { writer in
            let ready = try writer.find(DocumentQuery(Self.jobs, filters: [.equal("status", "ready")])).documents
            var body = ready[0].body
            body["status"] = "done"
            _ = try writer.replace([DocumentReplacement(key: ready[0].key, body: body)], in: Self.jobs)
            _ = try writer.remove([ready[1].key], from: Self.jobs)
            _ = try writer.insert([["status": "ready"]], into: Self.jobs)
        }
        let after = try await store.read { reader in
            [
                try reader.count(in: Self.jobs, where: []),
                try reader.count(in: Self.jobs, where: [.equal("status", "ready")]),
                try reader.count(in: Self.jobs, where: [.equal("status", "done")]),
            ]
        }
        #expect(after == [7, 2, 2])
        await provider.shutdown()
        let (version, exact) = try inspect(path)
        #expect(version == 3)
        #expect(exact, "the count tables match the rows")
    }

    @Test("dropping a collection removes its counts; a write that fails leaves them as they were")
    func dropAndRollback() async throws {
        let store = try SQLiteStore.inMemory()
        try await store.write(.workflow("1")) { writer in
            try writer.createCollections([Self.jobs])
            _ = try writer.insert([["status": "ready"], ["status": "done"], ["x": 1]], into: Self.jobs)
        }
        struct Abandoned: Error {}
        await #expect(throws: Abandoned.self) {
            try await store.write(.workflow("1")) { writer in
                _ = try writer.insert([["status": "ready"]], into: Self.jobs)
                #expect(try writer.count(in: Self.jobs, where: [.equal("status", "ready")]) == 2)
                throw Abandoned()
            }
        }
        #expect(try await store.read { try $0.count(in: Self.jobs, where: [.equal("status", "ready")]) } == 1)
        try await store.write(.workflow("1")) { try $0.dropCollections([Self.jobs]) }
        let leftovers = try await store.write(.database) { writer in
            let transaction = try #require(writer as? SQLiteTransaction)
            return try Int.fetchOne(
                transaction.db,
                sql: "SELECT (SELECT count(*) FROM document_counts) + (SELECT count(*) FROM status_counts)")
        }
        #expect(leftovers == 0)
    }
}
