/// Writes to apply only if the documents they were computed from are
/// unchanged: the second half of a batched call (see `SnapshotSession`).
///
/// A backend applies a batch atomically: it first checks every expectation
/// (a document still has the revision read, or is still absent) and, if one
/// fails, writes nothing and throws `WriteBatchStale`; otherwise it applies
/// the operations in order. On ArangoDB that is one AQL query that validates
/// and then writes; on SQLite one write transaction.
public struct WriteBatch: Sendable {
    /// A document's state when it was read: its `_rev`, or `nil` when it did not exist.
    public struct Expectation: Sendable, Hashable {
        public var id: String
        public var rev: String?

        public init(id: String, rev: String?) {
            self.id = id
            self.rev = rev
        }
    }

    /// One operation on one collection.
    public enum Operation: Sendable {
        /// Inserts the bodies. A body without `_key` gets a generated key; its
        /// placeholder handle (`collection/placeholderKey`) may appear as
        /// `_from` or `_to` of edges inserted by a later operation of the batch,
        /// and is replaced by the real handle.
        case insert(CollectionName, [(placeholderKey: String?, body: JSONObject)])
        /// Replaces whole bodies by key (revisions are covered by the expectations).
        case replace(CollectionName, [(key: String, body: JSONObject)])

        public var collection: CollectionName {
            switch self {
            case .insert(let collection, _), .replace(let collection, _): return collection
            }
        }
    }

    /// What must still hold when the batch is applied.
    public var expectations: [Expectation]
    /// The writes, at most one operation per collection.
    public var operations: [Operation]

    public init(expectations: [Expectation] = [], operations: [Operation] = []) {
        self.expectations = expectations
        self.operations = operations
    }

    /// The stored key and revision of each written document, per operation in order.
    public typealias Outcome = [[(key: String, rev: String)]]

    /// Applies the batch with the writer's primitives inside the caller's
    /// write transaction (the embedded store's implementation).
    public func apply(with writer: any StoreWriter) throws -> Outcome {
        var byCollection: [CollectionName: [String]] = [:]
        for expectation in expectations {
            guard let (collection, key) = Self.split(expectation.id) else { throw WriteBatchStale(id: expectation.id) }
            byCollection[collection, default: []].append(key)
        }
        var current: [String: String] = [:]
        for (collection, keys) in byCollection where try writer.collectionExists(collection) {
            for document in try writer.documents(keys, in: collection) { current[document.id] = document.rev }
        }
        for expectation in expectations where current[expectation.id] != expectation.rev {
            throw WriteBatchStale(id: expectation.id)
        }
        var placeholders: [String: String] = [:]
        var outcome: Outcome = []
        for operation in operations {
            switch operation {
            case .insert(let collection, let items):
                let bodies = items.map { item -> JSONObject in
                    var body = item.body
                    body.removeValue(forKey: "_rev")
                    for end in ["_from", "_to"] {
                        if let handle = body[end]?.stringValue, let real = placeholders[handle] {
                            body[end] = .string(real)
                        }
                    }
                    return body
                }
                let stored = try writer.insert(bodies, into: collection)
                for (item, document) in zip(items, stored) {
                    if let placeholder = item.placeholderKey {
                        placeholders[DocumentKey.id(placeholder, in: collection)] = document.id
                    }
                }
                outcome.append(stored.map { ($0.key, $0.rev) })
            case .replace(let collection, let items):
                let stored = try writer.replace(
                    items.map { item in
                        var body = item.body
                        body.removeValue(forKey: "_rev")
                        return DocumentReplacement(key: item.key, body: body)
                    }, in: collection)
                outcome.append(stored.map { ($0.key, $0.rev) })
            }
        }
        return outcome
    }

    static func split(_ handle: String) -> (CollectionName, String)? {
        guard let slash = handle.firstIndex(of: "/") else { return nil }
        return (CollectionName(String(handle[..<slash])), String(handle[handle.index(after: slash)...]))
    }
}

/// A write batch found a document changed since it was read; nothing was written.
public struct WriteBatchStale: Error, Sendable, Equatable {
    /// The handle of (one of) the changed documents, when the backend names it.
    public var id: String

    public init(id: String) { self.id = id }
}
