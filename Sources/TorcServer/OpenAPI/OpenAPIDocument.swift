import HTTPTypes
import TorcCore

/// The service's own OpenAPI description (openapi/torc-service.yaml, embedded
/// at build time), served so that clients can be generated from a running server.
public enum OpenAPIDocument {
    /// The spec as a JSON value; parsed once.
    public static let document: JSONValue = {
        do { return try JSONParser.parse(json) } catch { preconditionFailure("embedded OpenAPI JSON: \(error)") }
    }()

    /// `GET /openapi.json` and `GET /openapi.yaml`.
    static var routes: [Route] {
        [
            Route(.get, "/openapi.json", "get_openapi_json", body: .ignored) { _ in document },
            Route(
                .get, "/openapi.yaml", "get_openapi_yaml", body: .ignored,
                responding: { _ in
                    .text(yaml, contentType: "application/yaml")
                }),
        ]
    }

    /// `/_db/{database}/_admin/aardvark/foxxes/docs/swagger.json` (the query names the mount).
    static func isFoxxDocsPath(_ segments: [Substring]) -> Bool {
        segments.count == 7 && segments[0] == "_db" && segments[2] == "_admin" && segments[3] == "aardvark"
            && segments[4] == "foxxes" && segments[5] == "docs" && segments[6] == "swagger.json"
    }
}
