/// An ordered list of HTTP header fields.
///
/// Ordered and allowing repeats because HTTP allows a field to appear more
/// than once (e.g. `Set-Cookie`) and order can matter; lookups are
/// case-insensitive because field names are (RFC 9110 §5.1).
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    private struct Field: Sendable, Hashable {
        var name: String
        var value: String
    }

    private var fields: [Field] = []

    /// Creates an empty header list, the common starting point for a request.
    public init() {}

    /// Creates a header list from name/value pairs, keeping their order and repeats.
    public init(_ pairs: [(name: String, value: String)]) {
        fields = pairs.map { Field(name: $0.name, value: $0.value) }
    }

    /// Allows `["Content-Type": "application/json"]` literals for brevity.
    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { Field(name: $0.0, value: $0.1) }
    }

    /// Appends a field, keeping any existing fields with the same name, because
    /// repeated fields are legal HTTP.
    public mutating func add(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Removes every field with this name (case-insensitively) and appends one
    /// with the new value, for fields that must appear once (e.g. `Content-Type`).
    public mutating func replaceOrAdd(name: String, value: String) {
        remove(name: name)
        add(name: name, value: value)
    }

    /// Removes every field with this name, compared case-insensitively.
    public mutating func remove(name: String) {
        let key = name.lowercased()
        fields.removeAll { $0.name.lowercased() == key }
    }

    /// The first value for a name, compared case-insensitively; `nil` when absent.
    /// Most fields appear once, so this is the everyday accessor.
    public subscript(name: String) -> String? {
        let key = name.lowercased()
        return fields.first { $0.name.lowercased() == key }?.value
    }

    /// Every value for a name, in order, for fields that may repeat.
    public func values(for name: String) -> [String] {
        let key = name.lowercased()
        return fields.filter { $0.name.lowercased() == key }.map(\.value)
    }

    /// Whether a field with this name is present (case-insensitive).
    public func contains(name: String) -> Bool {
        self[name] != nil
    }

    /// The number of fields, counting repeats.
    public var count: Int { fields.count }

    /// Whether there are no fields at all.
    public var isEmpty: Bool { fields.isEmpty }

    /// Iterates the fields in order as `(name, value)` pairs.
    public func makeIterator() -> some IteratorProtocol<(name: String, value: String)> {
        fields.lazy.map { (name: $0.name, value: $0.value) }.makeIterator()
    }

    /// Field names only: values may carry credentials (`Authorization`), so a
    /// header list never prints them.
    public var description: String {
        "HTTPHeaders(" + fields.map(\.name).joined(separator: ", ") + ")"
    }
}
