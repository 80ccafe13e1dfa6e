import Synchronization
import TorcCore

/// Remembers, per blocked job, one blocker last seen incomplete.
///
/// Deciding whether a dependent can run means finding whether any of its
/// blockers is still incomplete. For a fan-in job with many blockers, reading
/// all of them on every completion would make a workflow's total cost grow with
/// the square of its width. The hint is checked first (one document read) and
/// only when it has completed is the full list scanned, newest blocker first
/// (the one handed out last), which usually yields a new witness that stays
/// valid for a long time. The hint only says where to look first: every
/// decision is still made from the committed statuses inside the transaction,
/// so a stale hint (another process, a reset) costs one read and nothing else.
final class BlockerHints: Sendable {
    private let hints = Mutex<[String: String]>([:])
    private let capacity = 200_000

    func hint(_ key: String) -> String? {
        hints.withLock { $0[key] }
    }

    func remember(_ key: String, _ blocker: String?) {
        hints.withLock { hints in
            if hints.count >= capacity { hints.removeAll(keepingCapacity: true) }
            hints[key] = blocker
        }
    }
}
