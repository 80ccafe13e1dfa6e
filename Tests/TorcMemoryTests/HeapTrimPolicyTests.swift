import Testing
@testable import TorcMemory

/// When the background service trims the heap: after a burst of allocation has
/// ended, never while it is under way, and not again for memory that stays live.
@Suite("Heap trim policy")
struct HeapTrimPolicyTests {
    static let megabyte = 1 << 20
    static let growth = 64 * megabyte

    func decide(reference: Int, previous: Int, resident: Int, free: Int = 200) -> TrimPolicy {
        TrimPolicy.decide(
            reference: reference * Self.megabyte, previous: previous * Self.megabyte,
            resident: resident * Self.megabyte, growth: Self.growth, freeBytes: { free * Self.megabyte })
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

    @Test("no trim for memory that is live: the allocator holds little free")
    func live() {
        #expect(decide(reference: 50, previous: 300, resident: 300, free: 10) == .wait)
    }

    @Test("after a trim that could not give much back, a later burst's free memory is still trimmed")
    func laterBurst() {
        // The reference stays at the lowest level seen, not at a level reached while a request ran.
        #expect(decide(reference: 50, previous: 390, resident: 390, free: 250) == .trim)
    }

    @Test("no second trim when nothing was allocated since the last one")
    func noRepeat() {
        let megabyte = Self.megabyte
        let again = TrimPolicy.decide(
            reference: 50 * megabyte, previous: 300 * megabyte, resident: 300 * megabyte, growth: Self.growth,
            lastTrim: 295 * megabyte, freeBytes: { 100 * megabyte })
        #expect(again == .wait)
        let newBurst = TrimPolicy.decide(
            reference: 50 * megabyte, previous: 390 * megabyte, resident: 390 * megabyte, growth: Self.growth,
            lastTrim: 295 * megabyte, freeBytes: { 100 * megabyte })
        #expect(newBurst == .trim)
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
