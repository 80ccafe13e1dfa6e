import OrderedCollections

/// A stored document: its body always carries `_key`, `_id` and `_rev`
/// (and `_from`/`_to` for edges), exactly as it goes over the wire.
public struct Document: Sendable, Hashable {
    /// All attributes, system attributes included.
    public var body: JSONObject

    /// Wraps a stored body; the store guarantees the system attributes.
    public init(_ body: JSONObject) { self.body = body }

    /// The document key.
    public var key: String { body["_key"]?.stringValue ?? "" }
    /// The document handle `collection/key`.
    public var id: String { body["_id"]?.stringValue ?? "" }
    /// The current revision.
    public var rev: String { body["_rev"]?.stringValue ?? "" }
    /// The `_from` handle of an edge.
    public var from: String { body["_from"]?.stringValue ?? "" }
    /// The `_to` handle of an edge.
    public var to: String { body["_to"]?.stringValue ?? "" }

    /// Member access on the body.
    public subscript(name: String) -> JSONValue? {
        get { body[name] }
        set { body[name] = newValue }
    }

    /// The body as a JSON value.
    public var json: JSONValue { .object(body) }

    /// The names of the server-managed attributes.
    public static let systemAttributes: Set<String> = ["_key", "_id", "_rev", "_oldRev"]
}
