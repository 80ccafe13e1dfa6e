import TorcCore

/// Stages of a job dependency graph, for drawing it left to right: a job's
/// stage is the length of the longest path of `blocks` edges leading to it,
/// so every edge points to a later stage.
public enum GraphStages {
    /// The stage of each of `count` nodes given edges `(from, to)` by index.
    /// Linear in nodes plus edges (Kahn's topological order). Nodes on a cycle
    /// (which the service's own workflows never have) are put after all others.
    public static func compute(count: Int, edges: [(Int, Int)]) -> [Int] {
        var stage = [Int](repeating: 0, count: count)
        var indegree = [Int](repeating: 0, count: count)
        var outStart = [Int](repeating: 0, count: count + 1)
        for (from, to) in edges {
            indegree[to] += 1
            outStart[from + 1] += 1
        }
        for i in 0..<count { outStart[i + 1] += outStart[i] }
        var fill = outStart
        var targets = [Int](repeating: 0, count: edges.count)
        for (from, to) in edges {
            targets[fill[from]] = to
            fill[from] += 1
        }
        var queue = (0..<count).filter { indegree[$0] == 0 }
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for e in outStart[node]..<outStart[node + 1] {
                let next = targets[e]
                stage[next] = max(stage[next], stage[node] + 1)
                indegree[next] -= 1
                if indegree[next] == 0 { queue.append(next) }
            }
        }
        if queue.count < count {
            let last = (stage.max() ?? 0) + 1
            for i in 0..<count where indegree[i] > 0 { stage[i] = last }
        }
        return stage
    }

    /// The grouped view: per stage the job count by status, and per pair of
    /// stages the number of `blocks` edges between them.
    static func grouped(stages: [Int], statuses: [String], edges: [(Int, Int)]) -> JSONValue {
        let stageCount = (stages.max() ?? -1) + 1
        var counts = [[String: Int]](repeating: [:], count: stageCount)
        for (i, stage) in stages.enumerated() { counts[stage][statuses[i], default: 0] += 1 }
        var between: [Pair: Int] = [:]
        for (from, to) in edges { between[Pair(from: stages[from], to: stages[to]), default: 0] += 1 }
        let stageItems: [JSONValue] = counts.enumerated().map { stage, byStatus in
            var object: JSONObject = [:]
            for (status, count) in byStatus.sorted(by: { $0.key < $1.key }) { object[status] = .int(Int64(count)) }
            return [
                "stage": .int(Int64(stage)), "job_count": .int(Int64(byStatus.values.reduce(0, +))),
                "counts": .object(object),
            ]
        }
        let edgeItems: [JSONValue] = between.sorted { ($0.key.from, $0.key.to) < ($1.key.from, $1.key.to) }.map {
            ["from": .int(Int64($0.key.from)), "to": .int(Int64($0.key.to)), "count": .int(Int64($0.value))]
        }
        return [
            "mode": "grouped", "job_count": .int(Int64(stages.count)), "stages": .array(stageItems),
            "stage_edges": .array(edgeItems),
        ]
    }

    private struct Pair: Hashable {
        var from: Int
        var to: Int
    }
}
