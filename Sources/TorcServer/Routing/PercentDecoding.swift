/// Percent-decoding of path segments and query components.
///
/// Paths are split on `/` before decoding (a key may be a job `_id` sent as
/// `jobs__W%2F123`), so decoding works on one segment at a time.
enum PercentDecoding {
    /// Decodes `%XX` escapes; `plusAsSpace` for query components. Invalid
    /// escapes are kept literally; invalid UTF-8 yields `nil`.
    static func decode<S: StringProtocol>(_ text: S, plusAsSpace: Bool = false) -> String? {
        let utf8 = Array(text.utf8)
        guard utf8.contains(UInt8(ascii: "%")) || (plusAsSpace && utf8.contains(UInt8(ascii: "+"))) else {
            return String(text)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var i = 0
        while i < utf8.count {
            let byte = utf8[i]
            if byte == UInt8(ascii: "%"), i + 2 < utf8.count, let high = hex(utf8[i + 1]), let low = hex(utf8[i + 2]) {
                bytes.append(high << 4 | low)
                i += 3
            } else if plusAsSpace && byte == UInt8(ascii: "+") {
                bytes.append(0x20)
                i += 1
            } else {
                bytes.append(byte)
                i += 1
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    /// The decoded query parameters; the first value of a repeated name wins.
    static func queryParameters(_ query: String?) -> [String: String] {
        guard let query, !query.isEmpty else { return [:] }
        var result: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0], plusAsSpace: true), !name.isEmpty else { continue }
            let value = parts.count > 1 ? (decode(parts[1], plusAsSpace: true) ?? String(parts[1])) : ""
            if result[name] == nil { result[name] = value }
        }
        return result
    }
}
