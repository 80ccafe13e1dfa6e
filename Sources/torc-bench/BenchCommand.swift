import CurlHTTP
import ArgumentParser
import Foundation
import TorcTestSupport
import TorcCore

/// `torc-bench`: measures what torc users feel (workflow creation,
/// initialization, job hand-out and completion under concurrent runners, user
/// data, and the cheapest route as a ceiling) against any torc-service URL, or
/// against a release torc-service it starts itself on the embedded store.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "torc-bench",
        abstract: "Benchmark a torc-service: create, initialize, drain, user data, ceiling.")

    @Option(
        help:
            """
            Base URL of a running service, e.g. http://127.0.0.1:8529/_db/bench/torc-service. Without it, a release \
            torc-service is started on the embedded store.
            """
    )
    var url: String?

    @Option(
        help:
            """
            ArangoDB server URL. Without --url, the started torc-service uses it (--store arangodb); the \
            arango_requests scenario reads its request statistics.
            """
    )
    var arangoUrl: String?

    @Option(help: "The torc-service binary to start (default: next to torc-bench).")
    var serverBinary: String?

    @Option(help: "Workflow sizes, comma-separated.")
    var jobs: String = "1000,10000,100000"

    @Option(help: "Concurrent runners for the drain scenario, comma-separated.")
    var workers: String = "1,16,64"

    @Option(help: "Workflow shapes for the drain scenario: independent, fan-in.")
    var shapes: String = "independent,fan-in"

    @Option(
        help:
            """
            Scenarios to run, comma-separated: ceiling, create, initialize, paging, drain, user_data, delete, \
            root_completion (fan-in shape: its root completed alone), long_poll, arango_requests (needs \
            --arango-url). Create always runs when a later scenario needs a workflow; ratios to the ceiling need \
            the ceiling.
            """
    )
    var scenarios: String = "ceiling,create,initialize,drain,user_data"

    @Option(help: "Clients of the user-data and ceiling scenarios.")
    var clients: Int = 16

    @Option(help: "Requests per client in the user-data and ceiling scenarios.")
    var requestsPerClient: Int = 250

    @Option(
        help: "Jobs a drain runner fetches (limit) and completes per complete_jobs call; 1 uses complete_job per job.")
    var batch: Int = 1

    @Option(
        help:
            """
            Job priorities, comma-separated, one workflow each: none (no job sets one), random (each job a priority \
            in 0...9). Results name the mode when it is not none.
            """
    )
    var priorities: String = "none"

    @Option(help: "Long-poll seconds for the drain runners' hand-out calls (0: sleep and poll as before).")
    var waitSeconds: Double = 0

    @Option(help: "Parked runners in the long_poll scenario.")
    var waiters: Int = 1000

    @Option(help: "Jobs released one at a time in the long_poll scenario.")
    var releases: Int = 50

    @Option(help: "Write the results as JSON here.")
    var json: String = "bench-results.json"

    @Option(help: "Write the markdown table here (it is also printed).")
    var markdown: String?

    @OptionGroup(title: "Soak (a mixed load for a set time instead of the scenarios)")
    var soak: SoakOptions

    func run() async throws {
        let jobSizes = try parseList(jobs)
        let workerCounts = try parseList(workers)
        let selected = Set(scenarios.split(separator: ",").map(String.init))
        let known: Set = [
            "ceiling", "create", "initialize", "drain", "user_data", "arango_requests", "long_poll", "paging", "delete",
            "root_completion",
        ]
        if let unknown = selected.subtracting(known).first { throw ValidationError("unknown scenario \(unknown)") }
        let shapeList = try shapes.split(separator: ",").map { text in
            guard let shape = WorkflowGenerator.Shape(rawValue: String(text)) else {
                throw ValidationError("unknown shape \(text)")
            }
            return shape
        }
        let priorityModes = try priorities.split(separator: ",").map { text in
            guard let mode = WorkflowGenerator.Priorities(rawValue: String(text)) else {
                throw ValidationError("unknown priorities mode \(text)")
            }
            return mode
        }
        var server: ServiceProcess?
        let base: String
        if let url {
            base = url
        } else {
            let binary =
                serverBinary
                ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
                .appendingPathComponent("torc-service").path
            let store =
                arangoUrl.map { ["--store", "arangodb", "--arango-url", $0] } ?? ["--store", "sqlite:{dataDirectory}"]
            let started = try await ServiceProcess.start(binary: binary, arguments: store + ["--log-level", "warning"])
            server = started
            base = "http://127.0.0.1:\(started.port)/_db/bench/torc-service"
        }
        // The server is stopped (and its data removed) also when a scenario fails.
        let outcome: Result<Void, any Error>
        do {
            try await measure(base: base, server: server)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        await server?.stop()
        try outcome.get()

        /// Runs the selected scenarios (or the soak) against `base`.
        func measure(base: String, server: ServiceProcess?) async throws {
            if let minutes = soak.soakMinutes {
                try await runSoak(minutes: minutes, base: base, server: server)
                return
            }
            let longPoll = selected.contains("long_poll")
            let session = APISession(
                base: base, connections: max(workerCounts.max() ?? 1, clients, longPoll ? waiters + 8 : 0) + 2)
            let scenarios = Scenarios(session: session, server: server)
            func wanted(_ name: String) -> Bool { selected.contains(name) }
            var results: [ScenarioResult] = []
            func recordResult(_ result: ScenarioResult) {
                results.append(result)
                FileHandle.standardError.write(
                    Data(
                        """
                        \(result.scenario) \(JSONWriter.string(.object(result.parameters))) \
                        \(JSONWriter.string(.object(result.figures)))\n
                        """
                        .utf8))
            }

            // The ceiling first, on a small workflow, so every throughput can be related to it.
            var ceilingRate: Double?
            if wanted("ceiling") {
                let (small, _) = try await scenarios.create(jobs: 100, shape: .independent)
                let ceiling = try await scenarios.ceiling(
                    small, clients: clients, requestsPerClient: requestsPerClient * 2)
                record(ceiling)
                ceilingRate = ceiling.figures["requests_per_second"]?.doubleValue
                _ = try await session.call(.delete, "/workflows/\(small)")
            }
            func record(_ result: ScenarioResult) { recordResult(result) }
            func ratio(_ figure: JSONValue?) -> JSONValue? {
                guard let ceilingRate, let value = figure?.doubleValue else { return nil }
                return .double(value / ceilingRate)
            }
            if wanted("arango_requests") {
                guard let arangoUrl else { throw ValidationError("arango_requests needs --arango-url") }
                record(try await scenarios.arangoRequests(counter: ArangoRequestCounter(arangoURL: arangoUrl)))
            }
            let needsInitialize = wanted("initialize") || wanted("drain") || wanted("paging")
            // root_completion makes a workflow of its own; the others share one per shape (the drain one per
            // runner count).
            let needsSharedWorkflow = needsInitialize || wanted("create") || wanted("user_data") || wanted("delete")
            let needsWorkflow = needsSharedWorkflow || wanted("root_completion")

            for size in jobSizes where needsWorkflow {
                for (shape, priorityMode) in shapeList.flatMap({ shape in priorityModes.map { (shape, $0) } }) {
                    /// Records a result, naming the priorities mode when jobs carry priorities.
                    func record(_ result: ScenarioResult) {
                        var result = result
                        if priorityMode != .none { result.parameters["priorities"] = .string(priorityMode.rawValue) }
                        recordResult(result)
                    }
                    for workerCount in workerCounts {
                        let first = workerCount == workerCounts.first
                        // Only the drain needs a new workflow per runner count.
                        guard needsSharedWorkflow, first || wanted("drain") else { continue }
                        let (workflow, create) = try await scenarios.create(
                            jobs: size, shape: shape, priorities: priorityMode)
                        if first && wanted("create") { record(create) }
                        if needsInitialize {
                            let initialize = try await scenarios.initialize(workflow, jobs: size, shape: shape)
                            if first && wanted("initialize") { record(initialize) }
                        }
                        if first && wanted("paging") {
                            record(try await scenarios.paging(workflow, jobs: size, shape: shape))
                        }
                        if wanted("drain") {
                            var drain = try await scenarios.drain(
                                workflow, jobs: size, workers: workerCount, shape: shape, batch: batch,
                                waitSeconds: waitSeconds)
                            drain.figures["calls_ratio_to_ceiling"] = ratio(drain.figures["calls_per_second"])
                            drain.figures["jobs_ratio_to_ceiling"] = ratio(drain.figures["jobs_per_second"])
                            record(drain)
                        }
                        if first && shape == shapeList.first && priorityMode == priorityModes.first
                            && wanted("user_data")
                        {
                            var userData = try await scenarios.userData(
                                workflow, clients: clients, requestsPerClient: requestsPerClient)
                            userData.parameters["jobs"] = .int(Int64(size))
                            userData.figures["ratio_to_ceiling"] = ratio(userData.figures["requests_per_second"])
                            record(userData)
                        }
                        let (_, deleteSeconds) = try await session.call(.delete, "/workflows/\(workflow)")
                        if first && wanted("delete") {
                            var figures: JSONObject = ["seconds": .double(deleteSeconds)]
                            figures.merge(scenarios.memoryFigures()) { $1 }
                            record(
                                ScenarioResult(
                                    scenario: "delete",
                                    parameters: ["jobs": .int(Int64(size)), "shape": .string(shape.rawValue)],
                                    figures: figures))
                        }
                    }
                    // A workflow of its own: the drain must find every job still to hand out.
                    if wanted("root_completion") && shape == .fanIn {
                        let (workflow, _) = try await scenarios.create(
                            jobs: size, shape: shape, priorities: priorityMode)
                        _ = try await scenarios.initialize(workflow, jobs: size, shape: shape)
                        record(try await scenarios.rootCompletion(workflow, jobs: size))
                        _ = try await session.call(.delete, "/workflows/\(workflow)")
                    }
                }
            }

            if longPoll {
                record(try await scenarios.longPoll(waiters: waiters, releases: releases))
            }

            let report = BenchReport(
                results: results, machine: MachineInfo.current(), command: CommandLine.arguments.joined(separator: " "))
            try Data(JSONWriter.bytes(report.json)).write(to: URL(fileURLWithPath: json))
            let table = report.markdown
            print(table)
            if let markdown { try table.write(toFile: markdown, atomically: true, encoding: .utf8) }
        }
    }

    func parseList(_ text: String) throws -> [Int] {
        try text.split(separator: ",").map { part in
            guard let value = Int(part), value > 0 else { throw ValidationError("not a positive number: \(part)") }
            return value
        }
    }
}
