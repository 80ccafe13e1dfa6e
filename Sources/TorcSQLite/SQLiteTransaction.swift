import GRDB
import TorcCore

/// The store primitives inside one SQLite transaction (read or write).
/// Lives only for the duration of the transaction closure, on GRDB's queue.
final class SQLiteTransaction: StoreWriter {
    let db: Database
    let counters: SQLiteCounters
    /// The writer's shared collection ids (write transactions only).
    let shared: SQLiteCollectionCache?
    /// Collections looked up in this transaction; given to `shared` at commit.
    private(set) var found: [CollectionName: SQLiteCollectionEntry] = [:]
    /// Collections dropped in this transaction; removed from `shared` at commit.
    private(set) var dropped: Set<CollectionName> = []
    private(set) var usedCounters = false
    /// What this transaction's writes change in the count tables, not stored yet.
    private(set) var countDeltas: SQLiteCountDeltas
    /// The rows of documents this transaction (and the earlier calls of its
    /// batch) read or wrote, kept true by every write, so that replacing a
    /// document just read needs no second read of its row (see `replaceRows`);
    /// the shared cache gets them at commit. Write transactions only.
    private(set) var rowChanges: SQLiteRowChanges
    /// The rows the writer's committed transactions left (write transactions only).
    let rowCache: SQLiteRowCache?

    /// Largest number of bound values in one `IN (...)` list.
    static let chunkSize = 500

    /// `found`, `dropped` and `countDeltas` carry over what earlier calls of the
    /// same shared transaction learnt and wrote (`SQLiteWriteQueue`), since
    /// `shared` hears of it, and the count tables get it, only at commit.
    init(
        db: Database, counters: SQLiteCounters, shared: SQLiteCollectionCache? = nil,
        found: [CollectionName: SQLiteCollectionEntry] = [:], dropped: Set<CollectionName> = [],
        countDeltas: SQLiteCountDeltas = SQLiteCountDeltas(), rowCache: SQLiteRowCache? = nil,
        rowChanges: SQLiteRowChanges = SQLiteRowChanges()
    ) {
        self.db = db
        self.counters = counters
        self.shared = shared
        self.found = found
        self.dropped = dropped
        self.countDeltas = countDeltas
        self.rowCache = rowCache
        self.rowChanges = rowChanges
    }

    /// Stores the pending count changes: before a count is read inside the
    /// transaction, and by the store before it commits.
    func flushCounts() throws {
        try countDeltas.flush(db)
    }

    // MARK: helpers

    func run<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw SQLiteErrorMapping.storeError(error)
        } catch {
            throw .failure("SQLite: \(error)")
        }
    }

    /// The id of an existing collection, or nil.
    func lookup(_ collection: CollectionName) throws -> SQLiteCollectionEntry? {
        if let cached = found[collection] { return cached }
        if !dropped.contains(collection), let cached = shared?.entry(collection) { return cached }
        let statement = try db.cachedStatement(sql: "SELECT id, is_edge FROM collections WHERE name = ?")
        guard let row = try Row.fetchOne(statement, arguments: [collection.rawValue]) else { return nil }
        let entry = SQLiteCollectionEntry(id: row[0], isEdge: (row[1] as Int64) != 0)
        found[collection] = entry
        return entry
    }

    func require(_ collection: CollectionName) throws -> SQLiteCollectionEntry {
        guard let entry = try lookup(collection) else { throw StoreError.collectionNotFound(collection.rawValue) }
        return entry
    }

    /// The JSON text of `storedBody(...)`, written without building it.
    func storedBytes(_ body: JSONObject, key: String, id: String, rev: String) -> [UInt8] {
        JSONWriter.objectBytes(
            leading: [("_key", key), ("_id", id), ("_rev", rev)], body, excluding: Document.systemAttributes)
    }

    /// A stored body: `_key`, `_id`, `_rev` first, then the attributes.
    func storedBody(_ body: JSONObject, key: String, collection: CollectionName, rev: String) -> JSONObject {
        let keys = body.keys
        if keys.count >= 3, keys[0] == "_key", keys[1] == "_id", keys[2] == "_rev",
            body.index(forKey: "_oldRev") == nil,
            body.values[0] == .string(key), body.values[1] == .string(DocumentKey.id(key, in: collection))
        {
            // A stored document changed (a status change, the usual replacement)
            // is already in stored order: only `_rev` differs, and changing a
            // value shares the copy's names and their hash table.
            var stored = body
            stored.values[2] = .string(rev)
            return stored
        }
        var stored = JSONObject()
        stored.reserveCapacity(body.count + 3)
        stored["_key"] = .string(key)
        stored["_id"] = .string(DocumentKey.id(key, in: collection))
        stored["_rev"] = .string(rev)
        for (name, value) in body where name != "_key" && name != "_id" && name != "_rev" && name != "_oldRev" {
            stored[name] = value
        }
        return stored
    }

    func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ",")
    }

    /// Fetches `(seq, body)` rows for a statement of collection `entry`.
    func fetchRows(_ sql: String, _ arguments: [any DatabaseValueConvertible], of entry: SQLiteCollectionEntry)
        throws -> [(Int64, Document)]
    {
        let raw = try SQLiteRawStatement(db, sql)
        raw.bind(arguments)
        var result: [(Int64, Document)] = []
        try raw.forEachRow { row in
            let document = try row.document(1)
            result.append((row.int64(0), document))
            remember(document, seq: row.int64(0), size: row.byteCount(1), of: entry)
        }
        return result
    }

    /// Remembers a document read in a write transaction.
    private func remember(_ document: Document, seq: Int64, size: Int, of entry: SQLiteCollectionEntry) {
        guard rowCache != nil else { return }
        let row = SQLiteCachedRow(
            seq: seq, rev: document.rev, body: document.body, isEdge: entry.isEdge, document: document, size: size)
        record(document.key, of: entry, .row(row))
    }

    /// Records in `rowChanges` what a write left of a row (write transactions only).
    private func record(_ key: String, of entry: SQLiteCollectionEntry, _ known: SQLiteRowChanges.Known) {
        guard rowCache != nil else { return }
        rowChanges.record(SQLiteRowKey(cid: entry.id, key: key), known)
    }

    /// The row of `key` as this write transaction would read it, if known
    /// without reading: from its own reads and writes, else from the shared
    /// cache of committed rows.
    private func knownRow(_ key: SQLiteRowKey) -> SQLiteCachedRow? {
        switch rowChanges.known(key) {
        case .row(let row): return row
        case .removed: return nil
        case nil: return rowChanges.trustsShared(key) ? rowCache?.row(key) : nil
        }
    }

    // MARK: StoreReader

    func document(_ key: String, in collection: CollectionName) throws(StoreError) -> Document? {
        try run {
            guard let entry = try lookup(collection) else { throw StoreError.collectionNotFound(collection.rawValue) }
            if let document = knownRow(SQLiteRowKey(cid: entry.id, key: key))?.document { return document }
            return try fetchRows(
                "SELECT seq, body FROM documents WHERE cid = ? AND key = ?", [entry.id, key], of: entry
            ).first?.1
        }
    }

    func documents(_ keys: [String], in collection: CollectionName) throws(StoreError) -> [Document] {
        try run {
            let entry = try require(collection)
            var byKey: [String: Document] = [:]
            var unique: [String] = []
            for key in Set(keys) {
                if let document = knownRow(SQLiteRowKey(cid: entry.id, key: key))?.document {
                    byKey[key] = document
                } else {
                    unique.append(key)
                }
            }
            for start in stride(from: 0, to: unique.count, by: Self.chunkSize) {
                let chunk = Array(unique[start..<min(unique.count, start + Self.chunkSize)])
                let rows = try fetchRows(
                    "SELECT seq, body FROM documents WHERE cid = ? AND key IN (\(placeholders(chunk.count)))",
                    [entry.id] + chunk, of: entry)
                for (_, document) in rows { byKey[document.key] = document }
            }
            return keys.compactMap { byKey[$0] }
        }
    }

    func find(_ query: DocumentQuery) throws(StoreError) -> QueryResult {
        try run {
            let entry = try require(query.collection)
            let (sql, arguments) = try Self.selectStatement(query)
            let documents: [Document]
            if let names = query.projectedNames {
                let statement = try db.cachedStatement(sql: sql)
                try statement.setArguments(StatementArguments([entry.id] + arguments))
                var projected: [Document] = []
                try SQLiteRawStatement(db, statement).forEachRow { row in
                    projected.append(try row.projectedDocument(from: 1, names: names))
                }
                documents = projected
            } else {
                documents = try fetchRows(sql, [entry.id] + arguments, of: entry).map(\.1)
            }
            let total = try query.countTotal ? countRows(entry, query.filters) : nil
            return QueryResult(documents: documents, totalCount: total)
        }
    }

    func count(in collection: CollectionName, where filters: [FieldPredicate]) throws(StoreError) -> Int {
        try run {
            try countRows(try require(collection), filters)
        }
    }

    /// The `SELECT` of `query` and its arguments after the collection id (the
    /// first parameter): in the query's order, or without `ORDER BY` for
    /// `anyOrder` (an existence probe then stops at the first index entry).
    /// `OFFSET` skips index entries before a row's body is read.
    static func selectStatement(_ query: DocumentQuery) throws -> (String, [any DatabaseValueConvertible]) {
        let (whereSQL, arguments) = try SQLitePredicates.clause(query.filters)
        // A projection extracts each attribute's JSON text (`->` gives NULL for an absent one).
        let columns =
            query.projectedNames.map { names in
                names.map { "body -> '$.\"\($0)\"'" }.joined(separator: ", ")
            } ?? "body"
        var sql = "SELECT seq, \(columns) FROM documents WHERE cid = ?\(whereSQL)"
        if !query.anyOrder { sql += " ORDER BY \(SQLiteOrdering.clause(query))" }
        var args = arguments
        if let limit = query.limit {
            sql += " LIMIT ? OFFSET ?"
            args += [limit, query.skip]
        } else if query.skip > 0 {
            sql += " LIMIT -1 OFFSET ?"
            args.append(query.skip)
        }
        return (sql, args)
    }

    /// The number of documents matching `filters`: from the count tables when
    /// they can answer (a whole collection, a status), with this transaction's
    /// pending changes stored first, else by counting the matching rows.
    private func countRows(_ entry: SQLiteCollectionEntry, _ filters: [FieldPredicate]) throws -> Int {
        if SQLiteDocumentCounts.statement(filters) != nil { try flushCounts() }
        if let counted = try SQLiteDocumentCounts.count(db, cid: entry.id, filters) { return counted }
        let (whereSQL, arguments) = try SQLitePredicates.clause(filters)
        let statement = try db.cachedStatement(sql: "SELECT count(*) FROM documents WHERE cid = ?\(whereSQL)")
        return try Int.fetchOne(statement, arguments: StatementArguments([entry.id] + arguments)) ?? 0
    }

    func edges(in collection: CollectionName, from handles: [String]) throws(StoreError) -> [Document] {
        try run { try edges(collection, column: "from_id", handles) }
    }

    func edges(in collection: CollectionName, to handles: [String]) throws(StoreError) -> [Document] {
        try run { try edges(collection, column: "to_id", handles) }
    }

    func edges(in collection: CollectionName, from: String, to: String) throws(StoreError) -> [Document] {
        try run {
            let entry = try require(collection)
            return try fetchRows(
                "SELECT seq, body FROM documents WHERE cid = ? AND from_id = ? AND to_id = ? ORDER BY seq",
                [entry.id, from, to], of: entry
            ).map(\.1)
        }
    }

    func edgeHandles(in collection: CollectionName) throws(StoreError) -> [EdgeHandles] {
        try run {
            let entry = try require(collection)
            let statement = try db.cachedStatement(
                sql: "SELECT from_id, to_id FROM documents WHERE cid = ? ORDER BY seq")
            let rows = try Row.fetchCursor(statement, arguments: [entry.id])
            var result: [EdgeHandles] = []
            while let row = try rows.next() {
                result.append(EdgeHandles(from: row[0] ?? "", to: row[1] ?? ""))
            }
            return result
        }
    }

    func neighbours(in collection: CollectionName, from handle: String) throws(StoreError) -> [String] {
        try run { try otherEnds(collection, select: "to_id", where: "from_id", handle) }
    }

    func neighbours(in collection: CollectionName, to handle: String) throws(StoreError) -> [String] {
        try run { try otherEnds(collection, select: "from_id", where: "to_id", handle) }
    }

    /// One column of the edges whose other column is `handle`, by the
    /// `(cid, from_id, to_id)` or `(cid, to_id)` index, in creation order.
    /// Sorted here, not by `ORDER BY seq`: with that clause SQLite prefers
    /// walking the whole collection in `seq` order to searching the edge index.
    private func otherEnds(_ collection: CollectionName, select: String, where column: String, _ handle: String)
        throws -> [String]
    {
        let entry = try require(collection)
        let statement = try SQLiteRawStatement(
            db, "SELECT seq, \(select) FROM documents WHERE cid = ? AND \(column) = ?")
        statement.bind(1, entry.id)
        statement.bind(2, handle)
        var ends: [(seq: Int64, handle: String)] = []
        try statement.forEachRow { row in ends.append((row.int64(0), row.string(1) ?? "")) }
        ends.sort { $0.seq < $1.seq } // index order is by handle; creation order is by seq
        return ends.map(\.handle)
    }

    func keys(in collection: CollectionName) throws(StoreError) -> [String] {
        try run {
            let entry = try require(collection)
            let statement = try db.cachedStatement(sql: "SELECT key FROM documents WHERE cid = ? ORDER BY seq")
            return try String.fetchAll(statement, arguments: [entry.id])
        }
    }

    private func edges(_ collection: CollectionName, column: String, _ handles: [String]) throws -> [Document] {
        let entry = try require(collection)
        let unique = Array(Set(handles))
        var rows: [(Int64, Document)] = []
        for start in stride(from: 0, to: unique.count, by: Self.chunkSize) {
            let chunk = Array(unique[start..<min(unique.count, start + Self.chunkSize)])
            rows += try fetchRows(
                "SELECT seq, body FROM documents WHERE cid = ? AND \(column) IN (\(placeholders(chunk.count)))",
                [entry.id] + chunk, of: entry)
        }
        rows.sort { $0.0 < $1.0 } // index order is by handle; creation order is by seq
        return rows.map(\.1)
    }

    func collectionExists(_ collection: CollectionName) throws(StoreError) -> Bool {
        try run { try lookup(collection) != nil }
    }

    // MARK: StoreWriter

    func createCollections(_ collections: [CollectionName]) throws(StoreError) {
        try run {
            let statement = try db.cachedStatement(
                sql: "INSERT OR IGNORE INTO collections (name, is_edge) VALUES (?, ?)")
            for collection in collections {
                guard CollectionName.isValid(collection.rawValue) else {
                    throw StoreError.failure("illegal collection name \(collection.rawValue)")
                }
                try statement.execute(arguments: [collection.rawValue, collection.isEdgeCollection ? 1 : 0])
            }
        }
    }

    func dropCollections(_ collections: [CollectionName]) throws(StoreError) {
        try run {
            let ids = try collections.compactMap { try lookup($0)?.id }
            guard !ids.isEmpty else { return }
            try db.execute(
                sql: "DELETE FROM documents WHERE cid IN (\(placeholders(ids.count)))",
                arguments: StatementArguments(ids))
            for id in ids {
                countDeltas.forget(cid: id)
                rowChanges.clearCollection(id)
            }
            try SQLiteCountDeltas.clear(db, cids: ids)
            try db.execute(
                sql: "DELETE FROM collections WHERE id IN (\(placeholders(ids.count)))",
                arguments: StatementArguments(ids))
            for collection in collections {
                found[collection] = nil
                dropped.insert(collection)
            }
        }
    }

    func insert(_ bodies: [JSONObject], into collection: CollectionName) throws(StoreError) -> [Document] {
        var stored: [Document] = []
        stored.reserveCapacity(bodies.count)
        try insertRows(bodies, into: collection) { body, key, id, rev in
            stored.append(Document(storedBody(body, key: key, collection: collection, rev: rev)))
        }
        return stored
    }

    func insertReturningIDs(_ bodies: [JSONObject], into collection: CollectionName) throws(StoreError) -> [String] {
        var ids: [String] = []
        ids.reserveCapacity(bodies.count)
        try insertRows(bodies, into: collection) { _, _, id, _ in ids.append(id) }
        return ids
    }

    /// Validates every body, then writes one row each; `stored` sees each body
    /// with the key, `_id` and revision it was given.
    private func insertRows(
        _ bodies: [JSONObject], into collection: CollectionName,
        stored: (JSONObject, String, String, String) -> Void
    ) throws(StoreError) {
        try run {
            let entry = try require(collection)
            try counters.loadIfNeeded(db)
            usedCounters = true
            // Validate everything before writing anything.
            var keys: [String] = []
            keys.reserveCapacity(bodies.count)
            var seen = Set<String>()
            for body in bodies {
                if entry.isEdge {
                    guard let from = body["_from"]?.stringValue, DocumentKey.isValidHandle(from),
                        let to = body["_to"]?.stringValue, DocumentKey.isValidHandle(to)
                    else { throw StoreError.invalidEdgeHandle }
                }
                let key: String
                if let given = body["_key"] {
                    guard case .string(let text) = given, DocumentKey.isValid(text) else {
                        throw StoreError.illegalKey(given.stringValue ?? given.description)
                    }
                    key = text
                    if let numeric = Int64(text), numeric > 0 { counters.observeKey(numeric) }
                } else {
                    key = ""
                }
                if !key.isEmpty {
                    guard seen.insert(key).inserted else {
                        throw StoreError.duplicateKey(collection: collection.rawValue, key: key)
                    }
                }
                keys.append(key)
            }
            let given = keys.filter { !$0.isEmpty }
            if !given.isEmpty, let existing = try documents(given, in: collection).first {
                throw StoreError.duplicateKey(collection: collection.rawValue, key: existing.key)
            }
            let statement = try SQLiteRawStatement(
                db,
                """
                INSERT INTO documents (cid, key, rev, body, from_id, to_id, status, name, rank) VALUES (?, ?, ?, ?, \
                ?, ?, ?, ?, ?)
                """
            )
            for (body, givenKey) in zip(bodies, keys) {
                var key = givenKey
                if key.isEmpty {
                    // The counter stays ahead of every numeric key ever inserted, so a
                    // generated key cannot collide with a stored one.
                    repeat {
                        key = String(counters.nextKey())
                    } while seen.contains(key)
                }
                let rev = counters.nextRev()
                let id = DocumentKey.id(key, in: collection)
                statement.bind(1, entry.id)
                statement.bind(2, key)
                statement.bind(3, rev)
                statement.bind(5, entry.isEdge ? body["_from"]?.stringValue : nil)
                statement.bind(6, entry.isEdge ? body["_to"]?.stringValue : nil)
                statement.bind(7, body["status"]?.stringValue)
                statement.bind(8, body["name"]?.stringValue)
                statement.bind(9, SQLiteSchema.rank(body))
                try statement.execute(binding: storedBytes(body, key: key, id: id, rev: rev), at: 4)
                countDeltas.inserted(cid: entry.id, status: body["status"]?.stringValue)
                stored(body, key, id, rev)
            }
        }
    }

    func replace(_ replacements: [DocumentReplacement], in collection: CollectionName) throws(StoreError) -> [Document]
    {
        var documents: [Document] = []
        documents.reserveCapacity(replacements.count)
        try replaceRows(replacements, in: collection) { replacement, rev in
            let document = Document(
                storedBody(replacement.body, key: replacement.key, collection: collection, rev: rev))
            documents.append(document)
            return (JSONWriter.bytes(document.json), document)
        }
        return documents
    }

    func replaceWithoutResult(_ replacements: [DocumentReplacement], in collection: CollectionName) throws(StoreError) {
        try replaceRows(replacements, in: collection) { replacement, rev in
            let bytes = storedBytes(
                replacement.body, key: replacement.key, id: DocumentKey.id(replacement.key, in: collection), rev: rev)
            return (bytes, nil)
        }
    }

    /// Writes every replacement; `serialized` gives the stored JSON text of
    /// each, and the stored document when it built one (which the row caches
    /// then keep, so the next read of the document needs no parsing).
    ///
    /// All of them or none. The rows are read first (revision, status, name,
    /// edge ends) and every replacement checked against them (the document
    /// exists, at the expected revision) before the first is written, so a
    /// failing one leaves the others unwritten without a savepoint, which would
    /// copy every page the writes touch to SQLite's sub-journal. Only a list
    /// naming one key twice, where the later check depends on the earlier
    /// write, runs under a savepoint instead. The rows read also give the old
    /// status for the counts and the row ids the UPDATEs go by.
    private func replaceRows(
        _ replacements: [DocumentReplacement], in collection: CollectionName,
        serialized: (DocumentReplacement, String) -> ([UInt8], Document?)
    ) throws(StoreError) {
        try run {
            let entry = try require(collection)
            try counters.loadIfNeeded(db)
            usedCounters = true
            if entry.isEdge {
                for replacement in replacements {
                    guard let from = replacement.body["_from"]?.stringValue, DocumentKey.isValidHandle(from),
                        let to = replacement.body["_to"]?.stringValue, DocumentKey.isValidHandle(to)
                    else { throw StoreError.invalidEdgeHandle }
                }
            }
            var rows = try storedRows(replacements.map(\.key), entry: entry)
            guard Set(rows.keys).count == replacements.count else {
                // A key named twice (or missing: the check below reports it).
                return try withSavepoint {
                    for replacement in replacements {
                        try write(replacement, rows: &rows, entry: entry, collection: collection, serialized)
                    }
                }
            }
            for replacement in replacements {
                _ = try check(replacement, rows: rows, collection: collection)
            }
            for replacement in replacements {
                try write(replacement, rows: &rows, entry: entry, collection: collection, serialized)
            }
        }
    }

    /// The rows of those of `keys` that exist, by key: those known without
    /// reading (`knownRow`), and the others read.
    private func storedRows(_ keys: [String], entry: SQLiteCollectionEntry) throws -> [String: SQLiteCachedRow] {
        var rows: [String: SQLiteCachedRow] = [:]
        rows.reserveCapacity(keys.count)
        var unknown: [String] = []
        for key in keys {
            if let row = knownRow(SQLiteRowKey(cid: entry.id, key: key)) {
                rows[key] = row
            } else {
                unknown.append(key)
            }
        }
        let columns = "SELECT key, seq, rev, status, name, from_id, to_id FROM documents WHERE cid = ? AND key"
        let unique = unknown.count <= 1 ? unknown : Array(Set(unknown))
        for start in stride(from: 0, to: unique.count, by: Self.chunkSize) {
            let chunk = unique[start..<min(unique.count, start + Self.chunkSize)]
            let statement = try SQLiteRawStatement(
                db, chunk.count == 1 ? "\(columns) = ?" : "\(columns) IN (\(placeholders(chunk.count)))")
            statement.bind(1, entry.id)
            for (offset, key) in chunk.enumerated() { statement.bind(Int32(offset + 2), key) }
            try statement.forEachRow { row in
                rows[row.string(0) ?? ""] = SQLiteCachedRow(
                    seq: row.int64(1), rev: row.string(2) ?? "", status: row.string(3), name: row.string(4),
                    from: row.string(5), to: row.string(6))
            }
        }
        return rows
    }

    /// The UPDATE of a replacement that keeps the name and edge ends, and of one that may change them.
    static let statusUpdate = "UPDATE documents SET rev = ?, body = ?, status = ?, rank = ? WHERE seq = ? AND rev = ?"
    static let fullUpdate = """
        UPDATE documents SET rev = ?, body = ?, status = ?, rank = ?, from_id = ?, to_id = ?, name = ? \
        WHERE seq = ? AND rev = ?
        """

    /// The stored row `replacement` replaces; throws when there is none or
    /// its revision is not the expected one.
    private func check(
        _ replacement: DocumentReplacement, rows: [String: SQLiteCachedRow], collection: CollectionName
    ) throws -> SQLiteCachedRow {
        guard let row = rows[replacement.key] else {
            throw StoreError.documentNotFound(collection: collection.rawValue, key: replacement.key)
        }
        if let expected = replacement.expectedRev, expected != row.rev {
            throw StoreError.conflict(collection: collection.rawValue, key: replacement.key, currentRev: row.rev)
        }
        return row
    }

    /// Checks and writes one replacement, by row id, and records its new row in `rows`.
    ///
    /// A replacement that keeps the document's `name` and edge ends (a status
    /// change, the usual case) sets only the columns that can differ: SQLite
    /// rewrites every index on a column an UPDATE assigns, even to the same
    /// value, so the name index entry of each job would otherwise be deleted
    /// and inserted again at every status change.
    private func write(
        _ replacement: DocumentReplacement, rows: inout [String: SQLiteCachedRow], entry: SQLiteCollectionEntry,
        collection: CollectionName, _ serialized: (DocumentReplacement, String) -> ([UInt8], Document?)
    ) throws {
        let row = try check(replacement, rows: rows, collection: collection)
        let rev = counters.nextRev()
        let (bytes, document) = serialized(replacement, rev)
        let new = SQLiteCachedRow(
            seq: row.seq, rev: rev, body: replacement.body, isEdge: entry.isEdge, document: document,
            size: bytes.count)
        let kept = new.name == row.name && new.from == row.from && new.to == row.to
        let statement = try SQLiteRawStatement(db, kept ? Self.statusUpdate : Self.fullUpdate)
        statement.bind(1, rev)
        statement.bind(3, new.status)
        statement.bind(4, SQLiteSchema.rank(replacement.body))
        var next: Int32 = 5
        if !kept {
            statement.bind(5, new.from)
            statement.bind(6, new.to)
            statement.bind(7, new.name)
            next = 8
        }
        statement.bind(next, row.seq)
        statement.bind(next + 1, row.rev)
        try statement.execute(binding: bytes, at: 2)
        // The row was just read by this transaction or known from the cache, at this revision.
        guard db.changesCount == 1 else {
            rowCache?.clear() // what it knew was wrong
            throw StoreError.failure("SQLite: \(collection.rawValue)/\(replacement.key) changed while it was replaced")
        }
        countDeltas.changed(cid: entry.id, from: row.status, to: new.status)
        rows[replacement.key] = new
        record(replacement.key, of: entry, .row(new))
    }

    /// Runs `body` under a savepoint: if it throws, none of its writes stay,
    /// nor what they recorded in `rowChanges`.
    private func withSavepoint(_ body: () throws -> Void) throws {
        let before = rowChanges
        try db.cachedStatement(sql: "SAVEPOINT torc_replace").execute()
        do {
            try body()
            try db.cachedStatement(sql: "RELEASE torc_replace").execute()
        } catch {
            try db.cachedStatement(sql: "ROLLBACK TO torc_replace").execute()
            try db.cachedStatement(sql: "RELEASE torc_replace").execute()
            rowChanges = before
            throw error
        }
    }

    func remove(_ keys: [String], from collection: CollectionName) throws(StoreError) -> [Document] {
        var seen = Set<String>()
        let removed = try documents(keys, in: collection).filter { seen.insert($0.key).inserted }
        try run {
            let entry = try require(collection)
            for start in stride(from: 0, to: removed.count, by: Self.chunkSize) {
                let chunk = removed[start..<min(removed.count, start + Self.chunkSize)]
                try db.execute(
                    sql: "DELETE FROM documents WHERE cid = ? AND key IN (\(placeholders(chunk.count)))",
                    arguments: StatementArguments([entry.id] + chunk.map(\.key)))
                for document in chunk {
                    countDeltas.removed(cid: entry.id, status: document["status"]?.stringValue)
                    record(document.key, of: entry, .removed)
                }
            }
        }
        return removed
    }

    func truncate(_ collection: CollectionName) throws(StoreError) {
        try run {
            let entry = try require(collection)
            try db.execute(sql: "DELETE FROM documents WHERE cid = ?", arguments: [entry.id])
            countDeltas.forget(cid: entry.id)
            rowChanges.clearCollection(entry.id)
            try SQLiteCountDeltas.clear(db, cids: [entry.id])
        }
    }

    func removeEdges(touching handles: [String], in edgeCollections: [CollectionName]) throws(StoreError) {
        try run {
            let unique = Array(Set(handles))
            guard !unique.isEmpty else { return }
            for collection in edgeCollections {
                guard let entry = try lookup(collection) else { continue }
                for start in stride(from: 0, to: unique.count, by: Self.chunkSize) {
                    let chunk = Array(unique[start..<min(unique.count, start + Self.chunkSize)])
                    let list = placeholders(chunk.count)
                    let statement = try db.cachedStatement(
                        sql: """
                            DELETE FROM documents WHERE cid = ? AND (from_id IN (\(list)) OR to_id IN (\(list))) \
                            RETURNING status
                            """)
                    try deleteCounting(statement, StatementArguments([entry.id] + chunk + chunk), cid: entry.id)
                }
            }
        }
    }

    func removeEdges(touchingCollection collection: CollectionName, in edgeCollections: [CollectionName])
        throws(StoreError)
    {
        try run {
            // Handles of the collection sort between "name/" and "name0" ('0' follows '/').
            let low = collection.rawValue + "/"
            let high = collection.rawValue + "0"
            for edgeCollection in edgeCollections {
                guard let entry = try lookup(edgeCollection) else { continue }
                let statement = try db.cachedStatement(
                    sql: """
                        DELETE FROM documents WHERE cid = ?
                        AND ((from_id >= ? AND from_id < ?) OR (to_id >= ? AND to_id < ?)) RETURNING status
                        """)
                try deleteCounting(statement, [entry.id, low, high, low, high], cid: entry.id)
            }
        }
    }

    /// Runs a `DELETE ... RETURNING status` of collection `cid` and counts what it deleted.
    private func deleteCounting(_ statement: Statement, _ arguments: StatementArguments, cid: Int64) throws {
        rowChanges.clearCollection(cid)
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        var statuses: [String?] = []
        while let row = try rows.next() { statuses.append(row[0]) }
        for status in statuses { countDeltas.removed(cid: cid, status: status) }
    }
}
