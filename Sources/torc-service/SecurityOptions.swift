import ArgumentParser
import Hummingbird
import TorcCore
import TorcServer

/// The command-line options of durability, access control, HTTPS and limits. Each can
/// also come from the environment; the command line wins.
struct SecurityOptions: ParsableArguments {
    @Option(help: "What a 200 promises on power loss: normal or full (env TORC_SYNC). Default full.")
    var sync: String?

    @Option(help: "Users file enabling access control; edit it with `torc-service users` (env TORC_USERS_FILE).")
    var usersFile: String?

    @Flag(
        help:
            """
            With --store arangodb: ArangoDB checks credentials and its database permissions apply (env \
            TORC_AUTH_ARANGODB=1).
            """
    )
    var authArangodb = false

    @Flag(help: "Serve a non-loopback address without access control, on purpose (env TORC_ALLOW_ANONYMOUS=1).")
    var allowAnonymous = false

    @Option(
        help:
            """
            File of at least 32 bytes signing bearer tokens; default a random secret per process (env \
            TORC_TOKEN_SECRET_FILE).
            """
    )
    var tokenSecretFile: String?

    @Option(help: "Seconds a bearer token from POST /_open/auth is valid (env TORC_TOKEN_LIFETIME). Default 3600.")
    var tokenLifetime: Int?

    @Option(help: "PEM certificate chain for HTTPS, with --tls-key (env TORC_TLS_CERT).")
    var tlsCert: String?

    @Option(help: "PEM private key for HTTPS (env TORC_TLS_KEY).")
    var tlsKey: String?

    @Option(help: "Largest request head in bytes; larger get 431 (env TORC_MAX_HEADER_SIZE). Default 65536.")
    var maxHeaderSize: Int?

    @Option(
        help:
            "Seconds without a complete request part before a connection is closed (env TORC_IDLE_TIMEOUT). Default 60."
    )
    var idleTimeout: Int?

    @Option(
        help:
            "Requests answered at once; more get 503 with Retry-After (env TORC_MAX_CONCURRENT_REQUESTS). Default 256.")
    var maxConcurrentRequests: Int?

    @Option(help: "Open client connections; more get 503 and are closed (env TORC_MAX_CONNECTIONS). Default 2048.")
    var maxConnections: Int?

    /// Sets the options given (or their environment variables) in `configuration`.
    func apply(to configuration: inout ServiceConfiguration, environment: Environment) throws {
        if let sync = sync ?? environment.get("TORC_SYNC") {
            guard let durability = Durability(rawValue: sync.lowercased()) else {
                throw ValidationError("--sync must be normal or full, got '\(sync)'")
            }
            configuration.durability = durability
        }
        var security = configuration.security
        security.usersFile = usersFile ?? environment.get("TORC_USERS_FILE")
        security.arangoDecides = authArangodb || Self.flag(environment.get("TORC_AUTH_ARANGODB"))
        security.allowAnonymous = allowAnonymous || Self.flag(environment.get("TORC_ALLOW_ANONYMOUS"))
        security.tokenSecretFile = tokenSecretFile ?? environment.get("TORC_TOKEN_SECRET_FILE")
        if let lifetime = try tokenLifetime ?? Self.integer(environment, "TORC_TOKEN_LIFETIME") {
            security.tokenLifetimeSeconds = lifetime
        }
        security.tlsCertificate = tlsCert ?? environment.get("TORC_TLS_CERT")
        security.tlsKey = tlsKey ?? environment.get("TORC_TLS_KEY")
        configuration.security = security
        var limits = configuration.limits
        if let value = try maxHeaderSize ?? Self.integer(environment, "TORC_MAX_HEADER_SIZE") {
            limits.maxHeaderSize = value
        }
        if let value = try idleTimeout ?? Self.integer(environment, "TORC_IDLE_TIMEOUT") {
            limits.idleTimeoutSeconds = value
        }
        if let value = try maxConcurrentRequests ?? Self.integer(environment, "TORC_MAX_CONCURRENT_REQUESTS") {
            limits.maxConcurrentRequests = value
        }
        if let value = try maxConnections ?? Self.integer(environment, "TORC_MAX_CONNECTIONS") {
            limits.maxConnections = value
        }
        configuration.limits = limits
    }

    static func flag(_ text: String?) -> Bool {
        guard let text else { return false }
        return ["1", "true", "yes", "on"].contains(text.lowercased())
    }

    static func integer(_ environment: Environment, _ name: String) throws -> Int? {
        guard let text = environment.get(name) else { return nil }
        guard let value = Int(text) else { throw ValidationError("\(name) must be an integer, got '\(text)'") }
        return value
    }
}
