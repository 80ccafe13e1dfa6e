import Synchronization
import TorcCore

/// The ready jobs that hand-outs running in this process have chosen, so that
/// concurrent hand-outs of one workflow choose different jobs instead of
/// colliding on the same ones.
///
/// Where calls are batched (ArangoDB), a hand-out decides on a snapshot read
/// without a lock and writes with a revision check (docs/arangodb-concurrency.md).
/// Runners asking at the same moment all read the same first ready jobs; if
/// each chose them, the exclusive lock on the jobs collection would run their
/// write batches one after the other and every one but the first would find a
/// changed revision, write nothing and start again: n runners arriving together
/// cost about n² requests. So a hand-out reserves the jobs it chose here before
/// its write batch is sent, and a concurrent hand-out passes over jobs reserved
/// by others and takes the next ones that fit.
///
/// A reservation is a hint, never the guarantee: each write batch still checks
/// the revision of every job it writes, so a hand-out of another service
/// process, a cancel or a reset is caught as before, and a job reserved by a
/// call that then fails was never written and stays ready for a later call.
/// Passing over the jobs a concurrent call reserved gives what running that
/// call first and this one after it would give, had that call written them.
///
/// A finished call's jobs stay reserved while any call that began before it
/// finished is still running: that call may have read them as still ready.
/// Jobs handed out are in no newer snapshot's candidates anyway, so keeping
/// them longer costs nothing but a slightly wider first page.
final class HandOutReservations: Sendable {
    /// One hand-out call, from `begin` to `end`.
    struct Ticket: Sendable {
        fileprivate let id: UInt64
        fileprivate let scope: String
    }

    private struct Call {
        var scope: String
        var jobs: Set<String> = []
    }

    private struct Finished {
        var scope: String
        var ended: UInt64
        var jobs: Set<String>
    }

    private struct State {
        /// Orders beginnings and ends of calls.
        var clock: UInt64 = 0
        /// Running calls by the clock value of their beginning.
        var calls: [UInt64: Call] = [:]
        var finished: [Finished] = []
        var finishedJobs = 0
    }

    private let state = Mutex(State())
    /// Bounds what finished calls keep reserved, should a call hang for long.
    private let finishedCapacity = 50_000

    /// Starts a hand-out of `scope` (one workflow of one database).
    func begin(scope: String) -> Ticket {
        state.withLock { state in
            state.clock += 1
            state.calls[state.clock] = Call(scope: scope)
            return Ticket(id: state.clock, scope: scope)
        }
    }

    /// The jobs of the ticket's scope reserved by other calls, running or recently finished.
    func taken(besides ticket: Ticket) -> Set<String> {
        state.withLock { state in Self.others(state, ticket) }
    }

    /// How many jobs of the ticket's scope other calls hold, and how many other
    /// running calls of the scope have not chosen yet: how much wider than a
    /// lone caller's the hand-out's first page must be to still hold its share.
    func load(besides ticket: Ticket) -> (jobs: Int, choosing: Int) {
        state.withLock { state in
            var jobs = 0
            var choosing = 0
            for (id, call) in state.calls where id != ticket.id && call.scope == ticket.scope {
                jobs += call.jobs.count
                if call.jobs.isEmpty { choosing += 1 }
            }
            for entry in state.finished where entry.scope == ticket.scope { jobs += entry.jobs.count }
            return (jobs, choosing)
        }
    }

    /// Reserves `jobs` for the ticket, replacing what it reserved before (a
    /// rerun decides afresh), unless another call holds one of them: then
    /// nothing changes and the answer is `false`, so the caller chooses again.
    func reserve(_ jobs: Set<String>, for ticket: Ticket) -> Bool {
        state.withLock { state in
            guard state.calls[ticket.id] != nil else { return false }
            if !jobs.isEmpty && !Self.others(state, ticket).isDisjoint(with: jobs) { return false }
            state.calls[ticket.id]?.jobs = jobs
            return true
        }
    }

    /// Ends the call. Jobs it handed out stay reserved while a call that began
    /// before this moment runs; jobs of a call that wrote nothing are free at once.
    func end(_ ticket: Ticket, handedOut: Bool) {
        state.withLock { state in
            guard let call = state.calls.removeValue(forKey: ticket.id) else { return }
            state.clock += 1
            if handedOut && !call.jobs.isEmpty {
                state.finished.append(Finished(scope: call.scope, ended: state.clock, jobs: call.jobs))
                state.finishedJobs += call.jobs.count
            }
            let oldest = state.calls.keys.min() ?? .max
            while let first = state.finished.first,
                first.ended < oldest || state.finishedJobs > finishedCapacity
            {
                state.finishedJobs -= first.jobs.count
                state.finished.removeFirst()
            }
        }
    }

    /// What any call of the scope but the ticket's holds.
    private static func others(_ state: State, _ ticket: Ticket) -> Set<String> {
        var taken = Set<String>()
        for (id, call) in state.calls where id != ticket.id && call.scope == ticket.scope { taken.formUnion(call.jobs) }
        for entry in state.finished where entry.scope == ticket.scope { taken.formUnion(entry.jobs) }
        return taken
    }
}
