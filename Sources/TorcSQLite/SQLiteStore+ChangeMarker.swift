import GRDB
import TorcCore

/// SQLite's `PRAGMA data_version` on the writer connection: it changes exactly
/// when another connection (another service process on the same file) has
/// committed, and costs no table read. This process's own commits are signalled
/// to waiting hand-outs directly and do not move it.
extension SQLiteStore: ExternalChangeMarking {
    public func externalChangeMarker() async throws -> Int64 {
        try await writer.writeWithoutTransaction { db in
            try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0
        }
    }
}
