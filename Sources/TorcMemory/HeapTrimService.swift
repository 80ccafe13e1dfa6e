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
/// `/proc/self/statm`). It trims when resident memory is at least `growth` above
/// the lowest level seen, has stopped growing for one interval (a burst of
/// allocation has ended) and the allocator holds at least `growth / 2` bytes
/// free (memory that is live cannot be given back, so it is not trimmed for);
/// the trim runs on a dispatch thread.
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
        var lastTrim: Int?
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            guard let resident = ResidentMemory.bytes() else { return }
            let decision = TrimPolicy.decide(
                reference: reference, previous: previous, resident: resident, growth: growth, lastTrim: lastTrim,
                freeBytes: AllocatorTuning.freeBytes)
            switch decision {
            case .trim:
                await Self.trimOffPool()
                let after = ResidentMemory.bytes() ?? resident
                logger.debug("heap trimmed: resident \(resident >> 20) MB -> \(after >> 20) MB")
                reference = min(reference, after)
                lastTrim = after
            case .rebase(let bytes):
                reference = bytes
            case .wait:
                break
            }
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

    /// `reference`: the lowest resident size seen; `previous`: resident bytes
    /// one interval ago; `resident`: now; `freeBytes`: what the allocator holds
    /// free, read only when everything else calls for a trim; `lastTrim`: the
    /// resident size right after the last trim, if any.
    static func decide(
        reference: Int, previous: Int, resident: Int, growth: Int, lastTrim: Int? = nil, freeBytes: () -> Int
    ) -> TrimPolicy {
        if resident < reference { return .rebase(resident) }
        guard resident - reference >= growth else { return .wait }
        // Nothing new since the last trim: what it left could not be given back.
        if let lastTrim, resident <= lastTrim + growth / 4 { return .wait }
        // Still growing: a bulk request is under way; trimming now would only
        // take the arena locks from it.
        if resident > previous + growth / 8 { return .wait }
        // Live data: nothing to give back.
        guard freeBytes() >= growth / 2 else { return .wait }
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
