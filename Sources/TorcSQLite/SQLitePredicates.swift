import GRDB
import TorcCore

/// Translates `FieldPredicate`s into SQL over the JSON `body` column.
/// Attribute paths are validated identifiers embedded as `'$.a.b'` literals
/// (so the expression matches the indexes); values are always bound parameters.
enum SQLitePredicates {
    /// ` AND ...` for all predicates (empty when there are none) and the bound values.
    static func clause(_ predicates: [FieldPredicate]) throws -> (String, [any DatabaseValueConvertible]) {
        var sql = ""
        var arguments: [any DatabaseValueConvertible] = []
        for predicate in predicates {
            let (text, values) = try condition(predicate)
            sql += " AND " + text
            arguments += values
        }
        return (sql, arguments)
    }

    static func path(_ predicate: FieldPredicate) -> String {
        "'$." + predicate.path.joined(separator: ".") + "'"
    }

    static func condition(_ predicate: FieldPredicate) throws -> (String, [any DatabaseValueConvertible]) {
        if predicate.path.count == 1, SQLiteSchema.indexedAttributes.contains(predicate.path[0]),
            let condition = columnCondition(predicate.path[0], predicate)
        {
            return condition
        }
        let path = path(predicate)
        let extract = "json_extract(body, \(path))"
        let type = "json_type(body, \(path))"
        switch predicate.op {
        case .equal:
            return try equal(extract, type, predicate.value)
        case .lessOrEqual, .greaterOrEqual:
            guard let number = predicate.value.doubleValue else {
                throw StoreError.failure("comparison with a non-number")
            }
            let op = predicate.op == .lessOrEqual ? "<=" : ">="
            let bound: any DatabaseValueConvertible =
                predicate.value.intValue.map { $0 as any DatabaseValueConvertible } ?? number
            return ("(\(type) IN ('integer', 'real') AND \(extract) \(op) ?)", [bound])
        case .oneOf, .noneOf:
            let values = predicate.value.arrayValue ?? []
            let (text, arguments) = try oneOf(extract, type, values)
            if predicate.op == .oneOf { return (text, arguments) }
            // json_extract is NULL for an absent attribute and for JSON null: both differ from every value.
            return ("(\(extract) IS NULL OR NOT \(text))", arguments)
        }
    }

    static func equal(_ extract: String, _ type: String, _ value: JSONValue) throws
        -> (String, [any DatabaseValueConvertible])
    {
        switch value {
        case .string(let s):
            // json_extract returns objects and arrays as JSON text starting with { or [; any
            // other string can only equal a string attribute, so no type test is needed and
            // the comparison stays answerable from the expression index alone.
            if looksLikeJSONText(s) { return ("(\(extract) = ? AND \(type) = 'text')", [s]) }
            return ("\(extract) = ?", [s])
        case .int(let i): return ("(\(extract) = ? AND \(type) IN ('integer', 'real'))", [i])
        case .double(let d): return ("(\(extract) = ? AND \(type) IN ('integer', 'real'))", [d])
        case .bool(let b): return ("(\(type) = '\(b ? "true" : "false")')", [])
        case .null: return ("(\(type) = 'null')", [])
        case .array, .object:
            // Compared as canonical JSON text.
            return ("(\(type) IN ('array', 'object') AND json(\(extract)) = json(?))", [JSONWriter.string(value)])
        }
    }

    /// String comparisons on an indexed attribute column (which holds the
    /// attribute exactly when it is a string, NULL otherwise); `nil` for others.
    static func columnCondition(_ column: String, _ predicate: FieldPredicate) -> (
        String, [any DatabaseValueConvertible]
    )? {
        switch predicate.op {
        case .equal:
            guard let string = predicate.value.stringValue else { return nil }
            return ("\(column) = ?", [string])
        case .oneOf, .noneOf:
            let values = predicate.value.arrayValue ?? []
            let strings = values.compactMap(\.stringValue)
            guard strings.count == values.count, !strings.isEmpty else { return nil }
            let list = Array(repeating: "?", count: strings.count).joined(separator: ", ")
            if predicate.op == .oneOf { return ("\(column) IN (\(list))", strings) }
            return ("(\(column) IS NULL OR \(column) NOT IN (\(list)))", strings)
        case .lessOrEqual, .greaterOrEqual:
            return nil
        }
    }

    static func looksLikeJSONText(_ s: String) -> Bool {
        s.first == "{" || s.first == "["
    }

    static func oneOf(_ extract: String, _ type: String, _ values: [JSONValue]) throws
        -> (String, [any DatabaseValueConvertible])
    {
        guard !values.isEmpty else { return ("(0)", []) }
        let strings = values.compactMap(\.stringValue)
        if strings.count == values.count, !strings.contains(where: looksLikeJSONText) {
            let list = Array(repeating: "?", count: strings.count).joined(separator: ", ")
            return ("\(extract) IN (\(list))", strings)
        }
        var parts: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        for value in values {
            let (text, values) = try equal(extract, type, value)
            parts.append(text)
            arguments += values
        }
        return ("(" + parts.joined(separator: " OR ") + ")", arguments)
    }
}
