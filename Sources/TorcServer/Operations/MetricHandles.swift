import Synchronization

/// The metrics of one family already made, by their labels.
///
/// The registry hands out the same counter or histogram for the same name and
/// labels, but finding it builds the metric's name and walks the registry's
/// tables under its lock; at every request (a counter and a histogram, and a
/// histogram per store transaction) that was a few percent of the service's
/// CPU outside the store. Labels come from small fixed sets (see
/// `ServiceMetrics`), so the table stays small.
final class MetricHandles<Labels: Hashable & Sendable, Metric: Sendable>: Sendable {
    private let made = Mutex<[Labels: Metric]>([:])

    /// The metric for `labels`, made by `make` the first time.
    func handle(_ labels: Labels, make: () -> Metric) -> Metric {
        if let metric = made.withLock({ $0[labels] }) { return metric }
        let metric = make()
        made.withLock { $0[labels] = metric }
        return metric
    }
}
