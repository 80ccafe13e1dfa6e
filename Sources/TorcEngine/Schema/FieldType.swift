import TorcCore

/// The type of one attribute in a strict document schema, with the
/// conversions the original's validator applied (numeric and boolean strings
/// are converted, integral doubles become integers).
public indirect enum FieldType: Sendable {
    /// A non-empty string (`allowEmpty` lifts that rule, `allowNull` admits `null`).
    case string(allowEmpty: Bool = false, allowNull: Bool = false)
    /// An integer within the safe range (±2^53-1); integral doubles and numeric strings are converted.
    case integer
    /// Any number; numeric strings are converted, integers stay integers.
    case number
    /// A boolean; the strings `true`/`false` (any case) are converted.
    case boolean
    /// Any JSON object.
    case anyObject
    /// Any JSON value.
    case any
    /// An object with its own strict schema.
    case object(DocumentSchema)
    /// An array whose elements all have one type.
    case array(FieldType)

    /// Plain non-empty string.
    public static let text = FieldType.string()
}

/// One attribute of a schema.
public struct Field: Sendable {
    /// Attribute name.
    public var name: String
    /// Its type.
    public var type: FieldType
    /// Whether a body without it is rejected.
    public var required: Bool
    /// The value filled in when the attribute is absent (on POST and PUT).
    public var defaultValue: JSONValue?

    public init(_ name: String, _ type: FieldType, required: Bool = false, default defaultValue: JSONValue? = nil) {
        self.name = name
        self.type = type
        self.required = required
        self.defaultValue = defaultValue
    }

    /// A required attribute.
    public static func required(_ name: String, _ type: FieldType) -> Field { Field(name, type, required: true) }

    /// An optional attribute without default.
    public static func optional(_ name: String, _ type: FieldType) -> Field { Field(name, type) }

    /// An optional attribute with a default.
    public static func defaulted(_ name: String, _ type: FieldType, _ value: JSONValue) -> Field {
        Field(name, type, default: value)
    }
}
