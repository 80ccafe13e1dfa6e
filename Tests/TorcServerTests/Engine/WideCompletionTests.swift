import Testing
import TorcCore

/// docs/job-lifecycle.md, "Completion", for jobs wider than the chunks the
/// engine decides them in: a job with hundreds of dependents (a fan-out's
/// root) and a job with hundreds of blockers (a fan-in's join) are decided
/// exactly as a narrow one, wherever in the list the failed blocker is.
@Suite("Completion of wide fan-out and fan-in jobs")
struct WideCompletionTests {
    /// More than two chunks of `CompletionProcessing` (256).
    static let width = 600

    /// Every job by name, with its key and revision.
    func jobs(_ api: APIClient, _ w: String) async throws -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        var skip = 0
        while true {
            let page = try await api.get("/workflows/\(w)/jobs?skip=\(skip)")
            for job in page.items { result[job.string("name")] = job }
            skip += page.items.count
            if page["has_more"] != true { return result }
        }
    }

    /// Completes the named jobs with `complete_jobs`, in the given order; `failed` exit with 1.
    func complete(_ api: APIClient, _ w: String, _ names: [String], failed: Set<String> = []) async throws {
        let byName = try await jobs(api, w)
        var start = 0
        while start < names.count {
            let entries: [JSONValue] = names[start..<min(names.count, start + 500)].map { name in
                let job = byName[name] ?? .null
                return [
                    "job_key": job["_key"] ?? "", "status": "done", "rev": job["_rev"] ?? "",
                    "result": JobCompletionTests.result(job, code: failed.contains(name) ? 1 : 0),
                ]
            }
            let answer = try await api.post("/workflows/\(w)/jobs/complete_jobs", ["jobs": .array(entries)])
            #expect(answer.status == 200)
            #expect((answer["jobs"].arrayValue ?? []).allSatisfy { $0["code"] == 200 })
            start += 500
        }
    }

    static func blockers() -> [String] { (0..<width).map { "b\($0)" } }

    @Test(
        "a join with more blockers than a chunk is decided when the last completes; any failed one cancels it",
        arguments: [0, 1, 300, 599, nil])
    func wideJoin(failing: Int?) async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let names = Self.blockers()
            var spec: [JSONValue] = names.map { ["name": .string($0), "command": "c"] }
            let all = JSONValue.array(names.map { .string($0) })
            spec.append(["name": "join", "command": "c", "blocked_by": all])
            spec.append([
                "name": "tolerant", "command": "c", "blocked_by": all, "cancel_on_blocking_job_failure": false,
            ])
            spec.append(["name": "after", "command": "c", "blocked_by": ["join"]])
            let w = try await api.createSpecification(["jobs": .array(spec)])
            try await api.initialize(w)
            let failed: Set<String> = failing.map { ["b\($0)"] } ?? []
            // All but one blocker, a middle one last, so the join stays blocked until it completes.
            let last = "b450"
            try await complete(api, w, names.filter { $0 != last }, failed: failed)
            var statuses = try await api.statuses(w)
            #expect(statuses["join"] == "blocked" && statuses["tolerant"] == "blocked")
            #expect(statuses["after"] == "blocked")
            try await complete(api, w, [last])
            statuses = try await api.statuses(w)
            #expect(statuses["join"] == (failing == nil ? "ready" : "canceled"))
            #expect(statuses["after"] == (failing == nil ? "blocked" : "canceled"))
            #expect(statuses["tolerant"] == "ready", "a dependent that tolerates failures runs")
        }
    }

    @Test("a root with more dependents than a chunk releases them all")
    func wideRootReleases() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification(Self.fanOut(tolerantEvery: 0))
            try await api.initialize(w)
            try await complete(api, w, ["root"])
            let statuses = try await api.statuses(w)
            #expect(Self.blockers().allSatisfy { statuses[$0] == "ready" })
            #expect(statuses["sink"] == "blocked")
            #expect(statuses["root"] == "done")
        }
    }

    @Test("a failed root with more dependents than a chunk cancels those that ask for it, and their dependents")
    func wideRootCancels() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            // Every third dependent tolerates the failure.
            let w = try await api.createSpecification(Self.fanOut(tolerantEvery: 3))
            try await api.initialize(w)
            try await complete(api, w, ["root"], failed: ["root"])
            var statuses = try await api.statuses(w)
            for (i, name) in Self.blockers().enumerated() {
                #expect(statuses[name] == (i % 3 == 0 ? "ready" : "canceled"), "\(name)")
            }
            #expect(statuses["sink"] == "blocked", "the tolerant dependents are not complete yet")
            try await complete(api, w, Self.blockers().enumerated().filter { $0.offset % 3 == 0 }.map(\.element))
            statuses = try await api.statuses(w)
            #expect(statuses["sink"] == "canceled", "its canceled blockers failed")
            #expect(try await api.get("/workflows/is_complete/\(w)")["is_complete"] == true)
        }
    }

    @Test("a failed root cancels the whole cascade at once when no dependent tolerates it")
    func wideRootCascade() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification(Self.fanOut(tolerantEvery: 0))
            try await api.initialize(w)
            try await complete(api, w, ["root"], failed: ["root"])
            let statuses = try await api.statuses(w)
            #expect(Self.blockers().allSatisfy { statuses[$0] == "canceled" })
            #expect(statuses["sink"] == "canceled", "canceled in the same call, after every one of its blockers")
        }
    }

    @Test(
        "dependents sharing two blockers are each decided by both: a root that succeeded hides no failed one",
        arguments: [true, false])
    func sharedBlockers(otherFailed: Bool) async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            // Every dependent has the same two blockers, so their outcomes are learnt once and reused.
            var spec: [JSONValue] = [["name": "root", "command": "c"], ["name": "other", "command": "c"]]
            for (i, name) in Self.blockers().enumerated() {
                var job: JSONObject = ["name": .string(name), "command": "c", "blocked_by": ["root", "other"]]
                if i % 3 == 0 { job["cancel_on_blocking_job_failure"] = false }
                spec.append(.object(job))
            }
            let w = try await api.createSpecification(["jobs": .array(spec)])
            try await api.initialize(w)
            try await complete(api, w, ["other"], failed: otherFailed ? ["other"] : [])
            let waiting = try await api.statuses(w)
            #expect(Self.blockers().allSatisfy { waiting[$0] == "blocked" }, "root is not complete yet")
            try await complete(api, w, ["root"])
            let statuses = try await api.statuses(w)
            for (i, name) in Self.blockers().enumerated() {
                let expected = !otherFailed || i % 3 == 0 ? "ready" : "canceled"
                #expect(statuses[name] == expected, "\(name)")
            }
        }
    }

    /// `root`, `width` jobs blocked by it (every `tolerantEvery`-th one, from
    /// the first, tolerating failures; 0 for none) and `sink` blocked by all of them.
    static func fanOut(tolerantEvery: Int) -> JSONValue {
        var spec: [JSONValue] = [["name": "root", "command": "c"]]
        for (i, name) in blockers().enumerated() {
            var job: JSONObject = ["name": .string(name), "command": "c", "blocked_by": ["root"]]
            if tolerantEvery > 0 && i % tolerantEvery == 0 { job["cancel_on_blocking_job_failure"] = false }
            spec.append(.object(job))
        }
        spec.append(["name": "sink", "command": "c", "blocked_by": .array(blockers().map { .string($0) })])
        return ["jobs": .array(spec)]
    }
}
