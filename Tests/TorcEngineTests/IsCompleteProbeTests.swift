import Testing
import TorcCore
import TorcSQLite
@testable import TorcEngine

/// `is_complete` is polled by every runner: on a workflow of a million ready
/// jobs it must cost what it costs on a thousand.
@Suite("is_complete probes at any size")
struct IsCompleteProbeTests {
    static let jobs = CollectionName("jobs__1")

    @Test("each unfinished-status probe asks for one job in any order")
    func probesAreUnordered() {
        let probes = WorkflowDatabase.unfinishedProbes(Self.jobs)
        #expect(!probes.isEmpty)
        for probe in probes {
            #expect(probe.anyOrder && probe.limit == 1 && probe.filters.count == 1, "\(probe)")
        }
    }

    @Test("on the embedded store a probe reads one entry of the status index, without sorting")
    func probePlans() throws {
        for probe in WorkflowDatabase.unfinishedProbes(Self.jobs) {
            let plan = try SQLiteDiagnostics.queryPlan(of: probe)
            #expect(plan.contains("USING INDEX documents_status_rank (cid=? AND status=?)"), "\(plan)")
            #expect(!plan.contains("TEMP B-TREE"), "no sort: \(plan)")
        }
        // The same probe in creation order would sort every job in the status.
        let ordered = try SQLiteDiagnostics.queryPlan(
            of: DocumentQuery(Self.jobs, filters: [.equal("status", "ready")], limit: 1))
        #expect(ordered.contains("TEMP B-TREE") || !ordered.contains("documents_status_rank"), "\(ordered)")
    }

    @Test("the completeness comparison counts come from the count tables on the embedded store")
    func countPlans() throws {
        for filters: [FieldPredicate] in [[], [WorkflowDatabase.finishedFilter]] {
            let plan = try #require(try SQLiteDiagnostics.countPlan(where: filters))
            #expect(!plan.contains("documents"), "\(plan)")
        }
    }
}
