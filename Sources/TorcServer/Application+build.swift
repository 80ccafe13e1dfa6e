import Hummingbird
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
public func buildApplication(
    configuration: ServiceConfiguration, provider: any StoreProvider, logger: Logger? = nil
) -> TorcApplication {
    var configuredLogger = logger ?? Logger(label: "torc-service")
    configuredLogger.logLevel = configuration.logLevel
    let logger = configuredLogger
    let service = TorcService(provider: provider, logger: logger)
    let responder = TorcResponder(
        service: service, routes: TorcRoutes.all, maxBodySize: configuration.maxBodySize, logger: logger)
    let host = configuration.host
    let storeDescription = provider.description
    return Application(
        responder: responder,
        configuration: ApplicationConfiguration(
            address: .hostname(host, port: configuration.port), serverName: "torc-service"),
        services: [StoreLifecycle(provider: provider)],
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            logger.info("torc-service listening on http://\(host):\(port) (store: \(storeDescription))")
        },
        logger: logger
    )
}
