/// A request body held in one contiguous buffer, which a reader may scan in
/// place instead of copying it or parsing it into one tree first (the large
/// workflow specification path does that; see `JSONObjectOutline`).
///
/// The HTTP layer's byte buffer conforms in the server; arrays conform here,
/// for tests and for callers that already hold bytes.
public protocol ContiguousJSONBytes: Sendable {
    /// Calls `body` with the bytes; the pointer is valid only during the call.
    func withJSONBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R
}

extension Array: ContiguousJSONBytes where Element == UInt8 {
    public func withJSONBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try withUnsafeBufferPointer(body)
    }
}
