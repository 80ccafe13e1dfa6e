import TorcCore

/// The `neighbours(in:from:)` / `neighbours(in:to:)` contract: the other end
/// of each matching edge, in creation order (not the order of any index),
/// repeats kept, the transaction's own inserts included, the same as mapping
/// `edges(in:from:)` / `edges(in:to:)` to their other end.
extension StoreConformance {
    static let neighbours: [StoreConformanceCheck] = [
        StoreConformanceCheck("neighbours: the other ends of a handle's edges, in creation order") { store in
            let w = try await Scratch.workflow(store)
            let b = blocks(w)
            let handle: @Sendable (String) -> String = { "jobs__\(w)/\($0)" }
            let job: @Sendable (String) -> JSONValue = { .string(handle($0)) }
            // Creation order differs from the handles' sort order on purpose.
            _ = try await insert(
                store, w,
                [
                    ["_from": job("1"), "_to": job("9")],
                    ["_from": job("1"), "_to": job("2")],
                    ["_from": job("3"), "_to": job("2")],
                    ["_from": job("1"), "_to": job("5")],
                    ["_from": job("1"), "_to": job("2")],
                    ["_from": job("0"), "_to": job("2")],
                ], into: b)
            let (from, to, none, viaEdges) = try await store.read { reader in
                (
                    try reader.neighbours(in: b, from: handle("1")),
                    try reader.neighbours(in: b, to: handle("2")),
                    try reader.neighbours(in: b, from: handle("2")),
                    try reader.edges(in: b, to: [handle("2")]).map(\.from)
                )
            }
            try Expect.equal(from, ["9", "2", "5", "2"].map(handle), "from: creation order, repeats kept")
            try Expect.equal(to, ["1", "3", "1", "0"].map(handle), "to: creation order, repeats kept")
            try Expect.equal(to, viaEdges, "the same ends as the edge documents")
            try Expect.isTrue(none.isEmpty, "no edges from a handle: none")
            let inTransaction = try await store.write(.workflow(w)) { writer in
                _ = try writer.insert([["_from": job("7"), "_to": job("2")]], into: b)
                return try writer.neighbours(in: b, to: handle("2"))
            }
            try Expect.equal(
                inTransaction, ["1", "3", "1", "0", "7"].map(handle), "the transaction's own insert is seen")
        }
    ]
}
