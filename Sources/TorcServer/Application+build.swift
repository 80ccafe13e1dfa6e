import Hummingbird
import HummingbirdCore
import Logging
import TorcCore
import TorcEngine

/// The application type the service runs.
public typealias TorcApplication = Application<TorcResponder>

/// Every route of the API, in the order of the contract.
public enum TorcRoutes {
    /// All operations served under `/_db/{database}/torc-service`.
    public static var all: [Route] {
        CollectionRoutes.all + LookupRoutes.all + WorkflowRoutes.all + EngineRoutes.all + OpenAPIDocument.routes
    }
}

/// Wires the service: routes, responder, server configuration. The executable
/// and the tests both call this, with the store provider of their choice.
///
/// `accessControl` (from `AccessControl.make`) and `server` (from `ServerChannel.builder`,
/// for TLS) are built by the caller because they can fail; without `server`, plain HTTP
/// with the configured limits is served. `observability` carries the metrics registry and
/// the store's readiness check; by default the application makes its own (one registry per
/// application).
public func buildApplication(
    configuration: ServiceConfiguration, provider: any StoreProvider, logger: Logger? = nil,
    accessControl: AccessControl? = nil, server: HTTPServerBuilder? = nil, observability: Observability? = nil
) -> TorcApplication {
    var configuredLogger = logger ?? Logger(label: "torc-service")
    configuredLogger.logLevel = configuration.logLevel
    let logger = configuredLogger
    let observability = observability ?? Observability.defaults(for: configuration)
    let service = TorcService(
        provider: InstrumentedStoreProvider(base: provider, metrics: observability.metrics), logger: logger)
    let gate = RequestGate(
        maxConcurrentRequests: configuration.limits.maxConcurrentRequests,
        retryAfterSeconds: configuration.limits.retryAfterSeconds, access: accessControl)
    // With access control the dashboard's actions are on: the policy lets only callers with
    // the write role of the workflow's database use them. Without it they stay off unless
    // the operator turns them on (`--dashboard-actions`).
    var dashboardOptions = configuration.dashboard
    if accessControl != nil { dashboardOptions.actionsEnabled = true }
    let operations = OperationsEndpoints(
        observability: observability, dashboard: Dashboard(service: service, options: dashboardOptions),
        storeDescription: provider.description)
    let responder = TorcResponder(
        service: service, routes: TorcRoutes.all, maxBodySize: configuration.maxBodySize, logger: logger,
        operations: operations, logOptions: configuration.requestLog, gate: gate)
    let scheme = configuration.security.tls ? "https" : "http"
    let host = configuration.host
    let storeDescription = provider.description
    return Application(
        responder: responder,
        server: server ?? ServerChannel.http1(limits: configuration.limits),
        configuration: ApplicationConfiguration(
            address: .hostname(host, port: configuration.port), serverName: "torc-service"),
        services: [StoreLifecycle(provider: provider)],
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            logger.info("torc-service listening on \(scheme)://\(host):\(port) (store: \(storeDescription))")
        },
        logger: logger
    )
}
