import Foundation
import Testing
import TorcArango
import TorcCore
import TorcTestSupport

/// The store-conformance suite against the ArangoDB backend, on the emulator
/// (or the server named by `TORC_TEST_ARANGO_URL`).
@Suite("ArangoDB store conformance")
struct ArangoConformanceTests {
    static let provider = Task<ArangoStoreProvider, any Error> {
        let server = try await ArangoEmulator.shared()
        return ArangoStoreProvider(configuration: ArangoConfiguration(endpoints: [server.url]))
    }

    @Test("conformance", arguments: StoreConformance.checks)
    func conformance(check: StoreConformanceCheck) async throws {
        let provider = try await Self.provider.value
        try await check.run(try await provider.store(forDatabase: "conformance"))
    }

    @Test("start-up check reports the version, and bad credentials or an unreachable server clearly")
    func startupCheck() async throws {
        let server = try await ArangoEmulator.shared()
        let version = try await ArangoStoreProvider(configuration: ArangoConfiguration(endpoints: [server.url]))
            .checkConnection()
        #expect(!version.isEmpty)
        let wrong = ArangoStoreProvider(configuration: ArangoConfiguration(endpoints: [server.url], password: "wrong"))
        await #expect(throws: ArangoConfigurationError.self) { try await wrong.checkConnection() }
        do {
            _ = try await wrong.checkConnection()
        } catch {
            #expect("\(error)".contains("credentials"))
            #expect(!"\(error)".contains("wrong"))
        }
        let unreachable = ArangoStoreProvider(
            configuration: ArangoConfiguration(
                endpoints: ["http://127.0.0.1:1"], connectTimeout: .seconds(1), requestTimeout: .seconds(2)))
        do {
            _ = try await unreachable.checkConnection()
            Issue.record("an unreachable server passed the check")
        } catch {
            #expect("\(error)".contains("cannot reach ArangoDB"))
        }
    }

    @Test("a request fails over to the next endpoint when the first one is down")
    func failOver() async throws {
        let server = try await ArangoEmulator.shared()
        let provider = ArangoStoreProvider(
            configuration: ArangoConfiguration(
                endpoints: ["http://127.0.0.1:1", server.url], connectTimeout: .seconds(1)))
        let store = try await provider.store(forDatabase: "failover")
        let count = try await store.read { reader in try reader.count(in: .workflows, where: []) }
        #expect(count >= 0)
    }
}
