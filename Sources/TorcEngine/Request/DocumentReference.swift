import TorcCore

/// A document as a request path names it: a bare key, or an `_id` of the
/// addressed collection (`jobs__W/K`).
///
/// Which collection is addressed is known only once the workflow is found, so
/// the reference keeps the text and resolves it per collection. Messages quote
/// the value as sent.
public struct DocumentReference: Sendable, Hashable, CustomStringConvertible {
    /// The value as received (percent-decoded).
    public let text: String

    public init(_ text: String) { self.text = text }

    /// The bare key in `collection`, or `nil` when the value is an `_id` of
    /// another collection or not a legal key (answered as "not found").
    public func key(in collection: CollectionName) -> String? {
        guard let key = DocumentKey.resolve(text, in: collection), DocumentKey.isValid(key) else { return nil }
        return key
    }

    public var description: String { text }
}
