import HTTPTypes
import Logging
import Synchronization
import Testing
import TorcCore
import TorcServer

/// Request ids, the slow-request log, the access log and the JSON log format.
@Suite("Request logging")
struct RequestLoggingTests {
    @Test("the caller's X-Request-Id is returned and kept in every log line of the request")
    func givenRequestID() async throws {
        let logs = CapturedLogs()
        var configuration = ServiceConfiguration(port: 0, store: .memory, logLevel: .info)
        configuration.requestLog = RequestLogOptions(slowRequestThreshold: nil, accessLog: true)
        try await OperationsHarness.withService(configuration: configuration, logger: logs.logger()) { api, _ in
            let answer = try await api.plain(
                .get, "/_db/test/torc-service/workflows", headers: [RequestID.name: "abc-123"])
            #expect(answer.headers[RequestID.name] == "abc-123")
            let lines = logs.all.filter { $0.metadata["request_id"] == "abc-123" }
            #expect(lines.count == 1)
            #expect(lines.first?.message == "request")
            #expect(lines.first?.metadata["route"] == "/_db/{database}/torc-service/workflows")
            #expect(lines.first?.metadata["status"] == "200")
            #expect(lines.first?.metadata["path"] == "/_db/test/torc-service/workflows")
        }
    }

    @Test("a request id is generated when none (or an unusable one) is sent")
    func generatedRequestID() async throws {
        try await OperationsHarness.withService { api, _ in
            let first = try await api.plain(.get, "/health/live")
            let second = try await api.plain(.get, "/health/live", headers: [RequestID.name: "bad id with spaces"])
            let a = first.headers[RequestID.name] ?? ""
            let b = second.headers[RequestID.name] ?? ""
            #expect(a.count == 32 && b.count == 32 && a != b)
        }
    }

    @Test("slow requests are logged with route, duration and store time; the access log is off by default")
    func slowRequests() async throws {
        let logs = CapturedLogs()
        var configuration = ServiceConfiguration(port: 0, store: .memory, logLevel: .info)
        configuration.requestLog.slowRequestThreshold = .zero
        try await OperationsHarness.withService(configuration: configuration, logger: logs.logger()) { api, _ in
            _ = try await api.createWorkflow()
            let slow = logs.all.filter { $0.message == "slow request" }
            #expect(slow.count == 1)
            #expect(slow.first?.level == .warning)
            #expect(slow.first?.metadata["route"] == "/_db/{database}/torc-service/workflows")
            #expect(slow.first?.metadata["duration_ms"] != nil && slow.first?.metadata["store_ms"] != nil)
            #expect(slow.first?.metadata["store_transactions"] == "1")
            #expect(slow.first?.metadata["request_id"]?.count == 32)
            #expect(!logs.all.contains { $0.message == "request" })
        }
    }

    @Test("JSON log lines carry the message, level and metadata as members")
    func jsonFormat() throws {
        let lines = WrittenLines()
        var logger = Logger(label: "torc-service") { label in
            JSONLogHandler(label: label, sink: JSONLogSink { bytes in lines.append(bytes) })
        }
        logger[metadataKey: "request_id"] = "r1"
        logger.warning("slow \"request\"", metadata: ["route": "/metrics"])
        let written = lines.all
        #expect(written.count == 1 && written.first?.last == 0x0A)
        let json = try JSONParser.parse(written[0].dropLast())
        #expect(json["message"] == "slow \"request\"")
        #expect(json["level"] == "warning" && json["label"] == "torc-service")
        #expect(json["request_id"] == "r1" && json["route"] == "/metrics")
        #expect(json["timestamp"]?.stringValue?.hasSuffix("Z") == true)
    }
}

/// Bytes written by a log sink.
final class WrittenLines: Sendable {
    private let lines = Mutex<[[UInt8]]>([])
    var all: [[UInt8]] { lines.withLock { $0 } }
    func append(_ bytes: [UInt8]) { lines.withLock { $0.append(bytes) } }
}
