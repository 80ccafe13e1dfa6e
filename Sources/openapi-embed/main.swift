import Foundation
import Yams

// Build tool of the EmbedOpenAPISpec plugin: reads openapi/torc-service.yaml and
// writes Swift source holding it twice, as the YAML text itself and as compact
// JSON (keys in document order), so the served contract is always the committed
// file and no copy of it is kept in git.
//
// usage: openapi-embed SPEC.yaml OUTPUT.swift

/// Compact JSON of a YAML node, keys in document order.
func json(_ node: Node, into out: inout String) throws {
    switch node {
    case .scalar(let scalar):
        switch Tag.Name(rawValue: node.tag.description) {
        case .null:
            out += "null"
        case .bool:
            guard let value = node.bool else { throw EmbedError.scalar(scalar.string) }
            out += value ? "true" : "false"
        case .int:
            guard let value = node.int else { throw EmbedError.scalar(scalar.string) }
            out += String(value)
        case .float:
            guard let value = node.float, value.isFinite else { throw EmbedError.scalar(scalar.string) }
            // Keep floats recognisable as floats (1.0 stays 1.0).
            let text = String(value)
            out += text.contains(".") || text.contains("e") ? text : text + ".0"
        default:
            string(scalar.string, into: &out)
        }
    case .mapping(let mapping):
        out += "{"
        for (index, pair) in mapping.enumerated() {
            if index > 0 { out += "," }
            guard case .scalar(let key) = pair.key else { throw EmbedError.key }
            string(key.string, into: &out)
            out += ":"
            try json(pair.value, into: &out)
        }
        out += "}"
    case .sequence(let sequence):
        out += "["
        for (index, element) in sequence.enumerated() {
            if index > 0 { out += "," }
            try json(element, into: &out)
        }
        out += "]"
    case .alias:
        throw EmbedError.alias
    }
}

/// A JSON string literal (non-ASCII kept as is, as the served JSON always was).
func string(_ text: String, into out: inout String) {
    out += "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    out += "\""
}

enum EmbedError: Error, CustomStringConvertible {
    case usage
    case scalar(String)
    case key, alias, delimiter

    var description: String {
        switch self {
        case .usage: return "usage: openapi-embed SPEC.yaml OUTPUT.swift"
        case .scalar(let text): return "cannot render the scalar '\(text)' as JSON"
        case .key: return "a mapping key is not a scalar"
        case .alias: return "YAML aliases are not supported"
        case .delimiter: return "the spec contains the raw string delimiter \"\"\"##"
        }
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data((EmbedError.usage.description + "\n").utf8))
    exit(2)
}
do {
    let yaml = try String(contentsOfFile: arguments[1], encoding: .utf8)
    guard let root = try Yams.compose(yaml: yaml) else { throw EmbedError.scalar("") }
    var compact = ""
    try json(root, into: &compact)
    guard !yaml.contains("\"\"\"##"), !compact.contains("\"\"\"##") else { throw EmbedError.delimiter }
    let source = """
        // Generated at build time by the EmbedOpenAPISpec plugin from openapi/torc-service.yaml.

        extension OpenAPIDocument {
            /// The spec as YAML, exactly as in openapi/torc-service.yaml.
            static let yaml = ##\"\"\"
        \(yaml)\(yaml.hasSuffix("\n") ? "" : "\n")\"\"\"##

            /// The same spec as compact JSON.
            static let json = ##\"\"\"
        \(compact)
        \"\"\"##
        }

        """
    try source.write(toFile: arguments[2], atomically: true, encoding: .utf8)
} catch {
    FileHandle.standardError.write(Data("openapi-embed: \(error)\n".utf8))
    exit(1)
}
