import HTTPTypes

/// What a request needs before it is answered.
public enum AccessRequirement: Sendable, Equatable {
    /// Anyone may ask (the login endpoint, a liveness probe).
    case open
    /// The caller needs at least `role` in `database` (`nil`: a path outside any database,
    /// which needs the role granted for `*`).
    case role(AccessRole, database: String?)
}

/// The one rule deciding the required role of every request, by method and path. The
/// responder applies it before any routing, so every path is covered, including pages
/// added later (a dashboard at `/`, `/metrics`): they need `read` for `*` unless added
/// here.
///
/// - `GET`, `HEAD` and `OPTIONS`: `read`; every other method: `write`;
/// - paths under `adminPathPrefixes` (user administration): `admin`;
/// - `openPaths`: nobody needs credentials (`POST /_open/auth`, and liveness probes,
///   which say only that the process answers).
///
/// The database of `/_db/{database}/...` is the one whose grant counts; its name is
/// percent-decoded as the router decodes it.
public struct AccessPolicy: Sendable {
    /// Exact paths answered without credentials.
    public var openPaths: Set<String>
    /// Path prefixes that need `admin`.
    public var adminPathPrefixes: [String]

    public init(
        openPaths: Set<String> = ["/_open/auth", "/health/live", "/_admin/server/availability"],
        adminPathPrefixes: [String] = ["/_api/user", "/_admin/users"]
    ) {
        self.openPaths = openPaths
        self.adminPathPrefixes = adminPathPrefixes
    }

    /// The service's policy.
    public static let standard = AccessPolicy()

    /// The database of a dashboard data path `/_dashboard/api/{database}/...`.
    static func dashboardDatabase(_ path: String) -> String? {
        let segments = path.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: true)
        guard segments.count >= 4, segments[0] == "_dashboard", segments[1] == "api" else { return nil }
        return PercentDecoding.decode(segments[2])
    }

    public func requirement(method: HTTPRequest.Method, path: String) -> AccessRequirement {
        if openPaths.contains(path) { return .open }
        var database: String?
        var rest = Substring(path)
        let segments = path.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: true)
        if segments.count >= 2, segments[0] == "_db" {
            // An undecodable name gets the wildcard's rule here and 404 from the router.
            database = PercentDecoding.decode(segments[1])
            rest = segments.count > 2 ? "/" + segments[2] : "/"
        } else if let dashboardDatabase = Self.dashboardDatabase(path) {
            // The dashboard's data and actions of one database need that database's grant,
            // like the API routes they show: read to look, write for cancel, reset, restart.
            database = dashboardDatabase
        }
        if adminPathPrefixes.contains(where: { rest.hasPrefix($0) }) { return .role(.admin, database: database) }
        switch method {
        case .get, .head, .options: return .role(.read, database: database)
        default: return .role(.write, database: database)
        }
    }
}
