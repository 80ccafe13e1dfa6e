import HTTPTypes
import NIOCore
import TorcCore
import TorcEngine

/// What a route handler receives: the database, decoded path parameters,
/// query parameters and the parsed body (for routes that declare one).
public struct RouteRequest: Sendable {
    /// The `/_db/{database}` data set.
    public var database: WorkflowDatabase
    /// Path parameters by the names in the route pattern, percent-decoded.
    public var parameters: [String: String]
    /// Query parameters, percent-decoded.
    public var query: QueryParameters
    /// The parsed JSON body, `nil` when the request had none.
    public var body: JSONValue?
    /// The body's bytes as received, for routes declaring `BodyKind.outlined`.
    public var text: ByteBuffer?
    /// The outline of `text` (checked JSON, big arrays as element ranges).
    public var outline: OutlinedBody?
    /// The matched route's pattern, for the error below.
    public var pattern: String = ""

    public init(
        database: WorkflowDatabase, parameters: [String: String], query: QueryParameters, body: JSONValue?,
        pattern: String = "", text: ByteBuffer? = nil, outline: OutlinedBody? = nil
    ) {
        self.database = database
        self.parameters = parameters
        self.query = query
        self.body = body
        self.pattern = pattern
        self.text = text
        self.outline = outline
    }

    /// A path parameter of the matched route's pattern. Asking for one the
    /// pattern lacks is a mistake in the route table, reported as such (and
    /// caught by `RouteParameterTests`), not read as an empty string.
    public func parameter(_ name: PathParameter) throws(UndeclaredPathParameter) -> String {
        guard let value = parameters[name.name] else {
            throw UndeclaredPathParameter(parameter: name, pattern: pattern)
        }
        return value
    }
}

/// Whether and how a route reads its request body.
public enum BodyKind: Sendable {
    /// Not read at all: any body (even invalid JSON) is ignored (docs/routes.md, "Processing order").
    case ignored
    /// Parsed as JSON when present; invalid JSON is a 400.
    case json
    /// Checked as JSON like `.json` (invalid JSON is a 400 at the same step)
    /// but only outlined, the named members' arrays kept as element ranges:
    /// the handler reads the text in place, a body too large to hold as one
    /// tree of values (see `JSONObjectOutline`).
    case outlined(expanding: Set<String>)
}

/// What a handler answers: a JSON document, or a text document (the YAML spec).
public enum RouteResponse: Sendable {
    case json(JSONValue)
    case text(String, contentType: String)
}

/// One operation of the API: method, path pattern relative to
/// `/_db/{database}/torc-service`, OpenAPI operationId and handler.
public struct Route: Sendable {
    /// The handler's signature.
    public typealias Handler = @Sendable (RouteRequest) async throws -> RouteResponse

    /// HTTP method.
    public var method: HTTPRequest.Method
    /// Pattern such as `/workflows/{workflow}/jobs/{key}`.
    public var path: String
    /// The OpenAPI operationId; the conformance test compares these with the spec.
    public var operationId: String
    /// How the body is treated.
    public var body: BodyKind
    /// The handler.
    public var handler: Handler

    /// `body` defaults to `.json`, and to `.ignored` for GET: a GET never has
    /// a meaningful body, and the original ignored whatever one carried.
    public init(
        _ method: HTTPRequest.Method, _ path: String, _ operationId: String, body: BodyKind? = nil,
        _ handler: @escaping @Sendable (RouteRequest) async throws -> JSONValue
    ) {
        self.method = method
        self.path = path
        self.operationId = operationId
        self.body = body ?? Self.defaultBody(method)
        self.handler = { request in .json(try await handler(request)) }
    }

    /// A route answering with any `RouteResponse`.
    public init(
        _ method: HTTPRequest.Method, _ path: String, _ operationId: String, body: BodyKind? = nil,
        responding handler: @escaping Handler
    ) {
        self.method = method
        self.path = path
        self.operationId = operationId
        self.body = body ?? Self.defaultBody(method)
        self.handler = handler
    }

    static func defaultBody(_ method: HTTPRequest.Method) -> BodyKind { method == .get ? .ignored : .json }

    /// The pattern's segments.
    var segments: [PathSegment] {
        path.split(separator: "/").map { segment in
            if segment.hasPrefix("{") && segment.hasSuffix("}") {
                return .parameter(String(segment.dropFirst().dropLast()))
            }
            return .literal(String(segment))
        }
    }

    /// The names of the pattern's parameters, in order.
    public var parameterNames: [String] {
        segments.compactMap { segment in
            if case .parameter(let name) = segment { return name }
            return nil
        }
    }

    /// What is wrong with a pattern; the route table refuses to start with any.
    static func problems(in path: String) -> [RoutePatternProblem] {
        var problems: [RoutePatternProblem] = []
        var seen = Set<String>()
        for segment in path.split(separator: "/") {
            let opens = segment.filter { $0 == "{" }.count
            let closes = segment.filter { $0 == "}" }.count
            if opens == 0 && closes == 0 { continue }
            guard opens == 1, closes == 1, segment.hasPrefix("{"), segment.hasSuffix("}"), segment.count > 2 else {
                problems.append(.malformedSegment(String(segment)))
                continue
            }
            let name = String(segment.dropFirst().dropLast())
            if !seen.insert(name).inserted { problems.append(.repeatedParameter(name)) }
        }
        return problems
    }
}

/// A segment of a route pattern.
enum PathSegment: Hashable {
    case literal(String)
    case parameter(String)
}
