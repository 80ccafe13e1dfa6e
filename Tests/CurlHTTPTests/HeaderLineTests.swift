import Testing

@testable import CurlHTTP

/// Header lines as libcurl hands them over: with their CR LF, possibly padded.
@Suite("Header lines")
struct HeaderLineTests {
    func parse(_ text: String) -> HeaderLine {
        Array(text.utf8).withUnsafeBytes { HeaderLine($0) }
    }

    @Test("a field is split at its first colon, both sides trimmed of spaces, tabs and the line end")
    func fields() {
        #expect(parse("Content-Type: application/json\r\n") == .field(name: "Content-Type", value: "application/json"))
        #expect(parse(" X-A :\t a: b \t\r\n") == .field(name: "X-A", value: "a: b"))
        #expect(parse("X-Empty:\r\n") == .field(name: "X-Empty", value: ""))
        #expect(parse("X-Ünicode: wert ö\r\n") == .field(name: "X-Ünicode", value: "wert ö"))
    }

    @Test("status lines, the blank end of the header and lines without a colon")
    func others() {
        #expect(parse("HTTP/1.1 200 OK\r\n") == .statusLine)
        #expect(parse("HTTP/2 100\r\n") == .statusLine)
        #expect(parse("\r\n") == .other)
        #expect(parse("") == .other)
        #expect(parse("garbage\r\n") == .other)
    }
}
