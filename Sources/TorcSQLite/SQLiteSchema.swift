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

    /// The schema as the first release wrote it. Every statement says
    /// `IF NOT EXISTS`, because files written before the schema was versioned
    /// already hold these tables (at `user_version` 0): applying version 1 to
    /// them changes nothing but the version number.
    static let version1 = [
        "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
        """
        CREATE TABLE IF NOT EXISTS collections (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, \
        is_edge INTEGER NOT NULL)
        """,
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
            name TEXT
        )
        """,
        "CREATE UNIQUE INDEX IF NOT EXISTS documents_key ON documents (cid, key)",
        "CREATE INDEX IF NOT EXISTS documents_collection ON documents (cid)",
        // Partial indexes: only rows that have the attribute are indexed (edges for
        // from/to, jobs for status, named documents for name), which keeps bulk
        // inserts of other documents cheap; equality and range terms imply NOT NULL.
        "CREATE INDEX IF NOT EXISTS documents_from_to ON documents (cid, from_id, to_id) WHERE from_id IS NOT NULL",
        "CREATE INDEX IF NOT EXISTS documents_to ON documents (cid, to_id) WHERE to_id IS NOT NULL",
        "CREATE INDEX IF NOT EXISTS documents_status ON documents (cid, status) WHERE status IS NOT NULL",
        "CREATE INDEX IF NOT EXISTS documents_name ON documents (cid, name) WHERE name IS NOT NULL",
        "INSERT OR IGNORE INTO meta (name, value) VALUES ('key', 0), ('rev', 0)",
    ]

    /// The schema's history, oldest first: `migrations[n]` brings a file from
    /// version `n` to version `n + 1`. A schema change appends a step (never
    /// edits one), so every file ever written can be brought up to date.
    static let migrations: [@Sendable (Database) throws -> Void] = [
        { db in for statement in version1 { try db.execute(sql: statement) } },
        { db in for statement in version2 { try db.execute(sql: statement) } },
        { db in for statement in SQLiteDocumentCounts.version3 { try db.execute(sql: statement) } },
        { db in for statement in SQLiteDocumentCounts.version4 { try db.execute(sql: statement) } },
    ]

    /// Version 2, job priorities: a `rank` column (the negated integer `priority`
    /// of documents with an indexed status, 0 without one) filled from the stored
    /// bodies, and a status index that ends in it, so `ORDER BY rank, seq` reads
    /// ready jobs in hand-out order without sorting them. It replaces the status index.
    static let version2 = [
        "ALTER TABLE documents ADD COLUMN rank INTEGER",
        """
        UPDATE documents SET rank = CASE WHEN json_type(body, '$.priority') = 'integer'
        THEN -json_extract(body, '$.priority') ELSE 0 END WHERE status IS NOT NULL
        """,
        "CREATE INDEX IF NOT EXISTS documents_status_rank ON documents (cid, status, rank) WHERE status IS NOT NULL",
        "DROP INDEX IF EXISTS documents_status",
    ]

    /// The version this code reads and writes.
    static var currentVersion: Int { migrations.count }

    /// Brings the file to `currentVersion`, recorded in SQLite's `user_version`.
    ///
    /// Call it inside an IMMEDIATE transaction: the version is read and raised
    /// under the write lock, so two processes opening one file at once never
    /// apply a step twice. A file written by a newer torc-service is refused
    /// rather than misread.
    static func migrate(_ db: Database) throws {
        let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        guard version <= currentVersion else {
            throw StoreError.failure(
                "the database file has schema version \(version); this torc-service reads up to \(currentVersion)"
            )
        }
        for step in migrations[version...] { try step(db) }
        if version != currentVersion {
            try db.execute(sql: "PRAGMA user_version = \(currentVersion)")
        }
    }

    /// The `rank` column of a body: the negated integer `priority` for documents
    /// with an indexed status (0 without a priority), NULL for others.
    static func rank(_ body: JSONObject) -> Int64? {
        guard body["status"]?.stringValue != nil else { return nil }
        guard let priority = body["priority"]?.intValue, priority > Int64.min else { return 0 }
        return -priority
    }
}
