import TorcCore
import TorcServer

/// Checks every answer the route tests see against the response schema that
/// openapi/torc-service.yaml documents for its operation and status.
struct ResponseSchemaValidator: Sendable {
    static let shared = ResponseSchemaValidator(document: OpenAPIDocument.document)

    let document: JSONValue
    private let paths: [(template: [Substring], item: JSONValue)]

    init(document: JSONValue) {
        self.document = document
        paths = (document["paths"]?.objectValue ?? [:]).map { ($0.key.split(separator: "/"), $0.value) }
    }

    /// Problems of `body` as the answer `status` to `method path` (path relative to the service base).
    func problems(method: String, path: String, status: Int, body: JSONValue) -> [String] {
        let pathOnly = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
        let segments = pathOnly.split(separator: "/")
        var best: (score: Int, item: JSONValue)?
        for (template, item) in paths where template.count == segments.count {
            guard item[method.lowercased()] != nil else { continue }
            var score = 0
            var matches = true
            for (pattern, segment) in zip(template, segments) {
                if pattern.hasPrefix("{") { continue }
                if pattern == segment {
                    score += 1
                } else {
                    matches = false
                    break
                }
            }
            if matches, score > (best?.score ?? -1) { best = (score, item) }
        }
        guard let operation = best?.item[method.lowercased()] else {
            return status == 404 || status == 405 ? [] : ["no operation for \(method) \(pathOnly)"]
        }
        guard var response = operation["responses"]?[String(status)] ?? operation["responses"]?["default"] else {
            return ["status \(status) is not documented for \(method) \(pathOnly)"]
        }
        if let ref = response["$ref"]?.stringValue { response = resolve(ref) ?? .null }
        guard let schema = response["content"]?["application/json"]?["schema"] else { return [] }
        var problems: [String] = []
        check(body, schema, "$", &problems)
        return problems.map { "\(method) \(pathOnly) \(status): \($0)" }
    }

    func resolve(_ ref: String) -> JSONValue? {
        guard ref.hasPrefix("#/") else { return nil }
        var node: JSONValue? = document
        for part in ref.dropFirst(2).split(separator: "/") { node = node?[String(part)] }
        return node
    }

    func check(_ value: JSONValue, _ schemaIn: JSONValue, _ at: String, _ problems: inout [String]) {
        var schema = schemaIn
        if let ref = schema["$ref"]?.stringValue {
            guard let resolved = resolve(ref) else {
                problems.append("\(at): unresolvable \(ref)")
                return
            }
            schema = resolved
        }
        if value.isNull {
            if schema["nullable"] != .bool(true) && schema["type"] != nil { problems.append("\(at): null not allowed") }
            return
        }
        if let all = schema["allOf"]?.arrayValue { for part in all { check(value, part, at, &problems) } }
        for key in ["oneOf", "anyOf"] {
            if let options = schema[key]?.arrayValue {
                let ok = options.contains { option in
                    var inner: [String] = []
                    check(value, option, at, &inner)
                    return inner.isEmpty
                }
                if !ok { problems.append("\(at): matches none of \(key)") }
            }
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(where: { $0.looselyEquals(value) }) {
            problems.append("\(at): \(value) not in enum")
        }
        guard let type = schema["type"]?.stringValue else { return }
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("number", .int), ("number", .double), ("integer", .int):
            return
        case ("integer", .double(let d)) where d.rounded() == d:
            return
        case ("array", .array(let items)):
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() { check(item, itemSchema, "\(at)[\(index)]", &problems) }
            }
        case ("object", .object(let members)):
            for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
                problems.append("\(at): missing required \(name)")
            }
            let properties = schema["properties"]?.objectValue ?? [:]
            for (name, member) in members {
                if let propertySchema = properties[name] {
                    check(member, propertySchema, "\(at).\(name)", &problems)
                } else if schema["additionalProperties"] == .bool(false) {
                    problems.append("\(at): unexpected \(name)")
                } else if let extra = schema["additionalProperties"], extra.objectValue != nil {
                    check(member, extra, "\(at).\(name)", &problems)
                }
            }
        default:
            problems.append("\(at): \(value.typeName) is not \(type)")
        }
    }
}
