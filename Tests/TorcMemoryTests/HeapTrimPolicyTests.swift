import Testing
@testable import TorcMemory

/// When the background service trims the heap: after a burst of allocation has
/// ended, never while it is under way, and not again for memory that stays live.
@Suite("Heap trim policy")
struct HeapTrimPolicyTests {
    static let megabyte = 1 << 20
    static let growth = 64 * megabyte

    func decide(reference: Int, previous: Int, resident: Int) -> TrimPolicy {
        TrimPolicy.decide(
            reference: reference * Self.megabyte, previous: previous * Self.megabyte,
            resident: resident * Self.megabyte, growth: Self.growth)
    }

    @Test("no trim while resident memory stays near the reference")
    func quiet() {
        #expect(decide(reference: 50, previous: 50, resident: 60) == .wait)
        #expect(decide(reference: 50, previous: 60, resident: 110) == .wait)
    }

    @Test("no trim while memory is still growing: a bulk request is under way")
    func growing() {
        #expect(decide(reference: 50, previous: 150, resident: 300) == .wait)
    }

    @Test("a trim once the growth has stopped")
    func afterBurst() {
        #expect(decide(reference: 50, previous: 300, resident: 300) == .trim)
        #expect(decide(reference: 50, previous: 300, resident: 302) == .trim)
    }

    @Test("memory that fell by itself becomes the new reference")
    func falls() {
        #expect(decide(reference: 300, previous: 120, resident: 100) == .rebase(100 * Self.megabyte))
    }

    @Test("the service trims on its own thread and the process keeps running")
    func trimRuns() async {
        await HeapTrimService.trimOffPool()
        #expect(ResidentMemory.bytes().map { $0 > 0 } ?? true)
    }
}
