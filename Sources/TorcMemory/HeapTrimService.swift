import Dispatch
import Foundation
import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// Gives the free heap memory of bulk requests back to the operating system,
/// from the background, never on a request.
///
/// glibc returns freed memory to its arenas, not to the system, unless it lies
/// at the top of the heap: after a 100,000-job specification is stored, hundreds
/// of megabytes sit free but resident. `malloc_trim` releases them, but it walks
/// and locks every arena, so it must not run on a request thread (it used to run
/// after slow or large requests, in the HTTP layer) nor often.
///
/// This service looks at resident memory once per `interval` (one read of
/// `/proc/self/statm`). It trims when resident memory has grown at least `growth`
/// above what it was after the last trim and then stopped growing for one
/// interval, i.e. after a burst of allocation has ended; the trim runs on a
/// dispatch thread. Afterwards the resident size becomes the new reference, so
/// memory that stays live is never trimmed twice.
public struct HeapTrimService: Service {
    /// How often resident memory is read.
    let interval: Duration
    /// Growth of resident memory (bytes) since the last trim that calls for one.
    let growth: Int
    let logger: Logger

    public init(interval: Duration = .seconds(1), growth: Int = 64 << 20, logger: Logger) {
        self.interval = interval
        self.growth = growth
        self.logger = logger
    }

    public func run() async throws {
        guard var reference = ResidentMemory.bytes() else { return await waitForShutdown() }
        var previous = reference
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            guard let resident = ResidentMemory.bytes() else { return }
            var decision = TrimPolicy.decide(reference: reference, previous: previous, resident: resident, growth: growth)
            if decision == .trim {
                let before = resident
                await Self.trimOffPool()
                let after = ResidentMemory.bytes() ?? resident
                logger.debug("heap trimmed: resident \(before >> 20) MB -> \(after >> 20) MB")
                decision = .rebase(after)
            }
            if case .rebase(let bytes) = decision { reference = bytes }
            previous = ResidentMemory.bytes() ?? resident
        }
    }

    private func waitForShutdown() async {
        try? await gracefulShutdown()
    }

    /// Runs `malloc_trim` on a dispatch thread and waits for it.
    static func trimOffPool() async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                AllocatorTuning.trim()
                continuation.resume()
            }
        }
    }
}

/// The trim rule of `HeapTrimService`, apart so that it can be tested.
enum TrimPolicy: Equatable {
    /// Nothing to do.
    case wait
    /// Trim now.
    case trim
    /// No trim; measure growth from this resident size from now on.
    case rebase(Int)

    /// `reference`: resident bytes after the last trim (or the lowest seen
    /// since); `previous`: resident bytes one interval ago; `resident`: now.
    static func decide(reference: Int, previous: Int, resident: Int, growth: Int) -> TrimPolicy {
        if resident < reference { return .rebase(resident) }
        guard resident - reference >= growth else { return .wait }
        // Still growing: a bulk request is under way; trimming now would only
        // take the arena locks from it.
        if resident > previous + growth / 8 { return .wait }
        return .trim
    }
}

/// Resident memory of this process.
enum ResidentMemory {
    /// Bytes resident now, from `/proc/self/statm`; `nil` where there is none.
    static func bytes() -> Int? {
        #if os(Linux)
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * pageSize
        #else
        return nil
        #endif
    }

    #if os(Linux)
    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    #endif
}
