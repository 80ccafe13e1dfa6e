import Foundation

/// A small HTTP/1.1 keep-alive server on a free loopback port, run with python3.
///
/// Started once per test process (a `static let`) and shared by every suite;
/// tests isolate themselves with unique keys and per-response connection ids
/// instead of global counters. The script exits when its stdin closes, so it
/// never outlives the test process.
///
/// `@unchecked Sendable`: all properties are `let`s set in `init`; `Process` and
/// `Pipe` are not `Sendable` but are never used again after start-up.
final class TestServer: @unchecked Sendable {
    /// The shared server.
    static let shared = TestServer()

    /// The listening port.
    let port: Int
    /// A port that was free a moment ago and on which nothing listens.
    let closedPort: Int
    private let process: Process
    private let stdin: Pipe

    /// The base URL, e.g. `http://127.0.0.1:4242`.
    var baseURL: String { "http://127.0.0.1:\(port)" }

    private init() {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("curlhttp-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = directory.appendingPathComponent("server.py")
        try! Self.script.write(to: script, atomically: true, encoding: .utf8)

        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try! process.run()

        var output = Data()
        while !output.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            precondition(!chunk.isEmpty, "test server exited before printing its port")
            output.append(chunk)
        }
        let numbers = String(decoding: output, as: UTF8.self)
            .split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        port = numbers[0]
        closedPort = numbers[1]
        // Python has compiled the script by the time it prints; the file is no longer needed.
        try? FileManager.default.removeItem(at: directory)
    }

    private static let script = #"""
        import http.server, os, socket, sys, threading, time
        from urllib.parse import urlsplit, parse_qs

        lock = threading.Lock()
        connections = [0]
        flaky = {}

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def setup(self):
                super().setup()
                with lock:
                    connections[0] += 1
                    self.conn_id = connections[0]

            def log_message(self, *args):
                pass

            def send(self, status, body=b"", extra=None):
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("X-Conn-Id", str(self.conn_id))
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def handle_any(self):
                url = urlsplit(self.path)
                query = parse_qs(url.query)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if url.path == "/echo":
                    self.send(int(query.get("status", ["200"])[0]), body, {
                        "X-Method": self.command,
                        "X-Received-Length": str(len(body)),
                        "X-Auth": self.headers.get("Authorization", ""),
                        "X-Echo": self.headers.get("X-Test", ""),
                        "X-Content-Type": self.headers.get("Content-Type", ""),
                    })
                elif url.path == "/slow":
                    time.sleep(float(query["ms"][0]) / 1000)
                    self.send(200, b"slow")
                elif url.path == "/flaky":
                    key = query["key"][0]
                    fail = int(query.get("fail", ["1"])[0])
                    with lock:
                        flaky[key] = flaky.get(key, 0) + 1
                        count = flaky[key]
                    if count <= fail:
                        # Close the connection without sending anything.
                        self.close_connection = True
                        return
                    self.send(200, ("attempts=%d" % count).encode())
                elif url.path == "/flaky-count":
                    with lock:
                        count = flaky.get(query["key"][0], 0)
                    self.send(200, str(count).encode())
                else:
                    self.send(404, b"not found")

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = do_PATCH = handle_any

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 256
            def handle_error(self, request, client_address):
                pass

        server = Server(("127.0.0.1", 0), Handler)
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
        probe.close()
        print(server.server_address[1], closed_port, flush=True)

        def exit_when_parent_goes():
            sys.stdin.read()
            os._exit(0)

        threading.Thread(target=exit_when_parent_goes, daemon=True).start()
        server.serve_forever()
        """#
}
