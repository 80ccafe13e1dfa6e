import TorcCore

/// Steps every per-workflow route starts with.
enum WorkflowLookup {
    /// The workflow document for a path value that is a key or a `workflows/K` `_id`.
    static func find(_ reader: any StoreReader, _ value: String) throws -> Document? {
        guard let key = DocumentKey.resolve(value, in: .workflows), DocumentKey.isValid(key) else { return nil }
        return try reader.document(key, in: .workflows)
    }

    /// The workflow, or the 404 `Error: Document not found. Operation: Get workflows with key={W}`.
    static func require(_ reader: any StoreReader, _ value: String) throws -> Document {
        guard let workflow = try find(reader, value) else { throw ServiceError.workflowNotFound(value) }
        return workflow
    }

    /// The bare workflow key of a path value (the key itself, or the key part of an `_id`).
    static func key(_ value: String) -> String {
        DocumentKey.resolve(value, in: .workflows) ?? value
    }

    /// A document of `collection` addressed by a path key or `_id` (0.7), or `nil`.
    static func document(_ reader: any StoreReader, _ value: String, in collection: CollectionName) throws -> Document?
    {
        guard let key = DocumentKey.resolve(value, in: collection), DocumentKey.isValid(key) else { return nil }
        return try reader.document(key, in: collection)
    }

    /// The workflow's collection `collection` and its document addressed by a
    /// path key or `_id`; 404 for an unknown workflow, then
    /// `Get {collection} with key={K}` for an unknown document. The start of
    /// every route that reads, updates or deletes one generic document.
    static func requireDocument(
        _ reader: any StoreReader, workflow: String, _ value: String, in collection: WorkflowCollection
    ) throws -> (workflow: Document, name: CollectionName, document: Document) {
        let workflowDoc = try require(reader, workflow)
        let name = CollectionName(collection, workflow: workflowDoc.key)
        guard let document = try document(reader, value, in: name) else {
            throw ServiceError.documentNotFound("Get \(collection.rawValue) with key=\(value)")
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
