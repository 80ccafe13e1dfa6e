import Logging
import TorcCore

/// The entry point of all torc rules: hands out one `WorkflowDatabase` per
/// `/_db/{database}` name over whichever backend the service was started with.
public struct TorcService: Sendable {
    let provider: any StoreProvider
    let logger: Logger
    let hints = BlockerHints()
    /// Jobs chosen by hand-outs in flight, all databases.
    let reservations = HandOutReservations()
    /// Hand-out calls waiting for ready jobs (`wait_seconds`), all databases.
    public let notifier: ReadyJobNotifier

    public init(
        provider: any StoreProvider, logger: Logger = Logger(label: "torc.engine"),
        notifier: ReadyJobNotifier = ReadyJobNotifier()
    ) {
        self.provider = provider
        self.logger = logger
        self.notifier = notifier
    }

    /// The data set of `name`, created on first use. Invalid names are refused
    /// before they reach a backend, so they can never address a file or database
    /// outside the service's own.
    public func database(_ name: String) async throws -> WorkflowDatabase {
        guard DatabaseName.isValid(name) else {
            throw ServiceError.illegalDatabaseName(name)
        }
        let store = try await provider.store(forDatabase: name)
        return WorkflowDatabase(
            name: name, store: store, logger: logger, hints: hints, reservations: reservations, notifier: notifier)
    }
}

/// One database's workflows. Every route of the service is a method on this
/// type (in extensions, one file per route family); each method validates its
/// input first and then runs its whole algorithm in one store transaction.
public struct WorkflowDatabase: Sendable {
    /// The database name from the URL.
    public let name: String
    let store: any DocumentStore
    let logger: Logger
    let hints: BlockerHints
    let reservations: HandOutReservations
    let notifier: ReadyJobNotifier

    init(
        name: String, store: any DocumentStore, logger: Logger, hints: BlockerHints,
        reservations: HandOutReservations, notifier: ReadyJobNotifier
    ) {
        self.name = name
        self.store = store
        self.logger = logger
        self.hints = hints
        self.reservations = reservations
        self.notifier = notifier
    }

    /// Runs a read-only step on one snapshot.
    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreReader) throws -> T) async throws -> T {
        try await store.read(body)
    }

    /// Runs a mutating step of workflow `workflow` atomically, serialised with
    /// every other mutating step of that workflow.
    func write<T: Sendable>(
        workflow: String, _ body: @escaping @Sendable (any StoreWriter) throws -> T
    ) async throws -> T {
        try await store.write(.workflow(workflow), body)
    }

    /// Runs a mutating step that touches global collections only.
    func writeGlobal<T: Sendable>(_ body: @escaping @Sendable (any StoreWriter) throws -> T) async throws -> T {
        try await store.write(.database, body)
    }
}
