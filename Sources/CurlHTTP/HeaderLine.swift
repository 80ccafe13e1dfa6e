/// One line libcurl hands the header callback, read as bytes.
///
/// Why bytes: every response has several header lines, and trimming them with
/// Foundation's `trimmingCharacters` (which bridges through `NSString`) cost
/// more than the rest of reading a small response; a busy ArangoDB store and
/// the benchmark's runners read thousands of responses a second.
enum HeaderLine: Equatable {
    /// `HTTP/1.1 200 OK`: a response starts (there may be several, e.g. after `100 Continue`).
    case statusLine
    /// `Name: value`, both trimmed of spaces and tabs (the line's CR LF excluded).
    case field(name: String, value: String)
    /// The empty line ending the header, or a line without a colon.
    case other

    init(_ bytes: UnsafeRawBufferPointer) {
        let line = Self.trimmed(bytes[...])
        if line.starts(with: Self.httpPrefix) {
            self = .statusLine
        } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            let name = Self.trimmed(line[..<colon])
            let value = Self.trimmed(line[(colon + 1)...])
            self = .field(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        } else {
            self = .other
        }
    }

    private static let httpPrefix = Array("HTTP/".utf8)

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\n")
    }

    private static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer> {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        return bytes[start..<end]
    }
}
