import OrderedCollections

/// Why a byte sequence is not acceptable JSON; the message goes to the client.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Human-readable reason including the byte offset.
    public let message: String
    public var description: String { message }
}

/// A strict RFC 8259 parser producing `JSONValue`.
///
/// Written for the service's hot paths: it works on raw UTF-8 bytes, keeps
/// integers exact, limits nesting (deep structures are accepted up to
/// `maxDepth` levels, beyond that the request is refused instead of
/// exhausting the stack) and rejects trailing garbage. Duplicate member names
/// keep the last value, as JavaScript and ArangoDB do.
public struct JSONParser {
    /// Deepest nesting of arrays and objects accepted.
    public static let maxDepth = 512

    /// Parses one complete JSON text.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { (buffer) throws(JSONParseError) in try parse(buffer) }
    }

    /// Parses one complete JSON text in memory someone else owns (a column
    /// of a stored row), without copying it first.
    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        do {
            var parser = Reader(bytes: buffer)
            return try parser.parseDocument()
        } catch let error as JSONParseError {
            throw error
        } catch {
            throw JSONParseError(message: "invalid JSON")
        }
    }

    /// Parses one complete JSON text from a string.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// Checks a whole JSON text and outlines it without building one tree of
    /// it: when the text is an object, its members come back in first-occurrence
    /// order, and each member named in `expanding` whose value is an array comes
    /// back as the byte ranges of its elements instead of as a value (see
    /// `JSONObjectOutline`). Every byte is checked exactly as `parse` checks it,
    /// with the same messages at the same offsets; `nil` means the text is valid
    /// JSON but not an object.
    public static func outline(_ buffer: UnsafeBufferPointer<UInt8>, expanding: Set<String>) throws(JSONParseError)
        -> JSONObjectOutline?
    {
        do {
            var parser = Reader(bytes: buffer)
            return try parser.outlineDocument(expanding: expanding)
        } catch let error as JSONParseError {
            throw error
        } catch {
            throw JSONParseError(message: "invalid JSON")
        }
    }

    /// A request body read the way `outline` reads it: blank (no body), a
    /// valid JSON text that is not an object, or an object's outline.
    public static func outlineBody(_ buffer: UnsafeBufferPointer<UInt8>, expanding: Set<String>)
        throws(JSONParseError) -> OutlinedBody
    {
        if buffer.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return .blank }
        guard let found = try Self.outline(buffer, expanding: expanding) else { return .notObject }
        return .object(found)
    }

    /// Parses one element of an array that `outline` expanded (`range` is one
    /// of its element ranges in the same buffer). The element is nested two
    /// levels deep in the whole text, and counts so against `maxDepth`.
    public static func parseElement(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(JSONParseError)
        -> JSONValue
    {
        do {
            var parser = Reader(bytes: UnsafeBufferPointer(rebasing: buffer[range]))
            parser.depth = JSONObjectOutline.elementDepth
            return try parser.parseDocument()
        } catch let error as JSONParseError {
            throw error
        } catch {
            throw JSONParseError(message: "invalid JSON")
        }
    }
}

/// What a request body is, read by `JSONParser.outlineBody`.
public enum OutlinedBody: Sendable {
    /// Empty or only whitespace: no body.
    case blank
    /// Valid JSON, but not an object.
    case notObject
    /// An object, outlined.
    case object(JSONObjectOutline)
}

/// The top level of a JSON object text, checked but not built as one tree.
///
/// A large request body (a workflow specification with a million jobs) would
/// otherwise exist twice at once: as bytes and as a tree of values several
/// times their size. The outline keeps small members as values and big arrays
/// as element byte ranges into the caller's buffer, so the reader can decode
/// one element at a time (`JSONParser.parseElement`) and drop it again.
public struct JSONObjectOutline: Sendable {
    /// The nesting level of an expanded array's elements (object, then array).
    static let elementDepth = 2

    /// One member of the object.
    public struct Member: Sendable {
        /// The member name.
        public var name: String
        /// The value, unless it is an expanded array.
        public var value: JSONValue?
        /// The byte ranges of the elements of an expanded array, in order.
        public var elements: [Range<Int>]?
    }

    /// The members in first-occurrence order; a name given twice keeps its
    /// last value, as `JSONParser.parse` does.
    public var members: [Member]
}

private struct Reader {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var depth = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func parseDocument() throws -> JSONValue {
        skipWhitespace()
        // Tolerate a UTF-8 byte order mark.
        if bytes.count - index >= 3, bytes[index] == 0xEF, bytes[index + 1] == 0xBB, bytes[index + 2] == 0xBF {
            index += 3
            skipWhitespace()
        }
        guard index < bytes.count else { throw fail("unexpected end of input") }
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else { throw fail("unexpected data after the JSON value") }
        return value
    }

    /// `parseDocument` for a text whose top level is an object, outlined
    /// instead of built (see `JSONParser.outline`).
    mutating func outlineDocument(expanding: Set<String>) throws -> JSONObjectOutline? {
        skipWhitespace()
        if bytes.count - index >= 3, bytes[index] == 0xEF, bytes[index + 1] == 0xBB, bytes[index + 2] == 0xBF {
            index += 3
            skipWhitespace()
        }
        guard index < bytes.count else { throw fail("unexpected end of input") }
        guard bytes[index] == UInt8(ascii: "{") else {
            _ = try parseValue()
            skipWhitespace()
            guard index == bytes.count else { throw fail("unexpected data after the JSON value") }
            return nil
        }
        // The same walk, steps and messages as `parseObject`.
        var members: [JSONObjectOutline.Member] = []
        var positions: [String: Int] = [:]
        try walkMembers { reader, key in
            let member: JSONObjectOutline.Member
            if expanding.contains(key), reader.index < reader.bytes.count,
                reader.bytes[reader.index] == UInt8(ascii: "[")
            {
                member = .init(name: key, value: nil, elements: try reader.outlineArray())
            } else {
                member = .init(name: key, value: try reader.parseValue(), elements: nil)
            }
            if let position = positions[key] {
                members[position] = member
            } else {
                positions[key] = members.count
                members.append(member)
            }
        }
        skipWhitespace()
        guard index == bytes.count else { throw fail("unexpected data after the JSON value") }
        return JSONObjectOutline(members: members)
    }

    /// `parseArray` that checks each element and keeps only its byte range.
    mutating func outlineArray() throws -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        try walkElements { reader in
            let start = reader.index
            // Built and dropped at once: only the element's bytes are checked here.
            _ = try reader.parseValue()
            ranges.append(start..<reader.index)
        }
        return ranges
    }

    /// Walks an object from its `{` to its `}`: `member` is called with each name
    /// while the reader stands on that member's value, and must consume the value.
    /// The one loop behind `parseObject` and the outline, so both refuse a text
    /// with the same message at the same offset.
    mutating func walkMembers(_ member: (inout Reader, String) throws -> Void) throws {
        try enter()
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            index += 1
            skipWhitespace()
            try member(&self, key)
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                break
            }
            throw fail("expected ',' or '}'")
        }
        depth -= 1
    }

    /// Walks an array from its `[` to its `]`, calling `element` on each element
    /// (which it must consume); shared by `parseArray` and the outline.
    mutating func walkElements(_ element: (inout Reader) throws -> Void) throws {
        try enter()
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            try element(&self)
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                break
            }
            throw fail("expected ',' or ']'")
        }
        depth -= 1
    }

    func fail(_ reason: String) -> JSONParseError {
        JSONParseError(message: "invalid JSON: \(reason) at offset \(index)")
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    mutating func parseValue() throws -> JSONValue {
        guard index < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail("unexpected character")
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw fail("unexpected end of input") }
        let start = literal.utf8Start
        for i in 0..<count where bytes[index + i] != start[i] {
            throw fail("invalid literal")
        }
        index += count
    }

    mutating func enter() throws {
        depth += 1
        if depth > JSONParser.maxDepth { throw fail("nesting deeper than \(JSONParser.maxDepth) levels") }
    }

    mutating func parseObject() throws -> JSONValue {
        var object = JSONObject()
        try walkMembers { reader, key in object[key] = try reader.parseValue() }
        return .object(object)
    }

    mutating func parseArray() throws -> JSONValue {
        var array: [JSONValue] = []
        try walkElements { reader in array.append(try reader.parseValue()) }
        return .array(array)
    }

    mutating func parseNumber() throws -> JSONValue {
        let start = index
        var isInteger = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { throw fail("invalid number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if isDigit(bytes[index]) {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        } else {
            throw fail("invalid number")
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        // Up to 18 digits cannot overflow: the common integer needs no text.
        if isInteger, index - start <= 18 {
            var value: Int64 = 0
            let negative = bytes[start] == UInt8(ascii: "-")
            for position in (negative ? start + 1 : start)..<index {
                value = value &* 10 &+ Int64(bytes[position] &- 0x30)
            }
            return .int(negative ? -value : value)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if isInteger, let value = Int64(text) { return .int(value) }
        guard let value = Double(text), value.isFinite else { throw fail("number out of range") }
        return .double(value)
    }

    @inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    mutating func parseString() throws -> String {
        index += 1 // opening quote
        let start = index
        // Fast path: no escapes. `bits` has the high bit of any non-ASCII byte.
        var bits: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                // ASCII is valid UTF-8: decoding it cannot repair anything, and
                // is much cheaper than the generic validating initializer.
                if bits < 0x80 { return String(decoding: slice, as: UTF8.self) }
                return try validatedString(slice)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw fail("control character in string") }
            bits |= byte
            index += 1
        }
        var scalars = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return try scalars.withUnsafeBufferPointer { try validatedString($0) }
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw fail("unexpected end of input") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append(0x22)
                case UInt8(ascii: "\\"): scalars.append(0x5C)
                case UInt8(ascii: "/"): scalars.append(0x2F)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try parseHex4()
                    if (0xD800...0xDBFF).contains(code) {
                        // A high surrogate must be followed by an escaped low surrogate.
                        guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"),
                            bytes[index + 1] == UInt8(ascii: "u")
                        else { throw fail("unpaired surrogate") }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(code) {
                        throw fail("unpaired surrogate")
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw fail("invalid escape") }
                    scalars.append(contentsOf: String(Character(scalar)).utf8)
                default:
                    throw fail("invalid escape")
                }
            default:
                if byte < 0x20 { throw fail("control character in string") }
                scalars.append(byte)
                index += 1
            }
        }
        throw fail("unterminated string")
    }

    mutating func parseHex4() throws -> UInt32 {
        guard bytes.count - index >= 4 else { throw fail("invalid \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: throw fail("invalid \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    func validatedString(_ slice: UnsafeBufferPointer<UInt8>) throws -> String {
        guard let string = String(validating: slice, as: UTF8.self) else { throw fail("invalid UTF-8") }
        return string
    }
}
