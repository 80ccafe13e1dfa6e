import HTTPTypes
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

    /// A path parameter the pattern guarantees.
    public func parameter(_ name: String) -> String { parameters[name] ?? "" }
}

/// Whether and how a route reads its request body.
public enum BodyKind: Sendable {
    /// Not read at all: any body (even invalid JSON) is ignored (RW 0.1).
    case ignored
    /// Parsed as JSON when present; invalid JSON is a 400.
    case json
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
}

/// A segment of a route pattern.
enum PathSegment: Hashable {
    case literal(String)
    case parameter(String)
}
