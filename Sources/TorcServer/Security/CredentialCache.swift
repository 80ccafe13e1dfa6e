import Crypto
import Synchronization

/// Remembers credentials that were verified recently, so that a client sending HTTP
/// Basic with every request pays the deliberately slow password check once per
/// `lifetime`, not per request. Only a salted SHA-256 of the user and password is
/// kept (the salt is random per process), never the password; at most `capacity`
/// entries, the table is emptied when full.
final class CredentialCache: Sendable {
    let lifetime: Duration
    let capacity: Int
    private let salt: [UInt8] = TokenSigner.randomSecret()
    private let entries = Mutex<[[UInt8]: ContinuousClock.Instant]>([:])

    init(lifetime: Duration = .seconds(300), capacity: Int = 4096) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    private func key(user: String, password: String) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: salt)
        hasher.update(data: Array(user.utf8) + [0] + Array(password.utf8))
        return Array(hasher.finalize())
    }

    func contains(user: String, password: String, now: ContinuousClock.Instant = .now) -> Bool {
        let key = key(user: user, password: password)
        return entries.withLock { entries in
            guard let expiry = entries[key] else { return false }
            if expiry <= now {
                entries[key] = nil
                return false
            }
            return true
        }
    }

    func insert(user: String, password: String, now: ContinuousClock.Instant = .now) {
        let key = key(user: user, password: password)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = now + lifetime
        }
    }
}
