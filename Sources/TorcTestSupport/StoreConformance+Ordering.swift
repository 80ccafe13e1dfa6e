import TorcCore

/// The `NumericOrder` contract: largest value first, absent or non-numeric as
/// 0, creation order among equals, with filters, skip and limit applied after
/// ordering; replacing a document re-ranks it.
extension StoreConformance {
    static let ordering: [StoreConformanceCheck] = [
        StoreConformanceCheck("order: numeric attribute descending, creation order among equals") { store in
            let w = try await Scratch.workflow(store)
            let c = jobs(w)
            let priorities: [JSONValue?] = [nil, 5, -1, 5, nil, 10, 0, "high", -1, nil]
            let bodies: [JSONObject] = priorities.enumerated().map { index, priority in
                var body: JSONObject = ["command": .string("\(index)"), "status": "ready"]
                if let priority { body["priority"] = priority }
                return body
            }
            let docs = try await insert(store, w, bodies, into: c)
            _ = try await insert(store, w, [["command": "blocked", "status": "blocked", "priority": 99]], into: c)
            let expected = NumericOrder.descending(["priority"]).sorted(docs).map(\.key)
            let order = NumericOrder.descending(["priority"])
            func keys(_ query: DocumentQuery) async throws -> [String] {
                try await store.read { try $0.find(query) }.documents.map(\.key)
            }
            let ready: [FieldPredicate] = [.equal("status", "ready")]
            try Expect.equal(try await keys(DocumentQuery(c, filters: ready, order: order)), expected, "order")
            try Expect.equal(
                try await keys(DocumentQuery(c, filters: ready, skip: 2, limit: 3, order: order)),
                Array(expected[2..<5]), "skip and limit after ordering")
            let unfiltered = try await keys(DocumentQuery(c, order: order))
            try Expect.equal(
                unfiltered.first, try await store.read { try $0.find(DocumentQuery(c)) }.documents.last?.key,
                "without a status filter too")
            try Expect.equal(Array(unfiltered.dropFirst()), expected, "rest of the unfiltered order")
            // Re-ranking: the lowest job gets the highest priority.
            let lowest = docs[2]
            var raised = lowest.body
            raised["priority"] = 50
            let replacement = DocumentReplacement(key: lowest.key, body: raised, expectedRev: lowest.rev)
            _ = try await store.write(.workflow(w)) { try $0.replace([replacement], in: c) }
            try Expect.equal(
                try await keys(DocumentQuery(c, filters: ready, limit: 1, order: order)), [lowest.key],
                "replace re-ranks")
            try Expect.equal(
                try await keys(DocumentQuery(c, filters: ready)), docs.map(\.key), "without an order: creation order")
        }
    ]
}
