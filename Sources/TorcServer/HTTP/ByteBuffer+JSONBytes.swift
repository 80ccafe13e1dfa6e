import NIOCore
import TorcCore

/// A collected request body is one contiguous region, so readers scan it in
/// place: neither the parser nor the specification reader copies a body first.
extension ByteBuffer: ContiguousJSONBytes {
    public func withJSONBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try withUnsafeReadableBytes { raw in try body(raw.assumingMemoryBound(to: UInt8.self)) }
    }
}
