import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TorcCore
import TorcEngine

/// Access control of the whole service: who the caller is (HTTP Basic, or a bearer
/// token from `POST /_open/auth`) and whether the caller's role allows the request
/// (`AccessPolicy`). The responder asks it before anything else, so no path escapes.
///
/// Answers: 401 with `WWW-Authenticate` when credentials are missing or wrong, 403
/// when the role is too low, 503 when the authority (ArangoDB) cannot be asked, all in
/// the service's error format. Passwords and tokens are never logged; repeated failures
/// are answered more and more slowly (`FailureThrottle`).
public final class AccessControl: Sendable {
    let authority: any CredentialAuthority
    let signer: TokenSigner
    let policy: AccessPolicy
    let throttle: FailureThrottle
    let cache = CredentialCache()
    let logger: Logger

    /// The `WWW-Authenticate` challenge of every 401.
    static let challenge = #"Basic realm="torc-service", Bearer realm="torc-service""#
    /// The largest `POST /_open/auth` body read.
    static let maxLoginBody = 64 * 1024

    public convenience init(
        authority: any CredentialAuthority, signer: TokenSigner, policy: AccessPolicy = .standard, logger: Logger
    ) {
        self.init(authority: authority, signer: signer, policy: policy, throttle: FailureThrottle(), logger: logger)
    }

    init(
        authority: any CredentialAuthority, signer: TokenSigner, policy: AccessPolicy, throttle: FailureThrottle,
        logger: Logger
    ) {
        self.authority = authority
        self.signer = signer
        self.policy = policy
        self.throttle = throttle
        self.logger = logger
    }

    /// `nil` when the request may go on; otherwise the answer (401, 403, 503, or the
    /// login answer of `POST /_open/auth`).
    func gate(_ request: Request) async -> Response? {
        let path = request.uri.path
        if path == "/_open/auth" {
            guard request.method == .post else {
                var headers = HTTPFields()
                headers[.allow] = "POST"
                return ErrorResponse.response(HTTPError(status: 405, message: "Method Not Allowed"), headers: headers)
            }
            return await login(request)
        }
        let requirement = policy.requirement(method: request.method, path: path)
        guard case .role(let needed, let database) = requirement else { return nil }
        let user: String
        switch await authenticate(request.headers[.authorization]) {
        case .user(let name): user = name
        case .failure(let response): return response
        }
        do {
            let role = try await authority.role(of: user, in: database)
            guard let role, role >= needed else {
                let place = database.map { "database '\($0)'" } ?? "this service"
                return ErrorResponse.response(
                    HTTPError(
                        status: 403, errorNum: 11,
                        message: "forbidden: user '\(user)' needs the \(needed) role in \(place)"))
            }
            return nil
        } catch {
            logger.warning("cannot look up the role of user '\(user)': \(error)")
            return ErrorResponse.response(.unavailable())
        }
    }

    private enum Authentication {
        case user(String)
        case failure(Response)
    }

    /// Who the `Authorization` header names, checking the password or token.
    private func authenticate(_ header: String?) async -> Authentication {
        guard let header, let space = header.firstIndex(of: " ") else {
            return .failure(Self.unauthorized("not authorized to execute this request: credentials are missing"))
        }
        let scheme = header[..<space].lowercased()
        let value = header[header.index(after: space)...].trimmingCharacters(in: .whitespaces)
        switch scheme {
        case "basic":
            guard let data = Data(base64Encoded: value), let text = String(data: data, encoding: .utf8),
                let colon = text.firstIndex(of: ":")
            else {
                return .failure(
                    Self.unauthorized("not authorized to execute this request: malformed Basic credentials"))
            }
            let user = String(text[..<colon])
            let password = String(text[text.index(after: colon)...])
            switch await checkPassword(user: user, password: password) {
            case .some(true): return .user(user)
            case .some(false): return .failure(await refused(user))
            case .none: return .failure(ErrorResponse.response(.unavailable()))
            }
        case "bearer":
            guard let user = signer.verify(value) else {
                return .failure(await refused("(bearer token)", message: "invalid or expired token"))
            }
            return .user(user)
        default:
            return .failure(Self.unauthorized("not authorized to execute this request: use Basic or Bearer"))
        }
    }

    /// `true`/`false` for right/wrong; `nil` when the authority could not be asked.
    private func checkPassword(user: String, password: String) async -> Bool? {
        if cache.contains(user: user, password: password) { return true }
        do {
            guard try await authority.verify(user: user, password: password) else { return false }
        } catch {
            logger.warning("cannot check the credentials of user '\(user)': \(error)")
            return nil
        }
        cache.insert(user: user, password: password)
        throttle.succeeded(user)
        return true
    }

    /// A 401 after the throttle's delay for `name`.
    private func refused(_ name: String, message: String = "wrong credentials") async -> Response {
        let delay = throttle.failed(name)
        logger.notice("authentication failed for \(name)")
        if delay > .zero { try? await Task.sleep(for: delay) }
        return Self.unauthorized("not authorized to execute this request: \(message)")
    }

    static func unauthorized(_ message: String) -> Response {
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = challenge
        return ErrorResponse.response(HTTPError(status: 401, errorNum: 11, message: message), headers: headers)
    }

    /// `POST /_open/auth` with `{"username": ..., "password": ...}`: `{"jwt": token}`,
    /// as ArangoDB answers it.
    private func login(_ request: Request) async -> Response {
        let credentials: (String, String)?
        do {
            let buffer = try await request.body.collect(upTo: Self.maxLoginBody)
            let body = try JSONParser.parse(buffer.readableBytesView)
            credentials = body["username"]?.stringValue.map { ($0, body["password"]?.stringValue ?? "") }
        } catch {
            credentials = nil
        }
        guard let credentials else {
            return ErrorResponse.response(.badRequest("expecting {\"username\": ..., \"password\": ...}"))
        }
        let (user, password) = credentials
        switch await checkPassword(user: user, password: password) {
        case .some(true): return JSONResponse.make(["jwt": .string(signer.issue(user: user))])
        case .some(false): return await refused(user)
        case .none: return ErrorResponse.response(.unavailable())
        }
    }
}
