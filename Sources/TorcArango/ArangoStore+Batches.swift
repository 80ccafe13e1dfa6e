import CurlHTTP
import Foundation
import TorcCore

/// Batched calls on ArangoDB: a read batch is one AQL query, a write batch is
/// one AQL query that validates and then writes. Neither runs in a stream
/// transaction, so no lock is held between requests: a query takes its
/// locks when it starts and releases them when it ends, on the server,
/// before the answer travels back (see docs/arangodb-concurrency.md).
extension ArangoStore {
    public var batchesCalls: Bool { connection.configuration.batchedCalls }

    public func read(batch: ReadBatch) async throws -> [ReadBatch.Answer] {
        try await connection.threads.run { [self] in
            let (aql, bind) = ArangoBatchQuery.read(batch)
            let rows = try cursor(aql, bind)
            guard let values = rows.first?.arrayValue, values.count == batch.steps.count else {
                throw StoreError.failure("ArangoDB answered a read batch with an unexpected shape")
            }
            return try zip(batch.steps, values).map { step, value throws(StoreError) in
                try ArangoBatchQuery.answer(step, value)
            }
        }
    }

    public func apply(_ batch: WriteBatch, scope: WriteScope) async throws -> WriteBatch.Outcome {
        guard !batch.operations.isEmpty else { return [] }
        return try await connection.threads.run { [self] in
            let (aql, bind) = ArangoBatchQuery.write(batch)
            let response = try connection.request(
                .post, database: database, "/_api/cursor", body: ["query": .string(aql), "bindVars": .object(bind)])
            guard response.isSuccess else {
                if response.errorNum == 1569, let range = response.errorMessage.range(of: ArangoBatchQuery.staleMarker)
                {
                    throw WriteBatchStale(id: String(response.errorMessage[range.upperBound...]).trimmingPrefixSpaces)
                }
                // Another writer got there first (write-write conflict, lock
                // timeout): nothing was written; the caller reads again.
                if ArangoErrorMapping.retryable.contains(response.errorNum) { throw WriteBatchStale(id: "") }
                throw ArangoErrorMapping.storeError(
                    response, collection: batch.operations.first?.collection.rawValue ?? database)
            }
            guard let rows = response.body["result"]?.arrayValue?.first?.arrayValue,
                rows.count == batch.operations.count
            else { throw StoreError.failure("ArangoDB answered a write batch with an unexpected shape") }
            var outcome: WriteBatch.Outcome = []
            for written in rows {
                var stored: [(key: String, rev: String)] = []
                for pair in written.arrayValue ?? [] {
                    let fields = pair.arrayValue ?? []
                    stored.append(
                        (key: fields.first?.stringValue ?? "", rev: fields.dropFirst().first?.stringValue ?? ""))
                }
                outcome.append(stored)
            }
            return outcome
        }
    }

    /// One standalone AQL query (its own transaction), every result row.
    private func cursor(_ aql: String, _ bind: JSONObject) throws(StoreError) -> [JSONValue] {
        var response = try connection.request(
            .post, database: database, "/_api/cursor",
            body: ["query": .string(aql), "bindVars": .object(bind), "batchSize": 1000])
        guard response.isSuccess else { throw ArangoErrorMapping.storeError(response, collection: database) }
        var rows = response.body["result"]?.arrayValue ?? []
        while response.body["hasMore"]?.boolValue == true, let id = response.body["id"]?.stringValue {
            response = try connection.request(.put, database: database, "/_api/cursor/\(id)")
            guard response.isSuccess else { throw ArangoErrorMapping.storeError(response, collection: database) }
            rows += response.body["result"]?.arrayValue ?? []
        }
        return rows
    }
}

extension String {
    fileprivate var trimmingPrefixSpaces: String { String(drop { $0 == " " }) }
}

/// The AQL text of batches. Values travel as bind parameters; only step
/// numbers and attribute paths checked by `FieldPredicate` are in the text.
enum ArangoBatchQuery {
    /// Starts the message of the `FAIL` that rejects a stale write batch.
    static let staleMarker = "torc-write-batch-stale:"

    /// `LET s0 = (...) LET s1 = (...) ... RETURN [s0, s1, ...]`.
    static func read(_ batch: ReadBatch) -> (String, JSONObject) {
        var bind = JSONObject()
        var text = ""
        for (index, step) in batch.steps.enumerated() {
            let s = "s\(index)"
            switch step {
            case .documents(let source):
                text += "LET \(s) = (FOR d IN DOCUMENT(\(handles(source, index, batch.steps, &bind))) RETURN d) "
            case .edges(let collection, let end, let source):
                bind["@c\(index)"] = .string(collection.rawValue)
                let attribute = end == .from ? "_from" : "_to"
                // One equality lookup in the edge index per handle (an `IN` list may be scanned).
                text +=
                    "LET \(s) = (FOR h IN \(handles(source, index, batch.steps, &bind)) "
                    + "FOR e IN @@c\(index) FILTER e.\(attribute) == h RETURN e) "
            case .find(let query):
                let (select, limited) = ArangoAQL.select(query, bind: &bind, suffix: "\(index)")
                let d = ArangoAQL.projection(query, variable: "d", bind: &bind, suffix: "\(index)")
                if query.countTotal && limited && query.filters.isEmpty {
                    // A page of a whole collection: the total is the collection's count, which ArangoDB keeps.
                    text += "LET \(s) = { d: (\(select) RETURN \(d)), t: LENGTH(@@c\(index)) } "
                } else if query.countTotal && limited {
                    // The total of every match: the same selection without its LIMIT.
                    var all = query
                    all.skip = 0
                    all.limit = nil
                    let (every, _) = ArangoAQL.select(all, bind: &bind, suffix: "\(index)t")
                    text += "LET \(s) = { d: (\(select) RETURN \(d)), t: LENGTH(\(every) RETURN 1) } "
                } else {
                    text += "LET \(s) = { d: (\(select) RETURN \(d)) } "
                }
            case .count(let collection, let filters):
                bind["@c\(index)"] = .string(collection.rawValue)
                if filters.isEmpty {
                    text += "LET \(s) = LENGTH(@@c\(index)) "
                } else {
                    let filter = ArangoAQL.filter(filters, variable: "d", bind: &bind, prefix: "f\(index)_")
                    text += "LET \(s) = LENGTH(FOR d IN @@c\(index)\(filter) RETURN 1) "
                }
            }
        }
        text += "RETURN [" + batch.steps.indices.map { "s\($0)" }.joined(separator: ", ") + "]"
        return (text, bind)
    }

    private static func handles(
        _ source: ReadBatch.Handles, _ index: Int, _ steps: [ReadBatch.Step], _ bind: inout JSONObject
    ) -> String {
        /// A find step's documents are under `d` (beside its total).
        func documents(_ step: Int) -> String {
            if step < steps.count, case .find = steps[step] { return "s\(step).d" }
            return "s\(step)"
        }
        switch source {
        case .literal(let list):
            bind["h\(index)"] = .array(list.map { .string($0) })
            return "@h\(index)"
        case .ids(let step):
            return "UNIQUE(\(documents(step))[*]._id)"
        case .ends(let step, let end):
            return "UNIQUE(\(documents(step))[*].\(end == .from ? "_from" : "_to"))"
        }
    }

    static func answer(_ step: ReadBatch.Step, _ value: JSONValue) throws(StoreError) -> ReadBatch.Answer {
        switch step {
        case .documents:
            return .documents(try documents(value))
        case .edges:
            return .documents(creationOrder(try documents(value)))
        case .find(let query):
            let found = try documents(value["d"] ?? .array([]))
            let total: Int? = query.countTotal ? (value["t"]?.intValue.map(Int.init) ?? found.count) : nil
            return .query(QueryResult(documents: found, totalCount: total))
        case .count:
            return .count(Int(value.intValue ?? 0))
        }
    }

    /// Edges come back grouped by handle; the store's contract is creation
    /// order, which generated keys (increasing decimal strings) give back.
    private static func creationOrder(_ edges: [Document]) -> [Document] {
        guard edges.allSatisfy({ UInt64($0.key) != nil }) else { return edges }
        return edges.enumerated().sorted { a, b in
            let (x, y) = (UInt64(a.element.key) ?? 0, UInt64(b.element.key) ?? 0)
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
    }

    private static func documents(_ value: JSONValue) throws(StoreError) -> [Document] {
        guard let items = value.arrayValue else { throw .failure("ArangoDB answered a read step that is not a list") }
        var documents: [Document] = []
        documents.reserveCapacity(items.count)
        for item in items {
            guard case .object(let stored) = item else { continue }
            documents.append(Document(ArangoTransaction.ordered(stored)))
        }
        return documents
    }

    /// Validation first, then one modification per collection, each
    /// conditional on the validation (`FILTER ok`), so a stale batch writes
    /// nothing. Jobs collections are modified with a literal
    /// `OPTIONS { exclusive: true }`: writers of one workflow's jobs run one
    /// at a time, and each validates against the previous one's commit.
    static func write(_ batch: WriteBatch) -> (String, JSONObject) {
        var bind: JSONObject = [
            "expect": .array(
                batch.expectations.map { ["id": .string($0.id), "rev": $0.rev.map(JSONValue.string) ?? .null] })
        ]
        var text =
            "LET stale = (FOR x IN @expect LET d = DOCUMENT(x.id) "
            + "FILTER (d == null ? null : d._rev) != x.rev LIMIT 1 RETURN x.id) "
            + "LET ok = LENGTH(stale) == 0 || FAIL(CONCAT(\"\(staleMarker) \", stale[0])) "
            + "LET m = {} "
        var map = "m"
        for (index, operation) in batch.operations.enumerated() {
            let collection = operation.collection
            bind["@c\(index)"] = .string(collection.rawValue)
            let exclusive = collection.baseAndWorkflow?.base == .jobs ? " OPTIONS { exclusive: true }" : ""
            switch operation {
            case .insert(_, let items):
                bind["b\(index)"] = .array(items.map { .object($0.body) })
                bind["p\(index)"] = .array(
                    items.map { item in
                        item.placeholderKey.map { .string(DocumentKey.id($0, in: collection)) }
                            ?? .string("\u{1}\(index)-\(item.body["_key"]?.stringValue ?? "")")
                    })
                let isEdge = items.contains { $0.body["_from"] != nil }
                let body =
                    isEdge
                    ? "MERGE(UNSET(b, \"_rev\"), { _from: HAS(\(map), b._from) ? \(map)[b._from] : b._from, "
                        + "_to: HAS(\(map), b._to) ? \(map)[b._to] : b._to })"
                    : "UNSET(b, \"_rev\")"
                text +=
                    "LET w\(index) = (FOR b IN @b\(index) FILTER ok INSERT \(body) INTO @@c\(index)\(exclusive) "
                    + "RETURN [NEW._key, NEW._rev, NEW._id]) "
                text += "LET m\(index) = MERGE(\(map), ZIP(@p\(index), w\(index)[*][2])) "
                map = "m\(index)"
            case .replace(_, let items):
                bind["b\(index)"] = .array(
                    items.map { item in
                        var body = item.body
                        body["_key"] = .string(item.key)
                        return .object(body)
                    })
                text +=
                    "LET w\(index) = (FOR b IN @b\(index) FILTER ok REPLACE UNSET(b, \"_rev\", \"_id\") "
                    + "IN @@c\(index)\(exclusive) RETURN [NEW._key, NEW._rev]) "
            }
        }
        text += "RETURN [" + batch.operations.indices.map { "w\($0)" }.joined(separator: ", ") + "]"
        return (text, bind)
    }
}
