import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TorcCore
import TorcServer
@testable import TorcSQLite

/// Runs `body` against a service on an on-disk SQLite store, with the store of
/// database `test` at hand to change its limits.
private func withDiskService(
    _ body: @escaping @Sendable (any TestClientProtocol, SQLiteStore) async throws -> Void
) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("torc-full-\(UUID())").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let provider = try SQLiteStoreProvider(directory: directory)
    let store = try #require(try await provider.store(forDatabase: "test") as? SQLiteStore)
    let app = buildApplication(
        configuration: ServiceConfiguration(port: 0, store: .sqlite(directory: directory), logLevel: .error),
        provider: provider)
    try await app.test(.router) { client in try await body(client, store) }
}

private func call(
    _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, _ body: String? = nil
) async throws -> (status: Int, json: JSONValue) {
    try await client.execute(
        uri: "/_db/test/torc-service" + path, method: method, headers: [.contentType: "application/json"],
        body: body.map { ByteBuffer(string: $0) }
    ) { response in
        (Int(response.status.code), (try? JSONParser.parse(Array(response.body.readableBytesView))) ?? .null)
    }
}

/// Sets a pragma on the store's writer connection (the one that writes).
private func pragma(_ store: SQLiteStore, _ sql: String) async throws {
    try await store.writer.writeWithoutTransaction { db in try db.execute(sql: sql) }
}

@Suite("Full disk and read-only data: writes refused clearly, reads go on, recovery without restart")
struct StorageFullTests {
    @Test(
        """
        a full disk answers 507 (errorNum 1104) to writes, reads keep working, and writes work again when space \
        returns
        """
    )
    func fullDisk() async throws {
        try await withDiskService { client, store in
            let created = try await call(client, .post, "/workflows", #"{"name": "before"}"#)
            #expect(created.status == 200)
            let key = try #require(created.json["_key"]?.stringValue)
            // No page beyond those in use: the disk is "full".
            let pages = try await store.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0 }
            try await pragma(store, "PRAGMA max_page_count = \(pages)")
            let big = String(repeating: "x", count: 200_000)
            var refused: (status: Int, json: JSONValue)?
            for index in 0..<20 {
                let answer = try await call(
                    client, .post, "/workflows/\(key)/jobs", #"{"name": "j\#(index)", "command": "\#(big)"}"#)
                if answer.status != 200 {
                    refused = answer
                    break
                }
            }
            let full = try #require(refused)
            #expect(full.status == 507)
            #expect(full.json["error"] == .bool(true) && full.json["code"] == 507 && full.json["errorNum"] == 1104)
            // Reads keep working, and the refused write left nothing behind.
            let jobsBefore = try await call(client, .get, "/workflows/\(key)/jobs")
            #expect(jobsBefore.status == 200)
            #expect(try await call(client, .get, "/workflows/\(key)").status == 200)
            // Space returns: writes work again, without a restart.
            try await pragma(store, "PRAGMA max_page_count = 1073741823")
            #expect(
                try await call(client, .post, "/workflows/\(key)/jobs", #"{"name": "after", "command": "\#(big)"}"#)
                    .status == 200)
            let jobsAfter = try await call(client, .get, "/workflows/\(key)/jobs")
            #expect(
                (jobsAfter.json["items"]?.arrayValue?.count ?? 0) == (jobsBefore.json["items"]?.arrayValue?.count ?? 0)
                    + 1)
            let check = try await store.writer.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
            #expect(check == "ok")
        }
    }

    @Test("a read-only database answers 503 (errorNum 1004) to writes, reads keep working, and writes work again")
    func readOnly() async throws {
        try await withDiskService { client, store in
            let created = try await call(client, .post, "/workflows", #"{"name": "before"}"#)
            let key = try #require(created.json["_key"]?.stringValue)
            try await pragma(store, "PRAGMA query_only = 1")
            let refused = try await call(client, .post, "/workflows", #"{"name": "refused"}"#)
            #expect(refused.status == 503)
            #expect(
                refused.json["error"] == .bool(true) && refused.json["code"] == 503 && refused.json["errorNum"] == 1004)
            #expect(try await call(client, .get, "/workflows/\(key)").status == 200)
            let list = try await call(client, .get, "/workflows")
            #expect(list.json["items"]?.arrayValue?.count == 1)
            try await pragma(store, "PRAGMA query_only = 0")
            #expect(try await call(client, .post, "/workflows", #"{"name": "after"}"#).status == 200)
        }
    }
}
