import OrderedCollections

/// A JSON object whose members keep the order they were written in, so that a
/// document comes back with its keys as the client sent them.
public typealias JSONObject = OrderedDictionary<String, JSONValue>

/// A JSON value that keeps integers and floating-point numbers apart.
///
/// Foundation's `JSONSerialization` folds every number into `NSNumber` and loses
/// the distinction between `1` and `1.0`; torc documents must round-trip exactly
/// (integers stay integers, floats stay floats), so the service parses and
/// writes JSON with its own value type. Integer literals beyond the 64-bit range
/// become doubles, as they do in ArangoDB.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

extension JSONValue {
    /// The object members, or `nil` for any other kind of value.
    @inlinable public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The string, or `nil` for any other kind of value.
    @inlinable public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The elements, or `nil` for any other kind of value.
    @inlinable public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The boolean, or `nil` for any other kind of value.
    @inlinable public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The number as a double (integers converted), or `nil` for non-numbers.
    @inlinable public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// The number as an integer when it is integral and in range, else `nil`.
    @inlinable public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d):
            guard d.rounded() == d, abs(d) < 9.2e18 else { return nil }
            return Int64(d)
        default: return nil
        }
    }

    /// True for `.null`.
    @inlinable public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// A short name of the value's JSON type, for validation messages.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .int, .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// Member access for objects; `nil` for missing members and non-objects.
    @inlinable public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral,
    ExpressibleByStringInterpolation
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue {
    /// Equality as the database compares values: numbers by value (`2 == 2.0`),
    /// everything else structurally. Used by filters and de-duplication.
    public func looselyEquals(_ other: JSONValue) -> Bool {
        switch (self, other) {
        case (.int(let a), .double(let b)): return Double(a) == b
        case (.double(let a), .int(let b)): return a == Double(b)
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.looselyEquals($1) }
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for (k, v) in a {
                guard let w = b[k], v.looselyEquals(w) else { return false }
            }
            return true
        default: return self == other
        }
    }
}

extension JSONObject {
    /// Merges `patch` into `self` the way a torc PUT does: members of the patch
    /// replace stored ones, nested objects merge key by key, arrays and scalars
    /// are replaced whole, `null` is stored as `null`.
    public func merging(patch: JSONObject) -> JSONObject {
        var result = self
        for (key, value) in patch {
            if case .object(let newObject) = value, case .object(let oldObject)? = result[key] {
                result[key] = .object(oldObject.merging(patch: newObject))
            } else {
                result[key] = value
            }
        }
        return result
    }
}
