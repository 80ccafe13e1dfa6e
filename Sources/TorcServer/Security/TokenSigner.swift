import Crypto
import Foundation
import TorcCore

/// Bearer tokens as ArangoDB hands them out from `POST /_open/auth`: a JWT signed
/// with HMAC-SHA256, naming the user (`preferred_username`) and expiring after
/// `lifetime`. The token carries no roles: they are looked up at each request, so
/// removing a user or lowering a role takes effect at once.
public struct TokenSigner: Sendable {
    /// The secret's bytes; `SymmetricKey` is not `Sendable`, so one is made per use.
    private let secret: [UInt8]
    /// How long a token is valid.
    public let lifetime: Duration

    /// Signs with `secret` (at least 32 bytes: the operator's secret file, or random bytes
    /// made at start, in which case tokens end with the process).
    public init(secret: [UInt8], lifetime: Duration = .seconds(3600)) {
        self.secret = secret
        self.lifetime = lifetime
    }

    /// 32 random bytes for a secret nobody configured.
    public static func randomSecret() -> [UInt8] {
        SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    }

    private static let header = base64URL(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))

    /// A token for `user`, valid from `now` for `lifetime`.
    public func issue(user: String, now: Date = Date()) -> String {
        let issued = Int64(now.timeIntervalSince1970)
        let payload: JSONValue = [
            "preferred_username": .string(user), "iss": "torc-service",
            "iat": .int(issued), "exp": .int(issued + lifetime.components.seconds),
        ]
        let signingInput = Self.header + "." + Self.base64URL(JSONWriter.bytes(payload))
        let mac = HMAC<SHA256>.authenticationCode(for: Array(signingInput.utf8), using: SymmetricKey(data: secret))
        return signingInput + "." + Self.base64URL(Array(mac))
    }

    /// The user a valid, unexpired token names; `nil` for anything else. The
    /// signature is checked in constant time before the payload is read.
    public func verify(_ token: String, now: Date = Date()) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == Self.header, let signature = Self.decodeBase64URL(parts[2]) else {
            return nil
        }
        let signingInput = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        guard
            HMAC<SHA256>.isValidAuthenticationCode(
                signature, authenticating: signingInput, using: SymmetricKey(data: secret)),
            let payloadBytes = Self.decodeBase64URL(parts[1]),
            let payload = try? JSONParser.parse(payloadBytes),
            let user = payload["preferred_username"]?.stringValue,
            let expiry = payload["exp"]?.intValue, expiry > Int64(now.timeIntervalSince1970)
        else { return nil }
        return user
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeBase64URL(_ text: Substring) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map { Array($0) }
    }
}
