/// Receives what a store backend does internally, for the service's metrics.
///
/// Backends call it from their own threads, so implementations must be cheap
/// and thread-safe (counters). Labels a backend passes are drawn from a small
/// fixed set (operation kinds, API paths without document or collection
/// names), never from workflow or job keys.
public protocol StoreObserver: Sendable {
    /// A transaction was run again after a conflict or lock timeout.
    func transactionRetried(backend: String)
    /// One HTTP request was sent to a remote database; `call` names the API
    /// (e.g. `POST /_api/cursor`), `status` is the HTTP status or 0 when no
    /// answer came.
    func remoteRequest(backend: String, call: String, status: Int, seconds: Double)
}
