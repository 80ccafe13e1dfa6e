import CurlHTTP
import Foundation
import TorcCore

/// The ArangoDB backend: `/_db/{database}/torc-service` is served from the
/// ArangoDB database of the same name, in the original service's layout.
///
/// A database that does not exist is created on first use, with its global
/// collections and the graph `workflow_graph`, when the configured user may
/// create databases; otherwise its requests answer 404 (1228).
public struct ArangoStoreProvider: StoreProvider {
    let connection: ArangoConnection
    private let registry = ArangoDatabaseRegistry()

    public init(configuration: ArangoConfiguration) {
        connection = ArangoConnection(configuration: configuration)
    }

    public var description: String { connection.configuration.description }

    /// Checks at start-up that ArangoDB answers and accepts the credentials;
    /// returns its version. The error says what is wrong.
    public func checkConnection() async throws -> String {
        let connection = self.connection
        return try await connection.threads.run {
            let response: ArangoResponse
            do throws(StoreError) {
                response = try connection.request(.get, database: "_system", "/_api/version")
            } catch {
                throw ArangoConfigurationError(
                    "cannot reach ArangoDB at \(connection.configuration.endpoints.joined(separator: ", ")): "
                        + "\(error.databaseMessage)"
                )
            }
            if response.status == 401 {
                throw ArangoConfigurationError(
                    "ArangoDB refused the credentials of user '\(connection.configuration.user ?? "")'")
            }
            if response.status == 403 {
                throw ArangoConfigurationError(
                    "the ArangoDB user '\(connection.configuration.user ?? "")' may not use the _system database")
            }
            guard response.isSuccess, let version = response.body["version"]?.stringValue else {
                throw ArangoConfigurationError(
                    """
                    the server at \(connection.configuration.endpoints[response.endpoint]) does not answer like \
                    ArangoDB (HTTP \(response.status))
                    """
                )
            }
            return version
        }
    }

    public func store(forDatabase database: String) async throws(StoreError) -> any DocumentStore {
        guard DatabaseName.isValid(database) else { throw .databaseNotFound(database) }
        let connection = self.connection
        do {
            return try await registry.store(database) {
                try await connection.threads.run {
                    try ArangoDatabaseSetup.prepare(database, connection: connection)
                    return ArangoStore(connection: connection, database: database)
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .failure("cannot prepare database \(database): \(error)")
        }
    }

    public func shutdown() async {}
}

/// Prepares each database once per process, even when its first requests arrive together.
actor ArangoDatabaseRegistry {
    private var stores: [String: Task<ArangoStore, any Error>] = [:]

    func store(_ name: String, prepare: @escaping @Sendable () async throws -> ArangoStore) async throws -> ArangoStore
    {
        if let task = stores[name] {
            do {
                return try await task.value
            } catch {
                // A failed preparation (ArangoDB down, say) is tried again by the next request.
                stores[name] = nil
                throw error
            }
        }
        let task = Task { try await prepare() }
        stores[name] = task
        do {
            return try await task.value
        } catch {
            stores[name] = nil
            throw error
        }
    }
}

/// Creating a database with the global collections and graph of the layout.
enum ArangoDatabaseSetup {
    static func prepare(_ database: String, connection: ArangoConnection) throws(StoreError) {
        let current = try connection.request(.get, database: database, "/_api/database/current")
        if current.status == 404 {
            let created = try connection.request(
                .post, database: "_system", "/_api/database", body: ["name": .string(database)])
            // 1207: created concurrently by another process.
            if !created.isSuccess && created.errorNum != 1207 {
                if created.status == 401 || created.status == 403 || created.errorNum == 1230 {
                    throw .databaseNotFound(database)
                }
                throw ArangoErrorMapping.storeError(created, collection: database)
            }
        } else if !current.isSuccess {
            throw ArangoErrorMapping.storeError(current, collection: database)
        }
        let graph = try connection.request(.get, database: database, "/_api/gharial/\(GlobalCollection.graphName)")
        if graph.status == 404 {
            // Creates the five global collections unless they exist (a database of the original).
            let created = try connection.request(
                .post, database: database, "/_api/gharial", body: ArangoLayout.globalGraph)
            if !created.isSuccess && created.errorNum != 1925 {
                throw ArangoErrorMapping.storeError(created, collection: GlobalCollection.graphName)
            }
        } else if !graph.isSuccess {
            throw ArangoErrorMapping.storeError(graph, collection: GlobalCollection.graphName)
        }
    }
}
