import Foundation
import HTTPTypes
import Testing
import TorcCore

/// docs/routes.md, "Workflows": a specification is read from the request text
/// a job at a time and written in chunks inside one transaction; large ones
/// come back exactly as sent, and bad ones anywhere in the list create nothing.
@Suite("Large workflow specifications", .serialized)
struct LargeSpecificationTests {
    /// More than one chunk of the writer on the embedded store; fewer on the
    /// ArangoDB emulator, which stores a few thousand documents a second.
    static let jobCount = TestStore.isArango ? 3_000 : 20_000

    /// The user data of job `i`: every kind of value, escapes and unicode.
    static func userData(_ i: Int) -> JSONObject {
        [
            "i": .int(Int64(i)), "f": .double(Double(i) + 0.5), "one": .double(1.0), "big": .int(9_007_199_254_740_993),
            "s": .string("é\"\\/ \u{1F600}\t job \(i)"), "nested": [[.int(Int64(i))], [[0.25, -3e-7]], []],
            "none": .null, "t": true,
        ]
    }

    /// Job `i`: reads the shared input, writes its own output; some are
    /// blocked by the job before them, some by the job after them.
    static func job(_ i: Int) -> JSONObject {
        var job: JSONObject = [
            "name": .string("job \(i)"), "command": .string("run --index \(i) \"quoted\""),
            "input_files": ["in"], "output_files": [.string("out \(i)")],
            "user_data": [.object(userData(i))],
        ]
        if i % 50 == 1 { job["blocked_by"] = [.string("job \(i - 1)")] }
        if i % 50 == 25 && i + 1 < jobCount { job["blocked_by"] = [.string("job \(i + 1)")] }
        if i % 3 == 0 { job["priority"] = .int(Int64(i % 7)) }
        return job
    }

    /// The specification text, with whitespace between its elements and the
    /// `jobs` before the files they name.
    static func text(jobs: [JSONObject]) -> String {
        let files =
            [#"{"name": "in", "path": "in.dat"}"#]
            + (0..<jobs.count).map { #"{"name":"out \#($0)","path":"out/\#($0)"}"# }
        return "{ \"jobs\" :\n [\n\t" + jobs.map { JSONWriter.string(.object($0)) }.joined(separator: " ,\n\t")
            + "\n],\r\n \"name\": \"big\", \"files\": [" + files.joined(separator: ",") + "] }\n"
    }

    @Test("20,000 jobs (3,000 on ArangoDB) with files, dependencies and user data come back exactly as sent")
    func roundTrip() async throws {
        let jobs = (0..<Self.jobCount).map(Self.job)
        let text = Self.text(jobs: jobs)
        try await APIClient.withService { (api: APIClient) async throws in
            let created = try await api.raw(.post, "/workflow_specifications", body: text)
            try #require(created.status == 200, "\(created.json)")
            let w = created.string("_key")
            #expect(try await api.get("/workflows/\(w)")["name"] == "big")
            #expect(try await api.get("/workflows/\(w)/files")["total_count"] == .int(Int64(Self.jobCount + 1)))
            #expect(try await api.get("/workflows/\(w)/user_data")["total_count"] == .int(Int64(Self.jobCount)))
            let back = try await api.get("/workflow_specifications/\(w)")
            var byName: [String: JSONValue] = [:]
            for job in back["jobs"].arrayValue ?? [] { byName[job["name"]?.stringValue ?? ""] = job }
            #expect(byName.count == Self.jobCount)
            var mismatches = 0
            for (i, sent) in jobs.enumerated() {
                guard let got = byName["job \(i)"] else {
                    mismatches += 1
                    continue
                }
                let data = got["user_data"]?.arrayValue?.first?.objectValue ?? [:]
                let expected = Self.userData(i)
                let sameData =
                    data.count == expected.count && expected.allSatisfy { data[$0.key] == api.stored($0.value) }
                let same =
                    sameData && got["command"] == sent["command"] && got["input_files"] == ["in"]
                    && got["output_files"] == sent["output_files"] && got["blocked_by"] == (sent["blocked_by"] ?? [])
                    && got["priority"] == sent["priority"]
                if !same {
                    mismatches += 1
                    if mismatches <= 3 { Issue.record("job \(i) came back as \(JSONWriter.string(got))") }
                }
            }
            #expect(mismatches == 0)
            #expect(
                try await api.get("/workflows/\(w)/edges/blocks")["total_count"]
                    == .int(Int64(jobs.count(where: { $0["blocked_by"] != nil }))))
            try await api.initialize(w)
            let statuses = try await api.statuses(w)
            #expect(statuses["job 1"] == "blocked" && statuses["job 2"] == "ready")
        }
    }

    @Test("a bad reference in the last job is the usual 400 and creates nothing")
    func badLastJob() async throws {
        var jobs = (0..<Self.jobCount).map(Self.job)
        jobs[jobs.count - 1]["input_files"] = ["nope"]
        let text = Self.text(jobs: jobs)
        try await APIClient.withService { (api: APIClient) async throws in
            let response = try await api.raw(.post, "/workflow_specifications", body: text)
            #expect(
                response.status == 400
                    && response.message.hasPrefix("Invalid input file=nope in {\"name\":\"job \(Self.jobCount - 1)\""))
            #expect(try await api.get("/workflows")["total_count"] == 0)
        }
    }

    @Test(
        """
        a key conflict late in the list (after the first chunk is written, on the embedded store) rolls the whole \
        workflow back
        """
    )
    func conflictAfterFirstChunk() async throws {
        var jobs = (0..<Self.jobCount).map(Self.job)
        jobs[5]["key"] = "same"
        let valid = Self.text(jobs: jobs)
        jobs[jobs.count - 2]["key"] = "same"
        let text = Self.text(jobs: jobs)
        try await APIClient.withService { (api: APIClient) async throws in
            let response = try await api.raw(.post, "/workflow_specifications", body: text)
            #expect(response.status == 400 && response["error"] == true, "\(response.json)")
            #expect(try await api.get("/workflows")["total_count"] == 0)
            // The same specification without the conflict is then accepted in full.
            let again = try await api.raw(.post, "/workflow_specifications", body: valid)
            #expect(again.status == 200)
            #expect(try await api.get("/workflows/\(again.string("_key"))/jobs/same")["name"] == "job 5")
        }
    }

    @Test("truncated and malformed bodies answer 400 with the parser's message and create nothing")
    func malformed() async throws {
        let text = Self.text(jobs: (0..<3).map(Self.job))
        let bytes = Array(text.utf8)
        let bodies =
            stride(from: 1, to: bytes.count, by: 37).map { String(decoding: bytes[0..<$0], as: UTF8.self) }
            + [text + "x", text.replacingOccurrences(of: "\"in\"", with: "'in'"), "{\"jobs\": [1,]}"]
        try await APIClient.withService { (api: APIClient) async throws in
            for body in bodies {
                var expected = ""
                do { _ = try JSONParser.parse(body) } catch let error as JSONParseError { expected = error.message }
                let response = try await api.raw(.post, "/workflow_specifications", body: body)
                #expect(response.status == 400 && response.message == expected, "\(body.suffix(20))")
            }
            #expect(try await api.get("/workflows")["total_count"] == 0)
        }
    }
}
