import TorcCore

/// Translates ArangoDB's error answers into store errors, in one place.
enum ArangoErrorMapping {
    /// Error numbers that mean "another transaction got there first": the
    /// whole transaction is run again on fresh data (write-write conflict
    /// 1200 on a write that had no revision condition, lock timeout 18,
    /// undeclared collection 1652 after another process created it).
    static let retryable: Set<Int> = [1200, 18, 1652]

    /// The store error for an error answer; `collection` and `key` name what the request was about.
    static func storeError(_ response: ArangoResponse, collection: String = "", key: String = "") -> StoreError {
        storeError(
            errorNum: response.errorNum, message: response.errorMessage, status: response.status,
            collection: collection, key: key)
    }

    /// The store error for one error number (also used for the items of batch answers).
    static func storeError(errorNum: Int, message: String, status: Int, collection: String, key: String) -> StoreError {
        switch errorNum {
        case 1210: return .duplicateKey(collection: collection, key: key)
        case 1221: return .illegalKey(key)
        case 1233: return .invalidEdgeHandle
        case 1202: return .documentNotFound(collection: collection, key: key)
        case 1203: return .collectionNotFound(collection)
        case 1228: return .databaseNotFound(collection)
        case 11: return .unavailable("ArangoDB refused the credentials (check --arango-user and the password)")
        case 1200, 18: return .unavailable("ArangoDB reported a write conflict: \(message)")
        // The transaction is gone: ArangoDB aborted it (idle for longer than its stream-transaction idle
        // timeout, or restarted). Nothing of it was committed, so the request may simply be sent again.
        case 1653, 1655: return .unavailable("ArangoDB aborted the transaction: \(message)")
        default:
            if status == 503 { return .unavailable("ArangoDB is unavailable: \(message)") }
            if status == 401 { return .unavailable("ArangoDB refused the credentials") }
            return .failure("ArangoDB error \(errorNum) (HTTP \(status)): \(message)")
        }
    }
}
