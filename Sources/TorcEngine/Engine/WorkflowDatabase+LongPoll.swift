import TorcCore

/// Long-poll hand-out: `prepare_jobs_for_submission?wait_seconds=N` parks a
/// call that found nothing until jobs may have become ready (see
/// `ReadyJobNotifier`) and then runs the hand-out again, until jobs are handed
/// out or the time is up. Without the parameter nothing changes.
extension WorkflowDatabase {
    /// The longest wait a caller may ask for.
    static let maxWaitSeconds = 3600.0

    /// The `wait_seconds` query parameter: absent or 0 for no waiting; a
    /// number from 0 to 3600, else 400.
    static func waitSeconds(_ query: QueryParameters) throws(ServiceError) -> Double? {
        guard let value = try QueryNumber.parse(query, "wait_seconds") else { return nil }
        guard let seconds = value.doubleValue, seconds >= 0, seconds <= maxWaitSeconds else {
            throw .badRequest("query parameter \"wait_seconds\" must be between 0 and \(Int(maxWaitSeconds))")
        }
        return seconds > 0 ? seconds : nil
    }

    /// The notifier channel of a workflow in this database.
    func readyChannel(_ workflow: WorkflowReference) -> String {
        "\(name)/\(WorkflowLookup.key(workflow))"
    }

    /// Tells waiting hand-outs of `workflow` that jobs may have become ready
    /// (`count` of them when known; 0 wakes nobody).
    func jobsMayBeReady(workflow: WorkflowReference, count: Int? = nil) {
        if count == 0 { return }
        notifier.signal(readyChannel(workflow), count: count)
    }

    /// Runs `handOut` until it hands out jobs, the workflow is canceled, or
    /// `seconds` have passed, parking between attempts.
    func waitForJobs(
        workflow: WorkflowReference, seconds: Double, handOut: () async throws -> HandOut
    ) async throws -> JSONValue {
        let channel = readyChannel(workflow)
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        let marker = changeMarker(workflow: WorkflowLookup.key(workflow))
        var woken = false
        while true {
            let generation = notifier.generation(channel)
            let attempt = try await handOut()
            if attempt.handedOut || attempt.canceled {
                // More jobs may be ready than this caller took (or every waiter
                // has to learn of the cancellation): pass the wake-up on.
                if woken { notifier.relay(channel) }
                return attempt.answer
            }
            let remaining = deadline - .now
            if remaining <= .zero { return attempt.answer }
            woken = await notifier.wait(channel, since: generation, timeout: remaining, marker: marker)
            if !woken {
                // Time is up: one last look, then the usual (possibly empty) answer.
                let last = try await handOut()
                if last.handedOut { notifier.relay(channel) }
                return last.answer
            }
        }
    }

    /// Reads the store's change marker for the poller of a channel: the
    /// store's own marker where it has one, else the workflow's ready count.
    func changeMarker(workflow key: String) -> @Sendable () async -> Int64? {
        let store = self.store
        return {
            if let marking = store as? any ExternalChangeMarking {
                return try? await marking.externalChangeMarker()
            }
            return try? await store.read { reader in
                Int64(try reader.count(in: CollectionName(.jobs, workflow: key), where: [.status(.ready)]))
            }
        }
    }
}

/// One run of the hand-out.
struct HandOut: Sendable {
    var answer: JSONValue
    var handedOut: Bool
    var canceled: Bool
}
