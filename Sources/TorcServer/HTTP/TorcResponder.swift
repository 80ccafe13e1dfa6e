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
    /// `/metrics`, health probes and the dashboard (outside the API prefix).
    let operations: OperationsEndpoints
    /// Slow-request and access logging.
    let logOptions: RequestLogOptions

    init(
        service: TorcService, routes: [Route], maxBodySize: Int, logger: Logger,
        operations: OperationsEndpoints, logOptions: RequestLogOptions, gate: RequestGate = RequestGate()
    ) {
        self.gate = gate
        self.service = service
        self.table = RouteTable(routes)
        self.maxBodySize = maxBodySize
        self.logger = logger
        self.operations = operations
        self.logOptions = logOptions
    }

    /// The mount point of the service in each database.
    static let mount = "torc-service"

    public func respond(to request: Request, context: Context) async throws -> Response {
        let start = ContinuousClock.now
        let requestID = RequestID.from(request.headers)
        var logger = self.logger
        logger[metadataKey: "request_id"] = "\(requestID)"
        let metrics = operations.observability.metrics
        metrics.requestStarted()
        let timing = RequestTiming()
        var (route, response) = await RequestTiming.$current.withValue(timing) {
            await gate.run(request) { await dispatch(request, logger: logger) }
        }
        response.headers[RequestID.name] = requestID
        let elapsed = ContinuousClock.now - start
        metrics.requestFinished(
            route: route, method: request.method.rawValue, status: response.status.code, duration: elapsed)
        RequestLogging.log(
            request: request, route: route, status: response.status.code, elapsed: elapsed, timing: timing,
            options: logOptions, logger: logger)
        return response
    }

    /// The route template (for metrics and logs) and the answer, errors rendered.
    private func dispatch(_ request: Request, logger: Logger) async -> (String, Response) {
        var route = "unmatched"
        do {
            let response = try await dispatch(request, route: &route)
            return (route, response)
        } catch {
            return (route, ErrorResponse.response(for: error, logger: logger))
        }
    }

    private func dispatch(_ request: Request, route: inout String) async throws -> Response {
        let segments = request.uri.path.split(separator: "/", omittingEmptySubsequences: true)
        if let (template, response) = try await operations.respond(to: request, segments: segments) {
            route = template
            return response
        }
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
        case .found(let found, let parameters):
            route = "/_db/{database}/torc-service" + found.path
            let (text, outline) = try await outlineBody(request, kind: found.body)
            let body = try await readBody(request, kind: found.body)
            let query = PercentDecoding.queryParameters(request.uri.query)
            let database = try await service.database(databaseName)
            let answer = try await found.handler(
                RouteRequest(
                    database: database, parameters: parameters, query: query, body: body, pattern: found.path,
                    text: text, outline: outline))
            JobMetrics.record(
                answer, operationId: found.operationId, parameters: parameters,
                metrics: operations.observability.metrics)
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
        let buffer = try await collectBody(request)
        guard buffer.readableBytes > 0 else { return nil }
        if buffer.readableBytesView.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return nil
        }
        do {
            // Parsed where it lies: no copy of the body is made first.
            return try buffer.withJSONBytes { bytes in try JSONParser.parse(bytes) }
        } catch let error as JSONParseError {
            throw ServiceError.badRequest(error.message)
        }
    }

    /// The body and its outline, for routes that read their text in place.
    private func outlineBody(_ request: Request, kind: BodyKind) async throws -> (ByteBuffer?, OutlinedBody?) {
        guard case .outlined(let members) = kind else { return (nil, nil) }
        let buffer = try await collectBody(request)
        do {
            let outline = try buffer.withJSONBytes { bytes in try JSONParser.outlineBody(bytes, expanding: members) }
            return (buffer, outline)
        } catch let error as JSONParseError {
            throw ServiceError.badRequest(error.message)
        }
    }

    /// The whole body, or a 413 beyond the configured size.
    private func collectBody(_ request: Request) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: maxBodySize)
        } catch is NIOTooManyBytesError {
            throw HTTPError(status: 413, message: "request body is larger than \(maxBodySize) bytes")
        }
    }
}
