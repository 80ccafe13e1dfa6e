import TorcCore

/// What a user may do in one database: `read` (GET and HEAD), `write` (everything
/// that changes workflows, jobs and their documents) or `admin` (user administration
/// and service-wide operations). Each role includes the ones below it.
public enum AccessRole: String, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    case read
    case write
    case admin

    public static func < (lhs: AccessRole, rhs: AccessRole) -> Bool { lhs.rank < rhs.rank }

    private var rank: Int {
        switch self {
        case .read: return 0
        case .write: return 1
        case .admin: return 2
        }
    }

    public var description: String { rawValue }
}

/// A user's roles: per database name, or `*` for every database not named (and for
/// paths outside any database, such as a dashboard or metrics page).
public struct RoleGrants: Sendable, Equatable {
    /// The database name every other database falls back to.
    public static let wildcard = "*"

    public var byDatabase: [String: AccessRole]

    public init(_ byDatabase: [String: AccessRole] = [:]) { self.byDatabase = byDatabase }

    /// The role in `database` (`nil`: outside any database). A grant naming the
    /// database wins over the wildcard, so `* = read, prod = write` works as expected.
    public func role(in database: String?) -> AccessRole? {
        if let database, let role = byDatabase[database] { return role }
        return byDatabase[Self.wildcard]
    }

    /// Parses `DB:ROLE` (e.g. `workflows:write`, `*:read`).
    public static func parseGrant(_ text: String) -> (database: String, role: AccessRole)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let database = String(text[..<colon])
        guard let role = AccessRole(rawValue: String(text[text.index(after: colon)...])),
            database == wildcard || DatabaseName.isValid(database)
        else { return nil }
        return (database, role)
    }
}
