import Foundation
import TorcCore

/// One user of the users file: a salted password hash and roles per database.
public struct UserRecord: Sendable, Equatable {
    public var password: PasswordHash
    public var grants: RoleGrants

    public init(password: PasswordHash, grants: RoleGrants) {
        self.password = password
        self.grants = grants
    }
}

/// The users file: JSON the operator edits with `torc-service users ...`, never by
/// hand-writing passwords:
///
///     {"users": {"alice": {"password": "pbkdf2-sha256$310000$...$...",
///                          "roles": {"workflows": "write", "*": "read"}}}}
///
/// It holds hashes only; it is still written with mode 0600, since a hash lets
/// anyone who reads it guess passwords offline.
public struct UsersFile: Sendable, Equatable {
    public var users: [String: UserRecord]

    public init(users: [String: UserRecord] = [:]) { self.users = users }

    /// User names: 1-64 characters of letters, digits, `_`, `-`, `.` and `@`.
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                    || c == 0x5F || c == 0x2D || c == 0x2E || c == 0x40
            }
    }

    /// Reads `path`; a missing file is an empty one (the first `users add` creates it).
    public static func load(path: String) throws(ConfigurationError) -> UsersFile {
        guard FileManager.default.fileExists(atPath: path) else { return UsersFile() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("cannot read the users file \(path)")
        }
        return try parse(Array(data), path: path)
    }

    static func parse(_ bytes: [UInt8], path: String) throws(ConfigurationError) -> UsersFile {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw ConfigurationError("the users file \(path) is not JSON: \(error.message)")
        }
        guard let users = value["users"]?.objectValue else {
            throw ConfigurationError("the users file \(path) has no \"users\" object")
        }
        var file = UsersFile()
        for (name, entry) in users {
            guard isValidName(name), let stored = entry["password"]?.stringValue,
                let hash = PasswordHash(stored: stored), let roles = entry["roles"]?.objectValue
            else { throw ConfigurationError("the users file \(path) has a malformed entry for user '\(name)'") }
            var grants = RoleGrants()
            for (database, role) in roles {
                guard let role = role.stringValue.flatMap(AccessRole.init(rawValue:)),
                    database == RoleGrants.wildcard || DatabaseName.isValid(database)
                else { throw ConfigurationError("the users file \(path) has a malformed role of user '\(name)'") }
                grants.byDatabase[database] = role
            }
            file.users[name] = UserRecord(password: hash, grants: grants)
        }
        return file
    }

    /// The JSON text, users and databases sorted so that edits make small diffs.
    public var json: JSONValue {
        var users = JSONObject()
        for name in self.users.keys.sorted() {
            let record = self.users[name]!
            var roles = JSONObject()
            for database in record.grants.byDatabase.keys.sorted() {
                roles[database] = .string(record.grants.byDatabase[database]!.rawValue)
            }
            users[name] = ["password": .string(record.password.description), "roles": .object(roles)]
        }
        return ["users": .object(users)]
    }

    /// Writes the file atomically (a temporary file renamed over it) with mode 0600.
    public func save(path: String) throws(ConfigurationError) {
        let temporary = path + ".tmp-\(getpid())"
        let bytes = JSONWriter.bytes(json) + [0x0A]
        guard
            FileManager.default.createFile(
                atPath: temporary, contents: Data(bytes), attributes: [.posixPermissions: 0o600])
        else { throw ConfigurationError("cannot write \(temporary)") }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw ConfigurationError("cannot replace the users file \(path): \(String(cString: strerror(errno)))")
        }
    }
}
