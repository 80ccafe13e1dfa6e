import Crypto
import Foundation
import _CryptoExtras

/// A salted password hash as stored in the users file:
/// `pbkdf2-sha256$ROUNDS$SALT$HASH` (salt and hash in base64). The password itself
/// is never stored; checking one derives the hash again and compares in constant time.
public struct PasswordHash: Sendable, Equatable, CustomStringConvertible {
    /// Rounds for new hashes: a check costs a noticeable fraction of a second, which
    /// slows guessing; verified credentials are cached (see `CredentialCache`), so
    /// clients using HTTP Basic pay it once, not per request.
    public static let defaultRounds = 310_000
    static let scheme = "pbkdf2-sha256"

    public let rounds: Int
    public let salt: [UInt8]
    public let hash: [UInt8]

    /// Hashes `password` with a new random 16-byte salt.
    public static func make(password: String, rounds: Int = defaultRounds) throws -> PasswordHash {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return PasswordHash(rounds: rounds, salt: salt, hash: try derive(password, salt: salt, rounds: rounds))
    }

    /// Parses the stored form; `nil` when it is not one.
    public init?(stored: String) {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == Self.scheme, let rounds = Int(parts[1]), rounds >= 1,
            let salt = Data(base64Encoded: String(parts[2])), let hash = Data(base64Encoded: String(parts[3])),
            !salt.isEmpty, hash.count == 32
        else { return nil }
        self.init(rounds: rounds, salt: Array(salt), hash: Array(hash))
    }

    init(rounds: Int, salt: [UInt8], hash: [UInt8]) {
        self.rounds = rounds
        self.salt = salt
        self.hash = hash
    }

    /// The stored form.
    public var description: String {
        "\(Self.scheme)$\(rounds)$\(Data(salt).base64EncodedString())$\(Data(hash).base64EncodedString())"
    }

    /// Whether `password` is the one hashed; takes the same time whatever the answer.
    public func matches(_ password: String) -> Bool {
        guard let derived = try? Self.derive(password, salt: salt, rounds: rounds) else { return false }
        return ConstantTime.equal(derived, hash)
    }

    static func derive(_ password: String, salt: [UInt8], rounds: Int) throws -> [UInt8] {
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32,
            unsafeUncheckedRounds: rounds)
        return key.withUnsafeBytes { Array($0) }
    }

    /// Checked against when the user name is unknown, so that an unknown name
    /// takes as long to refuse as a wrong password.
    static func decoy(rounds: Int?) -> PasswordHash {
        PasswordHash(
            rounds: rounds ?? defaultRounds, salt: Array(repeating: 0x5A, count: 16),
            hash: Array(repeating: 0, count: 32))
    }
}

/// Comparisons whose duration does not depend on where the inputs differ.
enum ConstantTime {
    static func equal<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
