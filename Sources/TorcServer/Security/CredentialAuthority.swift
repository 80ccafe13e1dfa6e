import Foundation
import Synchronization

/// Who decides whether credentials are right and what a user may do: the users
/// file of the service, or ArangoDB (`--auth arangodb`), whose users and database
/// permissions then apply.
public protocol CredentialAuthority: Sendable {
    /// Whether `password` is `user`'s. Implementations take about the same time for
    /// an unknown user as for a wrong password.
    func verify(user: String, password: String) async throws -> Bool
    /// The user's role in `database` (`nil`: a path outside any database); `nil`
    /// when the user does not exist (any more) or has no access.
    func role(of user: String, in database: String?) async throws -> AccessRole?
}

/// The users file as the authority. The file is read again when it changes (checked
/// at most once a second), so `torc-service users add/remove` takes effect without a
/// restart.
public final class UsersFileAuthority: CredentialAuthority {
    private struct State {
        var file: UsersFile
        var modification: Date?
        var lastCheck: ContinuousClock.Instant
    }

    let path: String
    private let state: Mutex<State>

    /// Loads `path`; a malformed file stops the start with its message.
    public init(path: String) throws(ConfigurationError) {
        self.path = path
        let file = try UsersFile.load(path: path)
        self.state = Mutex(State(file: file, modification: Self.modificationDate(path), lastCheck: .now))
    }

    /// How many users the file holds (logged at start).
    public var userCount: Int { state.withLock { $0.file.users.count } }

    public func verify(user: String, password: String) async throws -> Bool {
        let file = current()
        let record = file.users[user]
        // An unknown user costs as much as a known one: a decoy hash with the file's rounds.
        let hash = record?.password ?? PasswordHash.decoy(rounds: file.users.values.first?.password.rounds)
        // The deliberately slow hash runs off Swift's cooperative pool (one thread per core),
        // so that checks do not hold up the requests being answered.
        let matches = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: hash.matches(password)) }
        }
        return record != nil && matches
    }

    public func role(of user: String, in database: String?) async throws -> AccessRole? {
        current().users[user]?.grants.role(in: database)
    }

    /// The file as it is now: read again if it changed since it was last read. A
    /// file that became malformed keeps the previous contents in force.
    private func current() -> UsersFile {
        let now = ContinuousClock.now
        let due = state.withLock { state -> Bool in
            guard now - state.lastCheck >= .seconds(1) else { return false }
            state.lastCheck = now
            return true
        }
        if due {
            let modification = Self.modificationDate(path)
            let changed = state.withLock { $0.modification != modification }
            if changed, let file = try? UsersFile.load(path: path) {
                state.withLock {
                    $0.file = file
                    $0.modification = modification
                }
            }
        }
        return state.withLock { $0.file }
    }

    private static func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}
