import TorcCore

/// A document revision (`_rev`) a request expects the stored document to have.
///
/// Revisions are opaque: the only operation is comparing one with the stored
/// `_rev`, and any text is a well-formed (if possibly stale) revision.
public struct Revision: Sendable, Hashable, CustomStringConvertible {
    /// The revision as received.
    public let text: String

    public init(_ text: String) { self.text = text }

    public var description: String { text }
}

extension Document {
    /// The stored revision, for comparison with a requested one.
    var revision: Revision { Revision(rev) }
}
