import OrderedCollections

/// Rules for document keys, `_id`s and edge handles, shared by every backend so
/// that both answer the same way (database errors 1221 and 1233).
public enum DocumentKey {
    /// Whether `key` is a legal document key: 1-254 characters from
    /// `A-Z a-z 0-9 _ - : . @ ( ) + , = ; $ ! * ' %`.
    public static func isValid(_ key: String) -> Bool {
        isValidKey(key.utf8)
    }

    /// The key rule on UTF-8 bytes.
    @inline(__always) static func isValidKey(_ utf8: some Collection<UInt8>) -> Bool {
        !utf8.isEmpty && utf8.count <= 254 && utf8.allSatisfy(isKeyByte)
    }

    @inline(__always) static func isKeyByte(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "."), UInt8(ascii: "@"),
            UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: "="),
            UInt8(ascii: ";"), UInt8(ascii: "$"), UInt8(ascii: "!"), UInt8(ascii: "*"), UInt8(ascii: "'"),
            UInt8(ascii: "%"):
            return true
        default: return false
        }
    }

    /// Whether `handle` is a syntactically valid document handle `collection/key`.
    /// Checked on the UTF-8 bytes, without copying either part: every edge
    /// written passes through here twice.
    public static func isValidHandle(_ handle: String) -> Bool {
        let utf8 = handle.utf8
        guard let slash = utf8.firstIndex(of: UInt8(ascii: "/")) else { return false }
        let collection = utf8[..<slash]
        let key = utf8[utf8.index(after: slash)...]
        return CollectionName.isValidName(collection) && isValidKey(key)
    }

    /// Resolves a path `{key}` that may be a bare key or an `_id` of
    /// `collection`: returns the bare key, or `nil` when the value names a
    /// different collection (answered as "not found").
    public static func resolve(_ value: String, in collection: CollectionName) -> String? {
        guard let slash = value.firstIndex(of: "/") else { return value }
        guard value[..<slash] == collection.rawValue[...] else { return nil }
        return String(value[value.index(after: slash)...])
    }

    /// The `_id` of a document.
    public static func id(_ key: String, in collection: CollectionName) -> String {
        "\(collection.rawValue)/\(key)"
    }
}
