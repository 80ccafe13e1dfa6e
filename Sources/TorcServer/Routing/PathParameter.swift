/// The name of a path parameter, as a route pattern spells it (`{key}`).
///
/// Handlers ask for parameters by these names; a name the matched route's
/// pattern lacks is a programming error that `RouteRequest.parameter(_:)`
/// reports as `UndeclaredPathParameter` (never a silent empty string), and
/// `RouteParameterTests` drives every route of the tables to prove that no
/// handler asks for one.
public struct PathParameter: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let name: String

    public init(_ name: String) { self.name = name }
    public init(stringLiteral name: String) { self.name = name }

    public var description: String { name }

    /// A document key (or `_id`) of the addressed collection.
    public static let key: PathParameter = "key"
    /// The workflow key of per-workflow routes.
    public static let workflow: PathParameter = "workflow"
    /// A job status (`find_by_status`, `complete_job`, `manage_status_change`).
    public static let status: PathParameter = "status"
    /// A document revision (`complete_job`, `manage_status_change`).
    public static let rev: PathParameter = "rev"
    /// An edge collection name.
    public static let name: PathParameter = "name"
}

/// A handler asked for a path parameter its route's pattern does not have.
/// Answered as an unexpected failure (500, logged); it can only come from a
/// mistake in a route table, which `RouteParameterTests` catches.
public struct UndeclaredPathParameter: Error, CustomStringConvertible {
    public let parameter: PathParameter
    public let pattern: String

    public var description: String { "route \(pattern) has no path parameter {\(parameter)}" }
}

/// Why a route pattern cannot be served; found when the route is built, before
/// the server starts.
enum RoutePatternProblem: Equatable, CustomStringConvertible {
    /// `{` without `}` or the reverse, or an empty `{}`.
    case malformedSegment(String)
    /// One name used for two segments.
    case repeatedParameter(String)

    var description: String {
        switch self {
        case .malformedSegment(let segment): return "malformed pattern segment '\(segment)'"
        case .repeatedParameter(let name): return "parameter {\(name)} appears twice"
        }
    }
}
