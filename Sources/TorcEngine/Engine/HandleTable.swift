import TorcCore

/// Document handles (`collection/key`) numbered in the order they are first
/// seen, so that a pass over a whole workflow's graph keeps each handle once
/// and each edge as two integers.
///
/// Why: a handle longer than 15 bytes is a heap-allocated string, and in a
/// database that has lived a while every handle is (a workflow key and a
/// document key of seven digits each make `jobs__1234567/7654321`). The same
/// job's handle read from five edge collections was five allocations, and
/// per-handle dictionaries of arrays weighed more than the handles: a
/// million-job fan-in initialized in a database whose key counter had passed a
/// million peaked 700 MB higher than the same workflow in a new database.
struct HandleTable {
    /// The handles by number.
    private(set) var handles: [String] = []
    private var numbers: [String: Int32] = [:]

    /// How many handles are numbered.
    var count: Int { handles.count }

    /// The number of `handle`, numbering it if it is new.
    mutating func number(_ handle: String) -> Int32 {
        if let known = numbers[handle] { return known }
        let next = Int32(handles.count)
        handles.append(handle)
        numbers[handle] = next
        return next
    }

    /// The number of `handle` if it has one.
    func lookup(_ handle: String) -> Int32? { numbers[handle] }

    subscript(_ number: Int32) -> String { handles[Int(number)] }

    /// The edges as pairs of numbers, numbering their ends.
    mutating func pairs(_ edges: [EdgeHandles]) -> [NumberedEdge] {
        edges.map { NumberedEdge(from: number($0.from), to: number($0.to)) }
    }
}

/// An edge between two numbered handles.
struct NumberedEdge: Hashable {
    var from: Int32
    var to: Int32
}

/// Edges grouped by one end, as one array of the other ends and the offset
/// of each handle's group (compressed sparse rows): eight bytes per edge
/// instead of an array per handle. A group keeps the order its edges had.
struct Adjacency {
    private let offsets: [Int]
    private let ends: [Int32]

    /// `edges` grouped by `from` (`byTo` false) or by `to`, listing the other
    /// end; `count` is the number of handles (every end is below it).
    init(_ edges: [NumberedEdge], count: Int, byTo: Bool = false) {
        var offsets = [Int](repeating: 0, count: count + 1)
        for edge in edges { offsets[Int(byTo ? edge.to : edge.from) + 1] += 1 }
        for index in 0..<count { offsets[index + 1] += offsets[index] }
        var next = offsets
        var ends = [Int32](repeating: 0, count: edges.count)
        for edge in edges {
            let group = Int(byTo ? edge.to : edge.from)
            ends[next[group]] = byTo ? edge.from : edge.to
            next[group] += 1
        }
        self.offsets = offsets
        self.ends = ends
    }

    /// The other ends of the edges of `number`, in their order.
    subscript(_ number: Int32) -> ArraySlice<Int32> {
        let index = Int(number)
        guard index >= 0, index + 1 < offsets.count else { return [] }
        return ends[offsets[index]..<offsets[index + 1]]
    }
}
