import Foundation

/// A `torc-service` process on a free loopback port, for the benchmark and
/// for tests that need real processes (several servers sharing one ArangoDB).
///
/// `@unchecked Sendable`: Foundation's `Process` is not `Sendable`; it is
/// configured in `init` and then only started and stopped by the task that owns
/// this value, so no two threads touch it at once.
public final class ServiceProcess: @unchecked Sendable {
    // Mutated only during start/stop, by the task that owns the process.
    public let process = Process()
    /// The port it listens on.
    public let port: Int
    /// A data directory of its own, removed by `stop()` (for `--store sqlite:`).
    public let dataDirectory: String

    /// The base URL of database `database`.
    public func baseURL(database: String) -> String { "http://127.0.0.1:\(port)/_db/\(database)/torc-service" }

    /// Where the process's end is signalled (`stop()` awaits it).
    private let exit: ProcessExit

    /// Launches `binary` with `arguments` plus `--port`; `start` waits until it accepts connections.
    /// `sqlite:{dataDirectory}` in an argument stands for the process's own directory.
    private init(binary: String, arguments: [String], port: Int?, log: String?) throws {
        self.port = try port ?? Self.freePort()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("torc-service-\(UUID())").path
        dataDirectory = directory
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments =
            ["--port", "\(self.port)"]
            + arguments.map {
                $0.replacingOccurrences(of: "{dataDirectory}", with: directory)
            }
        if let log {
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            process.standardError = FileHandle(forWritingAtPath: log)
        }
        process.standardOutput = FileHandle.nullDevice
        exit = ProcessExit(watching: process)
        try process.run()
    }

    /// Starts `binary` with `arguments` plus `--port` and returns once it accepts
    /// connections (within 60 s). The wait sleeps between attempts instead of
    /// holding a thread (see `ProcessExit`).
    public static func start(
        binary: String, arguments: [String], port: Int? = nil, log: String? = nil
    ) async throws -> ServiceProcess {
        let service = try ServiceProcess(binary: binary, arguments: arguments, port: port, log: log)
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if Self.accepts(port: service.port) { return service }
            if service.exit.hasExited {
                await service.stop()
                throw ServiceProcessError("torc-service exited with \(service.process.terminationStatus)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        await service.stop()
        throw ServiceProcessError("torc-service did not start within 60 s")
    }

    /// Runs `body` with `count` service processes started side by side on the
    /// same arguments, and stops them all afterwards, also when `body` throws.
    public static func with<T: Sendable>(
        count: Int = 1, binary: String = debugBinary, arguments: [String],
        _ body: ([ServiceProcess]) async throws -> T
    ) async throws -> T {
        let started = await withTaskGroup(of: Result<ServiceProcess, any Error>.self) { group in
            for _ in 0..<count {
                group.addTask {
                    do { return .success(try await start(binary: binary, arguments: arguments)) } catch {
                        return .failure(error)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        var services: [ServiceProcess] = []
        var failure: (any Error)?
        for result in started {
            switch result {
            case .success(let service): services.append(service)
            case .failure(let error): failure = failure ?? error
            }
        }
        let outcome: Result<T, any Error>
        if let failure {
            outcome = .failure(failure)
        } else {
            do { outcome = .success(try await body(services)) } catch { outcome = .failure(error) }
        }
        for service in services { await service.stop() }
        return try outcome.get()
    }

    /// The torc-service binary of this package's debug build, or `TORC_SERVICE_BIN`.
    public static var debugBinary: String {
        if let path = ProcessInfo.processInfo.environment["TORC_SERVICE_BIN"] { return path }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return packageRoot.appendingPathComponent(".build/debug/torc-service").path
    }

    /// The server's peak resident memory so far, in bytes (`VmHWM`).
    public func peakResidentBytes() -> Int? {
        Self.statusValue(pid: process.processIdentifier, key: "VmHWM")
    }

    /// Current resident memory in bytes (`VmRSS`).
    public func residentBytes() -> Int? {
        Self.statusValue(pid: process.processIdentifier, key: "VmRSS")
    }

    static func statusValue(pid: Int32, key: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
            let digits = line.split(separator: " ").compactMap { Int($0) }.first
            return digits.map { $0 * 1024 }
        }
        return nil
    }

    /// Stops the process (SIGTERM), waits for its end without holding a
    /// thread, and removes its data directory.
    public func stop() async {
        if !exit.hasExited {
            process.terminate()
            await exit.wait()
        }
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }

    /// A process its owner lost track of (a thrown test) does not outlive it.
    deinit {
        if process.isRunning { process.terminate() }
    }

    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServiceProcessError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw ServiceProcessError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    public static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

/// A service process could not be started.
public struct ServiceProcessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
