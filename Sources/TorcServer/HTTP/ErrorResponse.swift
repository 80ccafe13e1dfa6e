import HTTPTypes
import Hummingbird
import Logging
import TorcCore
import TorcEngine

/// An error answer of the HTTP layer itself (405, 413, ...), already in wire
/// terms. Errors of the rules come from the engine as `TorcError` and are
/// mapped below; this type is for what only the HTTP layer can know.
struct HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// HTTP status (`code` on the wire).
    var status: Int
    /// `errorNum` on the wire: the status, or a database error number.
    var errorNum: Int
    /// `errorMessage` on the wire.
    var message: String

    init(status: Int, errorNum: Int? = nil, message: String) {
        self.status = status
        self.errorNum = errorNum ?? status
        self.message = message
    }

    var description: String { "\(status) \(errorNum): \(message)" }

    /// 500 without internal detail.
    static let internalError = HTTPError(status: 500, message: "Internal Server Error")

    /// 503: the store (or the authority that checks credentials) could not be reached.
    static func unavailable() -> HTTPError {
        HTTPError(status: 503, message: "Service Unavailable: the database could not be reached")
    }

    /// 400 with a message.
    static func badRequest(_ message: String) -> HTTPError { HTTPError(status: 400, message: message) }
}

/// The one place where errors become HTTP answers:
/// `{"error": true, "errorNum": n, "errorMessage": "...", "code": status}`.
enum ErrorResponse {
    /// The answer for any error; unexpected ones are logged with their detail,
    /// which never reaches the wire.
    static func response(for error: any Error, logger: Logger, headers: HTTPFields = [:]) -> Response {
        let (answer, isUnexpected) = wire(error)
        if isUnexpected {
            logger.error("unexpected failure: \(String(reflecting: error))")
        }
        return response(answer, headers: headers)
    }

    /// What a client gets for an error thrown anywhere below: the engine's
    /// rule errors by kind, the database errors clients can cause as 400 with
    /// ArangoDB's number, an unreachable store as 503, anything else as 500
    /// without detail. `isUnexpected` asks the caller to log it.
    static func wire(_ error: any Error) -> (answer: HTTPError, isUnexpected: Bool) {
        switch error {
        case let error as HTTPError:
            return (error, error.status >= 500 && error.status != 503)
        case let error as TorcError:
            switch error.kind {
            case .badRequest: return (HTTPError(status: 400, message: error.message), false)
            case .notFound: return (HTTPError(status: 404, message: error.message), false)
            case .conflict: return (HTTPError(status: 409, message: error.message), false)
            case .database(let errorNum):
                return (HTTPError(status: 400, errorNum: errorNum, message: error.message), false)
            case .inconsistency: return (.internalError, true)
            }
        case let error as StoreError:
            switch error {
            case .duplicateKey, .illegalKey, .invalidEdgeHandle:
                return (wire(TorcError.databaseError(error)).answer, false)
            case .databaseNotFound(let name):
                return (HTTPError(status: 404, errorNum: 1228, message: "database not found: \(name)"), false)
            case .unavailable:
                return (.unavailable(), false)
            case .storageFull:
                return (
                    HTTPError(
                        status: 507, errorNum: error.errorNum,
                        message:
                            "Insufficient Storage: the write was not made because the disk is full; reads still work"),
                    false
                )
            case .readOnly:
                return (
                    HTTPError(
                        status: 503, errorNum: error.errorNum,
                        message: "Service Unavailable: the data directory is read-only; reads still work"), false
                )
            case .documentNotFound, .conflict, .collectionNotFound, .failure:
                return (.internalError, true)
            }
        case is CancellationError:
            return (HTTPError(status: 503, message: "request canceled"), false)
        default:
            return (.internalError, true)
        }
    }

    /// The answer of `complete_jobs`: `{"jobs": [outcome, ...]}` in the order of the entries.
    static func outcomes(_ outcomes: [JobCompletionOutcome]) -> JSONValue {
        ["jobs": .array(outcomes.map(outcome))]
    }

    /// One outcome of `complete_jobs`: `{"job_key": K, "code": 200, "job": {...}}`, or
    /// `{"job_key": K, "code": n, "error": {...}}` with the error body `complete_job`
    /// would have answered.
    static func outcome(_ outcome: JobCompletionOutcome) -> JSONValue {
        switch outcome {
        case .completed(let key, let job):
            return ["job_key": .string(key), "code": 200, "job": job]
        case .refused(let key, let error):
            let answer = wire(error).answer
            return ["job_key": .string(key), "code": .int(Int64(answer.status)), "error": body(answer)]
        }
    }

    /// The error body of an answer.
    static func body(_ error: HTTPError) -> JSONValue {
        [
            "error": true,
            "errorNum": .int(Int64(error.errorNum)),
            "errorMessage": .string(error.message),
            "code": .int(Int64(error.status)),
        ]
    }

    /// Renders an answer.
    static func response(_ error: HTTPError, headers: HTTPFields = [:]) -> Response {
        JSONResponse.make(body(error), status: HTTPResponse.Status(code: error.status), headers: headers)
    }
}

/// JSON responses.
enum JSONResponse {
    /// A response with a JSON body and `Content-Type: application/json`.
    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        let bytes = JSONWriter.bytes(value)
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
