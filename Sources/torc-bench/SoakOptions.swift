import ArgumentParser
import Foundation
import TorcCore
import TorcTestSupport

/// The options of the soak mode; `--soak-minutes` switches it on.
struct SoakOptions: ParsableArguments {
    @Option(help: "Run the soak mode for this many minutes (fractions allowed) instead of the scenarios.")
    var soakMinutes: Double?

    @Option(help: "Seconds per reporting interval of the soak.")
    var soakIntervalSeconds: Double = 60

    @Option(
        help:
            """
            Minutes of warm-up: resident memory at the end of the first interval past it is the reference for \
            growth (default: a sixth of the run, at most 5).
            """
    )
    var soakWarmUpMinutes: Double?

    @Option(help: "Concurrent workflow lives in the soak.")
    var soakLanes: Int = 4

    @Option(help: "Jobs per soak workflow.")
    var soakJobs: Int = 200

    @Option(help: "Runners draining each soak workflow.")
    var soakRunners: Int = 4
}

extension BenchCommand {
    /// Runs the soak, prints its table, writes the JSON report; fails when any call failed.
    func runSoak(minutes: Double, base: String, server: ServiceProcess?) async throws {
        guard minutes > 0, soak.soakIntervalSeconds > 0, soak.soakLanes > 0, soak.soakJobs > 1, soak.soakRunners > 0
        else {
            throw ValidationError("soak minutes, interval, lanes and runners must be positive, jobs at least 2")
        }
        let warmUpMinutes = soak.soakWarmUpMinutes ?? min(5, minutes / 6)
        let session = APISession(base: base, connections: soak.soakLanes * soak.soakRunners + 2)
        let run = Soak(
            session: session, server: server, duration: .seconds(minutes * 60),
            interval: .seconds(soak.soakIntervalSeconds),
            warmUp: .seconds(warmUpMinutes * 60), lanes: soak.soakLanes, jobs: soak.soakJobs, runners: soak.soakRunners)
        let outcome = await run.run()
        let machine = MachineInfo.current()
        let report: JSONValue = [
            "machine": [
                "cores": .int(Int64(machine.cores)), "memory_gb": .double((machine.memoryGB * 10).rounded() / 10),
            ],
            "command": .string(CommandLine.arguments.joined(separator: " ")),
            "summary": .object(outcome.summary), "intervals": .array(outcome.rows),
        ]
        try Data(JSONWriter.bytes(report)).write(to: URL(fileURLWithPath: json))
        let table = Soak.markdown(outcome)
        print(table)
        if let markdown { try table.write(toFile: markdown, atomically: true, encoding: .utf8) }
        if outcome.errors > 0 { throw BenchError("the soak saw \(outcome.errors) failed calls") }
    }
}
