/// A store that can tell cheaply whether another process committed changes.
///
/// Waiting hand-out calls are woken in-process by the operations that make
/// jobs ready; changes committed by other service processes sharing the store
/// are noticed by polling this marker (one poll per waited-on workflow, not per
/// waiter). The value has no meaning beyond "it differs after another
/// process's commit". Stores without such a marker are polled with a count of
/// the workflow's ready jobs instead.
public protocol ExternalChangeMarking: Sendable {
    /// A value that changes whenever another connection or process commits.
    func externalChangeMarker() async throws -> Int64
}
