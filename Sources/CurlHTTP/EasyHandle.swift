import CCurl
import Foundation
import Synchronization

/// Lets a task's cancellation handler stop a transfer running on another thread.
///
/// Set from the handler, read by libcurl's progress callback (which libcurl
/// calls at least once a second), which then aborts the transfer.
final class CancellationFlag: Sendable {
    private let cancelled = Atomic<Bool>(false)

    /// Marks the transfer as cancelled.
    func cancel() { cancelled.store(true, ordering: .releasing) }

    /// Whether `cancel()` has been called.
    var isCancelled: Bool { cancelled.load(ordering: .acquiring) }
}

/// The per-transfer settings derived once from the client configuration.
struct TransferSettings: Sendable {
    var connectTimeout: Duration
    var totalTimeout: Duration
    var tls: CurlHTTPClient.Configuration.TLS
    var auth: CurlHTTPClient.Configuration.Auth
}

/// A failed transfer, with whether it is safe to retry (for an idempotent method).
struct TransferFailure: Sendable {
    /// The error reported to the caller.
    var error: CurlHTTPError
    /// True only when the connection failed before any response byte arrived.
    var connectionLostBeforeResponse: Bool
}

/// How one transfer ended.
enum TransferOutcome: Sendable {
    case success(HTTPResponse)
    case failure(TransferFailure)
    case cancelled
}

/// Data the libcurl callbacks write into during one transfer.
private final class TransferState {
    var body: [UInt8] = []
    var headers = HTTPHeaders()
    var receivedResponseBytes = false
    let cancellation: CancellationFlag?

    init(cancellation: CancellationFlag?) {
        self.cancellation = cancellation
    }
}

/// Owns one libcurl easy handle, and with it at most one keep-alive connection.
///
/// Not thread-safe by itself: the pool hands each handle to exactly one caller
/// at a time (ownership moves under the pool's lock, which orders all accesses),
/// hence `@unchecked Sendable`. Every transfer starts from `curl_easy_reset`,
/// which clears all options (so nothing leaks between requests, credentials
/// included) but keeps the live connection and DNS cache.
final class EasyHandle: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// A valid, never-read pointer for `CURLOPT_POSTFIELDS` with an empty body
    /// (a null pointer would make libcurl read the body from stdin).
    private let emptyBody: UnsafeMutablePointer<CChar>

    /// Creates the handle; `nil` if libcurl cannot allocate one.
    init?() {
        guard CurlGlobal.isInitialized, let handle = curl_easy_init() else { return nil }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        emptyBody = .allocate(capacity: 1)
        emptyBody.initialize(to: 0)
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
        emptyBody.deallocate()
    }

    /// Runs one blocking transfer on the calling thread (never a cooperative one).
    func perform(_ request: HTTPRequest, settings: TransferSettings, cancellation: CancellationFlag?) -> TransferOutcome
    {
        curl_easy_reset(handle)
        errorBuffer[0] = 0
        let secrets = settings.auth.secrets + Self.urlPassword(request.url)

        func fail(_ error: CurlHTTPError) -> TransferOutcome {
            .failure(TransferFailure(error: error, connectionLostBeforeResponse: false))
        }

        guard Self.isAcceptableURL(request.url) else {
            return fail(.invalidURL("the URL is empty or contains spaces or control characters"))
        }
        guard !request.method.rawValue.isEmpty, request.method.rawValue.allSatisfy(Self.isTokenCharacter) else {
            return fail(.invalidURL("the method is not a valid HTTP token"))
        }

        // Header list; freed after the transfer (libcurl does not copy it).
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        var lines: [String] = []
        for (name, value) in request.headers {
            guard !name.isEmpty, name.allSatisfy(Self.isTokenCharacter),
                !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" })
            else {
                return fail(
                    .invalidURL("header field '\(name.filter(Self.isTokenCharacter))' has an invalid name or value"))
            }
            // "Name;" is libcurl's syntax for a header with an empty value.
            lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        let sendsBody = !request.body.isEmpty || [HTTPMethod.post, .put, .patch].contains(request.method)
        // No `Expect: 100-continue` round trip before large bodies.
        if !request.headers.contains(name: "Expect") { lines.append("Expect:") }
        // libcurl would label every body as a form; send no type unless asked.
        if sendsBody && !request.headers.contains(name: "Content-Type") { lines.append("Content-Type:") }
        for line in lines {
            guard let appended = curl_slist_append(headerList, line) else {
                return fail(.other(code: Int(CURLE_OUT_OF_MEMORY.rawValue), message: "could not build the header list"))
            }
            headerList = appended
        }

        let state = TransferState(cancellation: cancellation)
        let stateAddress = Unmanaged.passUnretained(state).toOpaque()

        return withExtendedLifetime(state) {
            request.body.withUnsafeBufferPointer { bodyBuffer -> TransferOutcome in
                var setupResult = CURLE_OK
                func check(_ result: CURLcode) {
                    if setupResult == CURLE_OK { setupResult = result }
                }

                // Transport: no signals (we are multi-threaded), one connection
                // per handle, HTTP/1.1 only, http(s) only, timeouts, TCP keepalive.
                check(ccurl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
                check(ccurl_easy_setopt_string(handle, CURLOPT_URL, request.url))
                check(ccurl_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
                check(ccurl_easy_setopt_long(handle, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1))
                check(ccurl_easy_setopt_long(handle, CURLOPT_MAXCONNECTS, 1))
                check(
                    ccurl_easy_setopt_long(
                        handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(settings.connectTimeout)))
                check(
                    ccurl_easy_setopt_long(
                        handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout ?? settings.totalTimeout)))
                check(ccurl_easy_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1))
                check(ccurl_easy_setopt_long(handle, CURLOPT_TCP_KEEPIDLE, 60))
                check(ccurl_easy_setopt_long(handle, CURLOPT_TCP_KEEPINTVL, 15))
                check(ccurl_easy_setopt_long(handle, CURLOPT_TCP_NODELAY, 1))
                check(ccurl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))

                // Response collection.
                check(
                    ccurl_easy_setopt_write_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, userData in
                        let length = size * count
                        guard let userData else { return 0 }
                        let state = Unmanaged<TransferState>.fromOpaque(userData).takeUnretainedValue()
                        state.receivedResponseBytes = true
                        if let data, length > 0 {
                            state.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
                        }
                        return length
                    })
                check(ccurl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, stateAddress))
                check(
                    ccurl_easy_setopt_write_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, userData in
                        let length = size * count
                        guard let userData else { return 0 }
                        let state = Unmanaged<TransferState>.fromOpaque(userData).takeUnretainedValue()
                        state.receivedResponseBytes = true
                        guard let data, length > 0 else { return length }
                        switch HeaderLine(UnsafeRawBufferPointer(start: data, count: length)) {
                        case .statusLine:
                            // A new status line (e.g. after `100 Continue`): keep only the final response's fields.
                            state.headers = HTTPHeaders()
                        case .field(let name, let value):
                            state.headers.add(name: name, value: value)
                        case .other:
                            break
                        }
                        return length
                    })
                check(ccurl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, stateAddress))
                if cancellation != nil {
                    check(ccurl_easy_setopt_long(handle, CURLOPT_NOPROGRESS, 0))
                    check(
                        ccurl_easy_setopt_xferinfo_callback(handle, CURLOPT_XFERINFOFUNCTION) { userData, _, _, _, _ in
                            guard let userData else { return 0 }
                            let state = Unmanaged<TransferState>.fromOpaque(userData).takeUnretainedValue()
                            return state.cancellation?.isCancelled == true ? 1 : 0
                        })
                    check(ccurl_easy_setopt_pointer(handle, CURLOPT_XFERINFODATA, stateAddress))
                }

                // TLS.
                check(ccurl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, settings.tls.verifyPeer ? 1 : 0))
                check(ccurl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, settings.tls.verifyPeer ? 2 : 0))
                if let caFile = settings.tls.caFile {
                    check(ccurl_easy_setopt_string(handle, CURLOPT_CAINFO, caFile))
                }

                // Credentials (libcurl copies the strings; reset clears them).
                switch settings.auth {
                case .none:
                    break
                case .basic(let user, let password):
                    check(ccurl_easy_setopt_long(handle, CURLOPT_HTTPAUTH, ccurl_auth_basic))
                    check(ccurl_easy_setopt_string(handle, CURLOPT_USERNAME, user))
                    check(ccurl_easy_setopt_string(handle, CURLOPT_PASSWORD, password))
                case .bearer(let token):
                    check(ccurl_easy_setopt_long(handle, CURLOPT_HTTPAUTH, ccurl_auth_bearer))
                    check(ccurl_easy_setopt_string(handle, CURLOPT_XOAUTH2_BEARER, token))
                }

                // Method and body. The body buffer outlives the transfer (we are inside its closure).
                if request.method == .head {
                    check(ccurl_easy_setopt_long(handle, CURLOPT_NOBODY, 1))
                } else if sendsBody {
                    let bodyPointer =
                        bodyBuffer.baseAddress.map { UnsafeMutableRawPointer(mutating: $0) }
                        ?? UnsafeMutableRawPointer(emptyBody)
                    check(ccurl_easy_setopt_long(handle, CURLOPT_POST, 1))
                    check(ccurl_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bodyBuffer.count)))
                    check(ccurl_easy_setopt_pointer(handle, CURLOPT_POSTFIELDS, bodyPointer))
                    if request.method != .post {
                        check(ccurl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method.rawValue))
                    }
                } else if request.method != .get {
                    check(ccurl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method.rawValue))
                }
                check(ccurl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList))

                guard setupResult == CURLE_OK else {
                    return fail(
                        .other(
                            code: Int(setupResult.rawValue),
                            message:
                                "could not configure the transfer: \(String(cString: curl_easy_strerror(setupResult)))")
                    )
                }

                let result = curl_easy_perform(handle)
                if result == CURLE_OK {
                    var status = 0
                    _ = ccurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
                    return .success(HTTPResponse(status: status, headers: state.headers, body: state.body))
                }
                if result == CURLE_ABORTED_BY_CALLBACK, cancellation?.isCancelled == true {
                    return .cancelled
                }
                let detail =
                    errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(result))
                return .failure(
                    Self.classify(
                        result, message: Self.redact(detail, secrets: secrets),
                        receivedResponseBytes: state.receivedResponseBytes))
            }
        }
    }

    /// Maps a libcurl result to the public error and decides retry-safety.
    private static func classify(_ code: CURLcode, message: String, receivedResponseBytes: Bool) -> TransferFailure {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            return TransferFailure(error: .connectionFailed(message), connectionLostBeforeResponse: true)
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR:
            if receivedResponseBytes {
                return TransferFailure(
                    error: .other(code: Int(code.rawValue), message: message), connectionLostBeforeResponse: false)
            }
            return TransferFailure(error: .connectionFailed(message), connectionLostBeforeResponse: true)
        case CURLE_OPERATION_TIMEDOUT:
            return TransferFailure(error: .timedOut(message), connectionLostBeforeResponse: false)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
            CURLE_SSL_ENGINE_INITFAILED,
            CURLE_USE_SSL_FAILED, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT:
            return TransferFailure(error: .tls(message), connectionLostBeforeResponse: false)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return TransferFailure(error: .invalidURL(message), connectionLostBeforeResponse: false)
        default:
            return TransferFailure(
                error: .other(code: Int(code.rawValue), message: message), connectionLostBeforeResponse: false)
        }
    }

    /// Replaces every secret in a libcurl message with `***`.
    private static func redact(_ message: String, secrets: [String]) -> String {
        secrets.reduce(message) { $0.replacingOccurrences(of: $1, with: "***") }
    }

    /// The password in `scheme://user:password@host/...`, if any, so it can be redacted too.
    /// Scans the UTF-8 bytes: it runs for every request, and Foundation's
    /// `range(of:)` made it a twentieth of a busy client's CPU.
    static func urlPassword(_ url: String) -> [String] {
        let bytes = Array(url.utf8)
        let scheme: [UInt8] = Array("://".utf8)
        guard let schemeEnd = bytes.indices.first(where: { bytes[$0...].starts(with: scheme) }) else { return [] }
        let start = schemeEnd + scheme.count
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "/"), bytes[end] != UInt8(ascii: "?"),
            bytes[end] != UInt8(ascii: "#")
        {
            end += 1
        }
        guard let at = bytes[start..<end].lastIndex(of: UInt8(ascii: "@")),
            let colon = bytes[start..<at].firstIndex(of: UInt8(ascii: ":"))
        else { return [] }
        let password = String(decoding: bytes[(colon + 1)..<at], as: UTF8.self)
        return password.isEmpty ? [] : [password, password.removingPercentEncoding ?? password]
    }

    /// Rejects URLs libcurl might misread: empty, or containing spaces or control characters.
    private static func isAcceptableURL(_ url: String) -> Bool {
        !url.isEmpty && !url.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F }
    }

    /// RFC 9110 `tchar`: what method tokens and header names may contain.
    private static func isTokenCharacter(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        switch ascii {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(ascii)
        }
    }

    /// A positive millisecond count; libcurl reads 0 as "no timeout", so never 0.
    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let millis = seconds.multipliedReportingOverflow(by: 1000)
        guard !millis.overflow else { return Int.max }
        let total = millis.partialValue + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Swift.max(1, Int(clamping: total))
    }
}
