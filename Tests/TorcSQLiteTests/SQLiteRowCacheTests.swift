import Dispatch
import Foundation
import Testing
import TorcCore
@testable import TorcSQLite

/// The writer's cache of committed rows (`SQLiteRowCache`): a write
/// transaction reads exactly what it would read from the file, whatever the
/// cache holds: after commits, rollbacks, a batch run again isolated, removals
/// and truncations, and another process's commits.
@Suite("SQLite row cache")
struct SQLiteRowCacheTests {
    static let jobs = CollectionName("jobs__1")

    struct Refused: Error {}

    static func temporaryFile() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("torc-rows-\(UUID()).sqlite").path
    }

    /// A store with one collection holding one document `{"name": "a", "n": 0}`; returns its key.
    static func storeWithDocument(path: String = temporaryFile()) async throws -> (SQLiteStore, String) {
        let store = try SQLiteStore.open(path: path)
        let key = try await store.write(.workflow("1")) { writer in
            try writer.createCollections([Self.jobs])
            return try writer.insert([["name": "a", "n": 0]], into: Self.jobs)[0].key
        }
        return (store, key)
    }

    /// The document as a write transaction reads it (from the cache when it holds it).
    static func writerRead(_ store: SQLiteStore, _ key: String) async throws -> Document? {
        try await store.write(.workflow("1")) { try $0.document(key, in: Self.jobs) }
    }

    /// The document as a read transaction reads it: always parsed from the file.
    static func fileRead(_ store: SQLiteStore, _ key: String) async throws -> Document? {
        try await store.read { try $0.document(key, in: Self.jobs) }
    }

    static func bytes(_ document: Document?) -> [UInt8] {
        document.map { JSONWriter.bytes($0.json) } ?? []
    }

    @Test("a document replaced is read back in later transactions byte for byte as the file holds it")
    func replacedDocumentsReadExactly() async throws {
        let (store, key) = try await Self.storeWithDocument()
        let body: JSONObject = [
            "name": "a", "n": 1, "ratio": 1.0, "big": 9_007_199_254_740_993, "small": -0.5,
            "text": "ü \"quoted\" \u{1F600}",
            "nested": ["list": [1, 2.5, "x", nil, true], "empty": [:]],
        ]
        let written = try await store.write(.workflow("1")) { writer in
            let current = try #require(try writer.document(key, in: Self.jobs))
            var changed = current.body
            for (name, value) in body { changed[name] = value }
            return try writer.replace(
                [DocumentReplacement(key: key, body: changed, expectedRev: current.rev)], in: Self.jobs)[0]
        }
        let cached = try await Self.writerRead(store, key)
        let stored = try await Self.fileRead(store, key)
        #expect(Self.bytes(cached) == Self.bytes(stored))
        #expect(Self.bytes(cached) == Self.bytes(written))
        #expect(cached?["ratio"] == .double(1.0) && cached?["n"] == .int(1))
    }

    @Test("a transaction that wrote and then failed leaves no trace in what later transactions read")
    func rolledBackWritesAreNotCached() async throws {
        let (store, key) = try await Self.storeWithDocument()
        let before = try await Self.writerRead(store, key)
        await #expect(throws: Refused.self) {
            try await store.write(.workflow("1")) { writer -> Int in
                let current = try #require(try writer.document(key, in: Self.jobs))
                var changed = current.body
                changed["n"] = 99
                _ = try writer.replace([DocumentReplacement(key: key, body: changed)], in: Self.jobs)
                throw Refused()
            }
        }
        let after = try await Self.writerRead(store, key)
        #expect(after?["n"] == .int(0))
        #expect(after?.rev == before?.rev)
        // A replacement conditional on the revision the file holds succeeds.
        let replaced = try await store.write(.workflow("1")) { writer in
            try writer.replace(
                [DocumentReplacement(key: key, body: ["name": "a", "n": 2], expectedRev: before?.rev)], in: Self.jobs)
        }
        #expect(replaced.first?["n"] == .int(2))
    }

    @Test("in a batch run again isolated, only the calls that committed reach the cache")
    func isolatedRerun() async throws {
        let (store, key) = try await Self.storeWithDocument()
        _ = try await Self.writerRead(store, key)
        let release = DispatchSemaphore(value: 0)
        let holding = Task { try await store.write(.workflow("1")) { _ in release.wait() } }
        while store.queue.running == 0 { try await Task.sleep(for: .milliseconds(5)) }
        func setN(_ value: Int64, thenFail: Bool) -> Task<Void, any Error> {
            Task {
                try await store.write(.workflow("1")) { writer in
                    let current = try #require(try writer.document(key, in: Self.jobs))
                    var changed = current.body
                    changed["n"] = .int(value)
                    _ = try writer.replace(
                        [DocumentReplacement(key: key, body: changed, expectedRev: current.rev)], in: Self.jobs)
                    if thenFail { throw Refused() }
                }
            }
        }
        let b = setN(1, thenFail: false)
        while store.queue.waiting < 1 { try await Task.sleep(for: .milliseconds(5)) }
        let c = setN(2, thenFail: true)
        while store.queue.waiting < 2 { try await Task.sleep(for: .milliseconds(5)) }
        release.signal()
        try await holding.value
        try await b.value
        await #expect(throws: Refused.self) { try await c.value }
        let cached = try await Self.writerRead(store, key)
        let stored = try await Self.fileRead(store, key)
        #expect(cached?["n"] == .int(1))
        #expect(Self.bytes(cached) == Self.bytes(stored))
    }

    @Test("removed, truncated and dropped documents are not read from the cache")
    func removals() async throws {
        let (store, key) = try await Self.storeWithDocument()
        _ = try await Self.writerRead(store, key)
        _ = try await store.write(.workflow("1")) { try $0.remove([key], from: Self.jobs) }
        #expect(try await Self.writerRead(store, key) == nil)

        let second = try await store.write(.workflow("1")) { writer in
            try writer.insert([["name": "b"]], into: Self.jobs)[0].key
        }
        #expect(try await Self.writerRead(store, second)?["name"] == .string("b"))
        try await store.write(.workflow("1")) { try $0.truncate(Self.jobs) }
        #expect(try await Self.writerRead(store, second) == nil)

        let third = try await store.write(.workflow("1")) { writer in
            try writer.insert([["name": "c"]], into: Self.jobs)[0].key
        }
        _ = try await Self.writerRead(store, third)
        try await store.write(.workflow("1")) { writer in
            try writer.dropCollections([Self.jobs])
            try writer.createCollections([Self.jobs])
        }
        #expect(try await Self.writerRead(store, third) == nil)
    }

    @Test("edges removed by their ends are not read from the cache")
    func edgesRemovedByEnds() async throws {
        let store = try SQLiteStore.open(path: Self.temporaryFile())
        let edges = CollectionName("blocks__1")
        let key = try await store.write(.workflow("1")) { writer in
            try writer.createCollections([Self.jobs, edges])
            return try writer.insert([["_from": "jobs__1/1", "_to": "jobs__1/2"]], into: edges)[0].key
        }
        #expect(try await store.write(.workflow("1")) { try $0.document(key, in: edges) } != nil)
        try await store.write(.workflow("1")) { try $0.removeEdges(touching: ["jobs__1/1"], in: [edges]) }
        #expect(try await store.write(.workflow("1")) { try $0.document(key, in: edges) } == nil)
    }

    @Test("another process's commit empties the cache: the next write transaction reads its rows")
    func otherProcessWrites() async throws {
        let path = Self.temporaryFile()
        let (first, key) = try await Self.storeWithDocument(path: path)
        let other = try SQLiteStore.open(path: path)
        let cachedBefore = try await Self.writerRead(first, key)
        let theirs = try await other.write(.workflow("1")) { writer in
            try writer.replace(
                [DocumentReplacement(key: key, body: ["name": "a", "n": 5], expectedRev: cachedBefore?.rev)],
                in: Self.jobs)[0]
        }
        let seen = try await Self.writerRead(first, key)
        #expect(seen?["n"] == .int(5))
        #expect(seen?.rev == theirs.rev)
        // The first process replaces on top of the other's revision.
        let mine = try await first.write(.workflow("1")) { writer in
            try writer.replace(
                [DocumentReplacement(key: key, body: ["name": "a", "n": 6], expectedRev: theirs.rev)], in: Self.jobs)
        }
        #expect(mine.first?["n"] == .int(6))
    }

    @Test("the cache keeps at most two generations of rows")
    func bounded() {
        let cache = SQLiteRowCache()
        let limit = SQLiteRowCache.generationLimit
        for batch in 0..<3 {
            var changes = SQLiteRowChanges()
            for index in 0..<limit {
                let key = SQLiteRowKey(cid: 1, key: "\(batch * limit + index)")
                changes.record(key, .row(SQLiteCachedRow(seq: 1, rev: "1", status: nil, name: nil, from: nil, to: nil)))
                if changes.overflowed { break }
            }
            cache.apply(changes)
        }
        #expect(cache.row(SQLiteRowKey(cid: 1, key: "0")) == nil, "the oldest generation was dropped")
        #expect(cache.row(SQLiteRowKey(cid: 1, key: "\(3 * limit - 1)")) != nil)
    }

    @Test("a transaction that outgrows its record stops trusting the cache and empties it at commit")
    func overflow() {
        let cache = SQLiteRowCache()
        let row = SQLiteCachedRow(seq: 1, rev: "1", status: nil, name: nil, from: nil, to: nil)
        var seed = SQLiteRowChanges()
        seed.record(SQLiteRowKey(cid: 1, key: "kept?"), .row(row))
        cache.apply(seed)
        var changes = SQLiteRowChanges()
        for index in 0...SQLiteRowChanges.limit {
            changes.record(SQLiteRowKey(cid: 2, key: "\(index)"), .row(row))
        }
        #expect(changes.overflowed)
        #expect(!changes.trustsShared(SQLiteRowKey(cid: 1, key: "kept?")))
        cache.apply(changes)
        #expect(cache.row(SQLiteRowKey(cid: 1, key: "kept?")) == nil)
    }
}
