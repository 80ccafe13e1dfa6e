import Testing

@testable import TorcEngine

/// docs/job-lifecycle.md, "Completion": what one completion learns of its
/// dependents' blockers (`FailureMemo`) is kept, up to a bound.
@Suite("Blocker failure memo")
struct FailureMemoTests {
    @Test("keeps both outcomes and answers nil for a job not yet decided")
    func keeps() {
        var memo = FailureMemo()
        memo["jobs__1/2"] = true
        memo["jobs__1/3"] = false
        #expect(memo["jobs__1/2"] == true)
        #expect(memo["jobs__1/3"] == false)
        #expect(memo["jobs__1/4"] == nil)
    }

    @Test("past its capacity it keeps what it has and takes no new jobs")
    func bounded() {
        var memo = FailureMemo()
        for i in 0..<FailureMemo.capacity { memo["jobs__1/\(i)"] = false }
        memo["jobs__1/new"] = true
        #expect(memo["jobs__1/new"] == nil, "a full memo takes no new job")
        memo["jobs__1/0"] = true
        #expect(memo["jobs__1/0"] == true, "a known job may still be updated")
    }
}
