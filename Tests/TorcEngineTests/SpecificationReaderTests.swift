import Testing
import TorcCore

@testable import TorcEngine

/// The workflow specification reader (`WorkflowSpecification`) reads the
/// `jobs` one at a time from the request text; its answers to bad bodies must
/// be exactly those of a whole-body parse and validation.
@Suite("Specification reader")
struct SpecificationReaderTests {
    /// The 400 the reader gives for `text`, `nil` when it accepts it.
    static func readerError(_ text: String) -> ServiceError? {
        do {
            _ = try Array(text.utf8).withJSONBytes { try WorkflowSpecification($0) }
            return nil
        } catch let error as ServiceError {
            return error
        } catch {
            return .internalError
        }
    }

    /// The 400 that parsing the whole text and validating it as one value gives.
    static func wholeBodyError(_ text: String) -> ServiceError? {
        do {
            let value = try JSONParser.parse(text)
            _ = try WorkflowSpecification.schema.validateBody(value)
            return nil
        } catch let error as JSONParseError {
            return .badRequest(error.message)
        } catch {
            return error as? ServiceError ?? .internalError
        }
    }

    @Test(
        "syntax and schema errors are those of a whole-body parse and validation, in the same order",
        arguments: [
            #"{"jobs": [{"command": "a"}, {"command": "b"}, {"name": "c"}]}"#,
            #"{"jobs": [{"command": "a"}, {"command": "b", "supports_termination": "maybe"}]}"#,
            #"{"jobs": [{"command": "a", "blocked_by": "x"}]}"#,
            #"{"jobs": [{"command": "a", "unknown": 1}]}"#,
            #"{"jobs": [{"x": 1}], "files": 5}"#,
            #"{"files": 5, "jobs": [{"x": 1}]}"#,
            #"{"jobs": [{"command": "a"}], "color": "blue"}"#,
            #"{"jobs": 7}"#,
            #"{"jobs": [1]}"#,
            #"{"jobs": [{"command": "a"}], "jobs": [{"command": ""}]}"#,
            #"{"jobs": [{"command": ""}], "jobs": [{"command": "a"}], "name": 3}"#,
            #"{"config": []}"#,
            #"{"jobs": [{"command": "a"}, {"command": "b", "priority": 1.5}]}"#,
            #"{"jobs": [{"command": "a"}, {"command": "b" "x"}]}"#,
            #"{"jobs": [{"command": "a"}, {"command": "b"}"#,
            #"{"jobs": [{"command": "a"}] trailing"#,
            #"{"jobs": [{"command": "\ud800"}]}"#,
        ])
    func sameErrors(text: String) throws {
        let expected = try #require(Self.wholeBodyError(text), "the case must be invalid")
        #expect(Self.readerError(text) == expected)
    }

    @Test("empty, blank and non-object bodies", arguments: ["", " \n\t ", "[1]", "\"s\"", "null"])
    func notAnObject(text: String) {
        let expected =
            text.allSatisfy({ " \n\t".contains($0) })
            ? ServiceError.badRequest("request body is required") : .badRequest("request body must be an object")
        #expect(Self.readerError(text) == expected)
    }

    @Test("jobs are validated with defaults filled in and converted values, as a whole-body validation does")
    func validatedJobs() throws {
        let text = #"{"jobs": [{"name": "a", "command": "c", "supports_termination": "TRUE", "priority": 2.0}]}"#
        let expected = try WorkflowSpecification.schema.validateBody(try JSONParser.parse(text))
        let spec = try Array(text.utf8).withJSONBytes { try WorkflowSpecification($0) }
        let job = try Array(text.utf8).withJSONBytes { try spec.jobs.element($0, 0) }
        #expect(.object(job) == expected["jobs"]?.arrayValue?.first)
    }

    @Test("references are kept as indexes per job")
    func references() throws {
        let text = #"""
            {"files": [{"name": "f", "path": "p"}, {"name": "g", "path": "q"}],
             "resource_requirements": [{"name": "r", "memory": "1g"}],
             "schedulers": {"local_schedulers": [{"name": "l"}]},
             "jobs": [{"name": "a", "command": "x", "output_files": ["g", "f"]},
                      {"name": "b", "command": "y", "input_files": ["f"], "blocked_by": ["a"],
                       "resource_requirements": "r", "scheduler": "local_schedulers/l", "user_data": [{"k": 1}]}]}
            """#
        let spec = try Array(text.utf8).withJSONBytes { try WorkflowSpecification($0) }
        let refs = spec.references
        #expect(Array(refs.outputs[0]) == [1, 0] && Array(refs.outputs[1]) == [])
        #expect(Array(refs.inputs[0]) == [] && Array(refs.inputs[1]) == [0])
        #expect(Array(refs.blockedBy[1]) == [0])
        #expect(refs.requirement == [-1, 0])
        #expect(refs.schedulerEntry == [-1, 0])
        #expect(refs.withUserData == [1])
    }
}
