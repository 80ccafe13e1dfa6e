import GRDB
import TorcCore

/// The tables of one database file. All collections share one `documents`
/// table: a collection is a row in `collections`, so creating or dropping a
/// workflow's 23 collections is a few row operations inside the caller's
/// transaction, and `seq` (the rowid) gives one creation order for everything.
enum SQLiteSchema {
    /// Attributes copied into their own indexed columns when they are strings:
    /// `status` (job hand-out, completion, is_complete) and `name` (name
    /// references). Filling them from the document in Swift at write time keeps
    /// SQLite from parsing JSON on every insert and on every indexed lookup.
    static let indexedAttributes = ["status", "name"]

    static let statements = [
        "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
        "CREATE TABLE IF NOT EXISTS collections (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, is_edge INTEGER NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS documents (
            seq INTEGER PRIMARY KEY,
            cid INTEGER NOT NULL,
            key TEXT NOT NULL,
            rev TEXT NOT NULL,
            body TEXT NOT NULL,
            from_id TEXT,
            to_id TEXT,
            status TEXT,
            name TEXT,
            rank INTEGER
        )
        """,
        "CREATE UNIQUE INDEX IF NOT EXISTS documents_key ON documents (cid, key)",
        "CREATE INDEX IF NOT EXISTS documents_collection ON documents (cid)",
        // Partial indexes: only rows that have the attribute are indexed (edges for
        // from/to, jobs for status, named documents for name), which keeps bulk
        // inserts of other documents cheap; equality and range terms imply NOT NULL.
        "CREATE INDEX IF NOT EXISTS documents_from_to ON documents (cid, from_id, to_id) WHERE from_id IS NOT NULL",
        "CREATE INDEX IF NOT EXISTS documents_to ON documents (cid, to_id) WHERE to_id IS NOT NULL",
        // Status lookups and the hand-out order: `rank` (the negated `priority`,
        // 0 without one) in the index lets `ORDER BY rank, seq` read ready jobs
        // in hand-out order without sorting them.
        "CREATE INDEX IF NOT EXISTS documents_status_rank ON documents (cid, status, rank) WHERE status IS NOT NULL",
        "CREATE INDEX IF NOT EXISTS documents_name ON documents (cid, name) WHERE name IS NOT NULL",
        "INSERT OR IGNORE INTO meta (name, value) VALUES ('key', 0), ('rev', 0)",
    ]

    /// Creates the tables if needed; files from before the `rank` column get
    /// it, filled from the stored bodies, and the status index that it replaces goes.
    static func migrate(_ db: Database) throws {
        if try db.tableExists("documents"), try !db.columns(in: "documents").contains(where: { $0.name == "rank" }) {
            try db.execute(sql: "ALTER TABLE documents ADD COLUMN rank INTEGER")
            try db.execute(
                sql: """
                    UPDATE documents SET rank = CASE WHEN json_type(body, '$.priority') = 'integer'
                    THEN -json_extract(body, '$.priority') ELSE 0 END WHERE status IS NOT NULL
                    """)
        }
        for statement in statements { try db.execute(sql: statement) }
        try db.execute(sql: "DROP INDEX IF EXISTS documents_status")
    }

    /// The `rank` column of a body: the negated integer `priority` for documents
    /// with an indexed status (0 without a priority), NULL for others.
    static func rank(_ body: JSONObject) -> Int64? {
        guard body["status"]?.stringValue != nil else { return nil }
        guard let priority = body["priority"]?.intValue, priority > Int64.min else { return 0 }
        return -priority
    }
}
