import GRDB
import Synchronization

/// The key and revision counters of one database. Write transactions are
/// serialised by SQLite's single writer, so the counters are read from `meta`
/// at the first use in a transaction and written back before it commits; a
/// rolled-back transaction leaves gaps, never duplicates.
final class SQLiteCounters: Sendable {
    private struct Values {
        var key: Int64 = -1
        var rev: Int64 = -1
    }

    private let values = Mutex(Values())

    /// Loads the counters from `meta` on first use.
    func loadIfNeeded(_ db: Database) throws {
        guard values.withLock({ $0.key < 0 }) else { return }
        let key = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE name = 'key'") ?? 0
        let rev = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE name = 'rev'") ?? 0
        values.withLock { values in
            values.key = max(values.key, key)
            values.rev = max(values.rev, rev)
        }
    }

    /// The next generated key.
    func nextKey() -> Int64 {
        values.withLock { values in
            values.key += 1
            return values.key
        }
    }

    /// Keeps generated keys ahead of a numeric client key.
    func observeKey(_ key: Int64) {
        values.withLock { values in values.key = max(values.key, key) }
    }

    /// The next revision string (`_` + base 36, URL-safe).
    func nextRev() -> String {
        let value = values.withLock { values in
            values.rev += 1
            return values.rev
        }
        return "_" + String(value, radix: 36)
    }

    /// Writes the counters back in the current transaction.
    func save(_ db: Database) throws {
        let (key, rev) = values.withLock { ($0.key, $0.rev) }
        try db.execute(sql: "UPDATE meta SET value = MAX(value, ?) WHERE name = 'key'", arguments: [key])
        try db.execute(sql: "UPDATE meta SET value = MAX(value, ?) WHERE name = 'rev'", arguments: [rev])
    }
}
