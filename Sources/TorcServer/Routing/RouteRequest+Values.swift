import TorcCore
import TorcEngine

/// The typed values of a request, parsed once where its route matched: the
/// handlers hand these to the engine, which never sees a raw path string.
/// Each accessor names the pattern parameter it reads, so a route asking for
/// one its pattern lacks fails in `RouteParameterTests`.
extension RouteRequest {
    /// The workflow a per-workflow route names (`{workflow}`, or `{key}` of
    /// the `/workflows/...` routes whose key is the workflow's).
    public func workflow(_ name: PathParameter = .workflow) throws(UndeclaredPathParameter) -> WorkflowReference {
        WorkflowReference(try parameter(name))
    }

    /// The document a route names (`{key}`).
    public func document(_ name: PathParameter = .key) throws(UndeclaredPathParameter) -> DocumentReference {
        DocumentReference(try parameter(name))
    }

    /// The job status a route names (`{status}`).
    public func status() throws(UndeclaredPathParameter) -> RequestedStatus {
        RequestedStatus(try parameter(.status))
    }

    /// The revision a route expects (`{rev}`).
    public func revision() throws(UndeclaredPathParameter) -> Revision {
        Revision(try parameter(.rev))
    }

    /// The edge collection of the edge routes (`{name}`); 404 for any other name.
    public func edgeCollection() throws -> WorkflowCollection {
        try WorkflowDatabase.edgeCollection(try parameter(.name))
    }

    /// `skip` and `limit` of a paged route.
    public func paging() throws(ServiceError) -> Paging {
        try Paging.parse(query)
    }
}
