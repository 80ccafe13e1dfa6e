import Synchronization
import TorcCore

/// Parks hand-out calls that found nothing to give (`wait_seconds`) until jobs
/// may have become ready, without CPU and without a store query per waiter.
///
/// Waiters are kept per channel (`database/workflow`) in arrival order. A
/// change that may make jobs ready (a completion, an initialization, a reset,
/// a status change) wakes a bounded number of them (`signal`); each woken
/// waiter runs the hand-out once. A waiter that received jobs passes the
/// wake-up on to the next one (`relay`), because more jobs may be ready, so a
/// large release (initializing a workflow) drains through all waiters with at
/// most `fanOut` hand-outs in flight, and a single ready job wakes one or a
/// few waiters, never all of them.
///
/// Other service processes on the same store do not call `signal` here. For
/// them one task per channel with waiters (never one per waiter) reads a cheap
/// change marker of the store every `pollInterval` and wakes `fanOut`
/// waiters when it moved; every `heartbeatPolls` polls it wakes one waiter
/// regardless, which bounds the delay also for a marker that misses a change.
public final class ReadyJobNotifier: Sendable {
    /// How many waiters one change wakes at most.
    public let fanOut: Int
    /// How often the per-channel task reads the store's change marker.
    public let pollInterval: Duration
    /// Every this many polls one waiter is woken even without a visible change.
    public let heartbeatPolls: Int

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Bool, Never>
        var timer: Task<Void, Never>?
    }

    private struct State {
        var nextID: UInt64 = 0
        var channels: [String: [Waiter]] = [:]
        var polled: Set<String> = []
        /// Signals per channel; a caller that read the value before its
        /// hand-out does not park when a signal came in the meantime.
        var generations: [String: UInt64] = [:]
    }

    private let state = Mutex(State())

    public init(fanOut: Int = 8, pollInterval: Duration = .milliseconds(250), heartbeatPolls: Int = 8) {
        self.fanOut = max(1, fanOut)
        self.pollInterval = pollInterval
        self.heartbeatPolls = max(1, heartbeatPolls)
    }

    /// The number of calls parked on `channel` (tests, diagnostics).
    public func waiterCount(_ channel: String) -> Int {
        state.withLock { $0.channels[channel]?.count ?? 0 }
    }

    /// The channel's signal count, read before a hand-out attempt.
    func generation(_ channel: String) -> UInt64 {
        state.withLock { $0.generations[channel] ?? 0 }
    }

    /// Parks the caller until `signal` picks it or `timeout` passes. Returns
    /// `true` when woken by a change (at once when the channel was signalled
    /// after `generation` was read), `false` on time-out or cancellation.
    /// `marker` reads the store's change marker for the channel's poller.
    func wait(
        _ channel: String, since generation: UInt64, timeout: Duration,
        marker: @escaping @Sendable () async -> Int64?
    ) async -> Bool {
        let id = state.withLock { s -> UInt64 in
            s.nextID += 1
            return s.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let parked = state.withLock { s -> Bool? in
                    if (s.generations[channel] ?? 0) != generation { return nil }
                    s.channels[channel, default: []].append(Waiter(id: id, continuation: continuation))
                    return s.polled.insert(channel).inserted
                }
                guard let startPoller = parked else {
                    continuation.resume(returning: true)
                    return
                }
                let timer = Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    if !Task.isCancelled { self?.resume(channel, id, woken: false) }
                }
                let stillParked = state.withLock { s -> Bool in
                    guard let index = s.channels[channel]?.firstIndex(where: { $0.id == id }) else { return false }
                    s.channels[channel]![index].timer = timer
                    return true
                }
                if !stillParked { timer.cancel() }
                if startPoller {
                    Task { [weak self] in await self?.poll(channel, marker: marker) }
                }
            }
        } onCancel: {
            resume(channel, id, woken: false)
        }
    }

    /// Wakes up to `count` waiters of `channel`, oldest first.
    public func signal(_ channel: String, count: Int? = nil) {
        let limit = min(count ?? fanOut, fanOut)
        guard limit > 0 else { return }
        let woken = state.withLock { s -> [Waiter] in
            if s.generations.count >= 100_000 && s.generations[channel] == nil { s.generations.removeAll() }
            s.generations[channel, default: 0] &+= 1
            guard var waiters = s.channels[channel], !waiters.isEmpty else { return [] }
            let taken = Array(waiters.prefix(limit))
            waiters.removeFirst(taken.count)
            s.channels[channel] = waiters.isEmpty ? nil : waiters
            return taken
        }
        for waiter in woken {
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: true)
        }
    }

    /// Passes a wake-up on after a woken waiter received jobs: more may be ready.
    func relay(_ channel: String) {
        signal(channel, count: 1)
    }

    private func resume(_ channel: String, _ id: UInt64, woken: Bool) {
        let waiter = state.withLock { s -> Waiter? in
            guard var waiters = s.channels[channel], let index = waiters.firstIndex(where: { $0.id == id }) else {
                return nil
            }
            let waiter = waiters.remove(at: index)
            s.channels[channel] = waiters.isEmpty ? nil : waiters
            return waiter
        }
        waiter?.timer?.cancel()
        waiter?.continuation.resume(returning: woken)
    }

    /// The one polling task of a channel; ends when the channel has no waiters.
    private func poll(_ channel: String, marker: @Sendable () async -> Int64?) async {
        var last = await marker()
        var polls = 0
        while true {
            try? await Task.sleep(for: pollInterval)
            let waiting = state.withLock { s -> Bool in
                if s.channels[channel]?.isEmpty ?? true {
                    s.polled.remove(channel)
                    return false
                }
                return true
            }
            guard waiting else { return }
            polls += 1
            let current = await marker()
            if current != last {
                last = current
                signal(channel)
            } else if polls % heartbeatPolls == 0 {
                signal(channel, count: 1)
            }
        }
    }
}
