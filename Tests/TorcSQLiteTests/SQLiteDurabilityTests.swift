import Foundation
import Testing
import TorcCore

@testable import TorcSQLite

/// What a commit promises on power loss is what the operator chose (`--sync`):
/// the writer connection, the one that commits, runs at that `synchronous` level.
@Suite("SQLite durability")
struct SQLiteDurabilityTests {
    @Test("--sync full syncs the log at every commit (FULL), --sync normal only at checkpoints (NORMAL)")
    func levels() async throws {
        for (durability, level) in [(Durability.full, 2), (.normal, 1)] {
            let store = try SQLiteStore.open(path: SQLiteGroupCommitTests.temporaryFile(), durability: durability)
            #expect(try await store.synchronousLevel() == level, "\(durability)")
            // Still so after writes, which run on the same connection.
            try await store.write(.workflow("1")) { try $0.createCollections([CollectionName("jobs__1")]) }
            #expect(try await store.synchronousLevel() == level, "\(durability)")
            store.close()
        }
    }
}
