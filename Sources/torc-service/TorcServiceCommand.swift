import ArgumentParser
import Hummingbird
import Logging
import TorcCore
import TorcServer
import TorcSQLite

/// `torc-service`: serves the torc HTTP API. Every option can also be set by
/// an environment variable; the command line wins.
@main
struct TorcServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "torc-service",
        abstract: "The torc workflow service: the torc HTTP API on an embedded SQLite store.",
        discussion: """
            Routes are served under /_db/{database}/torc-service. Each database name is an
            independent data set (one SQLite file per database under the data directory).
            Environment: TORC_HOST, TORC_PORT, TORC_STORE, TORC_MAX_BODY_SIZE, TORC_LOG_LEVEL.
            """)

    @Option(help: "Listen address (env TORC_HOST). Default 127.0.0.1.")
    var host: String?

    @Option(help: "Listen port; 0 picks a free one (env TORC_PORT). Default 8529.")
    var port: Int?

    @Option(help: "sqlite:DIR (one file per database in DIR), or memory (env TORC_STORE). Default sqlite:./torc-data.")
    var store: String?

    @Option(help: "Largest request body in bytes (env TORC_MAX_BODY_SIZE). Default 536870912 (512 MiB).")
    var maxBodySize: Int?

    @Option(help: "trace, debug, info, notice, warning, error or critical (env TORC_LOG_LEVEL). Default info.")
    var logLevel: String?

    func run() async throws {
        let configuration = try makeConfiguration(environment: Environment())
        var logger = Logger(label: "torc-service")
        logger.logLevel = configuration.logLevel
        let provider: any StoreProvider
        switch configuration.store {
        case .memory:
            provider = SQLiteStoreProvider.inMemory()
        case .sqlite(let directory):
            do {
                provider = try SQLiteStoreProvider(directory: directory)
            } catch {
                throw ValidationError("cannot use data directory \(directory): \(error)")
            }
        }
        let app = buildApplication(configuration: configuration, provider: provider, logger: logger)
        try await app.runService()
    }

    /// Merges options and environment into one validated configuration.
    func makeConfiguration(environment: Environment) throws -> ServiceConfiguration {
        var configuration = ServiceConfiguration()
        if let host = host ?? environment.get("TORC_HOST") { configuration.host = host }
        if let port = try port ?? environment.get("TORC_PORT").map({ try Self.integer($0, "TORC_PORT") }) {
            configuration.port = port
        }
        if let store = store ?? environment.get("TORC_STORE") {
            do {
                configuration.store = try StoreLocation.parse(store)
            } catch {
                throw ValidationError(error.description)
            }
        }
        if let size = try maxBodySize
            ?? environment.get("TORC_MAX_BODY_SIZE").map({ try Self.integer($0, "TORC_MAX_BODY_SIZE") })
        {
            configuration.maxBodySize = size
        }
        if let level = logLevel ?? environment.get("TORC_LOG_LEVEL") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw ValidationError("unknown log level '\(level)'")
            }
            configuration.logLevel = parsed
        }
        do {
            try configuration.validate()
        } catch {
            throw ValidationError(error.description)
        }
        return configuration
    }

    static func integer(_ text: String, _ name: String) throws -> Int {
        guard let value = Int(text) else { throw ValidationError("\(name) must be an integer, got '\(text)'") }
        return value
    }
}
