import CurlHTTP
import Foundation
import Testing
import TorcArango
import TorcCore
import TorcTestSupport

/// Letting ArangoDB decide: credentials are checked by ArangoDB, permissions read
/// from it. The emulator checks users and passwords for real but grants every user
/// `rw` everywhere, so the permission lookup is checked for its shape only.
@Suite("ArangoDB decides: credential checks and permission lookups")
struct ArangoUserDirectoryTests {
    @Test("ArangoDB accepts a user's right password and refuses a wrong one or an unknown user")
    func credentials() async throws {
        let server = try await ArangoEmulator.shared()
        let provider = ArangoStoreProvider(configuration: ArangoConfiguration(endpoints: [server.url]))
        let user = "u\(UInt32.random(in: 0...UInt32.max))"
        try await JSONHTTP().ok(.post, server.url + "/_api/user", ["user": .string(user), "passwd": "s3cret pass"])
        let directory = ArangoUserDirectory(provider: provider)
        #expect(try await directory.verify(user: user, password: "s3cret pass"))
        #expect(try await !directory.verify(user: user, password: "wrong"))
        #expect(try await !directory.verify(user: "no-such-user-\(user)", password: "s3cret pass"))
        _ = try await provider.store(forDatabase: "permissions")
        #expect(try await directory.permission(of: user, in: "permissions") == .readWrite)
        #expect(try await directory.permission(of: user, in: "no_such_database_\(user)") == .noAccess)
        #expect(try await directory.permission(of: "no-such-user-\(user)", in: "permissions") == .noAccess)
    }
}
