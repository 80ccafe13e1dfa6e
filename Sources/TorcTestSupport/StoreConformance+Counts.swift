import TorcCore

/// Counts stay exact whatever happens to the documents: a backend may answer
/// them from kept counters (the embedded store's count tables, ArangoDB's
/// collection count) instead of counting rows, and these checks compare every
/// form of count with the documents actually stored, after every step of a
/// long pseudo-random sequence of inserts, status changes, removals, rolled-back
/// writes, a reset of every job, a truncation and the drop and re-creation of
/// the collections (a workflow delete).
extension StoreConformance {
    static let counts: [StoreConformanceCheck] = [
        StoreConformanceCheck("counts stay exact through inserts, status changes, deletes, rollbacks, reset, drop") {
            store in
            let w = try await Scratch.workflow(store)
            let c = jobs(w)
            var random = SplitMix(seed: 13)
            let statuses: [JSONValue?] = [
                "uninitialized", "ready", "blocked", "done", "canceled", "submitted", nil, 7, "Ready",
            ]
            func body(_ index: Int) -> JSONObject {
                var body: JSONObject = ["command": .string("job \(index)")]
                if let status = statuses[random.next(statuses.count)] { body["status"] = status }
                return body
            }
            var made = 0
            for step in 0..<24 {
                let existing = try await store.read { try $0.find(DocumentQuery(c)) }.documents
                switch step % 6 {
                case 0, 3:
                    let bodies = (0..<(1 + random.next(12))).map { _ in
                        made += 1
                        return body(made)
                    }
                    _ = try await insert(store, w, bodies, into: c)
                case 1, 4:
                    // Status changes, also to and from a non-string status and none.
                    let changed = existing.filter { _ in random.next(3) == 0 }.map { document in
                        var changed = document.body
                        changed["status"] = statuses[random.next(statuses.count)]
                        return DocumentReplacement(key: document.key, body: changed, expectedRev: document.rev)
                    }
                    if !changed.isEmpty { _ = try await store.write(.workflow(w)) { try $0.replace(changed, in: c) } }
                case 2:
                    let removed = existing.filter { _ in random.next(4) == 0 }.map(\.key)
                    if !removed.isEmpty { _ = try await store.write(.workflow(w)) { try $0.remove(removed, from: c) } }
                default:
                    // A write that fails after inserting, changing and removing leaves every count as it was.
                    struct Abandoned: Error {}
                    let victim = existing.first
                    do {
                        try await store.write(.workflow(w)) { writer in
                            _ = try writer.insert([["status": "ready"], ["status": "done"]], into: c)
                            if let victim {
                                var body = victim.body
                                body["status"] = "canceled"
                                _ = try writer.replace([DocumentReplacement(key: victim.key, body: body)], in: c)
                                _ = try writer.remove([victim.key], from: c)
                            }
                            try checkCounts(writer, c, "inside the transaction before its rollback")
                            throw Abandoned()
                        }
                    } catch is Abandoned {}
                }
                try await checkCounts(store, c, "after step \(step)")
            }
            // A reset: every job back to one status in one bulk replace.
            let all = try await store.read { try $0.find(DocumentQuery(c)) }.documents
            let reset = all.map { document in
                var body = document.body
                body["status"] = "uninitialized"
                return DocumentReplacement(key: document.key, body: body, expectedRev: document.rev)
            }
            if !reset.isEmpty { try await store.write(.workflow(w)) { try $0.replaceWithoutResult(reset, in: c) } }
            try await checkCounts(store, c, "after a reset")
            try Expect.equal(
                try await store.read { try $0.count(in: c, where: [.equal("status", "uninitialized")]) }, all.count,
                "every job reset")
            try await store.write(.workflow(w)) { try $0.truncate(c) }
            try await checkCounts(store, c, "after a truncation")
            _ = try await insert(store, w, [["status": "ready"], ["status": "ready"], ["command": "none"]], into: c)
            try await checkCounts(store, c, "after inserts into the truncated collection")
            // A workflow delete drops its collections; a re-created one starts from zero.
            try await store.write(.workflow(w)) { writer in
                try writer.dropCollections(WorkflowCollection.allCases.map { CollectionName($0, workflow: w) })
            }
            try await store.write(.workflow(w)) { writer in
                try writer.createCollections(WorkflowCollection.allCases.map { CollectionName($0, workflow: w) })
            }
            try await checkCounts(store, c, "after the collections were dropped and re-created")
            try Expect.equal(try await store.read { try $0.count(in: c, where: []) }, 0, "re-created empty")
            _ = try await insert(store, w, [["status": "done"]], into: c)
            try await checkCounts(store, c, "after an insert into the re-created collection")
        },
        StoreConformanceCheck("an existence probe in any order finds a match exactly when one exists") { store in
            let w = try await Scratch.workflow(store)
            let c = jobs(w)
            let bodies: [JSONObject] = (0..<30).map { i in
                [
                    "command": .string("\(i)"), "status": .string(i % 3 == 0 ? "ready" : "done"),
                    "priority": .int(Int64(i)),
                ]
            }
            let made = try await insert(store, w, bodies, into: c)
            let ready = Set(made.filter { $0["status"] == "ready" }.map(\.key))
            for order in [nil, NumericOrder.descending(["priority"])] {
                let probe = DocumentQuery(
                    c, filters: [.equal("status", "ready")], limit: 1, order: order, anyOrder: true)
                let found = try await store.read { try $0.find(probe) }.documents
                try Expect.isTrue(
                    found.count == 1 && ready.contains(found[0].key), "one ready job: \(found.map(\.key))")
                var batch = ReadBatch()
                batch.add(.find(probe))
                guard case .query(let batched) = try await store.read(batch: batch).first else {
                    throw ConformanceFailure("no batch answer")
                }
                try Expect.isTrue(
                    batched.documents.count == 1 && ready.contains(batched.documents[0].key), "the batch probe too")
            }
            let none = DocumentQuery(c, filters: [.equal("status", "blocked")], limit: 1, anyOrder: true)
            try Expect.equal(try await store.read { try $0.find(none) }.documents.count, 0, "no blocked job")
            let all = try await store.read {
                try $0.find(DocumentQuery(c, filters: [.equal("status", "ready")], anyOrder: true))
            }.documents
            try Expect.equal(Set(all.map(\.key)), ready, "unlimited: every match, in some order")
        },
    ]

    /// The filters whose counts are compared: none, each status, sets of statuses, and others.
    static let countFilters: [[FieldPredicate]] = [
        [],
        [.equal("status", "ready")], [.equal("status", "done")], [.equal("status", "uninitialized")],
        [.equal("status", "Ready")], [.equal("status", "never")], [.equal("status", 7)],
        [FieldPredicate(["status"], .oneOf, ["done", "canceled", "terminated"])],
        [FieldPredicate(["status"], .noneOf, ["done", "canceled"])],
        [FieldPredicate(["status"], .oneOf, ["ready", 7])],
        [.equal("status", "ready"), .equal("command", "job 1")],
    ]

    /// Compares every kind of count (a count, a page's total, a batched count,
    /// a batched page's total) with the matches among the stored documents.
    static func checkCounts(_ reader: any StoreReader, _ c: CollectionName, _ when: String) throws {
        let documents = try reader.find(DocumentQuery(c)).documents
        for filters in countFilters {
            let expected = documents.filter { d in filters.allSatisfy { $0.matches(d.body) } }.count
            try Expect.equal(try reader.count(in: c, where: filters), expected, "count \(filters) \(when)")
            let page = try reader.find(DocumentQuery(c, filters: filters, skip: 1, limit: 2, countTotal: true))
            try Expect.equal(page.totalCount, expected, "page total \(filters) \(when)")
        }
    }

    /// `checkCounts` in a read transaction, plus the same counts as one read batch.
    static func checkCounts(_ store: any DocumentStore, _ c: CollectionName, _ when: String) async throws {
        try await store.read { reader in try checkCounts(reader, c, when) }
        var batch = ReadBatch()
        batch.add(.find(DocumentQuery(c)))
        for filters in countFilters {
            batch.add(.count(c, filters))
            batch.add(.find(DocumentQuery(c, filters: filters, skip: 1, limit: 2, countTotal: true)))
        }
        let answers = try await store.read(batch: batch)
        guard case .query(let all) = answers.first else { throw ConformanceFailure("no batch answer") }
        for (index, filters) in countFilters.enumerated() {
            let expected = all.documents.filter { d in filters.allSatisfy { $0.matches(d.body) } }.count
            guard case .count(let count) = answers[1 + 2 * index],
                case .query(let page) = answers[2 + 2 * index]
            else { throw ConformanceFailure("batch answers out of shape") }
            try Expect.equal(count, expected, "batched count \(filters) \(when)")
            try Expect.equal(page.totalCount, expected, "batched page total \(filters) \(when)")
        }
    }
}

/// A small deterministic generator, so a failing sequence can be replayed.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A number in `0..<bound`.
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(bound))
    }
}
