import OrderedCollections

/// An error answer of the service, as a value: the HTTP status, ArangoDB-style
/// error number and message. The HTTP layer renders it in exactly one place as
/// `{"error": true, "errorNum": n, "errorMessage": "...", "code": status}`.
public struct ServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// HTTP status code.
    public var status: Int
    /// `errorNum` of the body: the status, or a database error number.
    public var errorNum: Int
    /// `errorMessage` of the body.
    public var message: String

    public init(status: Int, errorNum: Int? = nil, message: String) {
        self.status = status
        self.errorNum = errorNum ?? status
        self.message = message
    }

    public var description: String { "\(status) \(errorNum): \(message)" }

    /// 400 with a validation or rule message.
    public static func badRequest(_ message: String) -> ServiceError { .init(status: 400, message: message) }

    /// 404 with a message.
    public static func notFound(_ message: String) -> ServiceError { .init(status: 404, message: message) }

    /// 409 with a message.
    public static func conflict(_ message: String) -> ServiceError { .init(status: 409, message: message) }

    /// 500 without internal detail on the wire.
    public static let internalError = ServiceError(status: 500, message: "Internal Server Error")

    /// `Error: Document not found. Operation: {operation}` (404).
    public static func documentNotFound(_ operation: String) -> ServiceError {
        .notFound("Error: Document not found. Operation: \(operation)")
    }

    /// The 404 for an unknown workflow.
    public static func workflowNotFound(_ key: String) -> ServiceError {
        documentNotFound("Get workflows with key=\(key)")
    }

    /// `Error: Conflicting revision. Operation: {operation}` (409).
    public static func conflictingRevision(_ operation: String) -> ServiceError {
        .conflict("Error: Conflicting revision. Operation: \(operation)")
    }

    /// A database error answered as 400 with the database's number:
    /// `Database error occurred: ArangoError {n}: {message}`.
    public static func databaseError(_ error: StoreError, prefixed: Bool = true) -> ServiceError {
        let text = "ArangoError \(error.errorNum): \(error.databaseMessage)"
        return .init(status: 400, errorNum: error.errorNum, message: prefixed ? "Database error occurred: \(text)" : text)
    }

    /// 503 when the storage is unreachable.
    public static func unavailable() -> ServiceError {
        .init(status: 503, message: "Service Unavailable: the database could not be reached")
    }
}
