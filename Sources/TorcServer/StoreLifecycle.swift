import ServiceLifecycle
import TorcCore

/// Keeps the stores open while the service runs and closes them on graceful
/// shutdown, after the HTTP server (started later, stopped earlier) has
/// finished its in-flight requests.
struct StoreLifecycle: Service {
    let provider: any StoreProvider

    func run() async throws {
        try? await gracefulShutdown()
        await provider.shutdown()
    }
}
