import Foundation
import HTTPTypes
import Logging
import Testing
import TorcArango
import TorcCore
import TorcServer
import TorcSQLite
import TorcTestSupport

/// `/metrics`: Prometheus text of the application's own registry, with
/// bounded labels only.
@Suite("Prometheus metrics")
struct MetricsTests {
    /// The value of the sample line that starts with `prefix` (name and labels).
    static func value(_ text: String, _ prefix: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(prefix) {
            return Double(line.split(separator: " ").last ?? "")
        }
        return nil
    }

    @Test("requests by route template and status, latency, in flight, store transactions, jobs")
    func requestAndJobMetrics() async throws {
        try await OperationsHarness.withService { api, _ in
            let w = try await DashboardTests.diamond(api)
            _ = try await api.get("/workflows/\(w)/jobs/nope")
            let metrics = try await api.plain(.get, "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = metrics.text
            #expect(
                Self.value(
                    text,
                    #"torc_http_requests_total{route="/_db/{database}/torc-service/workflow_specifications","#
                        + #"method="POST",status="200"}"#
                ) == 1)
            #expect(
                Self.value(
                    text,
                    #"torc_http_requests_total{route="/_db/{database}/torc-service/workflows/{workflow}/jobs/{key}","#
                        + #"method="GET",status="404"}"#
                ) == 1)
            #expect(
                Self.value(
                    text,
                    #"torc_http_request_duration_seconds_count{route="/_db/{database}/torc-service/"#
                        + #"workflows/prepare_jobs_for_submission/{key}",method="POST"}"#
                ) == 2)
            #expect(Self.value(text, "torc_http_requests_in_flight ") == 1, "the /metrics request itself")
            #expect((Self.value(text, #"torc_store_transaction_duration_seconds_count{kind="write"}"#) ?? 0) > 5)
            #expect((Self.value(text, #"torc_store_transaction_duration_seconds_count{kind="read"}"#) ?? 0) >= 1)
            #expect(Self.value(text, "torc_jobs_handed_out_total ") == 3)
            #expect(Self.value(text, #"torc_jobs_completed_total{status="done"}"#) == 2)
            #expect(!text.contains("\"\(w)\""), "no workflow key as a label value")
        }
    }

    @Test("complete_jobs counts each job it completed, by status, and not the entries it refused")
    func batchedCompletions() async throws {
        try await OperationsHarness.withService { api, _ in
            let w = try await api.createSpecification([
                "jobs": [
                    ["name": "a", "command": "a"], ["name": "b", "command": "b"], ["name": "c", "command": "c"],
                ]
            ])
            try await api.initialize(w)
            let jobs =
                try await api.post(
                    "/workflows/prepare_jobs_for_submission/\(w)", ["num_cpus": 8, "memory_gb": 8]
                )["jobs"].arrayValue ?? []
            #expect(jobs.count == 3)
            func entry(_ job: JSONValue, status: String, rev: String? = nil) -> JSONValue {
                [
                    "job_key": job["_key"] ?? "", "status": .string(status), "rev": .string(rev ?? job.string("_rev")),
                    "result": [
                        "job_key": job["_key"] ?? "", "job_name": job["name"] ?? "", "run_id": 1, "return_code": 0,
                        "exec_time_minutes": 0.1,
                        "completion_time": "2026-12-07T01:00:00", "status": .string(status),
                    ],
                ]
            }
            let answer = try await api.post(
                "/workflows/\(w)/jobs/complete_jobs",
                [
                    "jobs": [
                        entry(jobs[0], status: "done"), entry(jobs[1], status: "canceled"),
                        entry(jobs[2], status: "done", rev: "stale"),
                    ]
                ])
            #expect((answer["jobs"].arrayValue ?? []).map { $0["code"]?.intValue ?? 0 } == [200, 200, 409])
            let text = try await api.plain(.get, "/metrics").text
            #expect(Self.value(text, #"torc_jobs_completed_total{status="done"}"#) == 1)
            #expect(Self.value(text, #"torc_jobs_completed_total{status="canceled"}"#) == 1)
        }
    }

    @Test("unknown paths count under one label, not under their path")
    func unmatchedPaths() async throws {
        try await OperationsHarness.withService { api, _ in
            _ = try await api.plain(.get, "/no/such/path/12345")
            let text = try await api.plain(.get, "/metrics").text
            #expect(Self.value(text, #"torc_http_requests_total{route="unmatched",method="GET",status="404"}"#) == 1)
            #expect(!text.contains("12345"))
        }
    }

    @Test("the embedded store's file and WAL sizes")
    func sqliteFileSizes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("torc-metrics-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = ServiceConfiguration(port: 0, store: .sqlite(directory: directory), logLevel: .warning)
        try await OperationsHarness.withService(
            configuration: configuration, provider: try SQLiteStoreProvider(directory: directory)
        ) { api, _ in
            _ = try await api.createWorkflow()
            let text = try await api.plain(.get, "/metrics").text
            #expect((Self.value(text, #"torc_sqlite_database_file_bytes{database="test"}"#) ?? 0) > 0)
            #expect(Self.value(text, #"torc_sqlite_wal_file_bytes{database="test"}"#) != nil)
        }
    }

    @Test("ArangoDB requests are counted per API call, retries per backend")
    func arangoRequests() async throws {
        let server = try await ArangoEmulator.shared()
        let metrics = ServiceMetrics()
        var arango = ArangoConfiguration(endpoints: [server.url])
        arango.observer = metrics
        let provider = ArangoStoreProvider(configuration: arango)
        let database = "m\(UInt64.random(in: 0...UInt64.max))"
        try await OperationsHarness.withService(provider: provider, observability: Observability(metrics: metrics)) {
            api, _ in
            var api = api
            api.database = database
            let w = try await api.createWorkflow()
            let text = try await api.plain(.get, "/metrics").text
            #expect(
                (Self.value(text, #"torc_arangodb_requests_total{call="POST /_api/transaction",status="201"}"#) ?? 0)
                    >= 1)
            #expect(text.contains("torc_arangodb_request_duration_seconds_bucket{call="))
            #expect(
                !text.contains("\"\(w)\"") && !text.contains(database),
                "no keys or database names in ArangoDB call labels")
        }
        metrics.transactionRetried(backend: "arangodb")
        #expect(
            Self.value(
                String(decoding: metrics.render(), as: UTF8.self),
                #"torc_store_transaction_retries_total{backend="arangodb"}"#) == 1)
    }
}

/// `/health/live` and `/health/ready` for load balancers and Kubernetes probes.
@Suite("Health probes")
struct HealthTests {
    @Test("liveness answers 200 without touching the store")
    func liveness() async throws {
        let failing: ReadinessCheck = { throw ReadinessFailure("store down") }
        try await OperationsHarness.withService(observability: Observability(readiness: failing)) { api, _ in
            let live = try await api.plain(.get, "/health/live")
            #expect(live.status == 200 && live.json == ["status": "ok"])
            let ready = try await api.plain(.get, "/health/ready")
            #expect(
                ready.status == 503 && ready.json["status"] == "unavailable" && ready.json["reason"] == "store down")
        }
    }

    @Test("readiness checks that the SQLite data directory is writable")
    func sqliteReadiness() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("torc-ready-\(UUID())").path
        let configuration = ServiceConfiguration(port: 0, store: .sqlite(directory: directory), logLevel: .warning)
        try await OperationsHarness.withService(
            configuration: configuration, provider: try SQLiteStoreProvider(directory: directory)
        ) { api, _ in
            let ready = try await api.plain(.get, "/health/ready")
            #expect(ready.status == 200 && ready.json["status"] == "ready")
            #expect(ready.json["store"]?.stringValue?.hasPrefix("sqlite:\(directory)") == true)
            try FileManager.default.removeItem(atPath: directory)
            let gone = try await api.plain(.get, "/health/ready")
            #expect(gone.status == 503)
            #expect(gone.json["reason"]?.stringValue?.contains("not writable") == true)
        }
    }

    @Test("readiness checks that ArangoDB answers and accepts the credentials")
    func arangoReadiness() async throws {
        let server = try await ArangoEmulator.shared()
        let good = ArangoStoreProvider(configuration: ArangoConfiguration(endpoints: [server.url]))
        try await OperationsHarness.withService(
            provider: good, observability: Observability(readiness: { _ = try await good.checkConnection() })
        ) { api, _ in
            let ready = try await api.plain(.get, "/health/ready")
            #expect(ready.status == 200)
        }
        let wrong = ArangoStoreProvider(configuration: ArangoConfiguration(endpoints: [server.url], password: "wrong"))
        try await OperationsHarness.withService(
            provider: wrong, observability: Observability(readiness: { _ = try await wrong.checkConnection() })
        ) { api, _ in
            let refused = try await api.plain(.get, "/health/ready")
            #expect(refused.status == 503)
            #expect(refused.json["reason"]?.stringValue?.contains("credentials") == true)
        }
    }
}
