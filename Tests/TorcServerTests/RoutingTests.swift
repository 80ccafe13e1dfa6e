import HTTPTypes
import Testing
import TorcCore

/// docs/routes.md, "Conventions": route matching, methods and the error format.
@Suite("Routing and errors")
struct RoutingTests {
    @Test(
        "unknown paths are 404 in the service's error format",
        arguments: [
            "/nothing", "/workflows/1/unknown_collection/2/3/4", "/workflows/1/jobs/find_by_status",
        ])
    func unknownPaths(path: String) async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            #expect(try await api.get(path).isError(404))
        }
    }

    @Test("paths outside the mount point are 404")
    func outsideMount() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            // `/` itself is the dashboard (DashboardTests); any other unknown path is 404.
            #expect(try await api.raw(.get, "/nothing-here", absolute: true).isError(404))
            #expect(
                try await api.raw(.get, "/_db/\(api.database)/other-service/workflows", absolute: true).isError(404))
            #expect(try await api.raw(.get, "/_db/\(api.database)", absolute: true).isError(404))
        }
    }

    @Test("a wrong method is 405 with Allow")
    func wrongMethod() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let response = try await api.send(.patch, "/workflows")
            #expect(response.isError(405))
            #expect(response.message == "Method Not Allowed")
            #expect(response.headers[.allow] == "GET, POST")
            let put = try await api.send(.post, "/workflows/status/1")
            #expect(put.isError(405))
        }
    }

    @Test("literal segments win over parameters")
    func literalFirst() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            #expect(try await api.get("/workflows/status/\(w)")["run_id"] == 1)
            #expect(try await api.get("/workflows/config/\(w)").status == 200)
            #expect(try await api.get("/workflows/\(w)").status == 200)
        }
    }

    @Test("success answers are 200 JSON, including DELETE")
    func contentType() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let response = try await api.get("/workflows")
            #expect(response.status == 200)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
        }
    }

    @Test("bodies are parsed as JSON whatever the content type; DELETE accepts an optional object body")
    func bodies() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            #expect(try await api.delete("/workflows/\(w)/events", ["ignored": true]).status == 200)
            #expect(try await api.delete("/workflows/\(w)/events", [1]).isError(400))
            #expect(try await api.raw(.delete, "/workflows/\(w)/events", body: "{oops").isError(400))
            #expect(try await api.raw(.post, "/workflows", body: "   ").message == "request body is required")
        }
    }
}
