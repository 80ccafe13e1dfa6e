import TorcCore

/// Wraps the configured store provider so every transaction is timed: into the
/// store latency histogram and into the current request's store time.
struct InstrumentedStoreProvider: StoreProvider {
    let base: any StoreProvider
    let metrics: ServiceMetrics

    func store(forDatabase database: String) async throws(StoreError) -> any DocumentStore {
        InstrumentedStore(base: try await base.store(forDatabase: database), metrics: metrics)
    }

    func shutdown() async { await base.shutdown() }

    var description: String { base.description }
}

/// One database's store with timed transactions; everything else is the base store's.
struct InstrumentedStore: DocumentStore {
    let base: any DocumentStore
    let metrics: ServiceMetrics

    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreReader) throws -> T) async throws -> T {
        let start = ContinuousClock.now
        defer { finished("read", since: start) }
        return try await base.read(body)
    }

    func write<T: Sendable>(
        _ scope: WriteScope, _ body: @escaping @Sendable (any StoreWriter) throws -> T
    ) async throws -> T {
        let start = ContinuousClock.now
        defer { finished("write", since: start) }
        return try await base.write(scope, body)
    }

    var keepsIntegralFloats: Bool { base.keepsIntegralFloats }

    // Batches are forwarded as batches (never through the default primitives),
    // so a remote store keeps answering them in one round trip.
    func read(batch: ReadBatch) async throws -> [ReadBatch.Answer] {
        let start = ContinuousClock.now
        defer { finished("read", since: start) }
        return try await base.read(batch: batch)
    }

    func apply(_ batch: WriteBatch, scope: WriteScope) async throws -> WriteBatch.Outcome {
        let start = ContinuousClock.now
        defer { finished("write", since: start) }
        return try await base.apply(batch, scope: scope)
    }

    var batchesCalls: Bool { base.batchesCalls }

    private func finished(_ kind: String, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        metrics.storeTransaction(kind: kind, duration: elapsed)
        RequestTiming.current?.addStoreTime(elapsed)
    }
}
