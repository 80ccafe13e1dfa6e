import TorcCore

/// The query parameters of the request as received (first value of each name).
public typealias QueryParameters = [String: String]

/// `skip` and `limit` of a paginated list, with the values to echo in the envelope.
public struct Paging: Sendable {
    /// The most documents one page may hold (`MAX_TRANSFER_RECORDS`).
    public static let maxLimit = 1000

    /// Documents to pass over (negative values count as 0, fractions truncated).
    public var skip: Int
    /// Page size after clamping to 1000 and truncation.
    public var limit: Int
    /// `skip` as received, after number conversion.
    public var skipEcho: JSONValue
    /// The effective limit as it goes into the envelope.
    public var limitEcho: JSONValue

    /// Reads `skip` and `limit`: numbers (any JSON-style number), defaults 0 and 1000.
    public static func parse(_ query: QueryParameters) throws(ServiceError) -> Paging {
        let skipValue = try QueryNumber.parse(query, "skip").map(integralAsInteger) ?? .int(0)
        let limitValue = try QueryNumber.parse(query, "limit").map(integralAsInteger) ?? .int(Int64(maxLimit))
        let limitNumber = limitValue.doubleValue ?? Double(maxLimit)
        if limitNumber < 0 {
            throw ServiceError(
                .database(errorNum: 1504), "Database error occurred: ArangoError 1504: limit must be non-negative")
        }
        let effectiveLimit: JSONValue = limitNumber > Double(maxLimit) ? .int(Int64(maxLimit)) : limitValue
        let skipNumber = skipValue.doubleValue ?? 0
        return Paging(
            skip: skipNumber > 0 ? Int(min(skipNumber, 9e15)) : 0,
            limit: Int(min(limitNumber, Double(maxLimit))),
            skipEcho: skipValue,
            limitEcho: effectiveLimit)
    }

    /// Numbers are echoed as the original's JavaScript did: `0.0` as `0`, `1.5` as `1.5`.
    static func integralAsInteger(_ value: JSONValue) -> JSONValue {
        if case .double(let d) = value, d.rounded() == d, abs(d) < 9e15 { return .int(Int64(d)) }
        return value
    }

    /// The list envelope `{items, skip, limit, max_limit, count, total_count, has_more}`.
    public func envelope(_ items: [JSONValue], totalCount: Int) -> JSONValue {
        .object([
            "items": .array(items),
            "skip": skipEcho,
            "limit": limitEcho,
            "max_limit": .int(Int64(Self.maxLimit)),
            "count": .int(Int64(items.count)),
            "total_count": .int(Int64(totalCount)),
            "has_more": .bool(skip + items.count < totalCount),
        ])
    }

    /// Applies skip and limit to an in-memory list (relationship lookups).
    public func page<T>(_ all: [T]) -> [T] {
        guard skip < all.count else { return [] }
        return Array(all[skip..<min(all.count, skip + limit)])
    }
}

/// Conversion of numeric query parameters.
enum QueryNumber {
    /// The parameter as a JSON number, `nil` when absent; 400 when not numeric.
    static func parse(_ query: QueryParameters, _ name: String) throws(ServiceError) -> JSONValue? {
        guard let text = query[name] else { return nil }
        guard let number = DocumentSchema.numeric(.string(text)) else {
            throw .badRequest("query parameter \"\(name)\" must be a number")
        }
        return number
    }
}

/// Conversion of typed filter query parameters into store predicates.
enum QueryFilters {
    /// Predicates for the filters present in `query`, converted to their types.
    static func predicates(_ query: QueryParameters, _ filters: [(String, FilterType)]) throws(ServiceError)
        -> [FieldPredicate]
    {
        var predicates: [FieldPredicate] = []
        for (name, type) in filters {
            guard let text = query[name] else { continue }
            let value: JSONValue
            switch type {
            case .string:
                guard !text.isEmpty else { throw .badRequest("query parameter \"\(name)\" is not allowed to be empty") }
                value = .string(text)
            case .integer:
                guard let number = DocumentSchema.numeric(.string(text)), let i = number.intValue else {
                    throw .badRequest("query parameter \"\(name)\" must be an integer")
                }
                value = .int(i)
            case .boolean:
                switch text.lowercased() {
                case "true": value = .bool(true)
                case "false": value = .bool(false)
                default: throw .badRequest("query parameter \"\(name)\" must be a boolean")
                }
            }
            predicates.append(.equal(name, value))
        }
        return predicates
    }
}
