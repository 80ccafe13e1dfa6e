import GRDB
import TorcCore

/// Document counts per collection and per (collection, status), so the counts
/// the engine asks for (a list page's total, a `find_by_status` count, the
/// dashboard's job counts, `is_complete`) are one primary-key lookup instead
/// of a walk over every index entry of a collection that may hold a million jobs.
///
/// Version 3 of the schema added the tables and kept them with triggers on
/// `documents`; version 4 drops the triggers, and the store's write code keeps
/// the counts (`SQLiteCountDeltas`): each transaction adds what it inserted,
/// deleted and changed in one upsert per collection and status before it
/// commits. A count is part of the same transaction (and savepoint) as the
/// change it reflects, so a rolled-back write rolls its counts back.
enum SQLiteDocumentCounts {
    /// Schema version 3: the two count tables, filled from the rows already
    /// stored (a file of version 2 gets its counts on open), and the triggers
    /// that kept them until version 4.
    static let version3 = [
        "CREATE TABLE IF NOT EXISTS document_counts (cid INTEGER PRIMARY KEY, n INTEGER NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS status_counts (
            cid INTEGER NOT NULL, status TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (cid, status)
        ) WITHOUT ROWID
        """,
        "DELETE FROM document_counts",
        "DELETE FROM status_counts",
        "INSERT INTO document_counts (cid, n) SELECT cid, count(*) FROM documents GROUP BY cid",
        """
        INSERT INTO status_counts (cid, status, n)
        SELECT cid, status, count(*) FROM documents WHERE status IS NOT NULL GROUP BY cid, status
        """,
        """
        CREATE TRIGGER IF NOT EXISTS documents_count_insert AFTER INSERT ON documents BEGIN
            INSERT INTO document_counts (cid, n) VALUES (NEW.cid, 1) ON CONFLICT (cid) DO UPDATE SET n = n + 1;
            INSERT INTO status_counts (cid, status, n) SELECT NEW.cid, NEW.status, 1 WHERE NEW.status IS NOT NULL
                ON CONFLICT (cid, status) DO UPDATE SET n = n + 1;
        END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS documents_count_delete AFTER DELETE ON documents BEGIN
            UPDATE document_counts SET n = n - 1 WHERE cid = OLD.cid;
            UPDATE status_counts SET n = n - 1 WHERE cid = OLD.cid AND status = OLD.status;
        END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS documents_count_update AFTER UPDATE OF status, cid ON documents
        WHEN OLD.status IS NOT NEW.status OR OLD.cid IS NOT NEW.cid BEGIN
            UPDATE document_counts SET n = n - 1 WHERE cid = OLD.cid AND OLD.cid IS NOT NEW.cid;
            INSERT INTO document_counts (cid, n) SELECT NEW.cid, 1 WHERE OLD.cid IS NOT NEW.cid
                ON CONFLICT (cid) DO UPDATE SET n = n + 1;
            UPDATE status_counts SET n = n - 1 WHERE cid = OLD.cid AND status = OLD.status;
            INSERT INTO status_counts (cid, status, n) SELECT NEW.cid, NEW.status, 1 WHERE NEW.status IS NOT NULL
                ON CONFLICT (cid, status) DO UPDATE SET n = n + 1;
        END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS collections_count_drop AFTER DELETE ON collections BEGIN
            DELETE FROM document_counts WHERE cid = OLD.id;
            DELETE FROM status_counts WHERE cid = OLD.id;
        END
        """,
    ]

    /// Schema version 4: the counts are kept by the store's write code
    /// (`SQLiteCountDeltas`), no longer by triggers, which doubled the cost of
    /// every inserted row and status change. The counts stay as version 3 left them.
    static let version4 = [
        "DROP TRIGGER IF EXISTS documents_count_insert",
        "DROP TRIGGER IF EXISTS documents_count_delete",
        "DROP TRIGGER IF EXISTS documents_count_update",
        "DROP TRIGGER IF EXISTS collections_count_drop",
    ]

    /// The count statement for `filters` when the count tables can answer it,
    /// with its arguments after the collection id; `nil` otherwise (the caller
    /// then counts matching rows). The tables answer no filter (the whole
    /// collection) and one condition on the indexed `status` column that names
    /// strings: `equal`, `oneOf` (a sum) and `noneOf` (the collection minus the
    /// sum: the column is NULL exactly when the status is absent or not a
    /// string, and such documents match `noneOf`).
    static func statement(_ filters: [FieldPredicate]) -> (String, [any DatabaseValueConvertible])? {
        let total = "SELECT coalesce((SELECT n FROM document_counts WHERE cid = ?1), 0)"
        guard let filter = filters.first else { return (total, []) }
        guard filters.count == 1, filter.path == ["status"] else { return nil }
        let strings: [String]
        switch filter.op {
        case .equal:
            guard let status = filter.value.stringValue else { return nil }
            strings = [status]
        case .oneOf, .noneOf:
            let values = filter.value.arrayValue ?? []
            strings = values.compactMap(\.stringValue)
            guard strings.count == values.count, !strings.isEmpty else { return nil }
        case .lessOrEqual, .greaterOrEqual:
            return nil
        }
        let list = (0..<strings.count).map { "?\($0 + 2)" }.joined(separator: ", ")
        let sum = "SELECT coalesce(sum(n), 0) FROM status_counts WHERE cid = ?1 AND status IN (\(list))"
        let sql = filter.op == .noneOf ? "SELECT (\(total)) - (\(sum))" : sum
        return (sql, strings)
    }

    /// The number of documents of collection `cid` matching `filters`, from the
    /// count tables, or `nil` when they cannot answer it.
    static func count(_ db: Database, cid: Int64, _ filters: [FieldPredicate]) throws -> Int? {
        guard let (sql, arguments) = statement(filters) else { return nil }
        let statement = try db.cachedStatement(sql: sql)
        return try Int.fetchOne(statement, arguments: StatementArguments([cid] + arguments)) ?? 0
    }
}
