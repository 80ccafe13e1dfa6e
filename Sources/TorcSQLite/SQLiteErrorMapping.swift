import GRDB
import TorcCore

/// SQLite's failures as store errors, in one place for transactions and the store.
enum SQLiteErrorMapping {
    /// Busy and locked databases may be retried (503); a full disk (507) and a read-only
    /// file or file system (503) refuse the write, which SQLite rolled back, while reads
    /// go on; writes succeed again once space returns or the files are writable. I/O
    /// errors are answered as unavailable; anything else is a failure.
    static func storeError(_ error: DatabaseError) -> StoreError {
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .unavailable("database is busy")
        case .SQLITE_FULL:
            return .storageFull("the disk holding the data directory is full")
        case .SQLITE_READONLY:
            return .readOnly("the data directory or database file is read-only")
        case .SQLITE_IOERR, .SQLITE_CANTOPEN:
            return .unavailable("the data directory cannot be written: \(error.message ?? "I/O error")")
        default:
            return .failure("SQLite: \(error.message ?? error.description)")
        }
    }
}
