import Foundation
import PackagePlugin

/// Generates `OpenAPIDocument+Embedded.swift` for TorcServer from the committed
/// `openapi/torc-service.yaml` at every build where the spec changed, so the
/// served contract cannot differ from the file the clients are generated from.
@main
struct EmbedOpenAPISpec: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let spec = context.package.directoryURL.appending(path: "openapi").appending(path: "torc-service.yaml")
        let output = context.pluginWorkDirectoryURL.appending(path: "OpenAPIDocument+Embedded.swift")
        return [
            .buildCommand(
                displayName: "Embedding openapi/torc-service.yaml in \(target.name)",
                executable: try context.tool(named: "openapi-embed").url,
                arguments: [spec.path, output.path],
                inputFiles: [spec],
                outputFiles: [output]
            )
        ]
    }
}
