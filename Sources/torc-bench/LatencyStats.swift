/// Latency samples of one kind of call, summarised as percentiles.
struct LatencyStats: Sendable {
    private(set) var samples: [Double] = []

    mutating func add(_ seconds: Double) { samples.append(seconds) }
    mutating func add(_ other: LatencyStats) { samples += other.samples }

    /// The q-quantile in milliseconds (nearest rank).
    func percentile(_ q: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        let rank = min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))
        return sorted[rank] * 1000
    }

    var count: Int { samples.count }
}
