import OrderedCollections

/// A condition on one attribute of a document, translated by each backend into
/// its query language (SQL over JSON columns, AQL with bind parameters).
///
/// Semantics, identical in every backend:
/// - `equal`: the attribute exists and equals the value; numbers compare by value
///   (`2 == 2.0`), booleans never equal numbers, strings compare exactly.
/// - `lessOrEqual` / `greaterOrEqual`: the attribute is a number and compares so.
/// - `oneOf`: the attribute equals one of the values.
/// - `noneOf`: the attribute is absent or equals none of the values.
public struct FieldPredicate: Sendable, Hashable {
    /// The comparison to apply.
    public enum Operator: Sendable, Hashable {
        case equal
        case lessOrEqual
        case greaterOrEqual
        case oneOf
        case noneOf
    }

    /// Attribute path, e.g. `["status"]` or `["internal", "num_cpus"]`.
    /// Segments contain only `A-Z a-z 0-9 _`.
    public var path: [String]
    /// The comparison.
    public var op: Operator
    /// The operand (an array for `oneOf`/`noneOf`).
    public var value: JSONValue

    public init(_ path: [String], _ op: Operator, _ value: JSONValue) {
        precondition(path.allSatisfy(FieldPredicate.isValidSegment), "invalid attribute path \(path)")
        self.path = path
        self.op = op
        self.value = value
    }

    /// `attribute == value`.
    public static func equal(_ attribute: String, _ value: JSONValue) -> FieldPredicate {
        FieldPredicate([attribute], .equal, value)
    }

    /// Whether a path segment can be embedded in a query text safely.
    public static func isValidSegment(_ segment: String) -> Bool {
        !segment.isEmpty
            && segment.utf8.allSatisfy { b in
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
            }
    }

    /// Reference evaluation of the predicate on a document body; backends that
    /// filter in memory use it, and the conformance suite checks the others against it.
    public func matches(_ body: JSONObject) -> Bool {
        var current: JSONValue? = .object(body)
        for segment in path { current = current?[segment] }
        switch op {
        case .equal:
            guard let current else { return false }
            return current.looselyEquals(value)
        case .lessOrEqual:
            guard let a = current?.doubleValue, let b = value.doubleValue else { return false }
            return a <= b
        case .greaterOrEqual:
            guard let a = current?.doubleValue, let b = value.doubleValue else { return false }
            return a >= b
        case .oneOf:
            guard let current else { return false }
            return (value.arrayValue ?? []).contains { current.looselyEquals($0) }
        case .noneOf:
            guard let current else { return true }
            return !(value.arrayValue ?? []).contains { current.looselyEquals($0) }
        }
    }
}

/// A selection of documents of one collection in creation order (or, with
/// `order`, by a numeric attribute first and creation order among equals; or,
/// with `anyOrder`, in whatever order the backend finds them first).
public struct DocumentQuery: Sendable, Hashable {
    /// The collection to read.
    public var collection: CollectionName
    /// Conditions combined with AND.
    public var filters: [FieldPredicate]
    /// Number of matching documents to pass over.
    public var skip: Int
    /// Maximum number of documents to return; `nil` for all.
    public var limit: Int?
    /// Whether to count all matching documents as well (for paging envelopes).
    public var countTotal: Bool
    /// An ordering ahead of creation order; `nil` for creation order only.
    public var order: NumericOrder?
    /// Whether any order will do (`order` is then ignored). For existence
    /// probes (`limit: 1`, "is there a job in this status?"): the backend may
    /// stop at the first match its index yields instead of finding the first
    /// match in creation order, which on a large collection means reading every
    /// match and sorting them.
    public var anyOrder: Bool
    /// A projection: when set, each returned document holds only `_key`,
    /// `_id`, `_rev` and those of these top-level attributes it has (absent
    /// ones stay absent, values are exact). Whole-workflow passes (initializing
    /// a million jobs) read the few fields their rule needs instead of every
    /// body. Names contain only `A-Z a-z 0-9 _`.
    public var fields: [String]?

    public init(
        _ collection: CollectionName, filters: [FieldPredicate] = [], skip: Int = 0, limit: Int? = nil,
        countTotal: Bool = false, order: NumericOrder? = nil, anyOrder: Bool = false, fields: [String]? = nil
    ) {
        precondition(fields?.allSatisfy(FieldPredicate.isValidSegment) ?? true, "invalid projection \(fields ?? [])")
        self.collection = collection
        self.filters = filters
        self.skip = max(0, skip)
        self.limit = limit.map { max(0, $0) }
        self.countTotal = countTotal
        self.order = order
        self.anyOrder = anyOrder
        self.fields = fields
    }

    /// The attributes a projection keeps: the system attributes, then `fields`
    /// without repeats; `nil` without a projection.
    public var projectedNames: [String]? {
        guard let fields else { return nil }
        var names = ["_key", "_id", "_rev"]
        for field in fields where !names.contains(field) { names.append(field) }
        return names
    }
}

/// The answer to a `DocumentQuery`.
public struct QueryResult: Sendable {
    /// The selected documents, in the query's order.
    public var documents: [Document]
    /// The number of matching documents, when asked for.
    public var totalCount: Int?

    public init(documents: [Document], totalCount: Int?) {
        self.documents = documents
        self.totalCount = totalCount
    }
}

/// A conditional replacement of one document's body.
public struct DocumentReplacement: Sendable {
    /// The key of the document to replace.
    public var key: String
    /// The new body; system attributes in it are ignored and set by the store.
    public var body: JSONObject
    /// When set, the replacement happens only if the stored `_rev` equals it.
    public var expectedRev: String?

    public init(key: String, body: JSONObject, expectedRev: String? = nil) {
        self.key = key
        self.body = body
        self.expectedRev = expectedRev
    }
}
