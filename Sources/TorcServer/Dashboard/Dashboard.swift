import HTTPTypes
import Hummingbird
import NIOCore
import TorcCore
import TorcEngine

/// The web dashboard: its pages (one HTML shell that draws every view), its
/// assets and the JSON endpoints the pages poll, all outside
/// `/_db/{database}/torc-service` so the API contract is unchanged.
///
/// - `GET /`, `GET /dashboard/...`: the page shell.
/// - `GET /dashboard/assets/app.css`, `app.js`: compiled into the binary.
/// - `GET /_dashboard/api/config`: whether actions are enabled.
/// - `GET /_dashboard/api/{db}/workflows`: workflows with counts by status.
/// - `GET /_dashboard/api/{db}/workflows/{W}?status=&name=&skip=&limit=`: one
///   workflow with its counts and one page of jobs (the page's one poll).
/// - `GET /_dashboard/api/{db}/workflows/{W}/graph?max_nodes=`: the dependency graph.
/// - `GET /_dashboard/api/{db}/workflows/{W}/jobs/{K}`: one job with its details.
/// - `POST /_dashboard/api/{db}/workflows/{W}/actions/{cancel|reset_status|restart_failed}`:
///   only when `actionsEnabled`, otherwise 403.
struct Dashboard: Sendable {
    let service: TorcService
    let options: DashboardOptions
    /// Graphs and name-filtered job lists of large workflows, kept briefly (see `CostlyAnswerCache`).
    let costly = CostlyAnswerCache()

    /// Largest graph drawn job by job; larger ones are drawn grouped by stage and status.
    static let defaultMaxNodes = 3000

    func respond(to request: Request, segments: [Substring]) async throws -> (route: String, response: Response)? {
        if segments.isEmpty || segments[0] == "dashboard" {
            guard request.method == .get || request.method == .head else { throw OperationsEndpoints.methodNotAllowed }
            if segments.count == 3, segments[1] == "assets" {
                guard let asset = DashboardAssets.asset(named: String(segments[2])) else {
                    throw ServiceError.notFound("unknown asset \(segments[2])")
                }
                return ("/dashboard/assets/{name}", Self.text(asset.body, contentType: asset.contentType))
            }
            return ("/dashboard", Self.text(DashboardAssets.page, contentType: "text/html; charset=utf-8"))
        }
        guard segments[0] == "_dashboard", segments.count >= 3, segments[1] == "api" else { return nil }
        let rest = segments.dropFirst(2).map { PercentDecoding.decode($0) ?? "" }
        let query = PercentDecoding.queryParameters(request.uri.query)
        if rest == ["config"] {
            guard request.method == .get else { throw OperationsEndpoints.methodNotAllowed }
            return ("/_dashboard/api/config", JSONResponse.make(["actions_enabled": .bool(options.actionsEnabled)]))
        }
        guard rest.count >= 2, rest[1] == "workflows" else {
            throw ServiceError.notFound("unknown path \(request.uri.path)")
        }
        let database = try await service.database(rest[0])
        let template: String
        let answer: JSONValue
        switch (request.method, rest.count) {
        case (.get, 2):
            template = "/_dashboard/api/{db}/workflows"
            answer = try await database.dashboardWorkflows()
        case (.get, 3):
            template = "/_dashboard/api/{db}/workflows/{workflow}"
            let status = query["status"].flatMap { $0.isEmpty ? nil : $0 }
            let name = query["name"].flatMap { $0.isEmpty ? nil : $0 }
            let skip = try Self.integer(query, "skip") ?? 0
            let limit = try Self.integer(query, "limit") ?? 50
            // Without a name filter the whole answer is paged by the store; a name
            // filter scans the jobs, so that part may come from the cache.
            var view = try await database.dashboardWorkflow(
                key: WorkflowReference(rest[2]), status: status, name: nil, skip: skip, limit: name == nil ? limit : 1)
            if let name, case .object(var members) = view {
                members["jobs"] = try await costly.answer(
                    for: "jobs/\(rest[0])/\(rest[2])/\(status ?? "")/\(skip)/\(limit)/\(name)"
                ) {
                    try await database.dashboardJobs(
                        key: WorkflowReference(rest[2]), status: status, name: name, skip: skip, limit: limit)
                }
                view = .object(members)
            }
            answer = view
        case (.get, 4) where rest[3] == "graph":
            template = "/_dashboard/api/{db}/workflows/{workflow}/graph"
            let maxNodes = try Self.integer(query, "max_nodes") ?? Self.defaultMaxNodes
            answer = try await costly.answer(for: "graph/\(rest[0])/\(rest[2])/\(maxNodes)") {
                try await database.dashboardGraph(key: WorkflowReference(rest[2]), maxNodes: maxNodes)
            }
        case (.get, 5) where rest[3] == "jobs":
            template = "/_dashboard/api/{db}/workflows/{workflow}/jobs/{key}"
            answer = try await database.dashboardJob(
                workflow: WorkflowReference(rest[2]), key: DocumentReference(rest[4]))
        case (.post, 5) where rest[3] == "actions":
            template = "/_dashboard/api/{db}/workflows/{workflow}/actions/{action}"
            answer = try await action(rest[4], workflow: WorkflowReference(rest[2]), database: database)
        case (_, 2...5):
            throw OperationsEndpoints.methodNotAllowed
        default:
            throw ServiceError.notFound("unknown path \(request.uri.path)")
        }
        return (template, JSONResponse.make(answer, headers: [.cacheControl: "no-store"]))
    }

    /// The workflow actions; refused unless the actions switch is on.
    private func action(_ name: String, workflow: WorkflowReference, database: WorkflowDatabase) async throws
        -> JSONValue
    {
        guard options.actionsEnabled else {
            throw HTTPError(
                status: 403, errorNum: 11, message: "dashboard actions are disabled (see --dashboard-actions)")
        }
        switch name {
        case "cancel": return try await database.cancelWorkflow(key: workflow)
        case "reset_status": return try await database.resetStatus(key: workflow)
        case "restart_failed": return try await database.restartFailedJobs(key: workflow)
        default: throw ServiceError.notFound("unknown action \(name)")
        }
    }

    static func integer(_ query: QueryParameters, _ name: String) throws(ServiceError) -> Int? {
        guard let text = query[name], !text.isEmpty else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw .badRequest("query parameter \"\(name)\" must be a non-negative integer")
        }
        return value
    }

    static func text(_ body: String, contentType: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: contentType, .cacheControl: "no-cache"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}

/// Switches of the dashboard.
public struct DashboardOptions: Sendable, Equatable {
    /// Whether the dashboard's buttons that change a workflow (cancel, reset
    /// status, restart failed jobs) work. Off by default: the dashboard is
    /// read-only. To be enabled once access control grants a write role, so
    /// that only users holding it reach these actions.
    public var actionsEnabled: Bool

    public init(actionsEnabled: Bool = false) { self.actionsEnabled = actionsEnabled }
}
