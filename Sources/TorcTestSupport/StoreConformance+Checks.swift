import TorcCore

/// The store contract of `StoreReader`/`StoreWriter`/`DocumentStore`, as
/// checks every backend must pass.
public enum StoreConformance {
    /// Every check, in a stable order.
    public static let checks: [StoreConformanceCheck] =
        identity + queries + ordering + edges + writes + fidelity + concurrency + batches + counts
        + projection + neighbours

    static func jobs(_ w: String) -> CollectionName { CollectionName(.jobs, workflow: w) }
    static func blocks(_ w: String) -> CollectionName { CollectionName(.blocks, workflow: w) }

    static func insert(_ store: any DocumentStore, _ w: String, _ bodies: [JSONObject], into collection: CollectionName)
        async throws -> [Document]
    {
        try await store.write(.workflow(w)) { try $0.insert(bodies, into: collection) }
    }

    // MARK: identity

    static let identity: [StoreConformanceCheck] = [
        StoreConformanceCheck("insert sets _key, _id, _rev; generated keys increase across collections") { store in
            let w = try await Scratch.workflow(store)
            let a = try await insert(store, w, [["command": "a"], ["command": "b"]], into: jobs(w))
            let f = try await insert(store, w, [["path": "p"]], into: CollectionName(.files, workflow: w))
            let keys = (a + f).map { Int64($0.key) ?? -1 }
            try Expect.isTrue(keys.allSatisfy { $0 > 0 }, "generated keys are decimal strings")
            try Expect.isTrue(keys == keys.sorted() && Set(keys).count == 3, "keys increase and are unique: \(keys)")
            try Expect.equal(a[0].id, "jobs__\(w)/\(a[0].key)", "_id")
            try Expect.isTrue(!a[0].rev.isEmpty && a[0].rev != a[1].rev, "distinct revisions")
            try Expect.isTrue(
                a[0].rev.utf8.allSatisfy { b in
                    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
                        || b == 0x2D
                }, "revisions are URL-safe")
            try Expect.equal(a[0]["command"], "a", "body kept")
        },
        StoreConformanceCheck("client keys are used; a numeric one keeps generated keys ahead") { store in
            let w = try await Scratch.workflow(store)
            let big = "\(Int64.random(in: 5_000_000_000...6_000_000_000))"
            let given = try await insert(
                store, w, [["_key": .string(big), "command": "x"], ["_key": "named-key", "command": "y"]], into: jobs(w)
            )
            try Expect.equal(given.map(\.key), [big, "named-key"], "client keys")
            let generated = try await insert(store, w, [["command": "z"]], into: jobs(w))
            try Expect.isTrue((Int64(generated[0].key) ?? 0) > Int64(big)!, "generated key after a numeric client key")
        },
        StoreConformanceCheck("illegal keys are 1221 and duplicates 1210, writing nothing of the batch") { store in
            let w = try await Scratch.workflow(store)
            _ = try await insert(store, w, [["_key": "k1", "command": "x"]], into: jobs(w))
            try await Expect.throwsError({ $0.errorNum == 1221 }, "illegal key") {
                _ = try await insert(store, w, [["command": "ok"], ["_key": "a/b", "command": "x"]], into: jobs(w))
            }
            try await Expect.throwsError({ $0.errorNum == 1210 }, "duplicate key") {
                _ = try await insert(store, w, [["command": "ok"], ["_key": "k1", "command": "x"]], into: jobs(w))
            }
            try await Expect.throwsError({ $0.errorNum == 1210 }, "duplicate inside one batch") {
                _ = try await insert(
                    store, w, [["_key": "k2", "command": "x"], ["_key": "k2", "command": "x"]], into: jobs(w))
            }
            let count = try await store.read { try $0.count(in: jobs(w), where: []) }
            try Expect.equal(count, 1, "nothing of the failed batches stored")
        },
        StoreConformanceCheck("edges need valid handles (1233)") { store in
            let w = try await Scratch.workflow(store)
            for body: JSONObject in [
                ["_from": "a/1"], ["_from": "nohandle", "_to": "b/2"], ["_from": "a/1", "_to": "b/c/d"],
            ] {
                try await Expect.throwsError({ $0.errorNum == 1233 }, "handle \(body)") {
                    _ = try await insert(store, w, [body], into: blocks(w))
                }
            }
            let edge = try await insert(store, w, [["_from": "jobs__\(w)/1", "_to": "jobs__\(w)/2"]], into: blocks(w))
            try Expect.equal(edge[0].from, "jobs__\(w)/1", "_from kept")
        },
        StoreConformanceCheck("lookups by key and by many keys") { store in
            let w = try await Scratch.workflow(store)
            let docs = try await insert(store, w, (0..<700).map { ["command": .string("c\($0)")] }, into: jobs(w))
            let keys = [docs[650].key, "missing", docs[3].key, docs[650].key]
            let found = try await store.read { try $0.documents(keys, in: jobs(w)) }
            try Expect.equal(
                found.map(\.key), [docs[650].key, docs[3].key, docs[650].key], "input order, missing skipped")
            let one = try await store.read { try $0.document(docs[10].key, in: jobs(w)) }
            try Expect.equal(one, docs[10], "single lookup")
            let none = try await store.read { try $0.document("nope", in: jobs(w)) }
            try Expect.isTrue(none == nil, "missing document is nil")
        },
    ]

    // MARK: queries

    static let queries: [StoreConformanceCheck] = [
        StoreConformanceCheck("find: creation order, skip, limit, total count") { store in
            let w = try await Scratch.workflow(store)
            let docs = try await insert(
                store, w, (0..<10).map { ["command": "c", "i": .int(Int64($0)), "even": .bool($0 % 2 == 0)] },
                into: jobs(w))
            let page = try await store.read {
                try $0.find(
                    DocumentQuery(jobs(w), filters: [.equal("even", true)], skip: 1, limit: 2, countTotal: true))
            }
            try Expect.equal(page.documents.map(\.key), [docs[2].key, docs[4].key], "page")
            try Expect.equal(page.totalCount, 5, "total of matches")
            let all = try await store.read { try $0.find(DocumentQuery(jobs(w))) }
            try Expect.equal(all.documents.map(\.key), docs.map(\.key), "creation order")
            let skipped = try await store.read { try $0.find(DocumentQuery(jobs(w), skip: 8)) }
            try Expect.equal(skipped.documents.count, 2, "skip without limit")
        },
        StoreConformanceCheck("predicates: types, nesting, comparisons, oneOf, noneOf, missing attributes") { store in
            let w = try await Scratch.workflow(store)
            let c = jobs(w)
            _ = try await insert(
                store, w,
                [
                    [
                        "command": "1", "n": 2, "s": "2", "b": true, "internal": ["cpus": 4, "mem": 1.5],
                        "status": "ready",
                    ],
                    ["command": "2", "n": 2.0, "s": "x", "b": 1, "internal": ["cpus": 8, "mem": 3], "status": "done"],
                    ["command": "3", "s": "2", "b": false, "internal": ["cpus": 1], "status": "weird"],
                    ["command": "4", "n": "2", "status": .null],
                ], into: c)
            func commands(_ filters: [FieldPredicate]) async throws -> [String] {
                try await store.read { try $0.find(DocumentQuery(c, filters: filters)) }.documents.compactMap {
                    $0["command"]?.stringValue
                }
            }
            try Expect.equal(
                try await commands([.equal("n", 2)]), ["1", "2"], "numbers by value, strings are not numbers")
            try Expect.equal(try await commands([.equal("s", "2")]), ["1", "3"], "strings exactly")
            try Expect.equal(try await commands([.equal("b", true)]), ["1"], "booleans are not numbers")
            try Expect.equal(try await commands([.equal("b", false)]), ["3"], "false")
            try Expect.equal(try await commands([.equal("status", .null)]), ["4"], "null")
            try Expect.equal(
                try await commands([FieldPredicate(["internal", "cpus"], .lessOrEqual, 4)]), ["1", "3"], "nested <=")
            try Expect.equal(
                try await commands([FieldPredicate(["internal", "mem"], .greaterOrEqual, 1.5)]), ["1", "2"],
                ">= across int and double")
            try Expect.equal(
                try await commands([FieldPredicate(["status"], .oneOf, ["ready", "weird"])]), ["1", "3"], "oneOf")
            try Expect.equal(
                try await commands([FieldPredicate(["status"], .noneOf, ["ready", "done"])]), ["3", "4"],
                "noneOf includes missing/other")
            try Expect.equal(
                try await commands([FieldPredicate(["missing"], .noneOf, ["x"])]), ["1", "2", "3", "4"],
                "noneOf on absent attribute")
            try Expect.equal(try await commands([.equal("missing", "x")]), [], "absent never equals")
            try Expect.equal(try await commands([.equal("s", "2"), .equal("b", false)]), ["3"], "AND")
            let count = try await store.read { try $0.count(in: c, where: [.equal("s", "2")]) }
            try Expect.equal(count, 2, "count")
        },
        StoreConformanceCheck("missing collections: collectionNotFound, collectionExists false") { store in
            let missing = CollectionName("jobs__\(Scratch.workflowKey())")
            try await Expect.throwsError({ $0.errorNum == 1203 }, "find in a missing collection") {
                _ = try await store.read { try $0.find(DocumentQuery(missing)) }
            }
            let exists = try await store.read { try $0.collectionExists(missing) }
            try Expect.isTrue(!exists, "collectionExists")
        },
    ]

    // MARK: edges

    static let edges: [StoreConformanceCheck] = [
        StoreConformanceCheck("edges from and to several handles, in creation order") { store in
            let w = try await Scratch.workflow(store)
            let b = blocks(w)
            let stored = try await insert(
                store, w,
                [
                    ["_from": "jobs__\(w)/1", "_to": "jobs__\(w)/2"],
                    ["_from": "jobs__\(w)/3", "_to": "jobs__\(w)/2"],
                    ["_from": "jobs__\(w)/1", "_to": "jobs__\(w)/3"],
                    ["_from": "jobs__\(w)/4", "_to": "jobs__\(w)/1"],
                ], into: b)
            let from = try await store.read { try $0.edges(in: b, from: ["jobs__\(w)/3", "jobs__\(w)/1"]) }
            try Expect.equal(from.map(\.key), [stored[0].key, stored[1].key, stored[2].key], "from, creation order")
            let to = try await store.read { try $0.edges(in: b, to: ["jobs__\(w)/2"]) }
            try Expect.equal(to.map(\.key), [stored[0].key, stored[1].key], "to")
            let between = try await store.read { try $0.edges(in: b, from: "jobs__\(w)/1", to: "jobs__\(w)/3") }
            try Expect.equal(between.map(\.key), [stored[2].key], "between two vertices")
            let none = try await store.read { try $0.edges(in: b, from: "jobs__\(w)/3", to: "jobs__\(w)/1") }
            try Expect.isTrue(none.isEmpty, "direction matters")
            let handles = try await store.read { try $0.edgeHandles(in: b) }
            try Expect.equal(
                handles, stored.map { EdgeHandles(from: $0.from, to: $0.to) }, "edge handles in creation order")
            let keys = try await store.read { try $0.keys(in: b) }
            try Expect.equal(keys, stored.map(\.key), "keys in creation order")
            let many = (0..<1200).map { "jobs__\(w)/x\($0)" } + ["jobs__\(w)/4"]
            let chunked = try await store.read { try $0.edges(in: b, from: many) }
            try Expect.equal(chunked.map(\.key), [stored[3].key], "many handles")
        },
        StoreConformanceCheck("removeEdges by handles and by collection, other edges survive") { store in
            let w = try await Scratch.workflow(store)
            let b = blocks(w)
            let n = CollectionName(.needs, workflow: w)
            _ = try await insert(
                store, w,
                [["_from": "jobs__\(w)/1", "_to": "jobs__\(w)/2"], ["_from": "jobs__\(w)/5", "_to": "jobs__\(w)/6"]],
                into: b)
            _ = try await insert(
                store, w,
                [
                    ["_from": "jobs__\(w)/2", "_to": "files__\(w)/9"],
                    ["_from": "jobs__\(w)/7", "_to": "files__\(w)/8"],
                ], into: n)
            try await store.write(.workflow(w)) { try $0.removeEdges(touching: ["jobs__\(w)/2"], in: [b, n]) }
            let left = try await store.read { [try $0.count(in: b, where: []), try $0.count(in: n, where: [])] }
            try Expect.equal(left, [1, 1], "edges touching the handle removed in both collections")
            try await store.write(.workflow(w)) {
                try $0.removeEdges(touchingCollection: CollectionName(.files, workflow: w), in: [b, n])
            }
            let after = try await store.read { [try $0.count(in: b, where: []), try $0.count(in: n, where: [])] }
            try Expect.equal(after, [1, 0], "edges into the collection removed")
            // A collection whose name extends another's is not touched.
            _ = try await insert(store, w, [["_from": "jobs__\(w)0/1", "_to": "x/1"]], into: b)
            try await store.write(.workflow(w)) { try $0.removeEdges(touchingCollection: jobs(w), in: [b]) }
            let survivors = try await store.read { try $0.find(DocumentQuery(b)) }.documents.map(\.from)
            try Expect.equal(survivors, ["jobs__\(w)0/1"], "prefix boundary")
        },
    ]

    // MARK: writes

    static let writes: [StoreConformanceCheck] = [
        StoreConformanceCheck("replace: new _rev, conditional on the expected one, all or nothing") { store in
            let w = try await Scratch.workflow(store)
            let docs = try await insert(store, w, [["command": "a"], ["command": "b"]], into: jobs(w))
            let replaced = try await store.write(.workflow(w)) {
                try $0.replace(
                    [
                        DocumentReplacement(
                            key: docs[0].key, body: ["command": "a2", "_rev": "bogus"], expectedRev: docs[0].rev)
                    ], in: jobs(w))
            }
            try Expect.isTrue(replaced[0].rev != docs[0].rev, "new revision")
            try Expect.equal(replaced[0]["command"], "a2", "new body")
            try Expect.equal(replaced[0].key, docs[0].key, "same key")
            try await Expect.throwsError({ if case .conflict = $0 { true } else { false } }, "stale revision") {
                _ = try await store.write(.workflow(w)) {
                    try $0.replace(
                        [
                            DocumentReplacement(key: docs[1].key, body: ["command": "b2"], expectedRev: docs[1].rev),
                            DocumentReplacement(key: docs[0].key, body: ["command": "a3"], expectedRev: docs[0].rev),
                        ], in: jobs(w))
                }
            }
            let b = try await store.read { try $0.document(docs[1].key, in: jobs(w)) }
            try Expect.equal(b?["command"], "b", "nothing of a failed replace is written")
            try await Expect.throwsError({ if case .documentNotFound = $0 { true } else { false } }, "missing") {
                _ = try await store.write(.workflow(w)) {
                    try $0.replace([DocumentReplacement(key: "nope", body: [:])], in: jobs(w))
                }
            }
        },
        StoreConformanceCheck("remove, truncate, drop") { store in
            let w = try await Scratch.workflow(store)
            let docs = try await insert(
                store, w, [["command": "a"], ["command": "b"], ["command": "c"]], into: jobs(w))
            let removed = try await store.write(.workflow(w)) { try $0.remove([docs[1].key, "nope"], from: jobs(w)) }
            try Expect.equal(removed.map(\.key), [docs[1].key], "removed documents returned")
            try await store.write(.workflow(w)) { try $0.truncate(jobs(w)) }
            try Expect.equal(try await store.read { try $0.count(in: jobs(w), where: []) }, 0, "truncated")
            try await store.write(.workflow(w)) { try $0.dropCollections([jobs(w)]) }
            try Expect.isTrue(!(try await store.read { try $0.collectionExists(jobs(w)) }), "dropped")
            try await store.write(.workflow(w)) { try $0.createCollections([jobs(w)]) }
            try Expect.equal(try await store.read { try $0.count(in: jobs(w), where: []) }, 0, "recreated empty")
        },
        StoreConformanceCheck("a throwing transaction writes nothing") { store in
            let w = try await Scratch.workflow(store)
            struct Abort: Error {}
            do {
                try await store.write(.workflow(w)) { writer in
                    _ = try writer.insert([["command": "x"]], into: jobs(w))
                    try writer.createCollections([CollectionName("extra__\(w)")])
                    throw Abort()
                }
            } catch is Abort {}
            try Expect.equal(try await store.read { try $0.count(in: jobs(w), where: []) }, 0, "insert rolled back")
        },
    ]

    // MARK: fidelity

    static let fidelity: [StoreConformanceCheck] = [
        StoreConformanceCheck("JSON round-trips exactly: numbers, unicode, nesting, key order, size") { store in
            let w = try await Scratch.workflow(store)
            var deep: JSONValue = "leaf"
            for i in 0..<100 { deep = i % 2 == 0 ? ["d": deep] : [deep] }
            let big = String(repeating: "x", count: 5_000_000)
            let body: JSONObject = [
                "z": 1, "a": 1.0, "e": 1e-7, "neg": -42, "max": .int(Int64.max), "huge": 1e300,
                "text": "é😀\n\t\"\\\u{01}",
                "null": .null, "t": true, "arr": [1, 2.5, "3", [], [:]], "deep": deep, "big": .string(big),
            ]
            let stored = try await insert(store, w, [body], into: CollectionName(.userData, workflow: w))[0]
            let read = try await store.read { try $0.document(stored.key, in: CollectionName(.userData, workflow: w)) }
            guard let read else { throw ConformanceFailure("document lost") }
            for (name, value) in body {
                if !store.keepsIntegralFloats, case .double(let number) = value, number.rounded() == number,
                    abs(number) < 9.2e18
                {
                    // ArangoDB renders a float with an integral value as an integer (1.0 as 1).
                    try Expect.equal(read[name], .int(Int64(number)), name)
                } else {
                    try Expect.equal(read[name], value, name)
                }
            }
            let order = read.body.keys.filter { !$0.hasPrefix("_") }
            try Expect.equal(Array(order), Array(body.keys), "key order")
        }
    ]

    // MARK: concurrency

    static let concurrency: [StoreConformanceCheck] = [
        StoreConformanceCheck("concurrent read-modify-write transactions lose no update") { store in
            let w = try await Scratch.workflow(store)
            let counter = try await insert(store, w, [["command": "counter", "n": 0]], into: jobs(w))[0]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<32 {
                    group.addTask {
                        try await store.write(.workflow(w)) { writer in
                            guard let current = try writer.document(counter.key, in: jobs(w)) else {
                                throw ConformanceFailure("lost")
                            }
                            var body = current.body
                            body["n"] = .int((current["n"]?.intValue ?? 0) + 1)
                            _ = try writer.replace(
                                [DocumentReplacement(key: current.key, body: body, expectedRev: current.rev)],
                                in: jobs(w))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let final = try await store.read { try $0.document(counter.key, in: jobs(w)) }
            try Expect.equal(final?["n"], 32, "every increment counted")
        },
        StoreConformanceCheck("concurrent claims: each document claimed once") { store in
            let w = try await Scratch.workflow(store)
            _ = try await insert(store, w, (0..<200).map { _ in ["command": "c", "status": "ready"] }, into: jobs(w))
            let claims = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        var mine: [String] = []
                        while true {
                            let claimed = try await store.write(.workflow(w)) { writer -> [String] in
                                let ready = try writer.find(
                                    DocumentQuery(jobs(w), filters: [.equal("status", "ready")], limit: 3)
                                ).documents
                                return try writer.replace(
                                    ready.map { job in
                                        var body = job.body
                                        body["status"] = "claimed"
                                        return DocumentReplacement(key: job.key, body: body, expectedRev: job.rev)
                                    }, in: jobs(w)
                                ).map(\.key)
                            }
                            if claimed.isEmpty { return mine }
                            mine += claimed
                        }
                    }
                }
                var all: [String] = []
                for try await part in group { all += part }
                return all
            }
            try Expect.equal(claims.count, 200, "every document claimed")
            try Expect.equal(Set(claims).count, 200, "no document claimed twice")
        },
        StoreConformanceCheck("reads see committed data only") { store in
            let w = try await Scratch.workflow(store)
            let reader = Task {
                var counts: [Int] = []
                for _ in 0..<20 {
                    counts.append(try await store.read { try $0.count(in: jobs(w), where: []) })
                }
                return counts
            }
            for _ in 0..<10 {
                _ = try await insert(store, w, [["command": "a"], ["command": "b"]], into: jobs(w))
            }
            let counts = try await reader.value
            try Expect.isTrue(counts.allSatisfy { $0 % 2 == 0 }, "never half a transaction: \(counts)")
        },
    ]
}
