import Foundation
import TorcCore

/// The embedded backend: one SQLite file per database name in a directory,
/// or in-memory databases for tests and try-outs.
public struct SQLiteStoreProvider: StoreProvider {
    private enum Location: Sendable {
        case directory(String)
        case memory
    }

    private let location: Location
    private let registry = StoreRegistry()
    /// What a commit promises on power loss (`PRAGMA synchronous`).
    public let durability: Durability

    /// Stores each database in `{directory}/{database}.sqlite`; creates the directory.
    /// `durability` picks SQLite's `synchronous` level (see `Durability`).
    public init(directory: String, durability: Durability = .full) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
            FileManager.default.isWritableFile(atPath: directory)
        else {
            throw StoreError.failure("\(directory) is not a writable directory")
        }
        self.location = .directory(directory)
        self.durability = durability
    }

    private init(memory: Void) {
        self.location = .memory
        self.durability = .normal
    }

    /// Each database name gets its own in-memory database, kept while the provider lives.
    public static func inMemory() -> SQLiteStoreProvider {
        SQLiteStoreProvider(memory: ())
    }

    public var description: String {
        switch location {
        case .directory(let directory): return "sqlite:\(directory), sync \(durability)"
        case .memory: return "memory"
        }
    }

    public func store(forDatabase database: String) async throws(StoreError) -> any DocumentStore {
        // Names are validated by the caller; check again so a name can never leave the directory.
        guard DatabaseName.isValid(database) else { throw .databaseNotFound(database) }
        let location = self.location
        let durability = self.durability
        do {
            return try await registry.store(database) {
                switch location {
                case .memory: return try SQLiteStore.inMemory()
                case .directory(let directory):
                    return try SQLiteStore.open(path: directory + "/" + database + ".sqlite", durability: durability)
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .failure("cannot open database \(database): \(error)")
        }
    }

    public func shutdown() async {
        await registry.closeAll()
    }
}

/// Opens each database once, even when its first requests arrive together.
actor StoreRegistry {
    private var stores: [String: SQLiteStore] = [:]

    func store(_ name: String, open: () throws -> SQLiteStore) throws -> SQLiteStore {
        if let store = stores[name] { return store }
        let store = try open()
        stores[name] = store
        return store
    }

    func closeAll() {
        for store in stores.values { store.close() }
        stores = [:]
    }
}
