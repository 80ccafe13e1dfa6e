import Testing
import TorcCore

@testable import TorcEngine

/// docs/job-lifecycle.md, "Initialization": the graph pass of initialize_jobs
/// over numbered handles (`HandleTable`, `Adjacency`).
@Suite("Initialization plan")
struct InitializationPlanTests {
    private static func edges(_ pairs: [(String, String)]) -> [EdgeHandles] {
        pairs.map { EdgeHandles(from: $0.0, to: $0.1) }
    }

    private static func job(_ key: String, status: String = "uninitialized") -> Document {
        Document([
            "_key": .string(key), "_id": .string("jobs__1/\(key)"), "_rev": "_1", "name": .string(key),
            "status": .string(status),
        ])
    }

    private static func plan(
        jobs: [String], done: Set<String> = [], files: [String], produces: [(String, String)],
        needs: [(String, String)], blocks: [(String, String)] = [], requires: [(String, String)] = []
    ) throws -> InitializationPlan {
        let ids = jobs.map { "jobs__1/\($0)" }
        return try InitializationPlan(
            jobIDs: ids, doneIDs: Set(done.map { "jobs__1/\($0)" }), activeIDs: ids,
            fileIDs: files.map { "files__1/\($0)" },
            produces: { edges(produces.map { ("jobs__1/\($0.0)", "files__1/\($0.1)") }) },
            needs: { edges(needs.map { ("jobs__1/\($0.0)", "files__1/\($0.1)") }) },
            blocks: { edges(blocks.map { ("jobs__1/\($0.0)", "jobs__1/\($0.1)") }) },
            requires: { edges(requires.map { ("jobs__1/\($0.0)", "resource_requirements__1/\($0.1)") }) },
            scheduledBys: { [] }, requirements: [], schedulers: [])
    }

    @Test("handles are numbered once, in order of first sight")
    func numbering() {
        var table = HandleTable()
        #expect(table.number("jobs__1/7") == 0)
        #expect(table.number("files__1/8") == 1)
        #expect(table.number("jobs__1/7") == 0)
        #expect(table.count == 2 && table[1] == "files__1/8" && table.lookup("jobs__1/9") == nil)
        let pairs = table.pairs(Self.edges([("jobs__1/7", "jobs__1/9"), ("jobs__1/9", "files__1/8")]))
        #expect(pairs == [NumberedEdge(from: 0, to: 2), NumberedEdge(from: 2, to: 1)])
    }

    @Test("adjacency groups by either end and keeps each group's order")
    func adjacency() {
        let edges = [
            NumberedEdge(from: 2, to: 0), NumberedEdge(from: 1, to: 0), NumberedEdge(from: 2, to: 1),
            NumberedEdge(from: 0, to: 0),
        ]
        let byFrom = Adjacency(edges, count: 3)
        #expect(Array(byFrom[2]) == [0, 1] && Array(byFrom[1]) == [0] && Array(byFrom[0]) == [0])
        let byTo = Adjacency(edges, count: 3, byTo: true)
        #expect(Array(byTo[0]) == [2, 1, 0] && Array(byTo[1]) == [2] && byTo[2].isEmpty)
        #expect(byTo[7].isEmpty && byTo[-1].isEmpty, "a number beyond the table has no edges")
    }

    @Test("derived blocks: file order, then producer and consumer edge order; no duplicates of stored edges")
    func derivationOrder() throws {
        let plan = try Self.plan(
            jobs: ["p", "q", "a", "b"], files: ["g", "f"],
            produces: [("q", "f"), ("p", "f"), ("a", "g")],
            needs: [("b", "f"), ("a", "f"), ("b", "g"), ("a", "g")],
            blocks: [("p", "a")])
        let derived = plan.newBlocks(0..<plan.newBlockCount).map { "\($0.from) \($0.to)" }
        #expect(
            derived == [
                "jobs__1/a jobs__1/b", // file g: producer a, consumers b and a (no self-edge)
                "jobs__1/q jobs__1/b", "jobs__1/q jobs__1/a", // file f: producer q first
                "jobs__1/p jobs__1/b", // p -> a is stored already
            ])
        #expect(try plan.change(of: Self.job("p"))?.status == .ready)
        #expect(try plan.change(of: Self.job("q"))?.status == .ready)
        #expect(try plan.change(of: Self.job("a"))?.status == .blocked)
        #expect(try plan.change(of: Self.job("b"))?.status == .blocked)
    }

    @Test("blocked is the closure below jobs that are not done")
    func closure() throws {
        // d (done) -> e -> f; g (not done) -> h (done) -> i.
        let plan = try Self.plan(
            jobs: ["d", "e", "f", "g", "h", "i"], done: ["d", "h"], files: [], produces: [], needs: [],
            blocks: [("d", "e"), ("e", "f"), ("g", "h"), ("h", "i")])
        let statuses = try ["d", "e", "f", "g", "h", "i"].map { key in
            try plan.change(of: Self.job(key, status: ["d", "h"].contains(key) ? "done" : "uninitialized"))?.status
        }
        #expect(statuses == [.done, .ready, .blocked, .ready, .blocked, .blocked])
    }

    @Test("a job bound to two requirements is refused")
    func twoRequirements() throws {
        let plan = try Self.plan(
            jobs: ["j", "k"], files: [], produces: [], needs: [], requires: [("j", "1"), ("j", "2"), ("k", "1")])
        #expect(throws: ServiceError.self) { try plan.change(of: Self.job("j")) }
        #expect(try plan.change(of: Self.job("k"))?.status == .ready)
    }
}
