import TorcCore

/// The query of a list route: its page and its typed filters, parsed once
/// where the route matches (a malformed number or filter is a 400 before any
/// store access, as the list operations always answered).
public struct ListQuery: Sendable {
    /// `skip` and `limit`.
    public var paging: Paging
    /// The filters present in the query, converted to their declared types.
    public var filters: [FieldPredicate]

    public init(paging: Paging, filters: [FieldPredicate] = []) {
        self.paging = paging
        self.filters = filters
    }

    /// `GET /workflows/{W}/{c}`: paging and the collection's filter attributes.
    public static func documents(_ query: QueryParameters, in collection: WorkflowCollection) throws(ServiceError)
        -> ListQuery
    {
        let paging = try Paging.parse(query)
        let filters = try QueryFilters.predicates(query, Schemas.listFilters(for: collection))
        return ListQuery(paging: paging, filters: filters)
    }

    /// `GET /workflows`: paging and the `name`, `user` and `description` filters.
    public static func workflows(_ query: QueryParameters) throws(ServiceError) -> ListQuery {
        let paging: Paging
        do {
            paging = try Paging.parse(query)
        } catch  where error.databaseErrorNum != nil {
            // This route reports database errors without the usual prefix.
            throw ServiceError(error.kind, error.message.replacingPrefix("Database error occurred: ", with: ""))
        }
        let filters = try QueryFilters.predicates(
            query, [("name", .string), ("user", .string), ("description", .string)])
        return ListQuery(paging: paging, filters: filters)
    }
}
