import Foundation
import Testing
import TorcCore
import TorcSQLite
import TorcTestSupport

/// The store-conformance suite against the embedded store, in memory and on disk.
@Suite("SQLite store conformance")
struct SQLiteConformanceTests {
    static let memory = SQLiteStoreProvider.inMemory()
    static let directory = FileManager.default.temporaryDirectory.appendingPathComponent("torc-sqlite-\(UUID())").path

    @Test("in memory", arguments: StoreConformance.checks)
    func inMemory(check: StoreConformanceCheck) async throws {
        try await check.run(try await Self.memory.store(forDatabase: "conformance"))
    }

    @Test("in a file", arguments: StoreConformance.checks)
    func onDisk(check: StoreConformanceCheck) async throws {
        let provider = try SQLiteStoreProvider(directory: Self.directory)
        try await check.run(try await provider.store(forDatabase: "conformance"))
    }
}

@Suite("SQLite files")
struct SQLiteFileTests {
    func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("torc-sqlite-\(UUID())").path
    }

    @Test("data persists across reopening, one file per database")
    func persistence() async throws {
        let directory = temporaryDirectory()
        let jobs = CollectionName("jobs__1")
        do {
            let provider = try SQLiteStoreProvider(directory: directory)
            let store = try await provider.store(forDatabase: "first")
            try await store.write(.workflow("1")) { writer in
                try writer.createCollections([jobs])
                _ = try writer.insert([["command": "persisted", "f": 1.0]], into: jobs)
            }
            await provider.shutdown()
        }
        let provider = try SQLiteStoreProvider(directory: directory)
        let store = try await provider.store(forDatabase: "first")
        let found = try await store.read { try $0.find(DocumentQuery(jobs)) }.documents
        #expect(found.map { $0["command"] } == ["persisted"])
        #expect(found.first?["f"] == .double(1.0))
        let generated = try await store.write(.workflow("1")) { try $0.insert([["command": "next"]], into: jobs) }
        #expect((Int(generated[0].key) ?? 0) > (Int(found[0].key) ?? 0), "the key counter survives a restart")
        let other = try await provider.store(forDatabase: "second")
        #expect(try await other.read { try $0.collectionExists(jobs) } == false)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(files.contains("first.sqlite") && files.contains("second.sqlite"))
        await provider.shutdown()
    }

    @Test("revisions stay unique across a restart")
    func revisionsAfterRestart() async throws {
        let directory = temporaryDirectory()
        let jobs = CollectionName("jobs__1")
        var revisions: Set<String> = []
        for _ in 0..<3 {
            let provider = try SQLiteStoreProvider(directory: directory)
            let store = try await provider.store(forDatabase: "restart")
            let written = try await store.write(.workflow("1")) { writer in
                try writer.createCollections([jobs])
                let inserted = try writer.insert([["n": 1], ["n": 2]], into: jobs)
                let replaced = try writer.replace(
                    inserted.map { DocumentReplacement(key: $0.key, body: ["n": 3]) }, in: jobs)
                return inserted + replaced
            }
            for document in written { #expect(revisions.insert(document.rev).inserted, "\(document.rev) is new") }
            await provider.shutdown()
        }
    }

    /// Two providers on one directory stand for two service processes sharing
    /// a file: each notices the other's commits (`PRAGMA data_version`), so
    /// cached collection ids and counters never go stale.
    @Test("two connections writing one file: unique keys and revisions, drops seen by the other")
    func twoWriters() async throws {
        let directory = temporaryDirectory()
        let jobs = CollectionName("jobs__7")
        let first = try await SQLiteStoreProvider(directory: directory).store(forDatabase: "shared")
        let second = try await SQLiteStoreProvider(directory: directory).store(forDatabase: "shared")
        try await first.write(.workflow("7")) { try $0.createCollections([jobs]) }
        var documents: [Document] = []
        for round in 0..<5 {
            for store in [first, second] {
                documents += try await store.write(.workflow("7")) { writer in
                    try writer.insert([["round": .int(Int64(round))], ["round": .int(Int64(round))]], into: jobs)
                }
            }
        }
        #expect(Set(documents.map(\.key)).count == documents.count, "keys are unique")
        #expect(Set(documents.map(\.rev)).count == documents.count, "revisions are unique")
        try await first.write(.workflow("7")) { try $0.dropCollections([jobs]) }
        #expect(try await second.write(.workflow("7")) { try $0.collectionExists(jobs) } == false)
        await #expect(throws: StoreError.self) {
            _ = try await second.write(.workflow("7")) { try $0.insert([["late": true]], into: jobs) }
        }
        try await second.write(.workflow("7")) { writer in
            try writer.createCollections([jobs])
            _ = try writer.insert([["again": true]], into: jobs)
        }
        let seen = try await first.write(.workflow("7")) { try $0.find(DocumentQuery(jobs)).documents }
        #expect(seen.map { $0["again"] } == [.bool(true)], "the re-created collection, not the dropped one")
    }

    @Test("a database name can never leave the directory")
    func names() async throws {
        let provider = try SQLiteStoreProvider(directory: temporaryDirectory())
        for name in ["../x", "a/b", "", ".hidden", "x y"] {
            await #expect(throws: StoreError.self) { _ = try await provider.store(forDatabase: name) }
        }
    }

    @Test("status, key and edge lookups use indexes")
    func queryPlans() async throws {
        let plans = try SQLiteDiagnostics.queryPlans()
        for (query, plan) in plans {
            #expect(plan.contains("USING INDEX") || plan.contains("USING COVERING INDEX"), "\(query): \(plan)")
            #expect(!plan.contains("SCAN documents\n") && !plan.hasSuffix("SCAN documents"), "\(query): \(plan)")
            if query.contains("rank") {
                #expect(!plan.contains("TEMP B-TREE"), "hand-out order comes from the index: \(plan)")
            }
        }
    }
}
