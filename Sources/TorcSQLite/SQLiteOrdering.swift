import TorcCore

/// The `ORDER BY` of a `DocumentQuery`.
///
/// Creation order is `seq`. A `NumericOrder` on `priority` of a query that
/// filters on an exact `status` (the job hand-out) uses the indexed `rank`
/// column, which every document with a status has (the negated integer
/// priority, 0 without one): SQLite then walks the `(cid, status, rank)` index
/// in order and stops after the first page, so a workflow without priorities
/// reads its ready jobs exactly as before. Any other ordering is computed
/// from the JSON body and sorted by SQLite.
enum SQLiteOrdering {
    static func clause(_ query: DocumentQuery) -> String {
        guard let order = query.order else { return "seq" }
        if order.path == ["priority"], filtersOneStatus(query.filters) {
            return "rank, seq"
        }
        let path = "'$." + order.path.joined(separator: ".") + "'"
        return
            """
            CASE WHEN json_type(body, \(path)) IN ('integer', 'real') THEN -json_extract(body, \(path)) ELSE 0 END, \
            seq
            """
    }

    /// Whether the filters pin `status` to one string (so `rank` is never NULL
    /// in the result and the index gives the order).
    static func filtersOneStatus(_ filters: [FieldPredicate]) -> Bool {
        filters.contains { $0.path == ["status"] && $0.op == .equal && $0.value.stringValue != nil }
    }
}
