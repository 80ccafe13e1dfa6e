import Foundation
import TorcCore

/// Cores and memory of the machine the benchmark ran on.
struct MachineInfo {
    var cores: Int
    var memoryGB: Double

    static func current() -> MachineInfo {
        MachineInfo(
            cores: ProcessInfo.processInfo.activeProcessorCount,
            memoryGB: Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824)
    }
}

/// The results as JSON and as a markdown table.
struct BenchReport {
    var results: [ScenarioResult]
    var machine: MachineInfo
    var command: String

    var json: JSONValue {
        [
            "machine": [
                "cores": .int(Int64(machine.cores)), "memory_gb": .double((machine.memoryGB * 10).rounded() / 10),
            ],
            "command": .string(command),
            "results": .array(
                results.map {
                    [
                        "scenario": .string($0.scenario), "parameters": .object($0.parameters),
                        "figures": .object($0.figures),
                    ]
                }),
        ]
    }

    static func format(_ value: JSONValue?) -> String {
        switch value {
        case .double(let d)?: return d >= 100 ? String(format: "%.0f", d) : String(format: "%.3g", d)
        case .int(let i)?: return "\(i)"
        case .string(let s)?: return s
        default: return ""
        }
    }

    var markdown: String {
        var lines = [
            "Machine: \(machine.cores) cores, \(String(format: "%.0f", machine.memoryGB)) GiB memory."
                + " Command: `\(command)`",
            "",
            "| scenario | parameters | figures |",
            "|---|---|---|",
        ]
        for result in results {
            let parameters = result.parameters.map { "\($0.key)=\(Self.format($0.value))" }.joined(separator: ", ")
            let figures = result.figures.map { "\($0.key) \(Self.format($0.value))" }.joined(separator: "; ")
            lines.append("| \(result.scenario) | \(parameters) | \(figures) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
