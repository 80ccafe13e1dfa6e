import TorcCore

/// A workflow as a request names it: its key, or its `_id` `workflows/K`.
///
/// Built once where the route matches; the engine resolves it against the
/// store. Error messages quote the value as the client sent it (`text`), so an
/// unknown workflow still answers `... with key={as sent}`.
public struct WorkflowReference: Sendable, Hashable, CustomStringConvertible {
    /// The value as received (percent-decoded).
    public let text: String
    /// The bare key: the key itself or the key part of a `workflows/K` `_id`;
    /// the text unchanged when it names another collection (then no workflow matches).
    public let key: String
    /// The key when some workflow could have it: the value is a workflow key or
    /// `_id` and the key is legal. `nil` answers "not found" without a store read.
    public let storedKey: String?

    public init(_ text: String) {
        self.text = text
        let resolved = DocumentKey.resolve(text, in: .workflows)
        self.key = resolved ?? text
        self.storedKey = resolved.flatMap { DocumentKey.isValid($0) ? $0 : nil }
    }

    public var description: String { text }
}
