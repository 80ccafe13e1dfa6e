import CurlHTTP
import Synchronization
import TorcCore

/// ArangoDB's users, for letting ArangoDB decide who may use the service
/// (`--auth-arangodb`): a password is checked with ArangoDB's `POST /_open/auth`, and a
/// user's database permissions (`rw`, `ro`, `none`) are read with
/// `GET /_api/user/{user}/database`, as the service's own ArangoDB user (which must be
/// allowed to read other users' permissions, as `root` is). Permissions are cached for
/// `permissionLifetime`, so a change in ArangoDB takes effect within it.
public final class ArangoUserDirectory: Sendable {
    /// An ArangoDB permission level.
    public enum Permission: String, Sendable {
        case readWrite = "rw"
        case readOnly = "ro"
        case noAccess = "none"
    }

    private let connection: ArangoConnection
    let permissionLifetime: Duration
    private let cache = Mutex<[String: (permissions: [String: Permission], expiry: ContinuousClock.Instant)]>([:])

    public init(provider: ArangoStoreProvider, permissionLifetime: Duration = .seconds(60)) {
        self.connection = provider.connection
        self.permissionLifetime = permissionLifetime
    }

    /// Whether ArangoDB accepts `password` for `user`.
    public func verify(user: String, password: String) async throws -> Bool {
        let connection = self.connection
        return try await connection.threads.run {
            let response = try connection.request(
                .post, database: "_system", "/_open/auth",
                body: ["username": .string(user), "password": .string(password)])
            if response.isSuccess { return true }
            if response.status == 401 || response.status == 400 { return false }
            throw StoreError.unavailable("ArangoDB answered \(response.status) to a credential check")
        }
    }

    /// The user's permission in `database`; `.noAccess` for unknown users and databases.
    public func permission(of user: String, in database: String) async throws -> Permission {
        let now = ContinuousClock.now
        if let cached = cache.withLock({ $0[user] }), cached.expiry > now {
            return cached.permissions[database] ?? .noAccess
        }
        let connection = self.connection
        let permissions = try await connection.threads.run { () throws -> [String: Permission] in
            let response = try connection.request(
                .get, database: "_system", "/_api/user/\(ArangoConnection.escape(user))/database")
            if response.status == 404 { return [:] }
            guard response.isSuccess, let result = response.body["result"]?.objectValue else {
                throw StoreError.unavailable("ArangoDB answered \(response.status) to a permission lookup")
            }
            var permissions: [String: Permission] = [:]
            for (name, value) in result {
                // `?full=true` would answer objects; the short form answers the level.
                let level = value.stringValue ?? value["permission"]?.stringValue ?? "none"
                permissions[name] = Permission(rawValue: level) ?? .noAccess
            }
            return permissions
        }
        cache.withLock { cache in
            if cache.count >= 4096 { cache.removeAll() }
            cache[user] = (permissions, now + permissionLifetime)
        }
        return permissions[database] ?? .noAccess
    }
}
