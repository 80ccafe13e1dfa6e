import Foundation

/// An ArangoDB for tests: the emulator from `../shared/arangodb-emulator`,
/// started on a free loopback port, or an already running server named by
/// `TORC_TEST_ARANGO_URL`.
///
/// Tests that need ArangoDB and cannot get one fail (the start throws); they
/// never skip.
///
/// Starting and stopping never hold a thread of the cooperative pool (see
/// `ProcessExit`): the emulator's first line is read on a thread of its own and
/// its end is awaited.
///
/// `@unchecked Sendable`: every property is a `let` set in `init`; the only
/// non-`Sendable` one, the watchdog `Process`, is touched again only by `stop()`.
public final class ArangoEmulator: @unchecked Sendable {
    /// The base URL, e.g. `http://127.0.0.1:41234`.
    public let url: String
    /// The emulator's watchdog shell (nil for an external server): it kills the
    /// emulator when it receives SIGTERM (`stop()`) or when the test process
    /// has ended in any way, so no emulator outlives its tests.
    private let process: Process?
    /// Where the watchdog's end is signalled (nil for an external server).
    private let exit: ProcessExit?
    /// Where the emulator keeps its data, when started with persistence.
    public let dataDirectory: String?
    private let port: Int

    /// The emulator entry point: `TORC_ARANGO_EMULATOR`, or the copy in `../shared` beside the package.
    public static var script: String {
        if let path = ProcessInfo.processInfo.environment["TORC_ARANGO_EMULATOR"] { return path }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return packageRoot.deletingLastPathComponent().appendingPathComponent(
            "shared/arangodb-emulator/arangodb_emulator.py"
        ).path
    }

    /// The server every test of a process shares: `TORC_TEST_ARANGO_URL`, or one emulator started on first use.
    public static func shared() async throws -> ArangoEmulator {
        try await sharedStart.value
    }

    /// Started once, on first use; callers that come while it starts await the same start.
    private static let sharedStart = Task<ArangoEmulator, any Error> {
        if let url = ProcessInfo.processInfo.environment["TORC_TEST_ARANGO_URL"], !url.isEmpty {
            return ArangoEmulator(external: url)
        }
        return try await ArangoEmulator.start()
    }

    private init(external url: String) {
        self.url = url
        process = nil
        exit = nil
        dataDirectory = nil
        port = Int(url.split(separator: ":").last ?? "") ?? 0
    }

    private init(url: String, process: Process, exit: ProcessExit, dataDirectory: String?, port: Int) {
        self.url = url
        self.process = process
        self.exit = exit
        self.dataDirectory = dataDirectory
        self.port = port
    }

    /// Starts an emulator; `port` 0 picks a free one, `dataDirectory` makes it persistent.
    public static func start(port: Int = 0, dataDirectory: String? = nil, extraArguments: [String] = [])
        async throws -> ArangoEmulator
    {
        let script = Self.script
        guard FileManager.default.fileExists(atPath: script) else {
            throw EmulatorError(
                "the ArangoDB emulator is not at \(script) (set TORC_ARANGO_EMULATOR or TORC_TEST_ARANGO_URL)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        var arguments = [script, "--host", "127.0.0.1", "--port", String(port)]
        if let dataDirectory { arguments += ["--data-dir", dataDirectory] }
        // The shell runs the emulator and kills it (as a crash would) on SIGTERM
        // or once this process is gone.
        let owner = ProcessInfo.processInfo.processIdentifier
        let watchdog =
            #"python3 "$@" </dev/null & pid=$!; trap 'kill -9 $pid; exit 0' TERM; "#
            + #"while kill -0 \#(owner) 2>/dev/null && kill -0 $pid 2>/dev/null; do sleep 0.3; done; "#
            + #"kill -9 $pid 2>/dev/null"#
        process.arguments = ["-c", watchdog, "sh"] + arguments + extraArguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let exit = ProcessExit(watching: process)
        try process.run()
        // The emulator prints one line when it accepts connections; the read blocks, on a thread of its own.
        let handle = output.fileHandleForReading
        let text = try await onOwnThread(name: "emulator start") {
            var line = Data()
            while true {
                let byte = handle.readData(ofLength: 1)
                if byte.isEmpty || byte == Data([0x0A]) { break }
                line.append(byte)
            }
            return String(decoding: line, as: UTF8.self)
        }
        guard let range = text.range(of: "http://") else {
            process.terminate()
            await exit.wait()
            throw EmulatorError("the ArangoDB emulator did not start: '\(text)'")
        }
        let url = String(text[range.lowerBound...].prefix { $0 != " " })
        let actualPort = Int(url.split(separator: ":").last ?? "") ?? port
        return ArangoEmulator(url: url, process: process, exit: exit, dataDirectory: dataDirectory, port: actualPort)
    }

    /// The port it listens on.
    public var listenPort: Int { port }

    /// Kills the emulator (SIGKILL, like a crash: with a data directory its
    /// data survives) and waits for it to exit.
    public func stop() async {
        guard let process, let exit, !exit.hasExited else { return }
        process.terminate()
        await exit.wait()
    }

    /// An emulator its owner lost track of (a thrown test) does not outlive it.
    deinit {
        if let process, process.isRunning { process.terminate() }
    }
}

/// The emulator could not be started.
public struct EmulatorError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
