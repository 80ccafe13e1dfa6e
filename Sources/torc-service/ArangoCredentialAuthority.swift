import TorcArango
import TorcServer

/// ArangoDB as the authority of access control: its users and database permissions.
/// `rw` allows writing, `ro` reading; `rw` on `_system` also grants `admin`. A path
/// outside any database needs the permission on `_system`.
struct ArangoCredentialAuthority: CredentialAuthority {
    let directory: ArangoUserDirectory

    func verify(user: String, password: String) async throws -> Bool {
        try await directory.verify(user: user, password: password)
    }

    func role(of user: String, in database: String?) async throws -> AccessRole? {
        let permission = try await directory.permission(of: user, in: database ?? "_system")
        switch permission {
        case .noAccess: return nil
        case .readOnly: return .read
        case .readWrite:
            if database == nil || database == "_system" { return .admin }
            return try await directory.permission(of: user, in: "_system") == .readWrite ? .admin : .write
        }
    }
}
