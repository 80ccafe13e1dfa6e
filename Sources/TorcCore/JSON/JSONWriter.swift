import OrderedCollections

/// Serialises `JSONValue` to compact UTF-8 JSON.
///
/// Integers are written as integers and doubles always with a fraction or an
/// exponent (`1.0`, `1e-07`), so a value read back has the same kind.
public enum JSONWriter {
    /// The compact JSON text of `value` as UTF-8 bytes.
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out)
        return out
    }

    /// The compact JSON text of `value`.
    public static func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    /// The JSON text of an object whose first members are the string pairs
    /// `leading`, followed by the members of `object` not named in
    /// `excluding`: a stored document, serialized without first building it.
    public static func objectBytes(
        leading: [(String, String)], _ object: JSONObject, excluding: Set<String>
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out.append(UInt8(ascii: "{"))
        var first = true
        for (key, text) in leading { writeMember(key, .string(text), first: &first, into: &out) }
        for (key, element) in object where !excluding.contains(key) {
            writeMember(key, element, first: &first, into: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// `"key":value`, after a comma unless it is the first member.
    @inline(__always)
    static func writeMember(_ key: String, _ value: JSONValue, first: inout Bool, into out: inout [UInt8]) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        writeString(key, into: &out)
        out.append(UInt8(ascii: ":"))
        write(value, into: &out)
    }

    /// Appends the JSON text of `value` to `out`.
    public static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d): writeDouble(d, into: &out)
        case .string(let s): writeString(s, into: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            var first = true
            for element in a {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                write(element, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            var first = true
            for (key, element) in o { writeMember(key, element, first: &first, into: &out) }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeDouble(_ d: Double, into out: inout [UInt8]) {
        guard d.isFinite else {
            // JSON has no NaN or infinity; they never come from parsed input.
            out.append(contentsOf: "null".utf8)
            return
        }
        // Swift prints the shortest text that reads back as the same double,
        // e.g. "1.0", "0.1", "1e-07", "1e+20"; all are valid JSON numbers.
        out.append(contentsOf: d.description.utf8)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var string = s
        let done = string.withUTF8 { bytes -> Bool in
            // Fast path: nothing to escape, append the bytes in one go.
            guard !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                return false
            }
            out.append(contentsOf: bytes)
            return true
        }
        if done {
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""):
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "\\"))
            case 0x0A:
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "n"))
            case 0x0D:
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "r"))
            case 0x09:
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "t"))
            case 0x00..<0x20:
                out.append(contentsOf: "\\u00".utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension JSONValue: CustomStringConvertible {
    /// Compact JSON text, handy in messages and tests.
    public var description: String { JSONWriter.string(self) }
}
