import TorcCore

/// The batched-call primitives (`ReadBatch`, `WriteBatch`, `SnapshotSession`
/// and the `write(_:prefetching:_:)` driver), checked on every backend, with
/// the interleavings that ArangoDB's concurrent queries allow forced by hand:
/// a write batch computed from a snapshot is applied after another writer
/// changed what it read.
extension StoreConformance {
    static let batches: [StoreConformanceCheck] = [
        StoreConformanceCheck("a read batch answers chained steps as the primitives do") { store in
            let w = try await Scratch.workflow(store)
            let made = try await insert(
                store, w,
                [
                    ["command": "a", "status": "done"], ["command": "b", "status": "blocked"],
                    ["command": "c", "status": "blocked"], ["command": "d", "status": "ready"],
                ], into: jobs(w))
            _ = try await insert(
                store, w,
                [
                    ["_from": .string(made[0].id), "_to": .string(made[1].id)],
                    ["_from": .string(made[0].id), "_to": .string(made[2].id)],
                    ["_from": .string(made[3].id), "_to": .string(made[2].id)],
                ], into: blocks(w))
            var batch = ReadBatch()
            let first = batch.add(.documents(.literal([made[0].id, "jobs__\(w)/missing"])))
            let out = batch.add(.edges(blocks(w), .from, .ids(of: first)))
            let dependents = batch.add(.documents(.ends(of: out, .to)))
            let into = batch.add(.edges(blocks(w), .to, .ids(of: dependents)))
            batch.add(.documents(.ends(of: into, .from)))
            let blockedQuery = DocumentQuery(
                jobs(w), filters: [.equal("status", "blocked")], limit: 1, countTotal: true)
            let found = batch.add(.find(blockedQuery))
            batch.add(.edges(blocks(w), .to, .ids(of: found)))
            batch.add(.count(jobs(w), []))
            batch.add(.count(jobs(w), [.equal("status", "ready")]))
            let answers = try await store.read(batch: batch)
            let steps = batch
            let reference = try await store.read { reader in try steps.run(on: reader) }
            try Expect.equal(answers.count, batch.steps.count, "one answer per step")
            for (index, (got, expected)) in zip(answers, reference).enumerated() {
                try Expect.equal(Set(got.documents.map(\.id)), Set(expected.documents.map(\.id)), "step \(index)")
                if case .count(let a) = got, case .count(let b) = expected { try Expect.equal(a, b, "count \(index)") }
                if case .query(let a) = got, case .query(let b) = expected {
                    try Expect.equal(a.totalCount, b.totalCount, "total of step \(index)")
                }
            }
            try Expect.equal(Set(answers[dependents].documents.map(\.key)), [made[1].key, made[2].key], "dependents")
            try Expect.equal(Set(answers[4].documents.map(\.key)), [made[0].key, made[3].key], "blockers")
            try Expect.equal(answers[found].documents.map(\.key), [made[1].key], "first blocked job")
            if case .query(let result) = answers[found] { try Expect.equal(result.totalCount, 2, "blocked total") }
            if case .count(let n) = answers[7] { try Expect.equal(n, 4, "count") }
            if case .count(let n) = answers[8] { try Expect.equal(n, 1, "filtered count") }
        },
        StoreConformanceCheck("a write batch inserts, links new documents by placeholder and replaces, atomically") {
            store in
            let w = try await Scratch.workflow(store)
            let job = try await insert(store, w, [["command": "a", "status": "running"]], into: jobs(w))[0]
            let results = CollectionName(.results, workflow: w)
            let returned = CollectionName(.returned, workflow: w)
            let placeholder = "pending-test-1"
            let batch = WriteBatch(
                expectations: [.init(id: job.id, rev: job.rev)],
                operations: [
                    .insert(results, [(placeholderKey: placeholder, body: ["return_code": 0] as JSONObject)]),
                    .insert(
                        returned,
                        [
                            (
                                placeholderKey: nil,
                                body: [
                                    "_from": .string(job.id), "_to": .string(DocumentKey.id(placeholder, in: results)),
                                ] as JSONObject
                            )
                        ]),
                    .replace(jobs(w), [(key: job.key, body: ["command": "a", "status": "done"] as JSONObject)]),
                ])
            let outcome = try await store.apply(batch, scope: .workflow(w))
            try Expect.equal(outcome.count, 3, "one outcome per operation")
            let stored = try await store.read { reader in
                (try reader.edges(in: returned, from: [job.id]), try reader.document(job.key, in: jobs(w)))
            }
            try Expect.equal(stored.0.count, 1, "edge stored")
            try Expect.equal(stored.0.first?.to, DocumentKey.id(outcome[0][0].key, in: results), "placeholder replaced")
            try Expect.equal(stored.1?["status"], "done", "job replaced")
            try Expect.equal(stored.1?.rev, outcome[2][0].rev, "revision reported")
            try Expect.isTrue(stored.1?.rev != job.rev, "new revision")
        },
        StoreConformanceCheck("a stale write batch writes nothing") { store in
            let w = try await Scratch.workflow(store)
            let made = try await insert(store, w, [["command": "a"], ["command": "b"]], into: jobs(w))
            try await store.write(.workflow(w)) { writer in
                _ = try writer.replace([DocumentReplacement(key: made[1].key, body: ["command": "b2"])], in: jobs(w))
            }
            for expectation in [
                WriteBatch.Expectation(id: made[1].id, rev: made[1].rev), // changed since
                WriteBatch.Expectation(id: "jobs__\(w)/never", rev: "_x"), // gone
                WriteBatch.Expectation(id: made[0].id, rev: nil), // exists after all
            ] {
                let batch = WriteBatch(
                    expectations: [.init(id: made[0].id, rev: made[0].rev), expectation],
                    operations: [
                        .insert(jobs(w), [(placeholderKey: "pending-x-1", body: ["command": "new"] as JSONObject)])
                    ])
                do {
                    _ = try await store.apply(batch, scope: .workflow(w))
                    throw ConformanceFailure("stale batch applied: \(expectation)")
                } catch is WriteBatchStale {}
            }
            let count = try await store.read { try $0.count(in: jobs(w), where: []) }
            try Expect.equal(count, 2, "nothing inserted")
        },
        StoreConformanceCheck("fan-in: two last blockers completed from one snapshot wake the join exactly once") {
            store in
            // Both completions read the same snapshot (the write skew a
            // snapshot-isolated store allows); the second write batch must be
            // rejected, and its rerun must see the first completion.
            let w = try await Scratch.workflow(store)
            let made = try await insert(
                store, w,
                [
                    ["command": "a", "status": "running"], ["command": "b", "status": "running"],
                    ["command": "join", "status": "blocked"],
                ], into: jobs(w))
            _ = try await insert(
                store, w,
                [
                    ["_from": .string(made[0].id), "_to": .string(made[2].id)],
                    ["_from": .string(made[1].id), "_to": .string(made[2].id)],
                ], into: blocks(w))
            let batch = FanIn.batch(w, made)
            let snapshot = try await store.read(batch: batch)
            let first = SnapshotSession(batch: batch, answers: snapshot)
            let second = SnapshotSession(batch: batch, answers: snapshot)
            _ = try FanIn.complete(first, w, made[0].key)
            _ = try FanIn.complete(second, w, made[1].key)
            try Expect.isTrue(!first.fellBack && !second.fellBack, "the batch covers the completion")
            _ = try await store.apply(first.writeBatch, scope: .workflow(w))
            do {
                _ = try await store.apply(second.writeBatch, scope: .workflow(w))
                throw ConformanceFailure("the second completion was applied on a stale snapshot")
            } catch is WriteBatchStale {}
            let key = made[1].key
            _ = try await store.write(.workflow(w), prefetching: batch) { writer in try FanIn.complete(writer, w, key) }
            let join = try await store.read { try $0.document(made[2].key, in: jobs(w)) }
            try Expect.equal(join?["status"], "ready", "the join is ready")
            try Expect.equal(join?["wakeups"], 1, "written once")
        },
        StoreConformanceCheck(
            "a write batch computed before another writer's change is rejected (cancel, reset, user data)"
        ) { store in
            let w = try await Scratch.workflow(store)
            let made = try await insert(
                store, w,
                [
                    ["command": "status", "is_canceled": false], ["command": "job", "status": "ready"],
                ], into: jobs(w))
            var reads = ReadBatch()
            reads.add(.documents(.literal([made[0].id, made[1].id])))
            let batch = reads
            let userData = CollectionName(.userData, workflow: w)
            // A hand-out (or a completion, or a user-data store) decided on this snapshot...
            let body: @Sendable (any StoreWriter) throws -> JSONValue = { writer in
                let flags = try writer.document(made[0].key, in: jobs(w))
                guard let job = try writer.document(made[1].key, in: jobs(w)) else { return "gone" }
                if flags?["is_canceled"] == .bool(true) || job["status"] != "ready" { return "refused" }
                var changed = job.body
                changed["status"] = "submitted_pending"
                _ = try writer.replace(
                    [DocumentReplacement(key: job.key, body: changed, expectedRev: job.rev)], in: jobs(w))
                _ = try writer.insert([["note": "handed out"]], into: userData)
                return "handed out"
            }
            let snapshot = try await store.read(batch: batch)
            let session = SnapshotSession(batch: batch, answers: snapshot)
            try Expect.equal(try body(session), "handed out", "decided on the snapshot")
            // ...while a cancel committed in between.
            try await store.write(.workflow(w)) { writer in
                _ = try writer.replace(
                    [DocumentReplacement(key: made[0].key, body: ["command": "status", "is_canceled": true])],
                    in: jobs(w))
            }
            do {
                _ = try await store.apply(session.writeBatch, scope: .workflow(w))
                throw ConformanceFailure("a hand-out was applied after the cancel")
            } catch is WriteBatchStale {}
            let rerun = try await store.write(.workflow(w), prefetching: batch, body)
            try Expect.equal(rerun, "refused", "the rerun sees the cancel")
            let after = try await store.read { reader in
                (try reader.document(made[1].key, in: jobs(w)), try reader.count(in: userData, where: []))
            }
            try Expect.equal(after.0?["status"], "ready", "job not handed out")
            try Expect.equal(after.1, 0, "no other write of the stale batch")
        },
        StoreConformanceCheck("a batched call that reads beyond its batch runs in a transaction instead") { store in
            let w = try await Scratch.workflow(store)
            let made = try await insert(
                store, w, [["command": "a", "n": 1], ["command": "b", "n": 2]], into: jobs(w))
            var reads = ReadBatch()
            reads.add(.documents(.literal([made[0].id])))
            let batch = reads
            let result = try await store.write(.workflow(w), prefetching: batch) { writer in
                // `made[1]` is not in the batch: the session falls back.
                let other = try writer.document(made[1].key, in: jobs(w))
                var body = other?.body ?? [:]
                body["n"] = 3
                let stored = try writer.replace([DocumentReplacement(key: made[1].key, body: body)], in: jobs(w))
                return stored[0].json
            }
            try Expect.equal(result["n"], 3, "answered")
            let stored = try await store.read { try $0.document(made[1].key, in: jobs(w)) }
            try Expect.equal(stored?["n"], 3, "written")
            try Expect.equal(stored?.rev, result["_rev"]?.stringValue, "the answer carries the stored revision")
        },
    ]
}

/// A miniature completion, the shape of the engine's: the job becomes done,
/// and the join becomes ready once every blocker is done.
enum FanIn {
    static func batch(_ w: String, _ made: [Document]) -> ReadBatch {
        var batch = ReadBatch()
        let both = batch.add(.documents(.literal([made[0].id, made[1].id])))
        let out = batch.add(.edges(CollectionName(.blocks, workflow: w), .from, .ids(of: both)))
        batch.add(.documents(.ends(of: out, .to)))
        let into = batch.add(.edges(CollectionName(.blocks, workflow: w), .to, .ends(of: out, .to)))
        batch.add(.documents(.ends(of: into, .from)))
        return batch
    }

    static func key(of handle: String) -> String? {
        handle.firstIndex(of: "/").map { String(handle[handle.index(after: $0)...]) }
    }

    static func complete(_ writer: any StoreWriter, _ w: String, _ key: String) throws -> JSONValue {
        let jobs = CollectionName(.jobs, workflow: w)
        let blocks = CollectionName(.blocks, workflow: w)
        guard let job = try writer.document(key, in: jobs) else { return "gone" }
        var body = job.body
        body["status"] = "done"
        let done = try writer.replace([DocumentReplacement(key: key, body: body, expectedRev: job.rev)], in: jobs)[0]
        for edge in try writer.edges(in: blocks, from: [done.id]) {
            guard let dependentKey = Self.key(of: edge.to),
                let dependent = try writer.document(dependentKey, in: jobs), dependent["status"] == "blocked"
            else { continue }
            let blockerKeys = try writer.edges(in: blocks, to: [dependent.id]).compactMap { Self.key(of: $0.from) }
            let blockers = try writer.documents(blockerKeys, in: jobs)
            guard blockers.allSatisfy({ $0["status"] == "done" }) else { continue }
            var woken = dependent.body
            woken["status"] = "ready"
            woken["wakeups"] = .int((dependent["wakeups"]?.intValue ?? 0) + 1)
            _ = try writer.replace(
                [DocumentReplacement(key: dependent.key, body: woken, expectedRev: dependent.rev)], in: jobs)
        }
        return done.json
    }
}
