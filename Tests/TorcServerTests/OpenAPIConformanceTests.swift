import HTTPTypes
import Testing
import TorcCore
import TorcServer

/// The router and openapi/torc-service.yaml describe the same operations.
@Suite("OpenAPI conformance")
struct OpenAPIConformanceTests {
    struct Operation: Hashable, CustomStringConvertible {
        var method: String
        var path: String
        var operationId: String
        var description: String { "\(method) \(path) \(operationId)" }
    }

    static var specOperations: Set<Operation> {
        var operations = Set<Operation>()
        let paths = OpenAPIDocument.document["paths"]?.objectValue ?? [:]
        for (path, item) in paths {
            for (method, operation) in item.objectValue ?? [:]
            where ["get", "put", "post", "delete", "patch", "head", "options"].contains(method) {
                operations.insert(
                    Operation(
                        method: method.uppercased(), path: path,
                        operationId: operation["operationId"]?.stringValue ?? "?"))
            }
        }
        return operations
    }

    static var routerOperations: Set<Operation> {
        Set(TorcRoutes.all.map { Operation(method: $0.method.rawValue, path: $0.path, operationId: $0.operationId) })
    }

    @Test("every spec operation is routed, and every route is in the spec")
    func sameOperations() {
        let spec = Self.specOperations
        let router = Self.routerOperations
        #expect(spec.count == 126, "the original 123, the two OpenAPI documents and complete_jobs")
        #expect(router.count == TorcRoutes.all.count, "no route registered twice")
        #expect(spec.subtracting(router).sorted { $0.description < $1.description } == [], "in the spec, not routed")
        #expect(router.subtracting(spec).sorted { $0.description < $1.description } == [], "routed, not in the spec")
    }

    @Test("path parameters of the spec match the route patterns")
    func pathParameters() {
        let paths = OpenAPIDocument.document["paths"]?.objectValue ?? [:]
        for (path, item) in paths {
            let fromPath = path.split(separator: "/").filter { $0.hasPrefix("{") }.map {
                String($0.dropFirst().dropLast())
            }
            for (method, operation) in item.objectValue ?? [:] where method != "parameters" {
                let declared = (operation["parameters"]?.arrayValue ?? []).filter { $0["in"] == "path" }
                    .compactMap { $0["name"]?.stringValue }
                #expect(Set(declared) == Set(fromPath), "\(method) \(path)")
            }
        }
    }

    @Test("the service serves its spec as JSON, YAML and at the Foxx docs path")
    func served() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let json = try await api.get("/openapi.json")
            #expect(json.status == 200 && json["openapi"].stringValue?.hasPrefix("3.0") == true)
            let yaml = try await api.raw(.get, "/openapi.yaml")
            #expect(yaml.status == 200 && yaml.headers[.contentType] == "application/yaml")
            let foxx = try await api.raw(
                .get, "/_db/\(api.database)/_admin/aardvark/foxxes/docs/swagger.json?mount=/torc-service",
                absolute: true)
            #expect(foxx.status == 200 && foxx.json == json.json)
        }
    }
}
