/// Runs an engine body against the answers of a `ReadBatch` and collects its
/// writes into a `WriteBatch`, so that a whole call costs two requests to a
/// remote store: one read batch, one conditional write batch.
///
/// The body is the same code that runs inside a store transaction; the
/// session only changes where reads come from and where writes go:
/// - a read the batch answered completely is served from it, with the
///   session's own earlier writes applied on top (an inserted edge is found
///   by a later edge read, a replaced job is read back in its new state);
/// - every document the body reads by key becomes an expectation (its `_rev`,
///   or its absence), so the write batch applies only if none of them changed
///   since the read. Documents found by `find` are not expectations unless
///   they are written: a query result may be a prefix of what is there, and
///   the caller decides only on what it writes;
/// - a read the batch did not cover, or a write a single batch cannot express
///   (removals, collection DDL, an insert and a replace of one collection),
///   sets `fellBack` and fails the body; the caller then runs the body again
///   inside an ordinary store transaction. So a miss costs requests, never
///   correctness.
///
/// New documents get placeholder keys and revisions (`pendingKey`/`pendingRev`);
/// `finalize` swaps them for the stored ones in the call's answer.
/// Lives for one run of one body on one thread; not shared.
public final class SnapshotSession: StoreWriter {
    private let steps: [ReadBatch.Step]
    private let answers: [ReadBatch.Answer]

    /// Documents known from the snapshot by handle (`nil`: known absent).
    private var known: [String: Document?] = [:]
    /// Edge reads answered completely: (collection, end, handle).
    private var completeEdges: Set<EdgeQuery> = []
    /// Edges of each collection from the snapshot, in answer order.
    private var snapshotEdges: [CollectionName: [Document]] = [:]
    /// Exact queries answered.
    private var finds: [DocumentQuery: QueryResult] = [:]
    private var counts: [CountQuery: Int] = [:]
    /// Collections the snapshot proved to exist.
    private var existing: Set<CollectionName> = []

    /// Documents written by the body, by handle (the latest state).
    private var written: [String: Document] = [:]
    /// Edges inserted by the body, per collection, in insertion order.
    private var insertedEdges: [CollectionName: [Document]] = [:]
    /// Collections the body wrote (their cached selections are then stale).
    private var dirty: Set<CollectionName> = []

    private var expectations: [String: String?] = [:]
    private var expectationOrder: [String] = []
    private var operations: [WriteBatch.Operation] = []
    private var operationIndex: [CollectionName: Int] = [:]
    /// Placeholder key -> index of (operation, item), for `finalize`.
    private var pendingInserts: [(collection: CollectionName, placeholder: String)] = []
    private var pendingRevs: [String: (operation: Int, item: Int)] = [:]

    private let token: String
    private var counter = 0

    /// Whether the body needed something the batch cannot give; run it in a transaction instead.
    public private(set) var fellBack = false
    /// Why, for diagnostics.
    public private(set) var fallbackReason = ""

    private struct EdgeQuery: Hashable {
        var collection: CollectionName
        var end: ReadBatch.EdgeEnd
        var handle: String
    }

    private struct CountQuery: Hashable {
        var collection: CollectionName
        var filters: [FieldPredicate]
    }

    public init(batch: ReadBatch, answers: [ReadBatch.Answer]) {
        steps = batch.steps
        self.answers = answers
        token = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        var earlier: [ReadBatch.Answer] = []
        for (step, answer) in zip(batch.steps, answers) {
            switch step {
            case .documents(let source):
                for handle in ReadBatch.resolve(source, answers: earlier) where known[handle] == nil {
                    known[handle] = .some(nil)
                }
                for document in answer.documents {
                    known[document.id] = document
                    if let (collection, _) = WriteBatch.split(document.id) { existing.insert(collection) }
                }
            case .edges(let collection, let end, let source):
                existing.insert(collection)
                for handle in ReadBatch.resolve(source, answers: earlier) {
                    completeEdges.insert(EdgeQuery(collection: collection, end: end, handle: handle))
                }
                for edge in answer.documents where known[edge.id] == nil { known[edge.id] = edge }
                var list = snapshotEdges[collection] ?? []
                var have = Set(list.map(\.id))
                list += answer.documents.filter { have.insert($0.id).inserted }
                snapshotEdges[collection] = list
            case .find(let query):
                existing.insert(query.collection)
                if case .query(let result) = answer { finds[query] = result }
                for document in answer.documents where known[document.id] == nil { known[document.id] = document }
            case .count(let collection, let filters):
                existing.insert(collection)
                if case .count(let n) = answer { counts[CountQuery(collection: collection, filters: filters)] = n }
            }
            earlier.append(answer)
        }
        // Several steps may read one edge collection: keep creation order across
        // them (generated keys are increasing decimal strings).
        for (collection, list) in snapshotEdges where list.allSatisfy({ UInt64($0.key) != nil }) {
            snapshotEdges[collection] = list.sorted { (UInt64($0.key) ?? 0) < (UInt64($1.key) ?? 0) }
        }
    }

    // MARK: outcome

    /// Whether the body wrote anything.
    public var hasWrites: Bool { !operations.isEmpty }

    /// The conditional write batch of everything the body wrote.
    public var writeBatch: WriteBatch {
        WriteBatch(
            expectations: expectationOrder.map { WriteBatch.Expectation(id: $0, rev: expectations[$0] ?? nil) },
            operations: operations)
    }

    /// The call's answer with every placeholder key, handle and revision
    /// replaced by what the store assigned.
    public func finalize(_ value: JSONValue, outcome: WriteBatch.Outcome) -> JSONValue {
        var replacements: [String: String] = [:]
        for (opIndex, operation) in operations.enumerated() {
            guard opIndex < outcome.count else { continue }
            let stored = outcome[opIndex]
            switch operation {
            case .insert(let collection, let items):
                for (item, result) in zip(items, stored) {
                    if let placeholder = item.placeholderKey {
                        replacements[placeholder] = result.key
                        replacements[DocumentKey.id(placeholder, in: collection)] = DocumentKey.id(
                            result.key, in: collection)
                    }
                    if let rev = item.body["_rev"]?.stringValue { replacements[rev] = result.rev }
                }
            case .replace(_, let items):
                for (item, result) in zip(items, stored) {
                    if let rev = item.body["_rev"]?.stringValue { replacements[rev] = result.rev }
                }
            }
        }
        return Self.substitute(value, replacements)
    }

    private static func substitute(_ value: JSONValue, _ map: [String: String]) -> JSONValue {
        switch value {
        case .string(let text): return map[text].map(JSONValue.string) ?? value
        case .array(let items): return .array(items.map { substitute($0, map) })
        case .object(let object):
            var copy = object
            for (name, member) in object { copy[name] = substitute(member, map) }
            return .object(copy)
        default: return value
        }
    }

    // MARK: plumbing

    private func miss(_ reason: String) -> StoreError {
        if !fellBack {
            fellBack = true
            fallbackReason = reason
        }
        return .failure("batched call fell back: \(reason)")
    }

    private func expect(_ id: String, _ document: Document?) {
        guard expectations[id] == nil else { return }
        expectations[id] = .some(document?.rev)
        expectationOrder.append(id)
    }

    /// The current state of a handle: written by the body, else from the snapshot.
    private func current(_ id: String) throws(StoreError) -> Document? {
        if let document = written[id] { return document }
        guard let entry = known[id] else { throw miss("document \(id) was not read") }
        expect(id, entry)
        return entry
    }

    private func nextPlaceholder() -> String {
        counter += 1
        return "pending-\(token)-\(counter)"
    }

    private func operationSlot(_ collection: CollectionName, insert: Bool) throws(StoreError) -> Int {
        if let index = operationIndex[collection] {
            switch operations[index] {
            case .insert where insert, .replace where !insert: return index
            default: throw miss("insert and replace of \(collection.rawValue) in one call")
            }
        }
        operations.append(insert ? .insert(collection, []) : .replace(collection, []))
        operationIndex[collection] = operations.count - 1
        return operations.count - 1
    }

    /// Whether a body mentions a placeholder handle anywhere but `_from`/`_to`
    /// (a write batch substitutes only those).
    private func mentionsPlaceholder(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let text): return text.contains("pending-\(token)-")
        case .array(let items): return items.contains(where: mentionsPlaceholder)
        case .object(let object): return object.values.contains(where: mentionsPlaceholder)
        default: return false
        }
    }

    // MARK: StoreReader

    public func document(_ key: String, in collection: CollectionName) throws(StoreError) -> Document? {
        try current(DocumentKey.id(key, in: collection))
    }

    public func documents(_ keys: [String], in collection: CollectionName) throws(StoreError) -> [Document] {
        var found: [Document] = []
        for key in keys {
            if let document = try current(DocumentKey.id(key, in: collection)) { found.append(document) }
        }
        return found
    }

    public func find(_ query: DocumentQuery) throws(StoreError) -> QueryResult {
        guard !dirty.contains(query.collection), let result = finds[query] else {
            throw miss("selection on \(query.collection.rawValue) was not read")
        }
        return result
    }

    public func count(in collection: CollectionName, where filters: [FieldPredicate]) throws(StoreError) -> Int {
        guard !dirty.contains(collection), let n = counts[CountQuery(collection: collection, filters: filters)] else {
            throw miss("count of \(collection.rawValue) was not read")
        }
        return n
    }

    public func edges(in collection: CollectionName, from handles: [String]) throws(StoreError) -> [Document] {
        try edges(collection, .from, handles)
    }

    public func edges(in collection: CollectionName, to handles: [String]) throws(StoreError) -> [Document] {
        try edges(collection, .to, handles)
    }

    private func edges(_ collection: CollectionName, _ end: ReadBatch.EdgeEnd, _ handles: [String]) throws(StoreError)
        -> [Document]
    {
        guard !handles.isEmpty else { return [] }
        for handle in handles where !completeEdges.contains(EdgeQuery(collection: collection, end: end, handle: handle))
        {
            throw miss("edges of \(collection.rawValue) at \(handle) were not read")
        }
        let wanted = Set(handles)
        let all = (snapshotEdges[collection] ?? []) + (insertedEdges[collection] ?? [])
        return all.filter { wanted.contains(end == .from ? $0.from : $0.to) }
    }

    public func edges(in collection: CollectionName, from: String, to: String) throws(StoreError) -> [Document] {
        let all = (snapshotEdges[collection] ?? []) + (insertedEdges[collection] ?? [])
        guard
            completeEdges.contains(EdgeQuery(collection: collection, end: .from, handle: from))
                || completeEdges.contains(EdgeQuery(collection: collection, end: .to, handle: to))
        else { throw miss("edges of \(collection.rawValue) from \(from) to \(to) were not read") }
        return all.filter { $0.from == from && $0.to == to }
    }

    public func edgeHandles(in collection: CollectionName) throws(StoreError) -> [EdgeHandles] {
        throw miss("all edges of \(collection.rawValue)")
    }

    public func keys(in collection: CollectionName) throws(StoreError) -> [String] {
        throw miss("all keys of \(collection.rawValue)")
    }

    public func collectionExists(_ collection: CollectionName) throws(StoreError) -> Bool {
        guard existing.contains(collection) else { throw miss("existence of \(collection.rawValue)") }
        return true
    }

    // MARK: StoreWriter

    public func createCollections(_ collections: [CollectionName]) throws(StoreError) {
        throw miss("collection creation")
    }

    public func dropCollections(_ collections: [CollectionName]) throws(StoreError) {
        throw miss("collection removal")
    }

    public func insert(_ bodies: [JSONObject], into collection: CollectionName) throws(StoreError) -> [Document] {
        guard !bodies.isEmpty else { return [] }
        let slot = try operationSlot(collection, insert: true)
        guard case .insert(_, var items) = operations[slot] else { return [] }
        var stored: [Document] = []
        for body in bodies {
            var clean = body
            for name in ["_id", "_rev", "_oldRev"] { clean.removeValue(forKey: name) }
            var ends = clean
            ends.removeValue(forKey: "_from")
            ends.removeValue(forKey: "_to")
            if mentionsPlaceholder(.object(ends)) { throw miss("a new document's handle stored in a body") }
            let placeholder: String?
            let key: String
            if let given = clean["_key"]?.stringValue {
                guard DocumentKey.isValid(given) else { throw .illegalKey(given) }
                let id = DocumentKey.id(given, in: collection)
                if written[id] != nil { throw .duplicateKey(collection: collection.rawValue, key: given) }
                guard let entry = known[id] else { throw miss("insert with a key not read") }
                if entry != nil { throw .duplicateKey(collection: collection.rawValue, key: given) }
                expect(id, nil)
                placeholder = nil
                key = given
            } else {
                key = nextPlaceholder()
                placeholder = key
            }
            let rev = "pending-\(token)-rev-\(counter)-\(stored.count)"
            var document = JSONObject()
            document["_key"] = .string(key)
            document["_id"] = .string(DocumentKey.id(key, in: collection))
            document["_rev"] = .string(rev)
            for (name, value) in clean where !Document.systemAttributes.contains(name) { document[name] = value }
            if let from = document["_from"], let to = document["_to"] {
                guard let f = from.stringValue, let t = to.stringValue,
                    DocumentKey.isValidHandle(f) || f.contains("pending-\(token)-"),
                    DocumentKey.isValidHandle(t) || t.contains("pending-\(token)-")
                else { throw .invalidEdgeHandle }
                insertedEdges[collection, default: []].append(Document(document))
            }
            let result = Document(document)
            written[result.id] = result
            var outgoing = clean
            outgoing["_rev"] = .string(rev) // only to recognise the revision in `finalize`; not sent
            items.append((placeholderKey: placeholder, body: outgoing))
            stored.append(result)
        }
        operations[slot] = .insert(collection, items)
        dirty.insert(collection)
        // Written, so it must exist: if it does not, the write batch fails as the insert would have.
        existing.insert(collection)
        return stored
    }

    public func replace(_ replacements: [DocumentReplacement], in collection: CollectionName) throws(StoreError)
        -> [Document]
    {
        guard !replacements.isEmpty else { return [] }
        var results: [Document] = []
        for replacement in replacements {
            let id = DocumentKey.id(replacement.key, in: collection)
            if written[id] != nil && known[id] == nil { throw miss("replacing a document inserted in the same call") }
            guard let old = try current(id) else {
                throw .documentNotFound(collection: collection.rawValue, key: replacement.key)
            }
            if let expected = replacement.expectedRev, expected != old.rev {
                throw .conflict(collection: collection.rawValue, key: replacement.key, currentRev: old.rev)
            }
            if mentionsPlaceholder(.object(replacement.body)) { throw miss("a new document's handle stored in a body") }
            counter += 1
            let rev = "pending-\(token)-rev-\(counter)"
            var document = JSONObject()
            document["_key"] = .string(replacement.key)
            document["_id"] = .string(id)
            document["_rev"] = .string(rev)
            for (name, value) in replacement.body where !Document.systemAttributes.contains(name) {
                document[name] = value
            }
            if let from = old["_from"] { document["_from"] = from }
            if let to = old["_to"] { document["_to"] = to }
            let result = Document(document)
            written[id] = result
            results.append(result)
        }
        let slot = try operationSlot(collection, insert: false)
        guard case .replace(_, var items) = operations[slot] else { return results }
        for result in results {
            var body = result.body
            body.removeValue(forKey: "_id")
            if let index = items.firstIndex(where: { $0.key == result.key }) {
                items[index] = (key: result.key, body: body)
            } else {
                items.append((key: result.key, body: body))
            }
        }
        operations[slot] = .replace(collection, items)
        dirty.insert(collection)
        return results
    }

    public func remove(_ keys: [String], from collection: CollectionName) throws(StoreError) -> [Document] {
        throw miss("removal")
    }

    public func truncate(_ collection: CollectionName) throws(StoreError) {
        throw miss("truncation")
    }

    public func removeEdges(touching handles: [String], in edgeCollections: [CollectionName]) throws(StoreError) {
        throw miss("edge removal")
    }

    public func removeEdges(touchingCollection collection: CollectionName, in edgeCollections: [CollectionName])
        throws(StoreError)
    {
        throw miss("edge removal")
    }
}
