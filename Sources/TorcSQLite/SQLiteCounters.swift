import GRDB
import Synchronization

/// The key and revision counters of one database.
///
/// Values are handed out from memory. `meta` holds a reservation: a value at
/// least as high as any handed out, written in the transaction that first goes
/// past the previous reservation and raised by `block` at a time, so most
/// write transactions leave `meta` (one more page to write at commit) alone.
/// A rolled-back transaction leaves gaps, never duplicates; a restart resumes
/// above the reservation. When another connection committed (see
/// `SQLiteCollectionCache.validate`) the counters are reloaded and never go
/// back, so two processes sharing a file never hand out the same value.
final class SQLiteCounters: Sendable {
    /// How far past the values in use a reservation reaches.
    static let block: Int64 = 1000

    private struct Values {
        var key: Int64 = 0
        var rev: Int64 = 0
        /// What `meta` holds, as of the last load or commit.
        var reservedKey: Int64 = 0
        var reservedRev: Int64 = 0
        var loaded = false
    }

    /// A reservation written by a transaction that has not committed yet.
    struct Reservation: Sendable {
        var key: Int64
        var rev: Int64
    }

    private let values = Mutex(Values())

    /// Loads the counters from `meta` on first use, and again after
    /// `invalidate` (another connection wrote the file).
    func loadIfNeeded(_ db: Database) throws {
        guard !values.withLock({ $0.loaded }) else { return }
        let key = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE name = 'key'") ?? 0
        let rev = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE name = 'rev'") ?? 0
        values.withLock { values in
            values.key = max(values.key, key)
            values.rev = max(values.rev, rev)
            values.reservedKey = key
            values.reservedRev = rev
            values.loaded = true
        }
    }

    /// Forces a reload from `meta` at the next use.
    func invalidate() {
        values.withLock { $0.loaded = false }
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

    /// Raises the reservation in `meta`, in the current transaction, when a
    /// counter went past it. Returns the reservation for `didCommit`.
    func save(_ db: Database) throws -> Reservation? {
        let (key, rev, reservedKey, reservedRev) = values.withLock {
            ($0.key, $0.rev, $0.reservedKey, $0.reservedRev)
        }
        guard key > reservedKey || rev > reservedRev else { return nil }
        let reservation = Reservation(
            key: key > reservedKey ? key + Self.block : reservedKey,
            rev: rev > reservedRev ? rev + Self.block : reservedRev)
        let statement = try db.cachedStatement(
            sql:
                """
                UPDATE meta SET value = MAX(value, CASE name WHEN 'key' THEN ? ELSE ? END) WHERE name IN ('key', \
                'rev')
                """
        )
        try statement.execute(arguments: [reservation.key, reservation.rev])
        return reservation
    }

    /// Records that the transaction holding `reservation` committed.
    func didCommit(_ reservation: Reservation?) {
        guard let reservation else { return }
        values.withLock { values in
            values.reservedKey = max(values.reservedKey, reservation.key)
            values.reservedRev = max(values.reservedRev, reservation.rev)
        }
    }
}
