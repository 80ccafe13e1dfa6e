import Foundation
import Prometheus
import TorcCore
import TorcEngine

/// The service's Prometheus metrics, served at `/metrics`.
///
/// One instance per application owns its `PrometheusCollectorRegistry` (no
/// global metrics bootstrap), so tests running several applications in one
/// process never share counters. Every label value comes from a small fixed
/// set: route templates (not paths), methods, status codes, job statuses,
/// store operation kinds, ArangoDB API names and database names; never a
/// workflow or job key.
public final class ServiceMetrics: StoreObserver, Sendable {
    /// The registry the metrics live in; `/metrics` renders it.
    public let registry = PrometheusCollectorRegistry()
    /// The SQLite data directory whose file sizes are reported, if any.
    let sqliteDirectory: String?

    private let inFlight: Gauge
    private let handedOut: Counter
    private let requestCounts = MetricHandles<RequestLabels, Counter>()
    private let requestDurations = MetricHandles<RouteLabels, DurationHistogram>()
    private let transactionDurations = MetricHandles<String, DurationHistogram>()
    private let completions = MetricHandles<String, Counter>()

    private struct RequestLabels: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    private struct RouteLabels: Hashable {
        var route: String
        var method: String
    }

    /// Latency buckets from 0.5 ms to 30 s.
    static let buckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
    ]

    public init(sqliteDirectory: String? = nil) {
        self.sqliteDirectory = sqliteDirectory
        inFlight = registry.makeGauge(
            descriptor: Self.name("http", "requests_in_flight", "", "Requests being answered now."))
        handedOut = registry.makeCounter(
            descriptor: Self.name(
                "jobs", "handed_out", "total", "Jobs handed to runners by prepare_jobs_for_submission."),
            labels: [])
        registry.makeGauge(descriptor: Self.name("", "up", "", "1 while the service runs.")).set(Double(1))
    }

    static func name(_ subsystem: String, _ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "torc", subsystem: subsystem.isEmpty ? nil : subsystem, metricName: metric,
            unitName: unit, helpText: help)
    }

    /// A request began.
    func requestStarted() { inFlight.increment() }

    /// A request ended: counted by route template, method and status; timed by route template and method.
    func requestFinished(route: String, method: String, status: Int, duration: Duration) {
        inFlight.decrement()
        requestCounts.handle(RequestLabels(route: route, method: method, status: status)) {
            registry.makeCounter(
                descriptor: Self.name(
                    "http", "requests", "total", "Requests answered, by route template, method and status."),
                labels: [("route", route), ("method", method), ("status", String(status))])
        }.increment()
        requestDurations.handle(RouteLabels(route: route, method: method)) {
            registry.makeDurationHistogram(
                descriptor: Self.name(
                    "http", "request_duration", "seconds", "Time to answer a request, by route template."),
                labels: [("route", route), ("method", method)], buckets: Self.buckets)
        }.record(duration)
    }

    /// One store transaction ran (`read` or `write`), whether it succeeded or not.
    func storeTransaction(kind: String, duration: Duration) {
        transactionDurations.handle(kind) {
            registry.makeDurationHistogram(
                descriptor: Self.name(
                    "store", "transaction_duration", "seconds", "Store transaction latency, by kind (read or write)."),
                labels: [("kind", kind)], buckets: Self.buckets)
        }.record(duration)
    }

    /// `count` jobs were handed out to a runner.
    func jobsHandedOut(_ count: Int) { if count > 0 { handedOut.increment(by: Int64(count)) } }

    /// `count` jobs were completed with `status` (one of the job statuses).
    func jobsCompleted(status: String, count: Int = 1) {
        let label = JobStatusLabel.bounded(status)
        completions.handle(label) {
            registry.makeCounter(
                descriptor: Self.name(
                    "jobs", "completed", "total",
                    "Jobs completed through complete_job and complete_jobs, by final status."),
                labels: [("status", label)])
        }.increment(by: Int64(count))
    }

    public func transactionRetried(backend: String) {
        registry.makeCounter(
            descriptor: Self.name(
                "store", "transaction_retries", "total", "Store transactions run again after a conflict."),
            labels: [("backend", backend)]
        ).increment()
    }

    public func remoteRequest(backend: String, call: String, status: Int, seconds: Double) {
        registry.makeCounter(
            descriptor: Self.name(
                "arangodb", "requests", "total",
                "HTTP requests sent to ArangoDB, by API call and status (0: no answer)."),
            labels: [("call", call), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.name(
                "arangodb", "request_duration", "seconds", "Latency of HTTP requests to ArangoDB, by API call."),
            labels: [("call", call)], buckets: Self.buckets
        ).record(.nanoseconds(Int64(seconds * 1e9)))
    }

    /// The exposition text, with the SQLite file sizes measured now.
    public func render() -> [UInt8] {
        updateFileSizes()
        return registry.emitToBuffer()
    }

    /// Sizes of `{database}.sqlite` and its `-wal` file for each database in the data directory.
    private func updateFileSizes() {
        guard let directory = sqliteDirectory,
            let names = try? FileManager.default.contentsOfDirectory(atPath: directory)
        else { return }
        for name in names where name.hasSuffix(".sqlite") {
            let database = String(name.dropLast(".sqlite".count))
            guard DatabaseName.isValid(database) else { continue }
            let base = directory + "/" + name
            for (suffix, metric, help) in [
                ("", "database_file", "Size of the embedded store's database file, by database."),
                ("-wal", "wal_file", "Size of the embedded store's write-ahead log, by database."),
            ] {
                let size =
                    (try? FileManager.default.attributesOfItem(atPath: base + suffix)[.size] as? NSNumber)?
                    .map { $0.doubleValue } ?? 0
                registry.makeGauge(
                    descriptor: Self.name("sqlite", metric, "bytes", help), labels: [("database", database)]
                )
                .set(size)
            }
        }
    }
}

/// Job statuses as metric labels: the known ones, anything else as `other`.
enum JobStatusLabel {
    static func bounded(_ status: String) -> String {
        JobStatus(rawValue: status) != nil ? status : "other"
    }
}
