import GRDB

/// Changes to the count tables (`SQLiteDocumentCounts`) made by a transaction's
/// writes and not yet stored in them.
///
/// The store's write code counts what it inserts, changes and deletes, and
/// the counts reach the tables in one upsert per collection and per
/// (collection, status) when the transaction commits, however many documents
/// it wrote. Kept by SQLite triggers instead (schema version 3), every row
/// written cost two or four more statements, which doubled the price of
/// inserting a row or changing a status. A count asked for inside the
/// transaction writes the pending changes first (`flush`), so it always sees
/// the transaction's own writes, as a trigger-kept count did.
struct SQLiteCountDeltas: Sendable {
    struct StatusKey: Hashable, Sendable {
        var cid: Int64
        var status: String
    }

    private var documents: [Int64: Int] = [:]
    private var statuses: [StatusKey: Int] = [:]

    var isEmpty: Bool { documents.isEmpty && statuses.isEmpty }

    /// A document of collection `cid` with status column `status` was inserted.
    mutating func inserted(cid: Int64, status: String?) {
        documents[cid, default: 0] += 1
        if let status { statuses[StatusKey(cid: cid, status: status), default: 0] += 1 }
    }

    /// A document of collection `cid` with status column `status` was deleted.
    mutating func removed(cid: Int64, status: String?) {
        documents[cid, default: 0] -= 1
        if let status { statuses[StatusKey(cid: cid, status: status), default: 0] -= 1 }
    }

    /// A document's status column changed from `old` to `new`.
    mutating func changed(cid: Int64, from old: String?, to new: String?) {
        guard old != new else { return }
        if let old { statuses[StatusKey(cid: cid, status: old), default: 0] -= 1 }
        if let new { statuses[StatusKey(cid: cid, status: new), default: 0] += 1 }
    }

    /// Drops what is pending for collection `cid`, whose count rows the caller
    /// deletes with all its documents (a truncate or a drop).
    mutating func forget(cid: Int64) {
        documents[cid] = nil
        statuses = statuses.filter { $0.key.cid != cid }
    }

    /// Adds the pending changes to the count tables and clears them.
    mutating func flush(_ db: Database) throws {
        guard !isEmpty else { return }
        let document = try db.cachedStatement(
            sql: """
                INSERT INTO document_counts (cid, n) VALUES (?, ?)
                ON CONFLICT (cid) DO UPDATE SET n = n + excluded.n
                """)
        for (cid, delta) in documents where delta != 0 {
            try document.execute(arguments: [cid, delta])
        }
        let status = try db.cachedStatement(
            sql: """
                INSERT INTO status_counts (cid, status, n) VALUES (?, ?, ?)
                ON CONFLICT (cid, status) DO UPDATE SET n = n + excluded.n
                """)
        for (key, delta) in statuses where delta != 0 {
            try status.execute(arguments: [key.cid, key.status, delta])
        }
        documents = [:]
        statuses = [:]
    }

    /// Deletes the count rows of collections whose documents were all deleted.
    static func clear(_ db: Database, cids: [Int64]) throws {
        guard !cids.isEmpty else { return }
        let list = Array(repeating: "?", count: cids.count).joined(separator: ",")
        try db.execute(sql: "DELETE FROM document_counts WHERE cid IN (\(list))", arguments: StatementArguments(cids))
        try db.execute(sql: "DELETE FROM status_counts WHERE cid IN (\(list))", arguments: StatementArguments(cids))
    }
}
