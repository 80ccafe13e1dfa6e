import Foundation
import Logging

extension AccessControl {
    /// The access control `security` asks for, or `nil` when it is off. `external` is
    /// the authority for `--auth-arangodb` (the executable builds it from the store);
    /// otherwise the users file decides. The token secret comes from the secret file,
    /// or is random (then tokens are valid only for this process).
    public static func make(
        security: SecuritySettings, external: (any CredentialAuthority)?, logger: Logger
    ) throws(ConfigurationError) -> AccessControl? {
        guard security.accessControl else { return nil }
        let authority: any CredentialAuthority
        if let external {
            authority = external
            logger.info("access control on: ArangoDB checks credentials and permissions")
        } else if let path = security.usersFile {
            let users = try UsersFileAuthority(path: path)
            if users.userCount == 0 {
                logger.warning(
                    """
                    the users file \(path) has no users: every request will get 401 \
                    (add one with `torc-service users add`)
                    """
                )
            }
            logger.info("access control on: \(users.userCount) user(s) in \(path)")
            authority = users
        } else {
            throw ConfigurationError("--auth-arangodb needs the ArangoDB store")
        }
        var secret = TokenSigner.randomSecret()
        if let file = security.tokenSecretFile {
            guard let data = FileManager.default.contents(atPath: file), data.count >= 32 else {
                throw ConfigurationError("the token secret file \(file) must hold at least 32 bytes")
            }
            secret = Array(data)
        }
        let signer = TokenSigner(secret: secret, lifetime: .seconds(security.tokenLifetimeSeconds))
        return AccessControl(authority: authority, signer: signer, logger: logger)
    }
}
