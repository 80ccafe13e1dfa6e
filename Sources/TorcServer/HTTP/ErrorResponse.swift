import HTTPTypes
import Hummingbird
import Logging
import TorcCore
import TorcEngine

/// The one place where errors become HTTP answers:
/// `{"error": true, "errorNum": n, "errorMessage": "...", "code": status}`.
enum ErrorResponse {
    /// The answer for any error; unexpected ones are logged with their detail,
    /// which never reaches the wire.
    static func response(for error: any Error, logger: Logger, headers: HTTPFields = [:]) -> Response {
        let (serviceError, isUnexpected) = ServiceError.mapping(error)
        if isUnexpected {
            logger.error("unexpected failure: \(String(reflecting: error))")
        }
        return response(serviceError, headers: headers)
    }

    /// Renders a service error.
    static func response(_ error: ServiceError, headers: HTTPFields = [:]) -> Response {
        let body: JSONValue = [
            "error": true,
            "errorNum": .int(Int64(error.errorNum)),
            "errorMessage": .string(error.message),
            "code": .int(Int64(error.status)),
        ]
        return JSONResponse.make(body, status: HTTPResponse.Status(code: error.status), headers: headers)
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
