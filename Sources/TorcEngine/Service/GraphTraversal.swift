import TorcCore

/// Following edges to the documents they point at, with bulk reads: one edge
/// query plus one document read per target collection, whatever the number of edges.
public enum GraphTraversal {
    /// Splits a handle `collection/key`.
    public static func split(_ handle: String) -> (collection: CollectionName, key: String)? {
        guard let slash = handle.firstIndex(of: "/") else { return nil }
        return (CollectionName(String(handle[..<slash])), String(handle[handle.index(after: slash)...]))
    }

    /// Resolves handles to documents, preserving order and repetitions and
    /// skipping handles whose document does not exist (docs/data-model.md, "References between documents").
    public static func resolve(_ reader: any StoreReader, _ handles: [String]) throws -> [Document] {
        var keysByCollection: [CollectionName: [String]] = [:]
        for handle in handles {
            guard let (collection, key) = split(handle) else { continue }
            keysByCollection[collection, default: []].append(key)
        }
        var byHandle: [String: Document] = [:]
        for (collection, keys) in keysByCollection {
            guard try reader.collectionExists(collection) else { continue }
            for document in try reader.documents(Array(Set(keys)), in: collection) {
                byHandle[document.id] = document
            }
        }
        return handles.compactMap { byHandle[$0] }
    }

    /// The documents that edges of `edgeCollection` starting at `from` point to, in edge creation order.
    public static func outbound(
        _ reader: any StoreReader, _ edgeCollection: CollectionName, from handle: String
    ) throws -> [Document] {
        try resolve(reader, reader.neighbours(in: edgeCollection, from: handle))
    }

    /// The documents from which edges of `edgeCollection` point at `to`, in edge creation order.
    public static func inbound(
        _ reader: any StoreReader, _ edgeCollection: CollectionName, to handle: String
    ) throws -> [Document] {
        try resolve(reader, reader.neighbours(in: edgeCollection, to: handle))
    }
}
