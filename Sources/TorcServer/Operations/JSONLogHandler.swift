import Foundation
import Logging
import Synchronization
import TorcCore

/// How log lines are written: swift-log's text lines, or one JSON object per line.
public enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json
}

/// Writes one JSON object per log line to standard error:
/// `{"timestamp":"…","level":"info","label":"torc-service","message":"…", …metadata}`.
/// Metadata (such as `request_id`) becomes top-level members, so log
/// collectors can index them without parsing the message.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let sink: JSONLogSink

    public init(label: String, sink: JSONLogSink = .standardError) {
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var object: JSONObject = [
            "timestamp": .string(Self.timestamp()),
            "level": .string(event.level.rawValue),
            "label": .string(label),
            "message": .string(event.message.description),
        ]
        if let error = event.error { object["error"] = .string(String(describing: error)) }
        var merged = metadataProvider?.get() ?? [:]
        merged.merge(metadata) { _, new in new }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) where object[key] == nil {
            object[key] = Self.json(value)
        }
        sink.write(JSONWriter.bytes(.object(object)) + [0x0A])
    }

    static func json(_ value: Logger.MetadataValue) -> JSONValue {
        switch value {
        case .string(let text): return .string(text)
        case .stringConvertible(let convertible): return .string(convertible.description)
        case .array(let values): return .array(values.map(json))
        case .dictionary(let values):
            var object: JSONObject = [:]
            for (key, value) in values.sorted(by: { $0.key < $1.key }) { object[key] = json(value) }
            return .object(object)
        }
    }

    /// ISO 8601 UTC with milliseconds.
    static func timestamp() -> String {
        Date().formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}

/// Where JSON log lines go: standard error, or any function (tests). The
/// standard-error sink writes whole lines under a lock, so lines of concurrent
/// requests never interleave.
public struct JSONLogSink: Sendable {
    let write: @Sendable ([UInt8]) -> Void

    public init(write: @escaping @Sendable ([UInt8]) -> Void) { self.write = write }

    public static let standardError: JSONLogSink = {
        let writer = LockedStandardError()
        return JSONLogSink { writer.write($0) }
    }()
}

/// Standard error behind a lock: one whole line per write.
private final class LockedStandardError: Sendable {
    private let lock = Mutex(())

    func write(_ bytes: [UInt8]) {
        lock.withLock { _ in FileHandle.standardError.write(Data(bytes)) }
    }
}
