import Dispatch
import Synchronization
import TorcCore

/// A document of a collection, as the row caches know it.
struct SQLiteRowKey: Hashable, Sendable {
    var cid: Int64
    var key: String
}

/// The indexed columns of a stored row, as the UPDATEs of a replacement need
/// them, and the document it holds when that is known.
struct SQLiteCachedRow: Sendable {
    var seq: Int64
    var rev: String
    var status: String?
    var name: String?
    var from: String?
    var to: String?
    /// The stored document, exactly as parsing the row's body would give it;
    /// nil when only the columns are known.
    var document: Document?
    /// The length of the stored body's text, what the cache counts against its byte limit.
    var size: Int

    /// The row a body is stored as: its indexed columns are the body's string
    /// `status` and `name`, and for an edge its `_from` and `_to`.
    init(seq: Int64, rev: String, body: JSONObject, isEdge: Bool, document: Document?, size: Int) {
        self.seq = seq
        self.rev = rev
        status = body["status"]?.stringValue
        name = body["name"]?.stringValue
        from = isEdge ? body["_from"]?.stringValue : nil
        to = isEdge ? body["_to"]?.stringValue : nil
        self.document = document
        self.size = size
    }

    init(seq: Int64, rev: String, status: String?, name: String?, from: String?, to: String?) {
        self.seq = seq
        self.rev = rev
        self.status = status
        self.name = name
        self.from = from
        self.to = to
        document = nil
        size = 0
    }
}

/// The rows the writer connection read or wrote in its latest committed
/// transactions, so that the next transactions need not read them again.
///
/// A runner's job is handed out by one write transaction and completed by
/// another a few milliseconds later; the completion read the job's row and
/// parsed its body again, and every hand-out and completion read the
/// workflow's documents. That was about a sixth of the writer thread's time
/// in a batched drain. All writes of the database go through the writer
/// connection, one transaction at a time, so what its committed transactions
/// wrote is what the next one would read, with two exceptions it handles:
/// another process writing the same file (`PRAGMA data_version` tells, and the
/// store then empties the cache, see `SQLiteCollectionCache.validate`), and a
/// transaction that rolls back (its changes reach the cache only at commit,
/// through `SQLiteRowChanges`).
///
/// Bounded by two generations of at most `generationLimit` rows and
/// `generationBytes` bytes of body text each: when the newer one is full it
/// becomes the older one and the older one is dropped, so the rows in use
/// (jobs between hand-out and completion) stay while the rest ages out.
final class SQLiteRowCache: Sendable {
    static let generationLimit = 4096
    static let generationBytes = 8 << 20

    /// Rows and the body text they stand for.
    private struct Generation {
        var rows: [SQLiteRowKey: SQLiteCachedRow] = [:]
        var bytes = 0

        mutating func put(_ key: SQLiteRowKey, _ row: SQLiteCachedRow) {
            if let old = rows.updateValue(row, forKey: key) { bytes -= old.size }
            bytes += row.size
        }

        mutating func remove(_ key: SQLiteRowKey) {
            if let old = rows.removeValue(forKey: key) { bytes -= old.size }
        }

        /// The rows of the other collections; the caller releases this one.
        func dropping(_ cids: Set<Int64>) -> Generation {
            var kept = Generation()
            for (key, row) in rows where !cids.contains(key.cid) { kept.put(key, row) }
            return kept
        }
    }

    private struct State {
        var newer = Generation()
        var older = Generation()
    }

    private let state = Mutex(State())

    /// The row of `key` as of the last commit, if the cache holds it.
    func row(_ key: SQLiteRowKey) -> SQLiteCachedRow? {
        state.withLock { state in state.newer.rows[key] ?? state.older.rows[key] }
    }

    /// Empties the cache: after another process wrote the file, or when a
    /// write found a row other than the one the cache knew.
    func clear() {
        let retired = state.withLock { state in
            defer { state = State() }
            return [state.newer, state.older]
        }
        Self.release(retired)
    }

    /// Drops the last references to `generations` on a background queue.
    private static func release(_ generations: [Generation]) {
        guard generations.contains(where: { !$0.rows.isEmpty }) else { return }
        DispatchQueue.global(qos: .utility).async { withExtendedLifetime(generations) {} }
    }

    /// Applies what a transaction that just committed read and wrote.
    ///
    /// The rows dropped at once (the older generation, a cleared collection's,
    /// or all of them) are released on another thread: freeing thousands of parsed documents took
    /// the writer several milliseconds, during which every runner waited.
    func apply(_ changes: SQLiteRowChanges) {
        guard !changes.isEmpty else { return }
        var retired: [Generation] = []
        defer { Self.release(retired) }
        state.withLock { state in
            if changes.overflowed {
                retired = [state.newer, state.older]
                state = State()
            } else if !changes.clearedCollections.isEmpty {
                retired = [state.newer, state.older]
                state.newer = state.newer.dropping(changes.clearedCollections)
                state.older = state.older.dropping(changes.clearedCollections)
            }
            for (key, known) in changes.rows {
                state.older.remove(key)
                switch known {
                case .removed:
                    state.newer.remove(key)
                case .row(let row):
                    state.newer.put(key, row)
                    if state.newer.rows.count >= Self.generationLimit || state.newer.bytes >= Self.generationBytes {
                        retired.append(state.older)
                        state.older = state.newer
                        state.newer = Generation()
                    }
                }
            }
        }
    }
}

/// What one write transaction (a group-commit batch, call by call) learnt of
/// rows and changed in them, kept apart from the shared `SQLiteRowCache` until
/// it commits, and dropped if it rolls back.
///
/// Every write of the transaction records the row it leaves (or its removal);
/// a write that does not say which rows it touched (a truncate, a dropped
/// collection, edges removed by their ends) marks the whole collection, whose
/// cached rows are then neither used nor kept. Bounded: past `limit` rows the
/// record starts again empty and the shared cache is no longer consulted, and
/// is emptied at commit, since the rows forgotten may have been written.
struct SQLiteRowChanges: Sendable {
    static let limit = 4096

    enum Known: Sendable {
        case row(SQLiteCachedRow)
        case removed
    }

    private(set) var rows: [SQLiteRowKey: Known] = [:]
    private(set) var clearedCollections: Set<Int64> = []
    private(set) var overflowed = false

    var isEmpty: Bool { rows.isEmpty && clearedCollections.isEmpty && !overflowed }

    /// What this transaction knows of `key`: `.removed` and nil both mean "read it".
    func known(_ key: SQLiteRowKey) -> Known? { rows[key] }

    /// Whether the shared cache's row of `key` may be used: not once this
    /// transaction lost track of some of its writes, or cleared the collection.
    func trustsShared(_ key: SQLiteRowKey) -> Bool {
        !overflowed && !clearedCollections.contains(key.cid)
    }

    mutating func record(_ key: SQLiteRowKey, _ known: Known) {
        if rows.count >= Self.limit, rows[key] == nil {
            rows.removeAll(keepingCapacity: true)
            overflowed = true
        }
        rows[key] = known
    }

    /// Rows of collection `cid` changed without their keys being known.
    mutating func clearCollection(_ cid: Int64) {
        clearedCollections.insert(cid)
        rows = rows.filter { $0.key.cid != cid }
    }
}
