import TorcCore

/// Translates `FieldPredicate`s into AQL `FILTER` clauses.
///
/// Values always travel as bind parameters; attribute paths are embedded in
/// the text, which is safe because `FieldPredicate` admits only the segment
/// characters `A-Z a-z 0-9 _` (and the engine takes them from its schemas).
/// AQL's `==` already has the predicate semantics: numbers compare by value,
/// booleans never equal numbers, strings compare exactly.
enum ArangoAQL {
    /// ` FILTER ...` for every predicate (empty for none), adding its bind parameters to `bind`.
    /// `prefix` names the bind parameters, so that several filters can share one query.
    static func filter(
        _ predicates: [FieldPredicate], variable: String, bind: inout JSONObject, prefix: String = "v"
    ) -> String {
        var text = ""
        for (index, predicate) in predicates.enumerated() {
            let name = "\(prefix)\(index)"
            let clause = condition(predicate, attribute: path(predicate.path, variable), value: "@" + name)
            // A comparison with null needs no value; AQL rejects bind parameters the query does not use.
            if clause.contains("@" + name) { bind[name] = predicate.value }
            text += " FILTER " + clause
        }
        return text
    }

    /// `FOR d IN @@c FILTER ... [SORT ...] [LIMIT @skip, @limit]` of a `DocumentQuery`, the
    /// one selection text for both the transaction path and read batches, so the
    /// two cannot select differently. `suffix` keeps bind names apart when
    /// several selections share one query. Returns the text and whether it is limited.
    static func select(_ query: DocumentQuery, bind: inout JSONObject, suffix: String = "") -> (String, limited: Bool) {
        bind["@c" + suffix] = .string(query.collection.rawValue)
        var text = "FOR d IN @@c\(suffix)" + filter(query.filters, variable: "d", bind: &bind, prefix: "v\(suffix)_")
        // Creation order is the iteration order (no SORT), so `anyOrder` only drops an explicit ordering.
        if let order = query.order, !query.anyOrder { text += sort(order, variable: "d") }
        let limited = query.limit != nil || query.skip > 0
        if limited {
            text += " LIMIT @skip\(suffix), @limit\(suffix)"
            bind["skip" + suffix] = .int(Int64(query.skip))
            bind["limit" + suffix] = .int(Int64(query.limit ?? Int(Int32.max)))
        }
        return (text, limited)
    }

    /// What a selection of `query` returns for each document `variable`: the
    /// document, or for a projection `KEEP(document, names)`, which omits the
    /// attributes a document lacks as the embedded store does.
    static func projection(_ query: DocumentQuery, variable: String, bind: inout JSONObject, suffix: String = "")
        -> String
    {
        guard let names = query.projectedNames else { return variable }
        bind["keep" + suffix] = .array(names.map { .string($0) })
        return "KEEP(\(variable), @keep\(suffix))"
    }

    /// ` SORT ...` for a `NumericOrder`: non-numbers count as 0. AQL's SORT
    /// keeps the collection's iteration (creation) order among equal values.
    static func sort(_ order: NumericOrder, variable: String) -> String {
        let attribute = path(order.path, variable)
        return " SORT (IS_NUMBER(\(attribute)) ? \(attribute) : 0) DESC"
    }

    static func path(_ segments: [String], _ variable: String) -> String {
        variable + segments.map { ".`\($0)`" }.joined()
    }

    /// The attribute's parent object and last name, for existence checks.
    private static func parentAndName(_ segments: [String]) -> (String, String) {
        (segments.dropLast().map { ".`\($0)`" }.joined(), segments.last ?? "")
    }

    static func condition(_ predicate: FieldPredicate, attribute: String, value: String) -> String {
        switch predicate.op {
        case .equal:
            // `null == absent` in AQL; the predicate wants the attribute to exist.
            if predicate.value.isNull { return exists(predicate, attribute) + " AND \(attribute) == null" }
            return "\(attribute) == \(value)"
        case .lessOrEqual:
            return "IS_NUMBER(\(attribute)) AND \(attribute) <= \(value)"
        case .greaterOrEqual:
            return "IS_NUMBER(\(attribute)) AND \(attribute) >= \(value)"
        case .oneOf:
            return exists(predicate, attribute) + " AND \(attribute) IN \(value)"
        case .noneOf:
            return "(NOT " + exists(predicate, attribute) + " OR \(attribute) NOT IN \(value))"
        }
    }

    private static func exists(_ predicate: FieldPredicate, _ attribute: String) -> String {
        // HAS(parent, name): true also for a stored null, unlike `!= null`.
        let variable = String(attribute.prefix { $0 != "." })
        let (parent, name) = parentAndName(predicate.path)
        return "HAS(\(variable)\(parent), \"\(name)\")"
    }
}
