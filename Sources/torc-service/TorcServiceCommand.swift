import ArgumentParser
import Hummingbird
import HummingbirdCore
import Logging
import Foundation
import TorcArango
import TorcCore
import TorcMemory
import TorcServer
import TorcSQLite

/// `torc-service`: serves the torc HTTP API. Every option can also be set by
/// an environment variable; the command line wins.
@main
struct TorcServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "torc-service",
        abstract: "The torc workflow service: the torc HTTP API on an embedded SQLite store or on ArangoDB.",
        discussion: """
            Routes are served under /_db/{database}/torc-service. Each database name is an
            independent data set (one SQLite file per database under the data directory, or the
            ArangoDB database of that name with --store arangodb).
            Environment: TORC_HOST, TORC_PORT, TORC_STORE, TORC_MAX_BODY_SIZE, TORC_LOG_LEVEL,
            TORC_ARANGO_URL (comma-separated), TORC_ARANGO_USER, TORC_ARANGO_PASSWORD,
            TORC_ARANGO_PASSWORD_FILE, TORC_ARANGO_CA_FILE, TORC_ARANGO_TIMEOUT, TORC_LOG_FORMAT,
            TORC_SLOW_REQUEST_MS, TORC_ACCESS_LOG, TORC_DASHBOARD_ACTIONS, and those of the security options
            below. `torc-service users` edits the users file of access control.
            The dashboard is at /, Prometheus metrics at /metrics, probes at /health/live and /health/ready.
            """,
        subcommands: [UsersCommand.self])

    @Option(help: "Listen address (env TORC_HOST). Default 127.0.0.1.")
    var host: String?

    @Option(help: "Listen port; 0 picks a free one (env TORC_PORT). Default 8529.")
    var port: Int?

    @Option(
        help:
            """
            sqlite:DIR (one file per database in DIR), memory, or arangodb (env TORC_STORE). Default \
            sqlite:./torc-data.
            """
    )
    var store: String?

    @Option(help: "ArangoDB endpoint URL; repeat for fail-over endpoints (env TORC_ARANGO_URL, comma-separated).")
    var arangoUrl: [String] = []

    @Option(
        help:
            """
            ArangoDB user (env TORC_ARANGO_USER). Default root. The password comes from TORC_ARANGO_PASSWORD or \
            --arango-password-file.
            """
    )
    var arangoUser: String?

    @Option(help: "A file holding the ArangoDB password (env TORC_ARANGO_PASSWORD_FILE).")
    var arangoPasswordFile: String?

    @Option(help: "PEM file of CA certificates for https ArangoDB endpoints (env TORC_ARANGO_CA_FILE).")
    var arangoCaFile: String?

    @Flag(help: "Do not verify the TLS certificate of https ArangoDB endpoints (development only).")
    var arangoInsecure = false

    @Option(
        help:
            """
            Seconds a request to ArangoDB may take before the service answers 503 (env TORC_ARANGO_TIMEOUT). Default \
            30.
            """
    )
    var arangoTimeout: Int?

    @Option(help: "Largest request body in bytes (env TORC_MAX_BODY_SIZE). Default 536870912 (512 MiB).")
    var maxBodySize: Int?

    @Option(help: "trace, debug, info, notice, warning, error or critical (env TORC_LOG_LEVEL). Default info.")
    var logLevel: String?

    /// Durability, access control, HTTPS and limits.
    @OptionGroup(title: "Durability, security and limits") var security: SecurityOptions

    @Option(help: "text or json: one JSON object per log line (env TORC_LOG_FORMAT). Default text.")
    var logFormat: String?

    @Option(
        help:
            """
            Log requests taking at least this many milliseconds as slow; 0 turns it off (env TORC_SLOW_REQUEST_MS). \
            Default 1000.
            """
    )
    var slowRequestMs: Int?

    @Flag(help: "Log every request at info level (env TORC_ACCESS_LOG=1).")
    var accessLog = false

    @Flag(
        help:
            """
            Without access control: enable the dashboard's cancel, reset and restart-failed buttons for everyone (env \
            TORC_DASHBOARD_ACTIONS=1). With access control they are on for users holding the write role.
            """
    )
    var dashboardActions = false

    func run() async throws {
        AllocatorTuning.apply(environment: ProcessInfo.processInfo.environment)
        let configuration = try makeConfiguration(environment: Environment())
        if configuration.logFormat == .json {
            LoggingSystem.bootstrap { label in JSONLogHandler(label: label) }
        }
        var logger = Logger(label: "torc-service")
        var observability = Observability.defaults(for: configuration)
        logger.logLevel = configuration.logLevel
        let provider: any StoreProvider
        switch configuration.store {
        case .memory:
            provider = SQLiteStoreProvider.inMemory()
        case .sqlite(let directory):
            do {
                provider = try SQLiteStoreProvider(directory: directory, durability: configuration.durability)
            } catch {
                throw ValidationError("cannot use data directory \(directory): \(error)")
            }
        case .arangodb(let settings):
            var arangoConfiguration = ArangoConfiguration(
                endpoints: settings.endpoints, user: settings.user, password: settings.password,
                caFile: settings.caFile, verifyPeer: settings.verifyPeer,
                requestTimeout: .seconds(settings.timeoutSeconds),
                batchedCalls: ProcessInfo.processInfo.environment["TORC_ARANGO_BATCHED_CALLS"] != "0",
                durability: configuration.durability)
            arangoConfiguration.observer = observability.metrics
            let arango = ArangoStoreProvider(configuration: arangoConfiguration)
            observability.readiness = { _ = try await arango.checkConnection() }
            do {
                let version = try await arango.checkConnection()
                logger.info("ArangoDB \(version) answers at \(settings.endpoints.joined(separator: ", "))")
            } catch {
                throw ValidationError("\(error)")
            }
            provider = arango
        }
        var external: (any CredentialAuthority)?
        if configuration.security.arangoDecides, let arango = provider as? ArangoStoreProvider {
            external = ArangoCredentialAuthority(directory: ArangoUserDirectory(provider: arango))
        }
        let accessControl: AccessControl?
        let server: HTTPServerBuilder
        do {
            accessControl = try AccessControl.make(security: configuration.security, external: external, logger: logger)
            server = try ServerChannel.builder(limits: configuration.limits, security: configuration.security)
        } catch {
            throw ValidationError("\(error)")
        }
        var app = buildApplication(
            configuration: configuration, provider: provider, logger: logger, accessControl: accessControl,
            server: server,
            observability: observability)
        app.addServices(HeapTrimService(logger: logger))
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
        if case .arangodb(let given) = configuration.store {
            var settings = given
            try arangoSettings(into: &settings, environment: environment)
            configuration.store = .arangodb(settings)
        }
        if let size = try maxBodySize
            ?? environment.get("TORC_MAX_BODY_SIZE").map({ try Self.integer($0, "TORC_MAX_BODY_SIZE") })
        {
            configuration.maxBodySize = size
        }
        try security.apply(to: &configuration, environment: environment)
        if let level = logLevel ?? environment.get("TORC_LOG_LEVEL") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw ValidationError("unknown log level '\(level)'")
            }
            configuration.logLevel = parsed
        }
        try operationsSettings(into: &configuration, environment: environment)
        do {
            try configuration.validate()
        } catch {
            throw ValidationError(error.description)
        }
        return configuration
    }

    /// Fills the ArangoDB settings from options and environment.
    func arangoSettings(into settings: inout ArangoSettings, environment: Environment) throws {
        var endpoints = arangoUrl
        if endpoints.isEmpty, let list = environment.get("TORC_ARANGO_URL") {
            endpoints = list.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        }
        settings.endpoints = endpoints.filter { !$0.isEmpty }
        settings.endpoints = settings.endpoints.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        if let user = arangoUser ?? environment.get("TORC_ARANGO_USER") { settings.user = user.isEmpty ? nil : user }
        if let file = arangoPasswordFile ?? environment.get("TORC_ARANGO_PASSWORD_FILE") {
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8)
            else { throw ValidationError("cannot read the ArangoDB password file \(file)") }
            settings.password = text.trimmingCharacters(in: .newlines)
        } else if let password = environment.get("TORC_ARANGO_PASSWORD") {
            settings.password = password
        }
        settings.caFile = arangoCaFile ?? environment.get("TORC_ARANGO_CA_FILE")
        settings.verifyPeer = !arangoInsecure
        if let timeout = arangoTimeout {
            settings.timeoutSeconds = timeout
        } else if let text = environment.get("TORC_ARANGO_TIMEOUT") {
            let timeout = try Self.integer(text, "TORC_ARANGO_TIMEOUT")
            settings.timeoutSeconds = timeout
        }
    }

    /// Log format, request logging and dashboard switches from options and environment.
    func operationsSettings(into configuration: inout ServiceConfiguration, environment: Environment) throws {
        if let format = logFormat ?? environment.get("TORC_LOG_FORMAT") {
            guard let parsed = LogFormat(rawValue: format.lowercased()) else {
                throw ValidationError("unknown log format '\(format)': use text or json")
            }
            configuration.logFormat = parsed
        }
        if let ms = try slowRequestMs
            ?? environment.get("TORC_SLOW_REQUEST_MS").map({ try Self.integer($0, "TORC_SLOW_REQUEST_MS") })
        {
            guard ms >= 0 else { throw ValidationError("--slow-request-ms must not be negative") }
            configuration.requestLog.slowRequestThreshold = ms == 0 ? nil : .milliseconds(ms)
        }
        configuration.requestLog.accessLog = accessLog || Self.flag(environment.get("TORC_ACCESS_LOG"))
        configuration.dashboard.actionsEnabled =
            dashboardActions || Self.flag(environment.get("TORC_DASHBOARD_ACTIONS"))
    }

    /// `1`, `true` or `yes` (any case) turn an environment switch on.
    static func flag(_ text: String?) -> Bool {
        guard let text else { return false }
        return ["1", "true", "yes"].contains(text.lowercased())
    }

    static func integer(_ text: String, _ name: String) throws -> Int {
        guard let value = Int(text) else { throw ValidationError("\(name) must be an integer, got '\(text)'") }
        return value
    }
}
