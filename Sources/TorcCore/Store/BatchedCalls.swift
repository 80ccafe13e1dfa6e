/// Running an engine call as a read batch plus a conditional write batch
/// (two requests to a remote store, whatever the workflow's shape), with the
/// ordinary transaction as the fallback for anything a batch cannot cover.
///
/// The engine passes the same body it would run in a transaction, plus the
/// `ReadBatch` of what that body will read. On a store that does not batch
/// calls (`batchesCalls == false`), this is exactly `read(_:)` / `write(_:_:)`.
extension DocumentStore {
    /// Attempts of the read-validate-write cycle before the call is run in a
    /// transaction instead (which waits for the workflow's lock and cannot go stale).
    public static var batchedWriteAttempts: Int { 8 }

    /// A read-only call answered from one read batch (one request), or from a
    /// read transaction when the batch did not cover what the body read.
    public func read<T: Sendable>(
        prefetching batch: ReadBatch, _ body: @escaping @Sendable (any StoreReader) throws -> T
    ) async throws -> T {
        guard batchesCalls else { return try await read(body) }
        guard let answers = try? await read(batch: batch) else { return try await read(body) }
        let session = SnapshotSession(batch: batch, answers: answers)
        let result: T
        do {
            result = try body(session)
        } catch {
            guard session.fellBack else { throw error }
            return try await read(body)
        }
        return session.fellBack ? try await read(body) : result
    }

    /// A mutating call as one read batch and one conditional write batch. When
    /// another writer changed a document the body read in between, the write
    /// batch writes nothing and the cycle runs again on fresh data; after
    /// `batchedWriteAttempts`, or when the batch did not cover the body, the
    /// body runs in an ordinary write transaction.
    public func write(
        _ scope: WriteScope, prefetching batch: ReadBatch,
        _ body: @escaping @Sendable (any StoreWriter) throws -> JSONValue
    ) async throws -> JSONValue {
        guard batchesCalls else { return try await write(scope, body) }
        for attempt in 0..<Self.batchedWriteAttempts {
            if attempt > 0 {
                // Callers that lost the same race (hand-outs picking the same
                // first ready jobs) spread out instead of colliding again.
                try await Task.sleep(for: .microseconds(Int.random(in: 0...(500 << min(attempt, 4)))))
            }
            guard let answers = try? await read(batch: batch) else { break }
            let session = SnapshotSession(batch: batch, answers: answers)
            let result: JSONValue
            do {
                result = try body(session)
            } catch {
                if session.fellBack { break }
                throw error
            }
            // A body that caught the failure of a read the batch did not cover
            // (and answered something else) decided on incomplete data.
            if session.fellBack { break }
            guard session.hasWrites else { return result }
            do {
                let outcome = try await apply(session.writeBatch, scope: scope)
                return session.finalize(result, outcome: outcome)
            } catch is WriteBatchStale {
                continue
            }
        }
        return try await write(scope, body)
    }
}
