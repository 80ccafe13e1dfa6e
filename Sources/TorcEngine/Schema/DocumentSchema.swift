import TorcCore

/// A strict object schema: listed attributes only, typed, with required
/// attributes and defaults. Validation converts values the way the original's
/// validator did and reports the first problem only.
public struct DocumentSchema: Sendable {
    /// The attributes in declaration order.
    public var fields: [Field]
    /// Whether attributes that are not listed are accepted (free-form documents).
    public var allowsUnknown: Bool

    private let index: [String: Int]

    public init(_ fields: [Field], allowsUnknown: Bool = false) {
        self.fields = fields
        self.allowsUnknown = allowsUnknown
        var index: [String: Int] = [:]
        for (i, field) in fields.enumerated() { index[field.name] = i }
        self.index = index
    }

    /// The field called `name`.
    public func field(_ name: String) -> Field? { index[name].map { fields[$0] } }

    /// A copy with more attributes.
    public func adding(_ more: [Field]) -> DocumentSchema {
        DocumentSchema(fields + more, allowsUnknown: allowsUnknown)
    }

    /// A copy without some attributes (e.g. a default that must not apply).
    public func replacing(_ name: String, with field: Field) -> DocumentSchema {
        DocumentSchema(fields.map { $0.name == name ? field : $0 }, allowsUnknown: allowsUnknown)
    }

    /// System attributes every stored type accepts in bodies. `_oldRev` (from
    /// an update answer sent back unchanged) is accepted and ignored.
    public static let systemFields: [Field] = [
        .optional("_key", .text), .optional("_id", .text), .optional("_rev", .text), .optional("_oldRev", .text),
    ]

    /// A body as it is stored: the attributes the store sets itself removed.
    public static func storable(_ object: JSONObject) -> JSONObject {
        // Only copy when there is something to remove, so large bodies stay shared.
        guard object["_id"] != nil || object["_rev"] != nil || object["_oldRev"] != nil else { return object }
        var result = object
        result.removeValue(forKey: "_id")
        result.removeValue(forKey: "_rev")
        result.removeValue(forKey: "_oldRev")
        return result
    }

    /// Validates `value` as a request body: it must be an object conforming
    /// to the schema. Returns the converted object with defaults filled in.
    public func validateBody(_ value: JSONValue?) throws(ServiceError) -> JSONObject {
        guard let value else { throw .badRequest("request body is required") }
        guard case .object(let object) = value else { throw .badRequest("request body must be an object") }
        return try validate(object, path: [])
    }

    /// Validates an object against the schema (see `validateBody`).
    public func validate(_ object: JSONObject, path: [String]) throws(ServiceError) -> JSONObject {
        try validateIfChanged(object, path: path) ?? object
    }

    /// Validates an object; returns the converted object, or `nil` when it is
    /// already valid as it is. Unchanged objects and arrays are shared, not
    /// copied, which keeps large specifications from being held twice.
    func validateIfChanged(_ object: JSONObject, path: [String]) throws(ServiceError) -> JSONObject? {
        var result: JSONObject?
        for (index, element) in object.enumerated() {
            guard let field = field(element.key) else {
                if allowsUnknown { continue }
                throw SchemaMessage.notAllowed(path + [element.key])
            }
            if let converted = try Self.convertIfChanged(element.value, as: field.type, path: path + [element.key]) {
                if result == nil { result = object }
                result!.values[index] = converted
            }
        }
        for field in fields where object[field.name] == nil {
            if field.required { throw SchemaMessage.required(path + [field.name]) }
            if let defaultValue = field.defaultValue {
                if result == nil { result = object }
                result![field.name] = defaultValue
            }
        }
        return result
    }

    /// Converts one value to `type`, or explains why it cannot be.
    public static func convert(_ value: JSONValue, as type: FieldType, path: [String]) throws(ServiceError) -> JSONValue
    {
        try convertIfChanged(value, as: type, path: path) ?? value
    }

    /// The converted value, `nil` when `value` is valid as it is.
    static func convertIfChanged(_ value: JSONValue, as type: FieldType, path: [String]) throws(ServiceError)
        -> JSONValue?
    {
        switch type {
        case .any:
            return nil
        case .string(let allowEmpty, let allowNull):
            switch value {
            case .string(let s):
                if s.isEmpty && !allowEmpty { throw SchemaMessage.empty(path) }
                return nil
            case .null where allowNull:
                return nil
            default:
                throw SchemaMessage.mustBe(path, "a string")
            }
        case .integer:
            guard let number = numeric(value) else { throw SchemaMessage.mustBe(path, "a number") }
            switch number {
            case .int(let i):
                guard abs(i) <= 9_007_199_254_740_991 else { throw SchemaMessage.mustBe(path, "a safe number") }
                if case .int = value { return nil }
                return number
            case .double(let d):
                guard d.rounded() == d else { throw SchemaMessage.mustBe(path, "an integer") }
                guard abs(d) <= 9_007_199_254_740_991 else { throw SchemaMessage.mustBe(path, "a safe number") }
                return .int(Int64(d))
            default:
                throw SchemaMessage.mustBe(path, "a number")
            }
        case .number:
            guard let number = numeric(value) else { throw SchemaMessage.mustBe(path, "a number") }
            if case .string = value { return number }
            return nil
        case .boolean:
            switch value {
            case .bool: return nil
            case .string(let s):
                switch s.lowercased() {
                case "true": return .bool(true)
                case "false": return .bool(false)
                default: throw SchemaMessage.mustBe(path, "a boolean")
                }
            default: throw SchemaMessage.mustBe(path, "a boolean")
            }
        case .anyObject:
            guard case .object = value else { throw SchemaMessage.mustBe(path, "an object") }
            return nil
        case .object(let schema):
            guard case .object(let object) = value else { throw SchemaMessage.mustBe(path, "an object") }
            return try schema.validateIfChanged(object, path: path).map { .object($0) }
        case .array(let elementType):
            guard case .array(let elements) = value else { throw SchemaMessage.mustBe(path, "an array") }
            var converted: [JSONValue]?
            for (i, element) in elements.enumerated() {
                if let new = try convertIfChanged(element, as: elementType, path: path + ["\(i)"]) {
                    if converted == nil { converted = elements }
                    converted![i] = new
                }
            }
            return converted.map { .array($0) }
        }
    }

    /// A JSON number, or a string holding one, as a number.
    static func numeric(_ value: JSONValue) -> JSONValue? {
        switch value {
        case .int, .double: return value
        case .string(let s):
            let trimmed = s.trimmingSpaces()
            guard !trimmed.isEmpty else { return nil }
            if let i = Int64(trimmed) { return .int(i) }
            if let d = Double(trimmed), d.isFinite, trimmed.allSatisfy({ "0123456789+-.eE".contains($0) }) {
                return .double(d)
            }
            return nil
        default: return nil
        }
    }
}

/// Validation messages in the style clients have seen from the original.
enum SchemaMessage {
    static func label(_ path: [String]) -> String { "\"\(path.last ?? "value")\"" }

    /// Wraps an inner message in `child "a" fails because [...]` for each parent.
    static func wrap(_ path: [String], _ inner: String) -> ServiceError {
        var message = inner
        for name in path.reversed() {
            message = "child \"\(name)\" fails because [\(message)]"
        }
        return .badRequest(message)
    }

    static func notAllowed(_ path: [String]) -> ServiceError {
        wrap(Array(path.dropLast()), "\(label(path)) is not allowed")
    }

    static func required(_ path: [String]) -> ServiceError {
        wrap(path, "\(label(path)) is required")
    }

    static func empty(_ path: [String]) -> ServiceError {
        wrap(path, "\(label(path)) is not allowed to be empty")
    }

    static func mustBe(_ path: [String], _ what: String) -> ServiceError {
        wrap(path, "\(label(path)) must be \(what)")
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
