import Foundation

/// A release torc-service the benchmark starts itself on the embedded store,
/// in a temporary data directory, on a free loopback port.
final class ServerProcess: @unchecked Sendable {
    // Mutated only during start/stop, from the benchmark's main task.
    let process = Process()
    let port: Int
    let dataDirectory: String

    init(binary: String) throws {
        port = try Self.freePort()
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("torc-bench-\(UUID())").path
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--port", "\(port)", "--store", "sqlite:\(dataDirectory)", "--log-level", "warning"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if Self.accepts(port: port) { return }
            guard process.isRunning else { throw BenchError("torc-service exited with \(process.terminationStatus)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw BenchError("torc-service did not start within 30 s")
    }

    /// The server's peak resident memory so far, in bytes (`VmHWM`).
    func peakResidentBytes() -> Int? {
        Self.statusValue(pid: process.processIdentifier, key: "VmHWM")
    }

    /// Current resident memory in bytes (`VmRSS`).
    func residentBytes() -> Int? {
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

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw BenchError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
