import CurlHTTP
import Foundation
import TorcCore

/// One ArangoDB database behind the store interface.
///
/// Every body runs in one stream transaction on one of the backend's threads.
/// Mutating operations of workflow W declare `jobs__W` exclusive, which
/// serialises them in ArangoDB itself, so several service processes sharing
/// one database still hand each job out once (docs/concurrency.md); the
/// transaction's snapshot is taken after its locks, so each body sees every
/// earlier commit. A body that collided with another transaction (write-write
/// conflict, lock timeout) is run again on fresh data; the engine's bodies
/// have no effects outside the store, so running one again is safe.
public final class ArangoStore: DocumentStore {
    let connection: ArangoConnection
    let database: String

    /// Attempts of one body before a persistent conflict is answered 503.
    static let maxAttempts = 12

    init(connection: ArangoConnection, database: String) {
        self.connection = connection
        self.database = database
    }

    /// ArangoDB renders `1.0` as `1` (VelocyPack doubles with integral values print as integers).
    public var keepsIntegralFloats: Bool { false }

    private var lockTimeout: Int {
        let (seconds, _) = connection.configuration.requestTimeout.components
        return max(1, Int(seconds) - 1)
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreReader) throws -> T) async throws -> T {
        try await connection.threads.run { [self] in
            try run(write: [], exclusive: [], body)
        }
    }

    public func write<T: Sendable>(
        _ scope: WriteScope, _ body: @escaping @Sendable (any StoreWriter) throws -> T
    ) async throws -> T {
        try await connection.threads.run { [self] in
            let globals = GlobalCollection.allCases.map { CollectionName($0.rawValue) }
            switch scope {
            case .database:
                return try run(write: globals, exclusive: [], body)
            case .workflow(let workflow):
                let jobs = CollectionName(.jobs, workflow: workflow)
                let others = WorkflowCollection.allCases.filter { $0 != .jobs }.map {
                    CollectionName($0, workflow: workflow)
                }
                return try run(write: globals + others, exclusive: [jobs], fallback: globals, body)
            }
        }
    }

    /// Runs `body` in a transaction, again after a conflict. `fallback` is
    /// declared instead when the scope's collections do not exist (a workflow
    /// being created, or one that is gone: the body then answers 404 itself).
    private func run<T>(
        write: [CollectionName], exclusive: [CollectionName], fallback: [CollectionName]? = nil,
        _ body: (ArangoTransaction) throws -> T
    ) throws -> T {
        var attempt = 1
        while true {
            let transaction: ArangoTransaction
            switch beginTransaction(write: write, exclusive: exclusive, fallback: fallback) {
            case .success(let begun):
                transaction = begun
            case .failure(let failure):
                guard failure.retryable, attempt < Self.maxAttempts else { throw failure.error }
                connection.configuration.observer?.transactionRetried(backend: "arangodb")
                Self.backOff(attempt)
                attempt += 1
                continue
            }
            do {
                let result = try body(transaction)
                try transaction.commit()
                return result
            } catch {
                transaction.abort()
                guard transaction.needsRetry, attempt < Self.maxAttempts else { throw error }
                connection.configuration.observer?.transactionRetried(backend: "arangodb")
                Self.backOff(attempt)
                attempt += 1
            }
        }
    }

    /// Begins the transaction, with the fallback collections when the scope's do not exist.
    private func beginTransaction(
        write: [CollectionName], exclusive: [CollectionName], fallback: [CollectionName]?
    ) -> Result<ArangoTransaction, ArangoTransaction.BeginFailure> {
        let first = Result { () throws(ArangoTransaction.BeginFailure) -> ArangoTransaction in
            try ArangoTransaction.begin(
                connection: connection, database: database, write: write, exclusive: exclusive,
                lockTimeout: lockTimeout)
        }
        guard case .failure(let failure) = first, case .collectionNotFound = failure.error, let fallback else {
            return first
        }
        return Result { () throws(ArangoTransaction.BeginFailure) -> ArangoTransaction in
            try ArangoTransaction.begin(
                connection: connection, database: database, write: fallback, lockTimeout: lockTimeout)
        }
    }

    /// A short randomised wait, growing with the attempt, so colliding bodies do not collide again.
    private static func backOff(_ attempt: Int) {
        let limit = min(200.0, 2.0 * pow(2.0, Double(attempt)))
        Thread.sleep(forTimeInterval: Double.random(in: 0...limit) / 1000)
    }
}
