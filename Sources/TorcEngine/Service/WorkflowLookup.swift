import TorcCore

/// Steps every per-workflow route starts with.
enum WorkflowLookup {
    /// The workflow document a request names, or `nil`.
    static func find(_ reader: any StoreReader, _ workflow: WorkflowReference) throws -> Document? {
        guard let key = workflow.storedKey else { return nil }
        return try reader.document(key, in: .workflows)
    }

    /// The workflow, or the 404 `Error: Document not found. Operation: Get workflows with key={W}`.
    static func require(_ reader: any StoreReader, _ workflow: WorkflowReference) throws -> Document {
        guard let document = try find(reader, workflow) else { throw ServiceError.workflowNotFound(workflow.text) }
        return document
    }

    /// The bare workflow key of a request's workflow (see `WorkflowReference.key`).
    static func key(_ workflow: WorkflowReference) -> String { workflow.key }

    /// The same for the text of a path value, for the read-ahead plans of
    /// `BatchedReads`, which are built from the values as sent.
    static func key(_ value: String) -> String { WorkflowReference(value).key }

    /// A document of `collection` addressed by a path key or `_id`, or `nil`.
    static func document(
        _ reader: any StoreReader, _ reference: DocumentReference, in collection: CollectionName
    ) throws -> Document? {
        guard let key = reference.key(in: collection) else { return nil }
        return try reader.document(key, in: collection)
    }

    /// The workflow's collection `collection` and its document addressed by a
    /// path key or `_id`; 404 for an unknown workflow, then
    /// `Get {collection} with key={K}` for an unknown document. The start of
    /// every route that reads, updates or deletes one generic document.
    static func requireDocument(
        _ reader: any StoreReader, workflow: WorkflowReference, _ reference: DocumentReference,
        in collection: WorkflowCollection
    ) throws -> (workflow: Document, name: CollectionName, document: Document) {
        let workflowDoc = try require(reader, workflow)
        let name = CollectionName(collection, workflow: workflowDoc.key)
        guard let document = try document(reader, reference, in: name) else {
            throw ServiceError.documentNotFound("Get \(collection.rawValue) with key=\(reference)")
        }
        return (workflowDoc, name, document)
    }
}

/// The API form of jobs: the stored scheduling cache `internal` is not sent.
enum JobView {
    /// A job as clients see it.
    static func api(_ job: Document) -> JSONValue {
        var body = job.body
        body.removeValue(forKey: "internal")
        return .object(body)
    }

    /// Any document as clients see it: jobs without `internal`, others unchanged.
    static func api(_ document: Document, in collection: WorkflowCollection) -> JSONValue {
        collection == .jobs ? api(document) : document.json
    }
}
