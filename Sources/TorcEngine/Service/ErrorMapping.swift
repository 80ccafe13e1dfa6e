import TorcCore

extension ServiceError {
    /// The answer a client gets for any error thrown below the HTTP layer:
    /// service errors as they are, the database errors clients can cause as
    /// 400 with ArangoDB's number, an unreachable store as 503, anything else
    /// as 500 without internal detail. `isUnexpected` tells the caller to log it.
    public static func mapping(_ error: any Error) -> (error: ServiceError, isUnexpected: Bool) {
        switch error {
        case let error as ServiceError:
            return (error, error.status >= 500 && error.status != 503)
        case let error as StoreError:
            switch error {
            case .duplicateKey, .illegalKey, .invalidEdgeHandle:
                return (.databaseError(error), false)
            case .databaseNotFound(let name):
                return (ServiceError(status: 404, errorNum: 1228, message: "database not found: \(name)"), false)
            case .unavailable:
                return (.unavailable(), false)
            case .storageFull:
                return (ServiceError(status: 507, errorNum: error.errorNum,
                    message: "Insufficient Storage: the write was not made because the disk is full; reads still work"), false)
            case .readOnly:
                return (ServiceError(status: 503, errorNum: error.errorNum,
                    message: "Service Unavailable: the data directory is read-only; reads still work"), false)
            case .documentNotFound, .conflict, .collectionNotFound, .failure:
                return (.internalError, true)
            }
        case is CancellationError:
            return (ServiceError(status: 503, message: "request canceled"), false)
        default:
            return (.internalError, true)
        }
    }
}
