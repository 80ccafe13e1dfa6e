import TorcCore

/// A failed conformance expectation.
public struct ConformanceFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String, file: StaticString = #fileID, line: UInt = #line) {
        description = "\(message) (\(file):\(line))"
    }
}

/// One named check of the store contract, run against any backend.
public struct StoreConformanceCheck: Sendable, CustomStringConvertible {
    public let name: String
    public let run: @Sendable (any DocumentStore) async throws -> Void
    public var description: String { name }

    public init(_ name: String, _ run: @escaping @Sendable (any DocumentStore) async throws -> Void) {
        self.name = name
        self.run = run
    }
}

/// Expectations that throw `ConformanceFailure`, so the suite needs no test framework.
public enum Expect {
    public static func equal<T: Equatable>(
        _ actual: T, _ expected: T, _ what: String = "", file: StaticString = #fileID, line: UInt = #line
    ) throws {
        guard actual == expected else {
            throw ConformanceFailure("\(what): expected \(expected), got \(actual)", file: file, line: line)
        }
    }

    public static func isTrue(_ condition: Bool, _ what: String, file: StaticString = #fileID, line: UInt = #line)
        throws
    {
        guard condition else { throw ConformanceFailure(what, file: file, line: line) }
    }

    /// Runs `body` and requires it to throw `expected`.
    public static func throwsError(
        _ expected: (StoreError) -> Bool, _ what: String, file: StaticString = #fileID, line: UInt = #line,
        _ body: () async throws -> Void
    ) async throws {
        do {
            try await body()
        } catch let error as StoreError {
            guard expected(error) else {
                throw ConformanceFailure("\(what): unexpected \(error)", file: file, line: line)
            }
            return
        }
        throw ConformanceFailure("\(what): no error", file: file, line: line)
    }
}

/// Fresh per-check collection names, so checks are independent on a shared store.
public enum Scratch {
    /// A new workflow-style key.
    public static func workflowKey() -> String {
        "c\(UInt32.random(in: 0...UInt32.max))x\(UInt16.random(in: 0...UInt16.max))"
    }

    /// Creates the 23 collections of a fresh workflow key and returns the key.
    public static func workflow(_ store: any DocumentStore) async throws -> String {
        let key = workflowKey()
        try await store.write(.workflow(key)) { writer in
            try writer.createCollections(WorkflowCollection.allCases.map { CollectionName($0, workflow: key) })
        }
        return key
    }
}
