import Synchronization
import TorcCore

/// Recent answers that read a whole workflow (the dependency graph, a job list
/// filtered by name), so that a page refreshing them on a very large workflow
/// does not redo the work on every refresh.
///
/// Such an answer reads every job of the workflow; for a few thousand jobs
/// that takes milliseconds and is never cached, for 100,000 it takes seconds.
/// An answer is therefore kept for five times what it cost to build (at most
/// a minute) once it cost more than 100 ms: the page stays current to within
/// a few refreshes, and the service spends at most a sixth of its time on it.
/// One cache per dashboard (per application), never global.
final class CostlyAnswerCache: Sendable {
    private struct Entry: Sendable {
        var answer: JSONValue
        var expires: ContinuousClock.Instant
    }

    private let entries = Mutex<[String: Entry]>([:])
    /// Most answers kept; expired ones are dropped first, then any.
    static let capacity = 32

    /// The cached answer for `key` while it is fresh, otherwise a new one from `build`.
    func answer(for key: String, build: () async throws -> JSONValue) async throws -> JSONValue {
        let now = ContinuousClock.now
        if let hit = entries.withLock({ $0[key] }), hit.expires > now { return hit.answer }
        let answer = try await build()
        let cost = ContinuousClock.now - now
        guard cost > .milliseconds(100) else { return answer }
        let expires = ContinuousClock.now + min(cost * 5, .seconds(60))
        entries.withLock { entries in
            let current = ContinuousClock.now
            entries = entries.filter { $0.value.expires > current }
            if entries.count >= Self.capacity, let oldest = entries.min(by: { $0.value.expires < $1.value.expires }) {
                entries.removeValue(forKey: oldest.key)
            }
            entries[key] = Entry(answer: answer, expires: expires)
        }
        return answer
    }
}
