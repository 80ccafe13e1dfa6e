import TorcCore

/// The `DocumentQuery.fields` contract: a projected document holds `_key`,
/// `_id`, `_rev` and exactly those named attributes it has, with their exact
/// values, under the query's filters, order and paging; a read batch projects
/// the same way.
extension StoreConformance {
    static let projection: [StoreConformanceCheck] = [
        StoreConformanceCheck("projection: system attributes and the named fields it has, exact values") { store in
            let w = try await Scratch.workflow(store)
            let c = jobs(w)
            let made = try await insert(
                store, w,
                [
                    [
                        "command": "a", "status": "done", "internal": ["num_cpus": 2, "runtime_seconds": 1.5],
                        "big": .string(String(repeating: "x", count: 1_000)),
                    ],
                    ["command": "b", "status": "ready", "internal": .null],
                    ["command": "c", "priority": 3],
                    ["command": "d", "status": "done", "internal": ["nested": ["list": [1, 2.5, "s", true]]]],
                ], into: c)
            let fields = ["status", "internal", "missing"]
            let all = try await store.read { try $0.find(DocumentQuery(c, fields: fields)) }.documents
            try Expect.equal(all.map(\.key), made.map(\.key), "creation order")
            for (projected, whole) in zip(all, made) {
                var expected = JSONObject()
                for name in ["_key", "_id", "_rev"] + fields { if let value = whole[name] { expected[name] = value } }
                try Expect.isTrue(
                    JSONValue.object(projected.body).looselyEquals(.object(expected)),
                    "projection of \(whole.key): \(projected.body) vs \(expected)")
                try Expect.equal(Set(projected.body.keys), Set(expected.keys), "attributes of \(whole.key)")
            }
            try Expect.equal(all[1]["internal"], .null, "a JSON null is kept, not dropped")
            let keysOnly = try await store.read {
                try $0.find(
                    DocumentQuery(
                        c, filters: [.equal("status", "done")], skip: 1, limit: 1, countTotal: true, fields: []))
            }
            try Expect.equal(keysOnly.documents.map(\.key), [made[3].key], "filters and paging apply")
            try Expect.equal(keysOnly.totalCount, 2, "total of matches")
            try Expect.equal(
                Set(keysOnly.documents[0].body.keys), ["_key", "_id", "_rev"],
                "an empty projection keeps the system attributes")
            try Expect.equal(keysOnly.documents[0].rev, made[3].rev, "the revision read")
            var batch = ReadBatch()
            batch.add(.find(DocumentQuery(c, filters: [.equal("status", "ready")], fields: ["command"])))
            let answers = try await store.read(batch: batch)
            try Expect.equal(
                answers.first?.documents.map(\.body),
                [
                    [
                        "_key": .string(made[1].key), "_id": .string(made[1].id),
                        "_rev": .string(made[1].rev), "command": "b",
                    ]
                ], "a read batch projects")
        }
    ]
}
