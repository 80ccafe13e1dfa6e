import TorcCore

/// Workflow specifications for the benchmark: every job has a resource
/// requirement, an input and an output file, and user data.
enum WorkflowGenerator {
    enum Shape: String, Sendable {
        /// Independent jobs, each with its own input and output file.
        case independent
        /// A root job produces a seed file, N-2 workers read it (fan-out) and
        /// each writes a file, one join job reads them all (fan-in).
        case fanIn = "fan-in"
    }

    /// Whether jobs carry a `priority`.
    enum Priorities: String, Sendable {
        /// No job sets one (the hand-out order is creation order).
        case none
        /// Every job gets a pseudo-random priority in 0...9, the same for the
        /// same index in every run, so the hand-out reorders the ready jobs.
        case random
    }

    /// The priority of job `index` under `Priorities.random` (a fixed mix of the index).
    static func randomPriority(_ index: Int) -> Int64 {
        Int64((UInt64(index) &* 0x9E37_79B9_7F4A_7C15) >> 60) % 10
    }

    static func specification(jobs count: Int, shape: Shape, priorities: Priorities = .none) -> JSONValue {
        var files: [JSONValue] = []
        var jobs: [JSONValue] = []
        files.reserveCapacity(count * 2 + 1)
        jobs.reserveCapacity(count)
        func job(_ name: String, inputs: [String], outputs: [String], index: Int) -> JSONValue {
            var job: JSONObject = [
                "name": .string(name), "command": .string("true \(index)"),
                "resource_requirements": .string(index % 2 == 0 ? "small" : "medium"),
                "input_files": .array(inputs.map { .string($0) }), "output_files": .array(outputs.map { .string($0) }),
                "user_data": [["index": .int(Int64(index)), "label": .string("job \(index)"), "weight": 0.5]],
            ]
            if priorities == .random { job["priority"] = .int(randomPriority(index)) }
            return .object(job)
        }
        switch shape {
        case .independent:
            for i in 0..<count {
                files.append(["name": .string("in\(i)"), "path": .string("data/in\(i).json")])
                files.append(["name": .string("out\(i)"), "path": .string("data/out\(i).json")])
                jobs.append(job("job\(i)", inputs: ["in\(i)"], outputs: ["out\(i)"], index: i))
            }
        case .fanIn:
            files.append(["name": "input", "path": "data/input.json"])
            files.append(["name": "seed", "path": "data/seed.json"])
            jobs.append(job("root", inputs: ["input"], outputs: ["seed"], index: 0))
            let workers = max(0, count - 2)
            for i in 0..<workers {
                files.append(["name": .string("out\(i)"), "path": .string("data/out\(i).json")])
                jobs.append(job("work\(i)", inputs: ["seed"], outputs: ["out\(i)"], index: i + 1))
            }
            files.append(["name": "result", "path": "data/result.json"])
            jobs.append(job("join", inputs: (0..<workers).map { "out\($0)" }, outputs: ["result"], index: count - 1))
        }
        return [
            "name": .string("bench-\(shape.rawValue)-\(count)"), "user": "bench",
            "files": .array(files),
            "resource_requirements": [
                ["name": "small", "num_cpus": 1, "memory": "1g", "runtime": "P0DT1H"],
                ["name": "medium", "num_cpus": 2, "memory": "2g", "runtime": "P0DT2H"],
            ],
            "jobs": .array(jobs),
        ]
    }
}
