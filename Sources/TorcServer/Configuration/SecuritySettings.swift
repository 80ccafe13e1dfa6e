import Foundation

/// Access control and HTTPS. Access control is on when a users file is given or
/// ArangoDB decides; without it, the service refuses to listen on anything but a
/// loopback address unless anonymous access is asked for explicitly.
public struct SecuritySettings: Sendable, Equatable {
    /// Default lifetime of a bearer token from `POST /_open/auth` (as ArangoDB's).
    public static let defaultTokenLifetime = 3600

    /// The users file (`--users-file`), edited with `torc-service users`.
    public var usersFile: String?
    /// Credentials and permissions checked against ArangoDB (`--auth-arangodb`).
    public var arangoDecides: Bool
    /// Anonymous access on a non-loopback address, on purpose (`--allow-anonymous`).
    public var allowAnonymous: Bool
    /// A file whose content signs bearer tokens (at least 32 bytes); without one a random
    /// secret is made at start, and tokens end with the process.
    public var tokenSecretFile: String?
    /// Seconds a bearer token is valid.
    public var tokenLifetimeSeconds: Int
    /// PEM certificate chain and private key for HTTPS (both or neither).
    public var tlsCertificate: String?
    public var tlsKey: String?

    public init(
        usersFile: String? = nil, arangoDecides: Bool = false, allowAnonymous: Bool = false,
        tokenSecretFile: String? = nil, tokenLifetimeSeconds: Int = defaultTokenLifetime,
        tlsCertificate: String? = nil, tlsKey: String? = nil
    ) {
        self.usersFile = usersFile
        self.arangoDecides = arangoDecides
        self.allowAnonymous = allowAnonymous
        self.tokenSecretFile = tokenSecretFile
        self.tokenLifetimeSeconds = tokenLifetimeSeconds
        self.tlsCertificate = tlsCertificate
        self.tlsKey = tlsKey
    }

    /// Whether requests need credentials.
    public var accessControl: Bool { usersFile != nil || arangoDecides }
    /// Whether the service speaks HTTPS.
    public var tls: Bool { tlsCertificate != nil }

    /// Whether `host` only accepts connections from this machine.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// Checks the values against the listen address and store.
    public func validate(host: String, store: StoreLocation) throws(ConfigurationError) {
        if usersFile != nil, arangoDecides {
            throw ConfigurationError("--users-file and --auth-arangodb exclude each other: pick who decides")
        }
        if arangoDecides {
            guard case .arangodb = store else { throw ConfigurationError("--auth-arangodb needs --store arangodb") }
        }
        if !accessControl, !allowAnonymous, !Self.isLoopback(host) {
            throw ConfigurationError(
                "refusing to serve \(host) without access control: anyone who can reach it could change or delete "
                    + "every workflow. Give --users-file (or --auth-arangodb), or --allow-anonymous to accept that")
        }
        guard (60...31_536_000).contains(tokenLifetimeSeconds) else {
            throw ConfigurationError("--token-lifetime must be 60...31536000 seconds, got \(tokenLifetimeSeconds)")
        }
        if let file = tokenSecretFile {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ConfigurationError("cannot read the token secret file \(file)")
            }
            guard data.count >= 32 else {
                throw ConfigurationError("the token secret file \(file) holds fewer than 32 bytes")
            }
        }
        switch (tlsCertificate, tlsKey) {
        case (nil, nil): break
        case (let certificate?, let key?):
            for (file, what) in [(certificate, "--tls-cert"), (key, "--tls-key")]
            where !FileManager.default.isReadableFile(atPath: file) {
                throw ConfigurationError("\(what) \(file) is not a readable file")
            }
        default:
            throw ConfigurationError("--tls-cert and --tls-key go together")
        }
    }
}
