import Logging
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TorcCore
import TorcServer
import TorcArango
import TorcSQLite
import TorcTestSupport

/// An answer of the service: status, parsed JSON body and headers.
struct APIResponse: Sendable {
    var status: Int
    var json: JSONValue
    var headers: HTTPFields

    /// The body's member, or `.null`.
    subscript(_ name: String) -> JSONValue { json[name] ?? .null }

    /// A string member.
    func string(_ name: String) -> String { json[name]?.stringValue ?? "" }

    /// The `items` of a list envelope.
    var items: [JSONValue] { json["items"]?.arrayValue ?? [] }

    /// Whether this is an error answer in the service's wire format with `status`.
    func isError(_ status: Int, errorNum: Int? = nil) -> Bool {
        guard self.status == status, json["error"] == .bool(true), json["code"] == .int(Int64(status)),
            json["errorMessage"]?.stringValue != nil, let num = json["errorNum"]?.intValue
        else { return false }
        return num == Int64(errorNum ?? status)
    }

    /// The error message, if any.
    var message: String { json["errorMessage"]?.stringValue ?? "" }
}

/// The store the route tests run on: the embedded store by default, or
/// ArangoDB (the emulator, or `TORC_TEST_ARANGO_URL`) with `TORC_TEST_STORE=arangodb`.
enum TestStore {
    static let isArango = ProcessInfo.processInfo.environment["TORC_TEST_STORE"] == "arangodb"

    /// One ArangoDB provider for the whole test process (its connection pool is shared).
    static let arango = Task<ArangoStoreProvider, any Error> {
        let server = try await ArangoEmulator.shared()
        // Every suite of the run shares this emulator, which answers one request at a time: behind another
        // suite's large request a small one can wait tens of seconds, longer than the default 30 s timeout.
        return ArangoStoreProvider(
            configuration: ArangoConfiguration(
                endpoints: [server.url], requestTimeout: .seconds(300), maxConnections: 64))
    }
}

/// Drives the service in-process through its router, on a fresh data set:
/// a new in-memory SQLite store, or a new ArangoDB database for each service.
struct APIClient: Sendable {
    let client: any TestClientProtocol
    var database = "test"

    /// The base path of the service.
    var base: String { "/_db/\(database)/torc-service" }

    /// Whether integral floats come back as floats (not on ArangoDB, which renders 1.0 as 1).
    var keepsIntegralFloats: Bool { !TestStore.isArango }

    /// `value` as the store gives it back: on ArangoDB every float with an
    /// integral value becomes an integer; elsewhere it is unchanged.
    func stored(_ value: JSONValue) -> JSONValue {
        guard !keepsIntegralFloats else { return value }
        switch value {
        case .double(let number) where number.rounded() == number && abs(number) < 9.2e18: return .int(Int64(number))
        case .array(let items): return .array(items.map(stored))
        case .object(let members): return .object(members.mapValues(stored))
        default: return value
        }
    }

    /// Runs `body` against a new service instance.
    static func withService(
        maxBodySize: Int = ServiceConfiguration.defaultMaxBodySize, onDisk: Bool = false,
        _ body: @escaping @Sendable (APIClient) async throws -> Void
    ) async throws {
        let configuration = ServiceConfiguration(port: 0, store: .memory, maxBodySize: maxBodySize, logLevel: .warning)
        let provider: any StoreProvider
        var database = "test"
        if TestStore.isArango {
            provider = try await TestStore.arango.value
            database = "t\(UInt64.random(in: 0...UInt64.max))"
        } else if onDisk {
            provider = try SQLiteStoreProvider(
                directory: FileManager.default.temporaryDirectory.appendingPathComponent("torc-\(UUID())").path)
        } else {
            provider = SQLiteStoreProvider.inMemory()
        }
        let app = buildApplication(configuration: configuration, provider: provider)
        let name = database
        try await app.test(.router) { client in
            try await body(APIClient(client: client, database: name))
        }
    }

    /// Sends a raw body.
    func raw(_ method: HTTPRequest.Method, _ path: String, body: String? = nil, absolute: Bool = false) async throws
        -> APIResponse
    {
        let uri = absolute ? path : base + path
        let buffer = body.map { ByteBuffer(string: $0) }
        let response = try await client.execute(
            uri: uri, method: method, headers: [.contentType: "application/json"], body: buffer
        ) { response in
            let bytes = Array(response.body.readableBytesView)
            let json = bytes.isEmpty ? JSONValue.null : ((try? JSONParser.parse(bytes)) ?? .string("<invalid json>"))
            return APIResponse(status: Int(response.status.code), json: json, headers: response.headers)
        }
        // Every answer must match what openapi/torc-service.yaml documents for it.
        if !absolute, response.headers[.contentType]?.hasPrefix("application/json") == true {
            for problem in ResponseSchemaValidator.shared.problems(
                method: method.rawValue, path: path, status: response.status, body: response.json)
            {
                Issue.record("response does not match the spec: \(problem)")
            }
        }
        return response
    }

    /// Sends a JSON body.
    func send(_ method: HTTPRequest.Method, _ path: String, _ body: JSONValue? = nil) async throws -> APIResponse {
        try await raw(method, path, body: body.map { JSONWriter.string($0) })
    }

    func get(_ path: String) async throws -> APIResponse { try await send(.get, path) }
    func post(_ path: String, _ body: JSONValue? = nil) async throws -> APIResponse {
        try await send(.post, path, body)
    }
    func put(_ path: String, _ body: JSONValue? = nil) async throws -> APIResponse { try await send(.put, path, body) }
    func delete(_ path: String, _ body: JSONValue? = nil) async throws -> APIResponse {
        try await send(.delete, path, body)
    }

    /// Creates a workflow and returns its key.
    func createWorkflow(_ body: JSONValue = ["name": "w"]) async throws -> String {
        let response = try await post("/workflows", body)
        precondition(response.status == 200, "workflow creation failed: \(response.json)")
        return response.string("_key")
    }

    /// Creates a document and returns the stored answer (status 200 required).
    func create(_ workflow: String, _ collection: String, _ body: JSONValue) async throws -> JSONValue {
        let response = try await post("/workflows/\(workflow)/\(collection)", body)
        precondition(response.status == 200, "create \(collection) failed: \(response.json)")
        return response.json
    }

    /// Creates an edge between two stored documents.
    func link(_ workflow: String, _ edge: String, from: JSONValue, to: JSONValue) async throws {
        let response = try await post(
            "/workflows/\(workflow)/edges/\(edge)", ["_from": from["_id"] ?? .null, "_to": to["_id"] ?? .null])
        precondition(response.status == 200, "edge failed: \(response.json)")
    }
}

extension JSONValue {
    /// Whether every member of `subset` is here with the same value (nested
    /// objects compared the same way, so server-filled defaults do not count).
    func contains(_ subset: JSONValue) -> Bool {
        guard case .object(let wanted) = subset, case .object(let have) = self else { return looselyEquals(subset) }
        return wanted.allSatisfy { name, value in have[name].map { $0.contains(value) } ?? false }
    }

    /// A string member, or "".
    func string(_ name: String) -> String { self[name]?.stringValue ?? "" }
}
