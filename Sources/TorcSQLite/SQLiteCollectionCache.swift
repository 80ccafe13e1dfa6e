import GRDB
import Synchronization
import TorcCore

/// The row of a collection in `collections`.
struct SQLiteCollectionEntry: Sendable {
    var id: Int64
    var isEdge: Bool
}

/// Collection ids known to the writer connection, shared by its transactions.
///
/// A job hand-out or completion touches five or six collections; looking each
/// up in every write transaction cost a query apiece. Write transactions are
/// serialised on one connection, so what one committed is what the next sees,
/// and the cache is only changed when a transaction commits. Another process
/// writing the same file is noticed through `PRAGMA data_version`, which
/// changes on this connection only when another connection committed: the
/// cache is then emptied and the key and revision counters reloaded.
final class SQLiteCollectionCache: Sendable {
    private struct State {
        var dataVersion: Int64?
        var entries: [CollectionName: SQLiteCollectionEntry] = [:]
    }

    private let state = Mutex(State())

    /// Called at the start of every write transaction, under the write lock.
    /// Returns whether another connection committed since the last call.
    func validate(_ db: Database) throws -> Bool {
        let version = try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0
        return state.withLock { state in
            defer { state.dataVersion = version }
            guard let known = state.dataVersion, known == version else {
                state.entries.removeAll()
                return state.dataVersion != nil
            }
            return false
        }
    }

    func entry(_ collection: CollectionName) -> SQLiteCollectionEntry? {
        state.withLock { $0.entries[collection] }
    }

    /// Applies what a committed transaction learned and dropped.
    func apply(found: [CollectionName: SQLiteCollectionEntry], dropped: Set<CollectionName>) {
        guard !found.isEmpty || !dropped.isEmpty else { return }
        state.withLock { state in
            for collection in dropped { state.entries[collection] = nil }
            state.entries.merge(found) { $1 }
        }
    }
}
