import Foundation
import Synchronization
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

    /// Stores each database in `{directory}/{database}.sqlite`; creates the directory.
    public init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
            FileManager.default.isWritableFile(atPath: directory)
        else {
            throw StoreError.failure("\(directory) is not a writable directory")
        }
        self.location = .directory(directory)
    }

    private init(memory: Void) {
        self.location = .memory
    }

    /// Each database name gets its own in-memory database, kept while the provider lives.
    public static func inMemory() -> SQLiteStoreProvider {
        SQLiteStoreProvider(memory: ())
    }

    public var description: String {
        switch location {
        case .directory(let directory): return "sqlite:\(directory)"
        case .memory: return "memory"
        }
    }

    public func store(forDatabase database: String) async throws(StoreError) -> any DocumentStore {
        // Names are validated by the caller; check again so a name can never leave the directory.
        guard DatabaseName.isValid(database) else { throw .databaseNotFound(database) }
        let location = self.location
        do {
            return try await registry.store(database) {
                switch location {
                case .memory: return try SQLiteStore.inMemory()
                case .directory(let directory):
                    return try SQLiteStore.open(path: directory + "/" + database + ".sqlite")
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

/// Opens each database once, even when its first requests arrive together,
/// without making requests for other databases wait.
///
/// Opening a file (and migrating its schema) can take a while. It runs once per
/// name, as a task of its own on a dispatch queue of its own (blocking file I/O
/// stays off Swift's cooperative pool); the lock below is held only to find or record that
/// task, never while a file opens, so a slow first open of database A delays
/// only the requests for A.
final class StoreRegistry: Sendable {
    private let opening = Mutex<[String: Task<SQLiteStore, any Error>]>([:])

    func store(_ name: String, open: @escaping @Sendable () throws -> SQLiteStore) async throws -> SQLiteStore {
        let task = opening.withLock { tasks in
            if let task = tasks[name] { return task }
            let task = Task { try await Self.runOffPool(name, open) }
            tasks[name] = task
            return task
        }
        do {
            return try await task.value
        } catch {
            // A failed open is not remembered: the next request tries again.
            opening.withLock { tasks in
                if tasks[name] == task { tasks[name] = nil }
            }
            throw error
        }
    }

    /// Closes every database opened so far; later requests open them again.
    func closeAll() async {
        let tasks = opening.withLock { tasks in
            defer { tasks = [:] }
            return Array(tasks.values)
        }
        for task in tasks {
            (try? await task.value)?.close()
        }
    }

    /// Runs `open` on a queue of its own: a private serial queue gets a thread
    /// of its own, whereas the global queues are only as wide as the machine has
    /// cores, so a few slow opens there would hold up every other one.
    private static func runOffPool(
        _ name: String, _ open: @escaping @Sendable () throws -> SQLiteStore
    ) async throws -> SQLiteStore {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue(label: "torc.sqlite.open.\(name)").async {
                continuation.resume(with: Result { try open() })
            }
        }
    }
}
