/// A declarative set of reads that a backend answers from one snapshot in
/// one round trip (one AQL query on ArangoDB, one read transaction on SQLite).
///
/// A step's input handles may come from the answers of earlier steps (the
/// `_id`s of documents read, or an end of edges read), so a chain such as
/// "a job, the edges leaving it, the jobs they reach, the edges into those
/// jobs, their blockers" is stated once and travels as one request. The
/// engine states what it will need; it still makes every decision itself
/// on what the batch returned (see `SnapshotSession`).
public struct ReadBatch: Sendable {
    /// Which end of an edge.
    public enum EdgeEnd: Sendable, Hashable {
        case from, to
    }

    /// Where a step's handles come from.
    public enum Handles: Sendable, Hashable {
        /// These `collection/key` handles.
        case literal([String])
        /// The `_id`s of the documents answered by step `n`.
        case ids(of: Int)
        /// The `_from` or `_to` of the edges answered by step `n`.
        case ends(of: Int, EdgeEnd)
    }

    /// One read.
    public enum Step: Sendable, Hashable {
        /// The existing documents among the handles (any collections).
        case documents(Handles)
        /// The edges of the collection whose given end is one of the handles, in creation order.
        case edges(CollectionName, EdgeEnd, Handles)
        /// A selection, exactly as `StoreReader.find` answers it.
        case find(DocumentQuery)
        /// `StoreReader.count`.
        case count(CollectionName, [FieldPredicate])
    }

    /// The steps, answered in order.
    public private(set) var steps: [Step] = []

    public init() {}

    /// Adds a step and returns its index, for later steps to refer to.
    @discardableResult
    public mutating func add(_ step: Step) -> Int {
        steps.append(step)
        return steps.count - 1
    }

    /// Adds a read of one document by key and returns the step's index.
    @discardableResult
    public mutating func document(_ key: String, in collection: CollectionName) -> Int {
        add(.documents(.literal([DocumentKey.id(key, in: collection)])))
    }

    /// The answer to one step.
    public enum Answer: Sendable {
        case documents([Document])
        case query(QueryResult)
        case count(Int)

        /// The documents of a `documents`, `edges` or `find` answer.
        public var documents: [Document] {
            switch self {
            case .documents(let documents): return documents
            case .query(let result): return result.documents
            case .count: return []
            }
        }
    }

    /// The distinct handles a step reads, computed from the earlier answers
    /// (both backends and the snapshot session use this one definition).
    public static func resolve(_ handles: Handles, answers: [Answer]) -> [String] {
        let all: [String]
        switch handles {
        case .literal(let list):
            all = list
        case .ids(let step):
            all = step < answers.count ? answers[step].documents.map(\.id) : []
        case .ends(let step, let end):
            let edges = step < answers.count ? answers[step].documents : []
            all = edges.map { end == .from ? $0.from : $0.to }
        }
        var seen = Set<String>()
        return all.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    /// Answers the batch with the reader's primitives, for backends whose
    /// reads are local (the embedded store): same semantics, one snapshot.
    public func run(on reader: any StoreReader) throws(StoreError) -> [Answer] {
        var answers: [Answer] = []
        answers.reserveCapacity(steps.count)
        for step in steps {
            switch step {
            case .documents(let source):
                let handles = Self.resolve(source, answers: answers)
                var byCollection: [CollectionName: [String]] = [:]
                var order: [CollectionName] = []
                for handle in handles {
                    guard let slash = handle.firstIndex(of: "/") else { continue }
                    let collection = CollectionName(String(handle[..<slash]))
                    if byCollection[collection] == nil { order.append(collection) }
                    byCollection[collection, default: []].append(String(handle[handle.index(after: slash)...]))
                }
                var found: [Document] = []
                for collection in order where try reader.collectionExists(collection) {
                    found += try reader.documents(byCollection[collection] ?? [], in: collection)
                }
                answers.append(.documents(found))
            case .edges(let collection, let end, let source):
                let handles = Self.resolve(source, answers: answers)
                let edges =
                    end == .from
                    ? try reader.edges(in: collection, from: handles) : try reader.edges(in: collection, to: handles)
                answers.append(.documents(edges))
            case .find(let query):
                answers.append(.query(try reader.find(query)))
            case .count(let collection, let filters):
                answers.append(.count(try reader.count(in: collection, where: filters)))
            }
        }
        return answers
    }
}
