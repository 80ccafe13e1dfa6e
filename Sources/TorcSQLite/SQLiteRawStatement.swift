import GRDB
import Foundation
import GRDBSQLite
import TorcCore

/// Binds, steps and reads one of GRDB's prepared statements through SQLite's
/// C API.
///
/// GRDB's `StatementArguments` and `Row` box every value (an existential per
/// argument, a `DatabaseValue` per binding, a `String` copy of every JSON body
/// in each direction). Bulk inserts and the job hand-out path bind and read
/// millions of values, so they use `sqlite3_bind_*` and `sqlite3_column_*`
/// directly, and stored bodies are parsed where SQLite keeps them. The
/// statement is reset and its bindings cleared after every use, as GRDB
/// expects of a cached statement it may hand out again.
struct SQLiteRawStatement {
    let statement: Statement
    let db: Database

    init(_ db: Database, _ sql: String) throws {
        self.init(db, try db.cachedStatement(sql: sql))
    }

    /// Wraps a statement whose arguments GRDB already bound.
    init(_ db: Database, _ statement: Statement) {
        self.db = db
        self.statement = statement
    }

    private var handle: OpaquePointer { statement.sqliteStatement }

    /// SQLite copies bound values before `bind` returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(handle, index, value)
    }

    func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: String?) {
        guard var value else {
            sqlite3_bind_null(handle, index)
            return
        }
        value.withUTF8 { bytes in
            _ = sqlite3_bind_text(handle, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
        }
    }

    func bind(_ index: Int32, _ value: Double) {
        sqlite3_bind_double(handle, index, value)
    }

    /// Binds any value GRDB can bind, without its `StatementArguments`.
    func bind(_ index: Int32, any value: any DatabaseValueConvertible) {
        switch value.databaseValue.storage {
        case .null: sqlite3_bind_null(handle, index)
        case .int64(let integer): bind(index, integer)
        case .double(let double): bind(index, double)
        case .string(let string): bind(index, Optional(string))
        case .blob(let data):
            data.withUnsafeBytes { bytes in
                _ = sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
            }
        }
    }

    /// Binds `values` to the parameters from `first` on.
    func bind(_ values: [any DatabaseValueConvertible], from first: Int32 = 1) {
        for (offset, value) in values.enumerated() { bind(first + Int32(offset), any: value) }
    }

    /// Runs a statement that returns no rows.
    func execute() throws {
        defer { reset() }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else { throw error(code) }
    }

    /// Runs a statement that returns no rows with UTF-8 text (a serialized
    /// JSON body) bound at `index`. The text is bound in place (SQLite's
    /// `SQLITE_STATIC`): it stays alive and unchanged until the step is done,
    /// so SQLite need not copy it.
    func execute(binding bytes: [UInt8], at index: Int32) throws {
        try bytes.withUnsafeBufferPointer { buffer in
            // A non-nil pointer also for an empty buffer: nil would bind NULL.
            let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
            sqlite3_bind_text(handle, index, base, Int32(buffer.count), nil)
            try execute()
        }
    }

    /// Runs a query, calling `body` for every row.
    func forEachRow(_ body: (SQLiteRawStatement) throws -> Void) throws {
        defer { reset() }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw error(code) }
            try body(self)
        }
    }

    func int64(_ column: Int32) -> Int64 {
        sqlite3_column_int64(handle, column)
    }

    /// The text in `column`, nil for NULL.
    func string(_ column: Int32) -> String? {
        // Text first, then its length (the order SQLite documents).
        guard let text = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The length in bytes of the text in `column` (0 for NULL).
    func byteCount(_ column: Int32) -> Int {
        Int(sqlite3_column_bytes(handle, column))
    }

    /// Parses the JSON object stored in `column` in place.
    func document(_ column: Int32) throws -> Document {
        // Text first, then its length (the order SQLite documents).
        let text = sqlite3_column_text(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        guard let text, case .object(let body) = try JSONParser.parse(UnsafeBufferPointer(start: text, count: count))
        else {
            throw StoreError.failure("stored document is not an object")
        }
        return Document(body)
    }

    /// A document from projection columns: `names[i]` is column `first + i`,
    /// holding the attribute's JSON text, or NULL when the document lacks it.
    func projectedDocument(from first: Int32, names: [String]) throws -> Document {
        var body = JSONObject()
        for (offset, name) in names.enumerated() {
            let column = first + Int32(offset)
            guard sqlite3_column_type(handle, column) != SQLITE_NULL else { continue }
            let text = sqlite3_column_text(handle, column)
            let count = Int(sqlite3_column_bytes(handle, column))
            guard let text else { continue }
            body[name] = try JSONParser.parse(UnsafeBufferPointer(start: text, count: count))
        }
        return Document(body)
    }

    private func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    private func error(_ code: Int32) -> DatabaseError {
        let message = sqlite3_errmsg(db.sqliteConnection).map { String(cString: $0) }
        return DatabaseError(
            resultCode: ResultCode(rawValue: sqlite3_extended_errcode(db.sqliteConnection)), message: message)
    }
}
