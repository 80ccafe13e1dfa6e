import CurlHTTP
import Foundation
import TorcCore

/// The store primitives inside one ArangoDB stream transaction.
///
/// Every read and write of the engine's transaction body becomes one HTTP
/// request carrying the transaction id: document batches through the
/// document API, selections through AQL cursors with bind parameters (never
/// query text built from user input). Lives only for the duration of one
/// transaction body, on one of the backend's threads.
///
/// Collection DDL is not transactional in ArangoDB, so it is handled around
/// the transaction: collections created inside a body (a new workflow's) are
/// created at once, written outside the transaction (nobody else can know
/// them before the workflow document commits) and dropped again if the
/// transaction aborts; collections dropped inside a body are dropped after
/// the commit.
final class ArangoTransaction: StoreWriter {
    let connection: ArangoConnection
    let database: String
    /// The stream transaction and the endpoint it lives on.
    let transaction: (id: String, endpoint: Int)
    /// Collections created by this transaction (written outside it, dropped on abort).
    private var created: Set<CollectionName> = []
    /// Graphs created by this transaction (removed on abort).
    private var createdGraphs: [String] = []
    /// Collections dropped by this transaction (dropped for real after the commit).
    private var dropped: Set<CollectionName> = []
    /// Collections known to exist: those the transaction declared (its begin
    /// would have failed otherwise) and those looked up once.
    private var known: Set<CollectionName>
    /// Whether a failure was a conflict with another transaction, so that the
    /// whole body should run again on fresh data rather than fail.
    private(set) var needsRetry = false

    /// Largest number of documents sent in one batch request.
    static let batchSize = 5000

    private init(
        connection: ArangoConnection, database: String, transaction: (id: String, endpoint: Int),
        declared: Set<CollectionName>
    ) {
        self.connection = connection
        self.database = database
        self.transaction = transaction
        known = declared
    }

    // MARK: lifecycle

    /// Begins a stream transaction. `exclusive` collections serialise every
    /// transaction that declares them (also across service processes); `write`
    /// collections are shared. Reads of undeclared collections are allowed.
    static func begin(
        connection: ArangoConnection, database: String, write: [CollectionName] = [],
        exclusive: [CollectionName] = [], lockTimeout: Int
    ) throws(BeginFailure) -> ArangoTransaction {
        var fields: JSONValue = [
            "collections": [
                "write": .array(write.map { .string($0.rawValue) }),
                "exclusive": .array(exclusive.map { .string($0.rawValue) }),
            ],
            "allowImplicit": true,
            "lockTimeout": .int(Int64(lockTimeout)),
        ]
        // A write transaction commits only once ArangoDB has synced it to disk.
        if connection.configuration.durability == .full, !(write.isEmpty && exclusive.isEmpty),
            case .object(var members) = fields
        {
            members["waitForSync"] = true
            fields = .object(members)
        }
        let body = fields
        let response: ArangoResponse
        do {
            response = try connection.request(.post, database: database, "/_api/transaction/begin", body: body)
        } catch {
            throw BeginFailure(error: error, retryable: false)
        }
        guard response.isSuccess, let id = response.body["result"]?["id"]?.stringValue else {
            throw BeginFailure(
                error: ArangoErrorMapping.storeError(response, collection: database),
                retryable: ArangoErrorMapping.retryable.contains(response.errorNum))
        }
        return ArangoTransaction(
            connection: connection, database: database, transaction: (id, response.endpoint),
            declared: Set(write + exclusive))
    }

    /// Why a transaction could not begin; `retryable` when another transaction
    /// held its locks (lock timeout), so that beginning again later can succeed.
    struct BeginFailure: Error {
        var error: StoreError
        var retryable: Bool
    }

    /// Commits, then carries out the drops the body asked for.
    func commit() throws(StoreError) {
        let response = try connection.request(
            .put, database: database, "/_api/transaction/\(transaction.id)")
        guard response.isSuccess else {
            if ArangoErrorMapping.retryable.contains(response.errorNum) { needsRetry = true }
            throw ArangoErrorMapping.storeError(response)
        }
        let drops = dropped
        if !drops.isEmpty { dropNow(drops) }
    }

    /// Aborts, and removes what the body created outside the transaction.
    func abort() {
        _ = try? connection.request(.delete, database: database, "/_api/transaction/\(transaction.id)")
        for graph in createdGraphs {
            _ = try? connection.request(.delete, database: database, "/_api/gharial/\(graph)")
        }
        if !created.isEmpty { dropNow(created) }
    }

    private func dropNow(_ collections: Set<CollectionName>) {
        var graphs: Set<String> = []
        for collection in collections {
            if let (base, workflow) = collection.baseAndWorkflow, ArangoLayout.graphMembers.contains(base) {
                graphs.insert(WorkflowCollection.graphName(workflow: workflow))
            }
        }
        for graph in graphs.sorted() {
            _ = try? connection.request(.delete, database: database, "/_api/gharial/\(graph)")
        }
        for collection in collections.sorted() {
            _ = try? connection.request(.delete, database: database, "/_api/collection/\(collection.rawValue)")
        }
    }

    // MARK: plumbing

    /// The transaction a request on `collection` joins: none for collections this body created.
    private func route(_ collection: CollectionName) throws(StoreError) -> (id: String, endpoint: Int)? {
        if dropped.contains(collection) { throw .collectionNotFound(collection.rawValue) }
        return created.contains(collection) ? nil : transaction
    }

    private func fail(_ response: ArangoResponse, _ collection: CollectionName, key: String = "") -> StoreError {
        if ArangoErrorMapping.retryable.contains(response.errorNum) { needsRetry = true }
        return ArangoErrorMapping.storeError(response, collection: collection.rawValue, key: key)
    }

    /// Runs an AQL query on `collection` and returns every result, following the cursor.
    private func query(
        _ aql: String, _ bindVars: JSONObject, on collection: CollectionName, fullCount: Bool = false
    ) throws(StoreError) -> (results: [JSONValue], fullCount: Int?) {
        let trx = try route(collection)
        var body: JSONObject = ["query": .string(aql), "bindVars": .object(bindVars), "batchSize": 10000]
        if fullCount { body["options"] = ["fullCount": true] }
        var response = try connection.request(
            .post, database: database, "/_api/cursor", body: .object(body), transaction: trx)
        guard response.isSuccess else { throw fail(response, collection) }
        var results: [JSONValue] = response.body["result"]?.arrayValue ?? []
        let total = response.body["extra"]?["stats"]?["fullCount"]?.intValue.map(Int.init)
        while response.body["hasMore"]?.boolValue == true, let id = response.body["id"]?.stringValue {
            response = try connection.request(.put, database: database, "/_api/cursor/\(id)", transaction: trx)
            guard response.isSuccess else { throw fail(response, collection) }
            results.append(contentsOf: response.body["result"]?.arrayValue ?? [])
        }
        return (results, total)
    }

    /// A document as read from ArangoDB, with `_key`, `_id`, `_rev` first like the other backends.
    private func document(from value: JSONValue) throws(StoreError) -> Document {
        guard case .object(let stored) = value else {
            throw .failure("ArangoDB returned a document that is not an object")
        }
        return Document(Self.ordered(stored))
    }

    static func ordered(_ stored: JSONObject) -> JSONObject {
        var body = JSONObject()
        body.reserveCapacity(stored.count)
        for name in ["_key", "_id", "_rev"] { if let value = stored[name] { body[name] = value } }
        for (name, value) in stored where name != "_key" && name != "_id" && name != "_rev" { body[name] = value }
        return body
    }

    /// A body as sent to ArangoDB: without the attributes the store sets.
    private static func outgoing(_ body: JSONObject) -> JSONObject {
        var clean = body
        clean.removeValue(forKey: "_id")
        clean.removeValue(forKey: "_rev")
        clean.removeValue(forKey: "_oldRev")
        return clean
    }

    /// The stored form of a body after a write: `_key`, `_id`, `_rev`, then the attributes.
    private static func stored(_ body: JSONObject, key: String, collection: CollectionName, rev: String) -> Document {
        var stored = JSONObject()
        stored.reserveCapacity(body.count + 3)
        stored["_key"] = .string(key)
        stored["_id"] = .string(DocumentKey.id(key, in: collection))
        stored["_rev"] = .string(rev)
        for (name, value) in body where !Document.systemAttributes.contains(name) { stored[name] = value }
        return Document(stored)
    }

    private static func path(_ collection: CollectionName) -> String { "/_api/document/\(collection.rawValue)" }

    // MARK: StoreReader

    func document(_ key: String, in collection: CollectionName) throws(StoreError) -> Document? {
        guard DocumentKey.isValid(key) else { return nil }
        let response = try connection.request(
            .get, database: database, Self.path(collection) + "/" + ArangoConnection.escape(key),
            transaction: try route(collection))
        if response.status == 404 && response.errorNum == 1202 { return nil }
        guard response.isSuccess else { throw fail(response, collection, key: key) }
        return try document(from: response.body)
    }

    func documents(_ keys: [String], in collection: CollectionName) throws(StoreError) -> [Document] {
        let valid = keys.filter(DocumentKey.isValid)
        guard !valid.isEmpty else { return [] }
        var found: [Document] = []
        found.reserveCapacity(valid.count)
        for start in stride(from: 0, to: valid.count, by: Self.batchSize) {
            let chunk = valid[start..<min(valid.count, start + Self.batchSize)]
            let response = try connection.request(
                .put, database: database, Self.path(collection), query: [("onlyget", "true")],
                body: .array(chunk.map { .string($0) }), transaction: try route(collection))
            guard response.isSuccess, let items = response.body.arrayValue else { throw fail(response, collection) }
            for item in items where item["error"]?.boolValue != true {
                found.append(try document(from: item))
            }
        }
        return found
    }

    func find(_ query: DocumentQuery) throws(StoreError) -> QueryResult {
        var bind = JSONObject()
        let (select, limited) = ArangoAQL.select(query, bind: &bind)
        let d = ArangoAQL.projection(query, variable: "d", bind: &bind)
        if query.countTotal && limited && query.filters.isEmpty {
            // A page of a whole collection: its total is the collection's count,
            // which ArangoDB keeps, instead of a full count of the selection.
            let aql = "RETURN { d: (\(select) RETURN \(d)), t: LENGTH(@@c) }"
            let answer = try self.query(aql, bind, on: query.collection).results.first ?? [:]
            var documents: [Document] = []
            for value in answer["d"]?.arrayValue ?? [] { documents.append(try document(from: value)) }
            return QueryResult(documents: documents, totalCount: Int(answer["t"]?.intValue ?? 0))
        }
        let aql = select + " RETURN \(d)"
        let answer = try self.query(aql, bind, on: query.collection, fullCount: query.countTotal && limited)
        var documents: [Document] = []
        documents.reserveCapacity(answer.results.count)
        for value in answer.results { documents.append(try document(from: value)) }
        let total = query.countTotal ? (limited ? answer.fullCount ?? documents.count : documents.count) : nil
        return QueryResult(documents: documents, totalCount: total)
    }

    func count(in collection: CollectionName, where filters: [FieldPredicate]) throws(StoreError) -> Int {
        var bind: JSONObject = ["@c": .string(collection.rawValue)]
        let aql: String
        if filters.isEmpty {
            aql = "RETURN LENGTH(@@c)"
        } else {
            aql =
                "FOR d IN @@c" + ArangoAQL.filter(filters, variable: "d", bind: &bind)
                + " COLLECT WITH COUNT INTO n RETURN n"
        }
        let answer = try query(aql, bind, on: collection)
        return Int(answer.results.first?.intValue ?? 0)
    }

    func edges(in collection: CollectionName, from handles: [String]) throws(StoreError) -> [Document] {
        try edges(in: collection, attribute: "_from", handles)
    }

    func edges(in collection: CollectionName, to handles: [String]) throws(StoreError) -> [Document] {
        try edges(in: collection, attribute: "_to", handles)
    }

    private func edges(in collection: CollectionName, attribute: String, _ handles: [String]) throws(StoreError)
        -> [Document]
    {
        guard !handles.isEmpty else { return [] }
        // One handle: an equality the edge index answers; several: one IN over the edge index.
        let condition = handles.count == 1 ? "e.\(attribute) == @h" : "e.\(attribute) IN @h"
        let bind: JSONObject = [
            "@c": .string(collection.rawValue),
            "h": handles.count == 1 ? .string(handles[0]) : .array(handles.map { .string($0) }),
        ]
        return try query("FOR e IN @@c FILTER \(condition) RETURN e", bind, on: collection).results.map {
            value throws(StoreError) in try document(from: value)
        }
    }

    func edges(in collection: CollectionName, from: String, to: String) throws(StoreError) -> [Document] {
        let bind: JSONObject = ["@c": .string(collection.rawValue), "f": .string(from), "t": .string(to)]
        return try query("FOR e IN @@c FILTER e._from == @f FILTER e._to == @t RETURN e", bind, on: collection)
            .results.map { value throws(StoreError) in try document(from: value) }
    }

    func edgeHandles(in collection: CollectionName) throws(StoreError) -> [EdgeHandles] {
        let bind: JSONObject = ["@c": .string(collection.rawValue)]
        return try query("FOR e IN @@c RETURN [e._from, e._to]", bind, on: collection).results.map { pair in
            EdgeHandles(from: pair.arrayValue?.first?.stringValue ?? "", to: pair.arrayValue?.last?.stringValue ?? "")
        }
    }

    func neighbours(in collection: CollectionName, from handle: String) throws(StoreError) -> [String] {
        try otherEnds(in: collection, select: "_to", where: "_from", handle)
    }

    func neighbours(in collection: CollectionName, to handle: String) throws(StoreError) -> [String] {
        try otherEnds(in: collection, select: "_from", where: "_to", handle)
    }

    /// One end of the edges whose other end is `handle`: an equality the edge
    /// index answers, returning only the handle, not the edge document.
    private func otherEnds(in collection: CollectionName, select: String, where attribute: String, _ handle: String)
        throws(StoreError) -> [String]
    {
        let bind: JSONObject = ["@c": .string(collection.rawValue), "h": .string(handle)]
        return try query("FOR e IN @@c FILTER e.\(attribute) == @h RETURN e.\(select)", bind, on: collection)
            .results.compactMap(\.stringValue)
    }

    func keys(in collection: CollectionName) throws(StoreError) -> [String] {
        let bind: JSONObject = ["@c": .string(collection.rawValue)]
        return try query("FOR d IN @@c RETURN d._key", bind, on: collection).results.compactMap(\.stringValue)
    }

    func collectionExists(_ collection: CollectionName) throws(StoreError) -> Bool {
        if dropped.contains(collection) { return false }
        if created.contains(collection) || known.contains(collection) { return true }
        let response = try connection.request(.get, database: database, "/_api/collection/\(collection.rawValue)")
        if response.status == 404 { return false }
        guard response.isSuccess else { throw fail(response, collection) }
        known.insert(collection)
        return true
    }

    // MARK: StoreWriter

    func createCollections(_ collections: [CollectionName]) throws(StoreError) {
        let wanted = collections.filter { !created.contains($0) }
        guard !wanted.isEmpty else { return }
        dropped.subtract(wanted)
        let existing = try existingCollections()
        var missing = wanted.filter { !existing.contains($0.rawValue) }
        guard !missing.isEmpty else { return }
        // A workflow's graph creates its 21 graph collections with it, as the original did.
        let workflows = Set(missing.compactMap { $0.baseAndWorkflow?.workflow })
        for workflow in workflows.sorted() {
            let members = ArangoLayout.graphMembers.map { CollectionName($0, workflow: workflow) }
            guard members.allSatisfy(wanted.contains) else { continue }
            let response = try connection.request(
                .post, database: database, "/_api/gharial", body: ArangoLayout.workflowGraph(workflow))
            if response.isSuccess {
                createdGraphs.append(WorkflowCollection.graphName(workflow: workflow))
            } else if response.errorNum != 1925 { // graph already exists
                throw fail(response, CollectionName(WorkflowCollection.graphName(workflow: workflow)))
            }
            let nowExisting = try existingCollections()
            for member in members where !existing.contains(member.rawValue) && nowExisting.contains(member.rawValue) {
                created.insert(member)
            }
            missing.removeAll { nowExisting.contains($0.rawValue) }
        }
        for collection in missing {
            let body: JSONValue = [
                "name": .string(collection.rawValue), "type": .int(Int64(ArangoLayout.type(of: collection))),
            ]
            let response = try connection.request(.post, database: database, "/_api/collection", body: body)
            if response.isSuccess {
                created.insert(collection)
            } else if response.errorNum != 1207 { // created concurrently by somebody else
                throw fail(response, collection)
            }
        }
        for collection in wanted where created.contains(collection) {
            guard let base = collection.baseAndWorkflow?.base else { continue }
            for fields in ArangoLayout.indexes(for: base) {
                let body: JSONValue = ["type": "persistent", "fields": .array(fields.map { .string($0) })]
                let response = try connection.request(
                    .post, database: database, "/_api/index", query: [("collection", collection.rawValue)], body: body)
                guard response.isSuccess else { throw fail(response, collection) }
            }
        }
    }

    /// The names of the database's non-system collections.
    private func existingCollections() throws(StoreError) -> Set<String> {
        let response = try connection.request(
            .get, database: database, "/_api/collection", query: [("excludeSystem", "true")])
        guard response.isSuccess else { throw ArangoErrorMapping.storeError(response, collection: database) }
        return Set((response.body["result"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue })
    }

    func dropCollections(_ collections: [CollectionName]) throws(StoreError) {
        dropped.formUnion(collections)
    }

    func insert(_ bodies: [JSONObject], into collection: CollectionName) throws(StoreError) -> [Document] {
        guard !bodies.isEmpty else { return [] }
        let trx = try route(collection)
        var documents: [Document] = []
        documents.reserveCapacity(bodies.count)
        for start in stride(from: 0, to: bodies.count, by: Self.batchSize) {
            let chunk = bodies[start..<min(bodies.count, start + Self.batchSize)].map(Self.outgoing)
            let response = try connection.request(
                .post, database: database, Self.path(collection), body: .array(chunk.map { .object($0) }),
                transaction: trx)
            guard response.isSuccess, let items = response.body.arrayValue, items.count == chunk.count else {
                throw fail(response, collection)
            }
            for (body, item) in zip(chunk, items) {
                if item["error"]?.boolValue == true {
                    throw itemFailure(item, collection, key: body["_key"]?.stringValue ?? "")
                }
                guard let key = item["_key"]?.stringValue, let rev = item["_rev"]?.stringValue else {
                    throw .failure("ArangoDB did not return the key of an inserted document")
                }
                documents.append(Self.stored(body, key: key, collection: collection, rev: rev))
            }
        }
        return documents
    }

    private func itemFailure(_ item: JSONValue, _ collection: CollectionName, key: String) -> StoreError {
        let errorNum = Int(item["errorNum"]?.intValue ?? 0)
        if ArangoErrorMapping.retryable.contains(errorNum) { needsRetry = true }
        return ArangoErrorMapping.storeError(
            errorNum: errorNum, message: item["errorMessage"]?.stringValue ?? "", status: 400,
            collection: collection.rawValue, key: key)
    }

    func replace(_ replacements: [DocumentReplacement], in collection: CollectionName) throws(StoreError)
        -> [Document]
    {
        guard !replacements.isEmpty else { return [] }
        let trx = try route(collection)
        var documents: [Document] = []
        documents.reserveCapacity(replacements.count)
        for start in stride(from: 0, to: replacements.count, by: Self.batchSize) {
            let chunk = replacements[start..<min(replacements.count, start + Self.batchSize)]
            let bodies: [JSONValue] = chunk.map { replacement in
                var body = Self.outgoing(replacement.body)
                body["_key"] = .string(replacement.key)
                if let rev = replacement.expectedRev { body["_rev"] = .string(rev) }
                return .object(body)
            }
            let response = try connection.request(
                .put, database: database, Self.path(collection), query: [("ignoreRevs", "false")],
                body: .array(bodies), transaction: trx)
            guard response.isSuccess, let items = response.body.arrayValue, items.count == chunk.count else {
                throw fail(response, collection)
            }
            for (replacement, item) in zip(chunk, items) {
                if item["error"]?.boolValue == true {
                    throw try replaceFailure(item, replacement, collection)
                }
                guard let rev = item["_rev"]?.stringValue else {
                    throw .failure("ArangoDB did not return the revision of a replaced document")
                }
                documents.append(Self.stored(replacement.body, key: replacement.key, collection: collection, rev: rev))
            }
        }
        return documents
    }

    /// Tells a stale expected revision (the caller's conflict) from a write
    /// conflict with another transaction (run the body again): both are 1200.
    private func replaceFailure(_ item: JSONValue, _ replacement: DocumentReplacement, _ collection: CollectionName)
        throws(StoreError) -> StoreError
    {
        let errorNum = Int(item["errorNum"]?.intValue ?? 0)
        guard errorNum == 1200, let expected = replacement.expectedRev else {
            return itemFailure(item, collection, key: replacement.key)
        }
        guard let current = try document(replacement.key, in: collection) else {
            return .documentNotFound(collection: collection.rawValue, key: replacement.key)
        }
        if current.rev != expected {
            return .conflict(collection: collection.rawValue, key: replacement.key, currentRev: current.rev)
        }
        needsRetry = true
        return .unavailable("write conflict on \(collection.rawValue)/\(replacement.key)")
    }

    func remove(_ keys: [String], from collection: CollectionName) throws(StoreError) -> [Document] {
        let valid = keys.filter(DocumentKey.isValid)
        guard !valid.isEmpty else { return [] }
        let trx = try route(collection)
        var removed: [Document] = []
        for start in stride(from: 0, to: valid.count, by: Self.batchSize) {
            let chunk = valid[start..<min(valid.count, start + Self.batchSize)]
            let response = try connection.request(
                .delete, database: database, Self.path(collection), query: [("returnOld", "true")],
                body: .array(chunk.map { .string($0) }), transaction: trx)
            guard response.isSuccess, let items = response.body.arrayValue else { throw fail(response, collection) }
            for (key, item) in zip(chunk, items) {
                if item["error"]?.boolValue == true {
                    if item["errorNum"]?.intValue == 1202 { continue }
                    throw itemFailure(item, collection, key: key)
                }
                if let old = item["old"] { removed.append(try document(from: old)) }
            }
        }
        return removed
    }

    func truncate(_ collection: CollectionName) throws(StoreError) {
        _ = try query("FOR d IN @@c REMOVE d IN @@c", ["@c": .string(collection.rawValue)], on: collection)
    }

    func removeEdges(touching handles: [String], in edgeCollections: [CollectionName]) throws(StoreError) {
        guard !handles.isEmpty else { return }
        try removeEdges(
            in: edgeCollections, condition: "e._from IN @h OR e._to IN @h",
            bind: ["h": .array(handles.map { .string($0) })])
    }

    func removeEdges(touchingCollection collection: CollectionName, in edgeCollections: [CollectionName])
        throws(StoreError)
    {
        try removeEdges(
            in: edgeCollections, condition: "STARTS_WITH(e._from, @p) OR STARTS_WITH(e._to, @p)",
            bind: ["p": .string(collection.rawValue + "/")])
    }

    /// One query per group of edge collections (those in the transaction,
    /// those this body created), each collection in its own subquery.
    private func removeEdges(in edgeCollections: [CollectionName], condition: String, bind: JSONObject)
        throws(StoreError)
    {
        let live = edgeCollections.filter { !dropped.contains($0) }
        for group in [live.filter { !created.contains($0) }, live.filter { created.contains($0) }] where !group.isEmpty
        {
            var parameters = bind
            var aql = ""
            for (index, collection) in group.enumerated() {
                parameters["@c\(index)"] = .string(collection.rawValue)
                aql += "LET r\(index) = (FOR e IN @@c\(index) FILTER \(condition) REMOVE e IN @@c\(index)) "
            }
            aql += "RETURN true"
            _ = try query(aql, parameters, on: group[0])
        }
    }
}
