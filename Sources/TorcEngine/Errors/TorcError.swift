import TorcCore

/// A broken torc rule, as the engine reports it: what went wrong and the text
/// a client should read, never how it travels. The HTTP layer alone turns it
/// into a status and an `errorNum` (`Sources/TorcServer/HTTP/ErrorResponse.swift`),
/// so the engine can be driven by anything, and the wire format lives in one place.
public struct TorcError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The families of failure the rules distinguish.
    public enum Kind: Sendable, Equatable {
        /// The request breaks a validation or route rule.
        case badRequest
        /// The addressed workflow or document does not exist.
        case notFound
        /// The request was based on a revision that is no longer current.
        case conflict
        /// A database rule the client broke (duplicate key, illegal key,
        /// malformed handle, illegal database name, negative limit...), reported
        /// with the database's own error number, as the original service did.
        case database(errorNum: Int)
        /// Stored data the rules cannot handle (for example two `requires`
        /// edges of one job); nothing the client can fix, so it is logged and
        /// reported without detail.
        case inconsistency
    }

    public var kind: Kind
    /// What the client reads (`errorMessage` on the wire).
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind): \(message)" }

    /// The database's error number of a `.database` error, else `nil`.
    public var databaseErrorNum: Int? {
        if case .database(let errorNum) = kind { return errorNum }
        return nil
    }

    /// A validation or rule message.
    public static func badRequest(_ message: String) -> TorcError { .init(.badRequest, message) }

    /// Something addressed does not exist.
    public static func notFound(_ message: String) -> TorcError { .init(.notFound, message) }

    /// A revision conflict.
    public static func conflict(_ message: String) -> TorcError { .init(.conflict, message) }

    /// An inconsistency of stored data; its text never reaches a client.
    public static let internalError = TorcError(.inconsistency, "Internal Server Error")

    /// `Error: Document not found. Operation: {operation}`.
    public static func documentNotFound(_ operation: String) -> TorcError {
        .notFound("Error: Document not found. Operation: \(operation)")
    }

    /// The answer for an unknown workflow.
    public static func workflowNotFound(_ key: String) -> TorcError {
        documentNotFound("Get workflows with key=\(key)")
    }

    /// `Error: Conflicting revision. Operation: {operation}`.
    public static func conflictingRevision(_ operation: String) -> TorcError {
        .conflict("Error: Conflicting revision. Operation: \(operation)")
    }

    /// A database error with the database's number:
    /// `Database error occurred: ArangoError {n}: {message}`.
    public static func databaseError(_ error: StoreError, prefixed: Bool = true) -> TorcError {
        let text = "ArangoError \(error.errorNum): \(error.databaseMessage)"
        return .init(.database(errorNum: error.errorNum), prefixed ? "Database error occurred: \(text)" : text)
    }

    /// A database name that can never be valid (1229).
    public static func illegalDatabaseName(_ name: String) -> TorcError {
        .init(.database(errorNum: 1229), "illegal database name: \(name)")
    }
}

/// The name the engine's call sites use (`throw ServiceError.badRequest(...)`);
/// the same type as `TorcError`.
public typealias ServiceError = TorcError
