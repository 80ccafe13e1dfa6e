import Testing
import TorcCore
@testable import TorcArango

/// How ArangoDB's error answers reach the client: a transaction ArangoDB aborted on its own
/// (idle timeout, restart) is a temporary condition (503), never an internal error (500).
@Suite("ArangoDB: error mapping")
struct ArangoErrorMappingTests {
    @Test("An aborted or vanished stream transaction answers 503", arguments: [1653, 1655])
    func abortedTransaction(errorNum: Int) {
        let error = ArangoErrorMapping.storeError(
            errorNum: errorNum, message: "transaction '124' was already aborted", status: 400, collection: "", key: "")
        guard case .unavailable = error else {
            Issue.record("\(errorNum) maps to \(error)")
            return
        }
        #expect(error.errorNum == 503)
    }
}
