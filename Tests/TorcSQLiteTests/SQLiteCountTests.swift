import Foundation
import GRDB
import Testing
import TorcCore
@testable import TorcSQLite

/// Counts, existence probes and list pages cost the same on a million-job
/// workflow as on a thousand-job one: counts come from the count tables the
/// store's write code keeps, probes stop at the first index entry, pages walk
/// skip + limit index entries.
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
    static func tablesMatchRows(_ db: Database) throws -> Bool {
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
        return try queue.read { db in (try Int.fetchOne(db, sql: "PRAGMA user_version"), try Self.tablesMatchRows(db)) }
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
        #expect(version == SQLiteSchema.currentVersion)
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

    /// Whether the count tables of the store's file match its rows, read on the writer.
    static func exact(_ store: SQLiteStore) async throws -> Bool {
        try await store.write(.database) { writer in
            try tablesMatchRows(try #require(writer as? SQLiteTransaction).db)
        }
    }

    @Test("every kind of write keeps the counts exact, and a count inside a transaction sees its own writes")
    func everyWrite() async throws {
        let store = try SQLiteStore.open(path: SQLiteGroupCommitTests.temporaryFile())
        let edges = CollectionName("blocks__1")
        let other = CollectionName("files__1")
        try await store.write(.workflow("1")) { writer in
            try writer.createCollections([Self.jobs, edges, other])
            let ids = try writer.insertReturningIDs(
                ["ready", "ready", "blocked", "done", nil].map { status in
                    var body: JSONObject = ["name": "n"]
                    if let status { body["status"] = .string(status) }
                    return body
                }, into: Self.jobs)
            _ = try writer.insert(
                [
                    ["_from": .string(ids[0]), "_to": .string(ids[1]), "status": "x"],
                    ["_from": .string(ids[1]), "_to": .string(ids[2])], ["_from": "x/1", "_to": "x/2"],
                ],
                into: edges)
            _ = try writer.insert([["path": "a"], ["path": "b", "status": "ready"]], into: other)
            // Counted inside the transaction, before the commit stores anything.
            #expect(try writer.count(in: Self.jobs, where: [.equal("status", "ready")]) == 2)
            #expect(try writer.count(in: Self.jobs, where: []) == 5)
        }
        #expect(try await Self.exact(store))
        let jobs = try await store.read { try $0.find(DocumentQuery(Self.jobs)).documents }
        // Status changes (the slim update), a name change (the full one), a key named twice.
        try await store.write(.workflow("1")) { writer in
            var first = jobs[0].body
            first["status"] = "done"
            var second = jobs[1].body
            second["name"] = "renamed"
            second["status"] = "canceled"
            var fifth = jobs[4].body
            fifth["status"] = "ready"
            _ = try writer.replace(
                [
                    DocumentReplacement(key: jobs[0].key, body: first, expectedRev: jobs[0].rev),
                    DocumentReplacement(key: jobs[1].key, body: second),
                    DocumentReplacement(key: jobs[4].key, body: fifth),
                ],
                in: Self.jobs)
            #expect(try writer.count(in: Self.jobs, where: [.equal("status", "ready")]) == 1)
            var again = first
            again["status"] = "uninitialized"
            var last = first
            last["status"] = "blocked"
            _ = try writer.replace(
                [
                    DocumentReplacement(key: jobs[0].key, body: again),
                    DocumentReplacement(key: jobs[0].key, body: last),
                ],
                in: Self.jobs)
        }
        #expect(try await Self.exact(store))
        let statuses = try await store.read { reader in
            try ["ready", "blocked", "done", "canceled"].map {
                try reader.count(in: Self.jobs, where: [.equal("status", .string($0))])
            }
        }
        #expect(statuses == [1, 2, 1, 1])
        // A stale revision anywhere in the list writes none of it.
        await #expect(throws: StoreError.self) {
            try await store.write(.workflow("1")) { writer in
                var body = jobs[2].body
                body["status"] = "done"
                _ = try writer.replace(
                    [
                        DocumentReplacement(key: jobs[2].key, body: body),
                        DocumentReplacement(key: jobs[3].key, body: body, expectedRev: "_stale"),
                    ],
                    in: Self.jobs)
            }
        }
        #expect(try await store.read { try $0.count(in: Self.jobs, where: [.equal("status", "blocked")]) } == 2)
        // Removals, edges by handle and by collection, a truncate, a drop.
        try await store.write(.workflow("1")) { writer in
            _ = try writer.remove([jobs[3].key, jobs[3].key, "missing"], from: Self.jobs)
            try writer.removeEdges(touching: [jobs[0].id], in: [edges])
        }
        #expect(try await Self.exact(store))
        try await store.write(.workflow("1")) { writer in
            try writer.removeEdges(touchingCollection: CollectionName("x"), in: [edges])
            _ = try writer.insert([["status": "ready"]], into: other)
            try writer.truncate(other)
            _ = try writer.insert([["status": "done"]], into: other)
        }
        #expect(try await Self.exact(store))
        #expect(try await store.read { try $0.count(in: other, where: []) } == 1)
        try await store.write(.workflow("1")) { writer in
            _ = try writer.insert([["status": "ready"]], into: other)
            try writer.dropCollections([other])
        }
        #expect(try await Self.exact(store))
        #expect(try await store.read { try $0.count(in: edges, where: []) } == 1)
    }

    @Test("a version-3 file loses its count triggers on open and keeps its counts exact")
    func version3File() async throws {
        let directory = try temporaryDirectory()
        let path = directory + "/v3.sqlite"
        let files = CollectionName("files__1")
        try writeVersion2File(path, files: files)
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try SQLiteSchema.migrations[2](db)
            try db.execute(sql: "PRAGMA user_version = 3")
            // Written with the triggers in place, as a version-3 service would.
            try db.execute(sql: "UPDATE documents SET status = 'done' WHERE status = 'ready'")
        }
        try queue.close()
        let provider = try SQLiteStoreProvider(directory: directory)
        let store = try await provider.store(forDatabase: "v3")
        #expect(try await store.read { try $0.count(in: Self.jobs, where: [.equal("status", "done")]) } == 4)
        try await store.write(.workflow("1")) { writer in
            _ = try writer.insert([["status": "ready"]], into: Self.jobs)
        }
        await provider.shutdown()
        let triggers = try await DatabaseQueue(path: path).read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
        }
        #expect(triggers == 0)
        let (version, exact) = try inspect(path)
        #expect(version == SQLiteSchema.currentVersion)
        #expect(exact, "the count tables match the rows")
    }
}
