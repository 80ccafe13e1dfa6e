import Dispatch
import Foundation
import GRDB
import Synchronization
import Testing
import TorcCore
@testable import TorcSQLite

/// Write calls that wait for the writer share one transaction
/// (docs/concurrency.md, "Group commit"): one commit for the batch, each
/// call's atomicity its own, the order of arrival kept.
@Suite("SQLite group commit")
struct SQLiteGroupCommitTests {
    static let jobs = CollectionName("jobs__1")

    struct Refused: Error {}

    /// Counts the commits of the writer connection.
    final class CommitCounter: TransactionObserver, Sendable {
        let commits = Mutex(0)
        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { false }
        func databaseDidChange(with event: DatabaseEvent) {}
        func databaseDidCommit(_ db: Database) { commits.withLock { $0 += 1 } }
        func databaseDidRollback(_ db: Database) {}
    }

    /// Waits (briefly, polling) until `count` calls wait in the store's queue.
    func waitForQueue(_ store: SQLiteStore, count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while store.queue.waiting < count {
            guard ContinuousClock.now < deadline else { throw Refused() }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test("calls that wait together commit once; a failing one is rolled back alone; each sees those before it")
    func sharedTransaction() async throws {
        for store in [try SQLiteStore.inMemory(), try SQLiteStore.open(path: Self.temporaryFile())] {
            try await store.write(.workflow("1")) { try $0.createCollections([Self.jobs]) }
            let counter = CommitCounter()
            store.writer.add(transactionObserver: counter, extent: .databaseLifetime)

            // A holds the writer until the three others wait behind it.
            let release = DispatchSemaphore(value: 0)
            let holding = Task {
                try await store.write(.workflow("1")) { writer in
                    release.wait()
                    return try writer.insert([["name": "a"]], into: Self.jobs)[0].key
                }
            }
            try await waitForQueue(store, count: 0)
            while store.queue.running == 0 { try await Task.sleep(for: .milliseconds(5)) }
            let b = Task {
                try await store.write(.workflow("1")) { writer in
                    try writer.insert([["name": "b"]], into: Self.jobs)[0].key
                }
            }
            try await waitForQueue(store, count: 1)
            let c = Task {
                try await store.write(.workflow("1")) { writer -> String in
                    _ = try writer.insert([["name": "c"]], into: Self.jobs)
                    throw Refused()
                }
            }
            try await waitForQueue(store, count: 2)
            let d = Task {
                try await store.write(.workflow("1")) { writer in
                    // B committed nothing yet, but D runs after it in the same transaction.
                    let seen = try writer.count(in: Self.jobs, where: [.equal("name", "b")])
                    let seenC = try writer.count(in: Self.jobs, where: [.equal("name", "c")])
                    _ = try writer.insert([["name": "d"]], into: Self.jobs)
                    return [seen, seenC]
                }
            }
            try await waitForQueue(store, count: 3)
            release.signal()

            _ = try await holding.value
            _ = try await b.value
            await #expect(throws: Refused.self) { try await c.value }
            #expect(try await d.value == [1, 0])
            #expect(counter.commits.withLock { $0 } == 2, "A alone, then B, C and D in one transaction")
            let names = try await store.read { reader in
                try reader.find(DocumentQuery(Self.jobs)).documents.compactMap { $0["name"]?.stringValue }
            }
            #expect(names == ["a", "b", "d"])
            #expect(store.queue.waiting == 0 && store.queue.running == 0)
        }
    }

    /// Runs B, C and D in one batch behind a call holding the writer; C throws,
    /// after writing when `cWrites`. Returns how often B's and D's bodies ran.
    func batchWithFailure(_ store: SQLiteStore, cWrites: Bool) async throws -> (b: Int, d: Int) {
        let runsB = Mutex(0)
        let runsD = Mutex(0)
        let release = DispatchSemaphore(value: 0)
        let holding = Task { try await store.write(.workflow("1")) { _ in release.wait() } }
        while store.queue.running == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let b = Task {
            try await store.write(.workflow("1")) { writer in
                runsB.withLock { $0 += 1 }
                return try writer.insert([["name": "b"]], into: Self.jobs)[0].key
            }
        }
        try await waitForQueue(store, count: 1)
        let c = Task {
            try await store.write(.workflow("1")) { writer -> String in
                if cWrites { _ = try writer.insert([["name": "c"]], into: Self.jobs) }
                throw Refused()
            }
        }
        try await waitForQueue(store, count: 2)
        let d = Task {
            try await store.write(.workflow("1")) { writer in
                runsD.withLock { $0 += 1 }
                return try writer.insert([["name": "d"]], into: Self.jobs)[0].key
            }
        }
        try await waitForQueue(store, count: 3)
        release.signal()
        try await holding.value
        _ = try await b.value
        await #expect(throws: Refused.self) { try await c.value }
        _ = try await d.value
        return (runsB.withLock { $0 }, runsD.withLock { $0 })
    }

    @Test("a call refused before it wrote costs the others nothing; one that wrote makes the batch run again isolated")
    func refusals() async throws {
        let store = try SQLiteStore.open(path: Self.temporaryFile())
        try await store.write(.workflow("1")) { try $0.createCollections([Self.jobs]) }
        let quiet = try await batchWithFailure(store, cWrites: false)
        #expect(quiet.b == 1 && quiet.d == 1, "no rollback, no second run")
        let written = try await batchWithFailure(store, cWrites: true)
        #expect(written.b == 2 && written.d == 1, "rolled back at C, then each call in a savepoint")
        let names = try await store.read { reader in
            try reader.find(DocumentQuery(Self.jobs)).documents.compactMap { $0["name"]?.stringValue }
        }
        #expect(names == ["b", "d", "b", "d"])
        #expect(try await SQLiteCountTests.exact(store), "the count tables match the rows")
    }

    @Test("many concurrent calls each get their own answer and every key once")
    func manyCalls() async throws {
        let store = try SQLiteStore.open(path: Self.temporaryFile())
        try await store.write(.workflow("1")) { try $0.createCollections([Self.jobs]) }
        let keys = try await withThrowingTaskGroup(of: String?.self) { group in
            for index in 0..<200 {
                group.addTask {
                    do {
                        return try await store.write(.workflow("1")) { writer in
                            let key = try writer.insert([["index": .int(Int64(index))]], into: Self.jobs)[0].key
                            if index % 7 == 0 { throw Refused() }
                            return key
                        }
                    } catch is Refused {
                        return nil
                    }
                }
            }
            var keys: [String] = []
            for try await key in group { if let key { keys.append(key) } }
            return keys
        }
        #expect(keys.count == 200 - 29)
        #expect(Set(keys).count == keys.count)
        let stored = try await store.read { reader in
            try reader.find(DocumentQuery(Self.jobs)).documents.compactMap { $0["index"]?.intValue }
        }
        #expect(stored.count == keys.count)
        #expect(stored.allSatisfy { $0 % 7 != 0 })
        #expect(try await SQLiteCountTests.exact(store), "the count tables match the rows")
    }

    static func temporaryFile() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("torc-group-\(UUID()).sqlite").path
    }
}
