import OrderedCollections

/// Read primitives every backend offers inside a transaction.
///
/// All calls are synchronous: a transaction body runs start to finish on a
/// thread the backend owns (never Swift's cooperative pool), so an engine
/// operation is computed in one critical section without suspension points.
/// Documents come back in creation order unless stated otherwise.
public protocol StoreReader {
    /// The document with `key`, or `nil`.
    func document(_ key: String, in collection: CollectionName) throws(StoreError) -> Document?

    /// The documents with these keys that exist, in the order of `keys`.
    func documents(_ keys: [String], in collection: CollectionName) throws(StoreError) -> [Document]

    /// The documents matching `query`, in creation order.
    func find(_ query: DocumentQuery) throws(StoreError) -> QueryResult

    /// The number of documents matching all `filters`.
    func count(in collection: CollectionName, where filters: [FieldPredicate]) throws(StoreError) -> Int

    /// The edges of `collection` whose `_from` is one of `handles`, in creation order.
    func edges(in collection: CollectionName, from handles: [String]) throws(StoreError) -> [Document]

    /// The edges of `collection` whose `_to` is one of `handles`, in creation order.
    func edges(in collection: CollectionName, to handles: [String]) throws(StoreError) -> [Document]

    /// The edges of `collection` from `from` to `to` (normally none or one), in creation order.
    func edges(in collection: CollectionName, from: String, to: String) throws(StoreError) -> [Document]

    /// `_from` and `_to` of every edge of the collection, in creation order,
    /// without reading the edge documents (graph passes over whole workflows).
    func edgeHandles(in collection: CollectionName) throws(StoreError) -> [EdgeHandles]

    /// The keys of every document of the collection, in creation order.
    func keys(in collection: CollectionName) throws(StoreError) -> [String]

    /// `_to` of every edge of `collection` whose `_from` is `handle`, in creation
    /// order, repeats kept: only the handles, not the edge documents, so a job
    /// with a million dependents costs a million strings, not a million documents.
    func neighbours(in collection: CollectionName, from handle: String) throws(StoreError) -> [String]

    /// `_from` of every edge of `collection` whose `_to` is `handle`, in creation
    /// order, repeats kept (the blockers of a fan-in job, without their edges).
    func neighbours(in collection: CollectionName, to handle: String) throws(StoreError) -> [String]

    /// Whether the collection exists.
    func collectionExists(_ collection: CollectionName) throws(StoreError) -> Bool
}

/// The two ends of an edge.
public struct EdgeHandles: Sendable, Hashable {
    public var from: String
    public var to: String

    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }
}

/// Write primitives, available inside a write transaction. Every write is
/// part of the transaction: all of it commits or none of it does.
public protocol StoreWriter: StoreReader {
    /// Creates collections (document or edge kind follows from the name).
    /// Existing collections are kept.
    func createCollections(_ collections: [CollectionName]) throws(StoreError)

    /// Drops collections with all their documents. Missing ones are ignored.
    func dropCollections(_ collections: [CollectionName]) throws(StoreError)

    /// Inserts documents. A body's `_key` is used when present (validated:
    /// `illegalKey`, `duplicateKey`), otherwise a key is generated from the
    /// database's increasing counter. `_id` and `_rev` are set by the store.
    /// Edge bodies must carry valid `_from`/`_to` handles (`invalidEdgeHandle`).
    /// Returns the stored documents in input order.
    func insert(_ bodies: [JSONObject], into collection: CollectionName) throws(StoreError) -> [Document]

    /// `insert(_:into:)` that returns only the `_id`s, in input order: bulk
    /// creation (a 100,000-job specification) then builds and keeps no copy of
    /// what it wrote.
    func insertReturningIDs(_ bodies: [JSONObject], into collection: CollectionName) throws(StoreError) -> [String]

    /// Replaces whole bodies (conditionally on `expectedRev`), giving each a new
    /// `_rev`. Fails with `documentNotFound` or `conflict` and then writes nothing.
    func replace(_ replacements: [DocumentReplacement], in collection: CollectionName) throws(StoreError) -> [Document]

    /// `replace(_:in:)` for callers that do not need the stored documents
    /// (initialization rewrites every job), so none are built.
    func replaceWithoutResult(_ replacements: [DocumentReplacement], in collection: CollectionName) throws(StoreError)

    /// Removes documents by key and returns the removed ones (missing keys are skipped).
    func remove(_ keys: [String], from collection: CollectionName) throws(StoreError) -> [Document]

    /// Removes every document of the collection.
    func truncate(_ collection: CollectionName) throws(StoreError)

    /// Removes the edges of `edgeCollections` whose `_from` or `_to` is one of `handles`.
    func removeEdges(touching handles: [String], in edgeCollections: [CollectionName]) throws(StoreError)

    /// Removes the edges of `edgeCollections` whose `_from` or `_to` points into `collection`.
    func removeEdges(touchingCollection collection: CollectionName, in edgeCollections: [CollectionName])
        throws(StoreError)
}

/// What a write transaction touches. Backends use it to take the right locks:
/// `.workflow(W)` serialises every mutating operation of workflow `W` (also
/// across service processes sharing one database), `.database` covers the
/// global collections only.
public enum WriteScope: Sendable, Hashable {
    /// Global collections only (e.g. creating an empty workflow).
    case database
    /// One workflow's collections plus the global ones.
    case workflow(String)
}

/// One database's data set behind the store interface.
public protocol DocumentStore: Sendable {
    /// Runs `body` against one consistent snapshot.
    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreReader) throws -> T) async throws -> T

    /// Runs `body` as one atomic, serialised transaction. If `body` throws, nothing it wrote persists.
    func write<T: Sendable>(
        _ scope: WriteScope, _ body: @escaping @Sendable (any StoreWriter) throws -> T
    ) async throws -> T

    /// Whether a float with an integral value (`1.0`) comes back as a float.
    /// ArangoDB renders such values as integers (`1`), as the original service
    /// did; the embedded store keeps them exactly.
    var keepsIntegralFloats: Bool { get }

    /// Answers a read batch from one snapshot, in one round trip where the
    /// backend is remote (see `ReadBatch`).
    func read(batch: ReadBatch) async throws -> [ReadBatch.Answer]

    /// Applies a write batch atomically if its expectations hold, else throws
    /// `WriteBatchStale` and writes nothing (see `WriteBatch`).
    func apply(_ batch: WriteBatch, scope: WriteScope) async throws -> WriteBatch.Outcome

    /// Whether hot calls should run as a read batch plus a write batch
    /// (remote stores, where each request is a round trip) rather than as one
    /// transaction of many primitive calls (embedded stores, where a call is cheap).
    var batchesCalls: Bool { get }
}

extension DocumentStore {
    public var keepsIntegralFloats: Bool { true }

    /// The batch answered by the store's own primitives in one read transaction.
    public func read(batch: ReadBatch) async throws -> [ReadBatch.Answer] {
        try await read { reader in try batch.run(on: reader) }
    }

    /// The batch applied by the store's own primitives in one write transaction.
    public func apply(_ batch: WriteBatch, scope: WriteScope) async throws -> WriteBatch.Outcome {
        try await write(scope) { writer in try batch.apply(with: writer) }
    }

    public var batchesCalls: Bool { false }
}

/// Hands out the store of each database name (`/_db/{database}/...`).
public protocol StoreProvider: Sendable {
    /// The store of `database`, created with its global collections on first use.
    /// The name has been validated with `DatabaseName.isValid`.
    func store(forDatabase database: String) async throws(StoreError) -> any DocumentStore

    /// Closes every open store.
    func shutdown() async

    /// A short description for the start-up log line, e.g. `sqlite:./torc-data`.
    var description: String { get }
}

/// Rules for database names in `/_db/{database}`.
public enum DatabaseName {
    /// 1-64 characters, a letter first, then letters, digits, `_` or `-`:
    /// safe as a file name and as an ArangoDB database name.
    public static func isValid(_ name: String) -> Bool {
        let utf8 = Array(name.utf8)
        guard let first = utf8.first, utf8.count <= 64 else { return false }
        guard (first >= 0x41 && first <= 0x5A) || (first >= 0x61 && first <= 0x7A) else { return false }
        return utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D
        }
    }
}

extension StoreReader {
    /// `neighbours(in:from:)` from the edge documents, for readers without a cheaper way.
    public func neighbours(in collection: CollectionName, from handle: String) throws(StoreError) -> [String] {
        try edges(in: collection, from: [handle]).map(\.to)
    }

    /// `neighbours(in:to:)` from the edge documents, for readers without a cheaper way.
    public func neighbours(in collection: CollectionName, to handle: String) throws(StoreError) -> [String] {
        try edges(in: collection, to: [handle]).map(\.from)
    }
}

extension StoreWriter {
    /// The ids of `insert(_:into:)`, for backends without a cheaper way.
    public func insertReturningIDs(_ bodies: [JSONObject], into collection: CollectionName) throws(StoreError)
        -> [String]
    {
        try insert(bodies, into: collection).map(\.id)
    }

    /// `replace(_:in:)`, result dropped, for backends without a cheaper way.
    public func replaceWithoutResult(_ replacements: [DocumentReplacement], in collection: CollectionName)
        throws(StoreError)
    {
        _ = try replace(replacements, in: collection)
    }
}
