import HTTPTypes
import Hummingbird
import NIOCore
import TorcCore

/// The endpoints outside `/_db/{database}/torc-service`: `/metrics`, the
/// health probes and the dashboard. They are not part of the API contract
/// (and not in the OpenAPI document).
struct OperationsEndpoints: Sendable {
    let observability: Observability
    let dashboard: Dashboard
    let storeDescription: String

    /// The answer when the path is one of these endpoints, with the route template
    /// for the metrics; `nil` for every other path.
    func respond(to request: Request, segments: [Substring]) async throws -> (route: String, response: Response)? {
        switch segments.first {
        case "metrics" where segments.count == 1:
            guard request.method == .get || request.method == .head else { throw Self.methodNotAllowed }
            return (
                "/metrics",
                Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: observability.metrics.render())))
            )
        case "health" where segments.count == 2 && segments[1] == "live":
            guard request.method == .get || request.method == .head else { throw Self.methodNotAllowed }
            return ("/health/live", JSONResponse.make(["status": "ok"]))
        case "health" where segments.count == 2 && segments[1] == "ready":
            guard request.method == .get || request.method == .head else { throw Self.methodNotAllowed }
            return ("/health/ready", await readiness())
        default:
            return try await dashboard.respond(to: request, segments: segments)
        }
    }

    /// 200 when the store answers, 503 with the reason otherwise.
    private func readiness() async -> Response {
        do {
            try await observability.readiness?()
            return JSONResponse.make(["status": "ready", "store": .string(storeDescription)])
        } catch {
            return JSONResponse.make(
                ["status": "unavailable", "store": .string(storeDescription), "reason": .string("\(error)")],
                status: .serviceUnavailable)
        }
    }

    static let methodNotAllowed = HTTPError(status: 405, message: "Method Not Allowed")
}
