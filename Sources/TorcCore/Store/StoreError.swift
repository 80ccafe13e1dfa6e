import OrderedCollections

/// Failures of the storage layer, with ArangoDB's error numbers so that every
/// backend answers clients the same way.
public enum StoreError: Error, Sendable, Equatable {
    /// A document with this key already exists (1210).
    case duplicateKey(collection: String, key: String)
    /// The key is not a legal document key (1221).
    case illegalKey(String)
    /// `_from` or `_to` is missing or not a `collection/key` handle (1233).
    case invalidEdgeHandle
    /// The document does not exist (1202).
    case documentNotFound(collection: String, key: String)
    /// The stored revision differs from the expected one (1200).
    case conflict(collection: String, key: String, currentRev: String)
    /// The collection does not exist (1203).
    case collectionNotFound(String)
    /// The database does not exist and may not be created (1228).
    case databaseNotFound(String)
    /// The storage could not be reached or answered in time; the request may be retried (503).
    case unavailable(String)
    /// The storage has no space left for the write, which was rolled back (1104, answered 507).
    case storageFull(String)
    /// The storage accepts no writes (read-only file system or files) (1004, answered 503).
    case readOnly(String)
    /// Anything else the storage reported; logged, answered as 500.
    case failure(String)

    /// ArangoDB's error number for this failure.
    public var errorNum: Int {
        switch self {
        case .duplicateKey: return 1210
        case .illegalKey: return 1221
        case .invalidEdgeHandle: return 1233
        case .documentNotFound: return 1202
        case .conflict: return 1200
        case .collectionNotFound: return 1203
        case .databaseNotFound: return 1228
        case .unavailable: return 503
        case .storageFull: return 1104
        case .readOnly: return 1004
        case .failure: return 500
        }
    }

    /// The database's message text, as ArangoDB words it.
    public var databaseMessage: String {
        switch self {
        case .duplicateKey(_, let key):
            return "unique constraint violated - in index primary of type primary over '_key'; conflicting key: \(key)"
        case .illegalKey: return "illegal document key"
        case .invalidEdgeHandle: return "edge attribute missing or invalid"
        case .documentNotFound: return "document not found"
        case .conflict: return "conflict, _rev values do not match"
        case .collectionNotFound(let name): return "collection or view not found: \(name)"
        case .databaseNotFound: return "database not found"
        case .unavailable(let reason): return "storage unavailable: \(reason)"
        case .storageFull(let reason): return "filesystem full: \(reason)"
        case .readOnly(let reason): return "read only: \(reason)"
        case .failure(let reason): return reason
        }
    }
}
