import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TorcCore
import TorcEngine

/// Answers every request: matches `/_db/{database}/torc-service/...` against
/// the route table (404 for unknown paths, 405 with `Allow` for wrong
/// methods), reads and parses the body, runs the handler and renders the
/// result or the error. One debug log line per request.
public struct TorcResponder: HTTPResponder {
    public typealias Context = BasicRequestContext

    let service: TorcService
    let table: RouteTable
    let maxBodySize: Int
    let logger: Logger
    /// Concurrency cap and access control, applied to every request before routing.
    let gate: RequestGate

    init(service: TorcService, routes: [Route], maxBodySize: Int, logger: Logger, gate: RequestGate = RequestGate()) {
        self.gate = gate
        self.service = service
        self.table = RouteTable(routes)
        self.maxBodySize = maxBodySize
        self.logger = logger
    }

    /// The mount point of the service in each database.
    static let mount = "torc-service"

    public func respond(to request: Request, context: Context) async throws -> Response {
        let start = ContinuousClock.now
        let response = await gate.run(request) {
            do {
                return try await dispatch(request)
            } catch {
                return ErrorResponse.response(for: error, logger: logger)
            }
        }
        let elapsed = ContinuousClock.now - start
        if logger.logLevel <= .debug {
            let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
            logger.debug("\(request.method) \(request.uri.path) -> \(response.status.code) in \(micros) us")
        }
        return response
    }

    private func dispatch(_ request: Request) async throws -> Response {
        let segments = request.uri.path.split(separator: "/", omittingEmptySubsequences: true)
        if OpenAPIDocument.isFoxxDocsPath(segments) {
            // Where the original's tooling downloaded the spec from ArangoDB's web UI.
            return JSONResponse.make(OpenAPIDocument.document)
        }
        guard segments.count >= 3, segments[0] == "_db", segments[2] == Self.mount,
            let databaseName = PercentDecoding.decode(segments[1])
        else {
            throw ServiceError.notFound("unknown path \(request.uri.path)")
        }
        let rest = Array(segments.dropFirst(3))
        switch table.match(method: request.method, segments: rest) {
        case .notFound:
            throw ServiceError.notFound("unknown path \(request.uri.path)")
        case .methodNotAllowed(let allowed):
            var headers = HTTPFields()
            headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
            return ErrorResponse.response(HTTPError(status: 405, message: "Method Not Allowed"), headers: headers)
        case .found(let route, let parameters):
            let body = try await readBody(request, kind: route.body)
            let query = PercentDecoding.queryParameters(request.uri.query)
            let database = try await service.database(databaseName)
            let answer = try await route.handler(
                RouteRequest(database: database, parameters: parameters, query: query, body: body, pattern: route.path))
            switch answer {
            case .json(let value):
                return JSONResponse.make(value)
            case .text(let text, let contentType):
                return Response(
                    status: .ok, headers: [.contentType: contentType],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
            }
        }
    }

    /// The parsed body of routes that declare one; `nil` when empty.
    private func readBody(_ request: Request, kind: BodyKind) async throws -> JSONValue? {
        guard case .json = kind else { return nil }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodySize)
        } catch is NIOTooManyBytesError {
            throw HTTPError(status: 413, message: "request body is larger than \(maxBodySize) bytes")
        }
        guard buffer.readableBytes > 0 else { return nil }
        let bytes = buffer.readableBytesView
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return nil }
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw ServiceError.badRequest(error.message)
        }
    }
}
