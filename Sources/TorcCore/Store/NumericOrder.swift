/// Orders query results by a numeric attribute, largest first, and keeps
/// creation order among documents with equal values (job priorities).
///
/// Semantics, identical in every backend: a document whose attribute is absent
/// or not a number sorts as if it held 0, so documents without the attribute
/// keep exactly their creation order relative to each other.
public struct NumericOrder: Sendable, Hashable {
    /// Attribute path; segments as in `FieldPredicate`.
    public var path: [String]

    /// Descending by the attribute at `path`.
    public static func descending(_ path: [String]) -> NumericOrder {
        precondition(path.allSatisfy(FieldPredicate.isValidSegment), "invalid attribute path \(path)")
        return NumericOrder(path: path)
    }

    /// The attribute's sort value in a document body (0 when absent or not a number).
    public func value(in body: JSONObject) -> Double {
        var current: JSONValue? = .object(body)
        for segment in path { current = current?[segment] }
        return current?.doubleValue ?? 0
    }

    /// Reference ordering of documents given in creation order: a stable sort,
    /// largest value first.
    public func sorted(_ documents: [Document]) -> [Document] {
        documents.enumerated().sorted { a, b in
            let (x, y) = (value(in: a.element.body), value(in: b.element.body))
            return x != y ? x > y : a.offset < b.offset
        }.map(\.element)
    }
}
