import GRDB
import TorcCore

/// Query plans of the store's hot statements, so tests can check that every
/// lookup a route makes is served by an index.
public enum SQLiteDiagnostics {
    /// `EXPLAIN QUERY PLAN` output for each hot query, on a fresh in-memory database.
    public static func queryPlans() throws -> [(query: String, plan: String)] {
        let queue = try DatabaseQueue()
        return try queue.write { db in
            try SQLiteSchema.migrate(db)
            let (status, statusArguments) = try SQLitePredicates.clause([.equal("status", "ready")])
            let (oneOf, oneOfArguments) = try SQLitePredicates.clause([FieldPredicate(["status"], .oneOf, ["a", "b"])])
            let queries: [(String, [any DatabaseValueConvertible])] = [
                ("SELECT body FROM documents WHERE cid = ? AND key = ?", [1, "k"]),
                ("SELECT seq, body FROM documents WHERE cid = ?\(status) ORDER BY seq LIMIT 10", [1] + statusArguments),
                // The hand-out: ready jobs in priority order, straight from the index.
                (
                    "SELECT seq, body FROM documents WHERE cid = ?\(status) ORDER BY "
                        + SQLiteOrdering.clause(
                            DocumentQuery(
                                CollectionName("jobs__1"), filters: [.equal("status", "ready")],
                                order: .descending(["priority"]))) + " LIMIT 10",
                    [1] + statusArguments
                ),
                ("SELECT seq, body FROM documents WHERE cid = ?\(oneOf) ORDER BY seq", [1] + oneOfArguments),
                ("SELECT seq, body FROM documents WHERE cid = ? AND from_id IN (?, ?)", [1, "a/1", "a/2"]),
                ("SELECT seq, body FROM documents WHERE cid = ? AND from_id = ? AND to_id = ?", [1, "a/1", "a/2"]),
                ("SELECT seq, body FROM documents WHERE cid = ? AND to_id IN (?)", [1, "a/1"]),
                ("SELECT seq, body FROM documents WHERE cid = ? ORDER BY seq LIMIT 10", [1]),
                (
                    """
                    SELECT seq FROM documents WHERE cid = ? AND ((from_id >= ? AND from_id < ?) OR (to_id >= ? AND \
                    to_id < ?))
                    """,
                    [1, "a/", "a0", "a/", "a0"]
                ),
            ]
            return try queries.map { sql, arguments in
                let rows = try Row.fetchAll(
                    db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: StatementArguments(arguments))
                return (sql, rows.map { $0["detail"] as String? ?? "" }.joined(separator: "\n"))
            }
        }
    }

    /// `EXPLAIN QUERY PLAN` of the statement the store runs for `query`, on a
    /// fresh in-memory database of the current schema (collection id 1).
    public static func queryPlan(of query: DocumentQuery) throws -> String {
        let (sql, arguments) = try SQLiteTransaction.selectStatement(query)
        return try plan(sql, [1] + arguments)
    }

    /// `EXPLAIN QUERY PLAN` of the statement a count of `filters` runs when
    /// the count tables answer it, or `nil` when it counts rows instead.
    public static func countPlan(where filters: [FieldPredicate]) throws -> String? {
        guard let (sql, arguments) = SQLiteDocumentCounts.statement(filters) else { return nil }
        return try plan(sql, [1] + arguments)
    }

    static func plan(_ sql: String, _ arguments: [any DatabaseValueConvertible]) throws -> String {
        let queue = try DatabaseQueue()
        return try queue.write { db in
            try SQLiteSchema.migrate(db)
            let rows = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: StatementArguments(arguments))
            return rows.map { $0["detail"] as String? ?? "" }.joined(separator: "\n")
        }
    }
}
