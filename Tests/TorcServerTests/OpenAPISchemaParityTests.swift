import Foundation
import Testing
import TorcCore
import TorcEngine
@testable import TorcServer

/// The request schemas the engine validates (`Schemas.swift`) and the request
/// schemas of openapi/torc-service.yaml describe the same bodies: the same
/// attributes, the same required ones, compatible types and equal defaults.
/// A change to one side without the other fails here.
@Suite("OpenAPI schema parity")
struct OpenAPISchemaParityTests {
    /// Each operation whose body the engine validates with a strict schema, and that schema.
    static let bodies: [(operationId: String, schema: DocumentSchema)] = {
        let collections: [(String, DocumentSchema)] = [
            ("aws_schedulers", Schemas.awsScheduler), ("compute_nodes", Schemas.computeNode),
            ("compute_node_stats", Schemas.computeNodeStats), ("files", Schemas.file), ("jobs", Schemas.job),
            ("job_process_stats", Schemas.jobProcessStats), ("local_schedulers", Schemas.localScheduler),
            ("resource_requirements", Schemas.resourceRequirements), ("results", Schemas.result),
            ("scheduled_compute_nodes", Schemas.scheduledComputeNode), ("slurm_schedulers", Schemas.slurmScheduler),
        ]
        return collections.flatMap { name, schema in
            [("post_workflows_workflow_\(name)", schema), ("put_workflows_workflow_\(name)_key", schema)]
        } + [
            ("post_workflows_workflow_edges_name", Schemas.edge),
            ("post_workflows_workflow_jobs_complete_job_key_status_rev", Schemas.result),
            ("post_workflows", Schemas.workflow),
            ("put_workflows_key", Schemas.workflow),
            ("put_workflows_config_key", Schemas.workflowConfig),
            ("put_workflows_status_key", Schemas.workflowStatus),
            ("post_workflows_prepare_jobs_for_submission_key", Schemas.workerResources),
        ]
    }()

    /// Attributes the engine accepts in a body (and ignores) that the spec's
    /// request schema deliberately does not list: the server maintains
    /// `scheduled_compute_node_ids` itself, and a status read and sent back
    /// carries it (see openapi/CHANGES.md on `inline_response_200_25`).
    static let acceptedButNotAdvertised: [String: Set<String>] = [
        "put_workflows_status_key": ["scheduled_compute_node_ids"]
    ]

    /// Free-form bodies: any object on both sides.
    static let freeForm = [
        "post_workflows_workflow_events", "put_workflows_workflow_events_key",
        "post_workflows_workflow_user_data", "put_workflows_workflow_user_data_key",
        "post_workflows_workflow_jobs_user_data_key",
    ]

    @Test("every strict request schema matches the spec's", arguments: bodies.map(\.operationId))
    func strictBody(operationId: String) throws {
        let schema = try #require(Self.bodies.first { $0.operationId == operationId }?.schema)
        let spec = try #require(SpecSchemas.requestBody(operationId), "no request body for \(operationId)")
        let accepted = Self.acceptedButNotAdvertised[operationId] ?? []
        #expect(SchemaComparison.problems(spec: spec, swift: schema, path: operationId, accepted: accepted) == [])
    }

    @Test("free-form bodies are free-form in the spec and in the engine")
    func freeFormBodies() throws {
        #expect(Schemas.freeForm.allowsUnknown)
        for operationId in Self.freeForm {
            let spec = try #require(SpecSchemas.requestBody(operationId), "no request body for \(operationId)")
            #expect(spec["additionalProperties"] == true, "\(operationId)")
            #expect(spec["properties"] == nil, "\(operationId)")
        }
    }

    @Test("the served spec is the committed openapi/torc-service.yaml, generated at build time")
    func servedSpecIsTheCommittedFile() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let committed = try String(
            contentsOf: root.appendingPathComponent("openapi/torc-service.yaml"), encoding: .utf8)
        // A Swift multi-line literal drops the file's final newline, as the served YAML always did.
        #expect(OpenAPIDocument.yaml + "\n" == committed)
        #expect(OpenAPIDocument.document["openapi"] == "3.0.3")
        #expect((OpenAPIDocument.document["paths"]?.objectValue?.count ?? 0) == 63)
    }

    @Test("the comparison notices a drifted schema")
    func noticesDrift() throws {
        let spec = try #require(SpecSchemas.requestBody("post_workflows_workflow_files"))
        let drifted = Schemas.file.adding([.required("checksum", .text)])
        let problems = SchemaComparison.problems(spec: spec, swift: drifted, path: "files")
        #expect(problems.contains { $0.contains("checksum") })
    }
}

/// Reads request schemas out of the served OpenAPI document, `$ref`s resolved.
enum SpecSchemas {
    static var document: JSONValue { OpenAPIDocument.document }

    static func requestBody(_ operationId: String) -> JSONValue? {
        for (_, item) in document["paths"]?.objectValue ?? [:] {
            for (_, operation) in item.objectValue ?? [:] where operation["operationId"]?.stringValue == operationId {
                return operation["requestBody"]?["content"]?["application/json"]?["schema"].map(resolve)
            }
        }
        return nil
    }

    static func resolve(_ schema: JSONValue) -> JSONValue {
        guard let reference = schema["$ref"]?.stringValue else { return schema }
        let name = String(reference.split(separator: "/").last ?? "")
        return document["components"]?["schemas"]?[name].map(resolve) ?? schema
    }
}

/// Compares one spec schema with one engine schema.
enum SchemaComparison {
    static func problems(
        spec: JSONValue, swift: DocumentSchema, path: String, accepted: Set<String> = []
    ) -> [String] {
        var problems: [String] = []
        let properties = spec["properties"]?.objectValue ?? [:]
        let specNames = Set(properties.keys)
        // `_oldRev` is accepted everywhere (an update answer sent back unchanged) but
        // advertised only in the PUT schemas.
        let swiftNames = Set(swift.fields.map(\.name))
            .subtracting(specNames.contains("_oldRev") ? [] : ["_oldRev"]).subtracting(accepted)
        for name in swiftNames.subtracting(specNames).sorted() {
            problems.append("\(path).\(name): only in Schemas.swift")
        }
        for name in specNames.subtracting(swiftNames).sorted() { problems.append("\(path).\(name): only in the spec") }
        let specRequired = Set((spec["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        let swiftRequired = Set(swift.fields.filter(\.required).map(\.name))
        if specRequired != swiftRequired {
            problems.append(
                "\(path): required \(specRequired.sorted()) in the spec, \(swiftRequired.sorted()) in Schemas.swift")
        }
        if swift.allowsUnknown != (spec["additionalProperties"] == true) {
            problems.append("\(path): free-form in one, strict in the other")
        }
        for field in swift.fields {
            guard let property = properties[field.name].map(SpecSchemas.resolve) else { continue }
            problems += typeProblems(spec: property, swift: field.type, path: "\(path).\(field.name)")
            if let specDefault = property["default"], let swiftDefault = field.defaultValue, specDefault != swiftDefault
            {
                problems.append(
                    "\(path).\(field.name): default \(specDefault) in the spec, \(swiftDefault) in Schemas.swift")
            }
        }
        return problems
    }

    static func typeProblems(spec: JSONValue, swift: FieldType, path: String) -> [String] {
        let type = spec["type"]?.stringValue
        switch swift {
        case .string:
            return type == "string" ? [] : ["\(path): string in Schemas.swift, \(type ?? "untyped") in the spec"]
        case .integer:
            return type == "integer" ? [] : ["\(path): integer in Schemas.swift, \(type ?? "untyped") in the spec"]
        case .number:
            return type == "number" ? [] : ["\(path): number in Schemas.swift, \(type ?? "untyped") in the spec"]
        case .boolean:
            return type == "boolean" ? [] : ["\(path): boolean in Schemas.swift, \(type ?? "untyped") in the spec"]
        case .any: return []
        case .anyObject:
            return type == "object" ? [] : ["\(path): object in Schemas.swift, \(type ?? "untyped") in the spec"]
        case .object(let schema):
            guard type == "object" else {
                return ["\(path): object in Schemas.swift, \(type ?? "untyped") in the spec"]
            }
            return problems(spec: spec, swift: schema, path: path)
        case .array(let element):
            guard type == "array", let items = spec["items"].map(SpecSchemas.resolve) else {
                return ["\(path): array in Schemas.swift, \(type ?? "untyped") in the spec"]
            }
            return typeProblems(spec: items, swift: element, path: path + "[]")
        }
    }
}
