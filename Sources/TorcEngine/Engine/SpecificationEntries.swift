import TorcCore

/// Files, resource requirements or schedulers of a specification after
/// de-duplication, with name lookup (docs/routes.md, "Workflows"): identical
/// entries (ignoring `_key` and attribute order) are stored once.
///
/// Only positions and hashes are held, not the entries: a million-job
/// specification can name two million files, which as values would cost more
/// than the whole request text. An entry's body is decoded again from its
/// source when it is compared (on equal hashes) or stored.
struct SpecificationEntries {
    /// The source position of each distinct entry, in first-occurrence order.
    private(set) var positions: [Int32] = []
    /// The first entry whose identity has each hash.
    private var entryByHash: [Int: Int32] = [:]
    /// Further entries whose identities share a hash with an earlier one.
    private var collisions: [Int: [Int32]] = [:]
    private var names = NameIndex()

    /// How many distinct entries there are.
    var count: Int { positions.count }

    /// Adds `body` (a validated, storable entry at source position `position`)
    /// unless an identical entry came before; `earlier` decodes the body at an
    /// earlier source position, to tell equal identities from equal hashes.
    mutating func add(_ body: JSONObject, at position: Int, earlier: (Int) throws -> JSONObject) rethrows {
        let identity = Self.identity(body)
        let hash = identity.hashValue
        if let first = entryByHash[hash] {
            for entry in [first] + (collisions[hash] ?? []) {
                if Self.identity(try earlier(Int(positions[Int(entry)]))) == identity { return }
            }
            collisions[hash, default: []].append(Int32(positions.count))
        } else {
            entryByHash[hash] = Int32(positions.count)
        }
        if let name = body["name"]?.stringValue { names.add(name, index: positions.count) }
        positions.append(Int32(position))
    }

    /// What makes two entries the same: everything but `_key`, in any attribute order.
    static func identity(_ body: JSONObject) -> JSONObject {
        var identity = body
        if identity["_key"] != nil { identity.removeValue(forKey: "_key") }
        return canonical(identity)
    }

    /// The object with its members sorted by name, recursively.
    static func canonical(_ object: JSONObject) -> JSONObject {
        var sorted = JSONObject()
        for name in object.keys.sorted() {
            let value = object[name]!
            if case .object(let inner) = value {
                sorted[name] = .object(canonical(inner))
            } else if case .array(let items) = value {
                sorted[name] = .array(
                    items.map { item in
                        if case .object(let inner) = item { return .object(canonical(inner)) }
                        return item
                    })
            } else {
                sorted[name] = value
            }
        }
        return sorted
    }

    /// The single entry called `name`; `nil` when none; 400 when ambiguous.
    func resolve(_ name: String) throws(ServiceError) -> Int? {
        try names.resolve(name)
    }
}

/// Entries given as values (resource requirements and schedulers: few, and
/// read as values with the rest of the specification).
struct ValueEntries {
    /// The distinct entries, as stored bodies.
    let bodies: [JSONObject]
    private let entries: SpecificationEntries

    init(_ items: [JSONValue]) {
        let all = items.map { DocumentSchema.storable($0.objectValue ?? [:]) }
        var entries = SpecificationEntries()
        for (position, body) in all.enumerated() { entries.add(body, at: position) { all[$0] } }
        self.entries = entries
        bodies = entries.positions.map { all[Int($0)] }
    }

    /// The single entry called `name`; `nil` when none; 400 when ambiguous.
    func resolve(_ name: String) throws(ServiceError) -> Int? {
        try entries.resolve(name)
    }
}

/// Names of entries or jobs: the first with each name, and how many share a
/// name when more than one does (a reference to such a name is ambiguous).
struct NameIndex {
    private var firstIndex: [String: Int32] = [:]
    private var counts: [String: Int] = [:]

    mutating func add(_ name: String, index: Int) {
        if firstIndex[name] == nil {
            firstIndex[name] = Int32(index)
        } else {
            counts[name, default: 1] += 1
        }
    }

    /// The single index called `name`; `nil` when none; 400 when ambiguous.
    func resolve(_ name: String) throws(ServiceError) -> Int? {
        if let count = counts[name] {
            throw .badRequest("filter = \(JSONWriter.string(["name": .string(name)])) matches \(count) documents")
        }
        return firstIndex[name].map(Int.init)
    }
}
