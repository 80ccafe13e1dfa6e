import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TorcCore
@testable import TorcServer
import TorcSQLite

/// A service with access control: a users file in a temporary directory.
private struct SecuredService {
    static let password = "correct horse battery"

    /// Runs `body` against a service whose users are `reader` (read everywhere),
    /// `writer` (write in `test`, read elsewhere) and `boss` (admin everywhere).
    static func run(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("torc-users-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/users.json"
        // Few rounds keep the test fast; the format is the same.
        let hash = { try PasswordHash.make(password: password, rounds: 1000) }
        let users = UsersFile(users: [
            "reader": UserRecord(password: try hash(), grants: RoleGrants(["*": .read])),
            "writer": UserRecord(password: try hash(), grants: RoleGrants(["test": .write, "*": .read])),
            "boss": UserRecord(password: try hash(), grants: RoleGrants(["*": .admin])),
        ])
        try users.save(path: path)
        var configuration = ServiceConfiguration(port: 0, store: .memory, logLevel: .warning)
        configuration.security.usersFile = path
        let logger = Logger(label: "test")
        let access = try AccessControl.make(security: configuration.security, external: nil, logger: logger)
        #expect(access != nil)
        let app = buildApplication(
            configuration: configuration, provider: SQLiteStoreProvider.inMemory(), logger: logger,
            accessControl: access)
        try await app.test(.router) { client in try await body(client) }
    }
}

/// `Authorization: Basic` for a user.
private func basic(_ user: String, _ password: String = SecuredService.password) -> HTTPFields {
    [.authorization: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()]
}

private func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

/// Status, JSON body and headers of one request.
private func call(
    _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:],
    body: String? = nil
) async throws -> (status: Int, json: JSONValue, headers: HTTPFields) {
    try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) {
        response in
        let bytes = Array(response.body.readableBytesView)
        return (Int(response.status.code), (try? JSONParser.parse(bytes)) ?? .null, response.headers)
    }
}

/// Whether `json` is the service's error format with `status`.
private func isServiceError(_ json: JSONValue, _ status: Int) -> Bool {
    json["error"] == .bool(true) && json["code"] == .int(Int64(status)) && json["errorNum"]?.intValue != nil
        && json["errorMessage"]?.stringValue != nil
}

@Suite("Access control: users, roles, Basic and bearer tokens")
struct AccessControlTests {
    let workflows = "/_db/test/torc-service/workflows"

    @Test("a request without credentials gets 401 with WWW-Authenticate, on every path")
    func anonymousRefused() async throws {
        try await SecuredService.run { client in
            for path in [workflows, "/", "/metrics", "/_db/test/torc-service/openapi.json", "/no/such/page"] {
                let answer = try await call(client, .get, path)
                #expect(answer.status == 401, "\(path)")
                #expect(isServiceError(answer.json, 401), "\(path)")
                #expect(answer.headers[.wwwAuthenticate]?.contains("Basic realm=") == true, "\(path)")
                #expect(answer.headers[.wwwAuthenticate]?.contains("Bearer") == true, "\(path)")
            }
        }
    }

    @Test("HTTP Basic with the right password passes; a wrong password or unknown user gets 401")
    func basicCredentials() async throws {
        try await SecuredService.run { client in
            #expect(try await call(client, .get, workflows, headers: basic("reader")).status == 200)
            let wrong = try await call(client, .get, workflows, headers: basic("reader", "wrong password"))
            #expect(wrong.status == 401 && isServiceError(wrong.json, 401))
            #expect(try await call(client, .get, workflows, headers: basic("nobody")).status == 401)
            #expect(try await call(client, .get, workflows, headers: [.authorization: "Basic !!!"]).status == 401)
            #expect(try await call(client, .get, workflows, headers: [.authorization: "Digest x"]).status == 401)
        }
    }

    @Test("read allows GET only; write allows changes in its database only; 403 in the error format")
    func rolesPerDatabase() async throws {
        try await SecuredService.run { client in
            let create = #"{"name": "w"}"#
            let denied = try await call(client, .post, workflows, headers: basic("reader"), body: create)
            #expect(denied.status == 403 && isServiceError(denied.json, 403))
            #expect(denied.json["errorMessage"]?.stringValue?.contains("write") == true)
            #expect(try await call(client, .post, workflows, headers: basic("writer"), body: create).status == 200)
            // Only read in another database (the wildcard grant).
            let elsewhere = try await call(
                client, .post, "/_db/other/torc-service/workflows", headers: basic("writer"), body: create)
            #expect(elsewhere.status == 403)
            #expect(
                try await call(client, .get, "/_db/other/torc-service/workflows", headers: basic("writer")).status
                    == 200)
            #expect(
                try await call(client, .post, "/_db/other/torc-service/workflows", headers: basic("boss"), body: create)
                    .status == 200)
        }
    }

    @Test("dashboard actions need the write role of the workflow's database; its data needs read")
    func dashboardActionsFollowRoles() async throws {
        try await SecuredService.run { client in
            let created = try await call(client, .post, workflows, headers: basic("writer"), body: #"{"name": "w"}"#)
            let key = try #require(created.json["_key"]?.stringValue)
            let dashboard = "/_dashboard/api/test/workflows"
            #expect(try await call(client, .get, dashboard, headers: basic("reader")).status == 200)
            #expect(try await call(client, .get, dashboard).status == 401)
            let cancel = "\(dashboard)/\(key)/actions/cancel"
            let refused = try await call(client, .post, cancel, headers: basic("reader"))
            #expect(refused.status == 403 && isServiceError(refused.json, 403))
            // With access control on, the actions are enabled for callers the policy admits.
            #expect(try await call(client, .post, cancel, headers: basic("writer")).status == 200)
            let status = try await call(client, .get, "\(workflows)/status/\(key)", headers: basic("reader"))
            #expect(status.json["is_canceled"] == .bool(true))
        }
    }

    @Test("POST /_open/auth answers {\"jwt\": ...} as ArangoDB does; the token works as a bearer token")
    func bearerTokens() async throws {
        try await SecuredService.run { client in
            let login = try await call(
                client, .post, "/_open/auth",
                body: #"{"username": "writer", "password": "\#(SecuredService.password)"}"#)
            #expect(login.status == 200)
            let token = try #require(login.json["jwt"]?.stringValue)
            #expect(token.split(separator: ".").count == 3)
            #expect(try await call(client, .post, workflows, headers: bearer(token), body: "{}").status == 200)
            // A token whose payload was changed fails its signature.
            var parts = token.split(separator: ".").map(String.init)
            parts[1] = String(parts[1].reversed())
            #expect(
                try await call(client, .get, workflows, headers: bearer(parts.joined(separator: "."))).status == 401)
            #expect(try await call(client, .get, workflows, headers: bearer("not-a-token")).status == 401)
            let refused = try await call(
                client, .post, "/_open/auth", body: #"{"username": "writer", "password": "nope"}"#)
            #expect(refused.status == 401 && isServiceError(refused.json, 401))
            #expect(try await call(client, .post, "/_open/auth", body: "[]").status == 400)
            #expect(try await call(client, .get, "/_open/auth").status == 405)
        }
    }

    @Test("tokens expire, and a token signed with another secret is refused")
    func tokenSigner() {
        let signer = TokenSigner(secret: Array(repeating: 1, count: 32), lifetime: .seconds(60))
        let token = signer.issue(user: "alice", now: Date(timeIntervalSince1970: 1_000_000))
        #expect(signer.verify(token, now: Date(timeIntervalSince1970: 1_000_030)) == "alice")
        #expect(signer.verify(token, now: Date(timeIntervalSince1970: 1_000_061)) == nil)
        let other = TokenSigner(secret: Array(repeating: 2, count: 32))
        #expect(other.verify(token, now: Date(timeIntervalSince1970: 1_000_030)) == nil)
    }
}

@Suite("Access control: policy, password storage, throttling, start-up rule")
struct AccessPolicyTests {
    @Test("GET and HEAD need read, other methods write, user administration admin, the login is open")
    func requirements() {
        let policy = AccessPolicy.standard
        #expect(policy.requirement(method: .get, path: "/_db/w/torc-service/workflows") == .role(.read, database: "w"))
        #expect(policy.requirement(method: .head, path: "/_db/w/torc-service/workflows") == .role(.read, database: "w"))
        #expect(
            policy.requirement(method: .delete, path: "/_db/w/torc-service/workflows/1") == .role(.write, database: "w")
        )
        #expect(policy.requirement(method: .put, path: "/_db/w%2Dx/torc-service/x") == .role(.write, database: "w-x"))
        #expect(policy.requirement(method: .get, path: "/metrics") == .role(.read, database: nil))
        #expect(policy.requirement(method: .get, path: "/") == .role(.read, database: nil))
        #expect(policy.requirement(method: .post, path: "/_api/user") == .role(.admin, database: nil))
        #expect(policy.requirement(method: .post, path: "/_open/auth") == .open)
        #expect(policy.requirement(method: .get, path: "/_dashboard/api/w/workflows") == .role(.read, database: "w"))
        #expect(
            policy.requirement(method: .post, path: "/_dashboard/api/w/workflows/1/actions/cancel")
                == .role(.write, database: "w"))
        #expect(policy.requirement(method: .get, path: "/_dashboard/api/config") == .role(.read, database: nil))
    }

    @Test("a named database's grant wins over the wildcard")
    func grants() {
        let grants = RoleGrants(["*": .write, "prod": .read])
        #expect(grants.role(in: "prod") == .read)
        #expect(grants.role(in: "dev") == .write)
        #expect(grants.role(in: nil) == .write)
        #expect(RoleGrants().role(in: "x") == nil)
        #expect(RoleGrants.parseGrant("*:admin")?.database == "*")
        #expect(RoleGrants.parseGrant("*:admin")?.role == .admin)
        #expect(RoleGrants.parseGrant("db:owner") == nil)
        #expect(RoleGrants.parseGrant("../x:read") == nil)
    }

    @Test("the users file holds salted hashes, never the password, and is readable by its owner only")
    func usersFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("torc-uf-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/users.json"
        let first = try PasswordHash.make(password: "s3cret-password", rounds: 1000)
        let second = try PasswordHash.make(password: "s3cret-password", rounds: 1000)
        #expect(first.salt != second.salt && first.hash != second.hash)
        try UsersFile(users: ["alice": UserRecord(password: first, grants: RoleGrants(["w": .write]))]).save(path: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("s3cret-password"))
        #expect(text.contains("pbkdf2-sha256$1000$"))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let loaded = try UsersFile.load(path: path)
        #expect(loaded.users["alice"]?.password.matches("s3cret-password") == true)
        #expect(loaded.users["alice"]?.password.matches("s3cret-passwore") == false)
        #expect(loaded.users["alice"]?.grants.role(in: "w") == .write)
    }

    @Test("repeated failures are answered more and more slowly, up to a cap; a success resets; memory is bounded")
    func throttle() {
        let throttle = FailureThrottle(
            freeFailures: 2, baseDelay: .milliseconds(100), maxDelay: .seconds(1), capacity: 10)
        let start = ContinuousClock.now
        let delays = (0..<8).map { _ in throttle.failed("mallory", now: start) }
        #expect(
            delays == [
                .zero, .zero, .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800),
                .seconds(1), .seconds(1),
            ])
        throttle.succeeded("mallory")
        #expect(throttle.failed("mallory", now: start) == .zero)
        for index in 0..<100 { _ = throttle.failed("user\(index)", now: start) }
        #expect(throttle.trackedCount <= 10)
    }

    @Test("a non-loopback address without access control refuses to start unless anonymous access is asked for")
    func startUpRule() throws {
        var configuration = ServiceConfiguration(host: "0.0.0.0", port: 8529, store: .memory)
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
        configuration.security.allowAnonymous = true
        try configuration.validate()
        configuration = ServiceConfiguration(host: "127.0.0.1", port: 8529, store: .memory)
        try configuration.validate()
        configuration.host = "10.1.2.3"
        configuration.security.usersFile = "/nonexistent/users.json"
        try configuration.validate()
        configuration.security.arangoDecides = true
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
        configuration.security.usersFile = nil
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
    }
}
