import HTTPTypes

/// The id that ties a request's log lines together: the caller's
/// `X-Request-Id` when it is a reasonable token, otherwise a new random one.
/// It is returned in the response's `X-Request-Id` header.
public enum RequestID {
    /// The header name.
    public static let name = HTTPField.Name("X-Request-Id")!

    static func from(_ headers: HTTPFields) -> String {
        if let given = headers[name], isAcceptable(given) { return given }
        return generate()
    }

    /// 1 to 128 visible ASCII characters, so an id can never break a log line.
    static func isAcceptable(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 128
            && text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }
    }

    /// 16 random bytes as 32 hex digits.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        let hex = String(high, radix: 16) + String(low, radix: 16)
        return String(repeating: "0", count: max(0, 32 - hex.count)) + hex
    }
}
