import Foundation
import Testing
import TorcCore

/// Long-poll hand-out: `prepare_jobs_for_submission?wait_seconds=N` answers as
/// soon as jobs that fit become ready, or with the usual empty answer when the
/// time runs out.
@Suite("Long-poll hand-out")
struct LongPollHandOutTests {
    static let worker: JSONValue = ["num_cpus": 1, "memory_gb": 1]

    /// `first` blocks `second`; initialized, so only `first` is ready.
    func chain(_ api: APIClient) async throws -> String {
        let w = try await api.createSpecification([
            "jobs": [
                ["name": "first", "command": "a"],
                ["name": "second", "command": "b", "blocked_by": ["first"]],
            ]
        ])
        try await api.initialize(w)
        return w
    }

    func names(_ response: APIResponse) -> [String] {
        (response["jobs"].arrayValue ?? []).map { $0.string("name") }
    }

    /// Completes a handed-out job as done.
    func complete(_ api: APIClient, _ w: String, _ job: JSONValue) async throws {
        let key = job.string("_key")
        let done = try await api.post(
            "/workflows/\(w)/jobs/complete_job/\(key)/done/\(job.string("_rev"))",
            [
                "job_key": .string(key), "job_name": job["name"] ?? "", "run_id": 1, "return_code": 0,
                "exec_time_minutes": 0.1, "completion_time": "2026-12-07T01:00:00", "status": "done",
            ])
        #expect(done.status == 200)
    }

    @Test("a waiting call is answered when a completion makes a job ready")
    func wakeOnCompletion() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await chain(api)
            let first = try await api.post("/workflows/prepare_jobs_for_submission/\(w)", Self.worker)
            #expect(names(first) == ["first"])
            // The call may wait 300 s; an answer well before that came from the wake-up, not from the
            // time-out (whose last look would find the job too). The margin is wide on purpose: on
            // ArangoDB every test of the run shares one emulator, which answers one request at a time,
            // so another suite's large request can hold this one's for tens of seconds. The wake-up's
            // latency itself is measured by the benchmark (`--scenarios long_poll`), not here.
            let started = ContinuousClock.now
            async let waited = api.post("/workflows/prepare_jobs_for_submission/\(w)?wait_seconds=300", Self.worker)
            try await Task.sleep(for: .milliseconds(300))
            try await complete(api, w, first["jobs"].arrayValue?.first ?? .null)
            let answer = try await waited
            let elapsed = ContinuousClock.now - started
            #expect(names(answer) == ["second"], "the newly ready job is handed to the waiting call")
            #expect(answer["jobs"].arrayValue?.first?["status"] == "submitted_pending")
            #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(120), "answered on the wake-up: \(elapsed)")
        }
    }

    @Test("a waiting call is answered when initialization makes jobs ready")
    func wakeOnInitialization() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification(["jobs": [["name": "only", "command": "a"]]])
            async let waited = api.post("/workflows/prepare_jobs_for_submission/\(w)?wait_seconds=20", Self.worker)
            try await Task.sleep(for: .milliseconds(300))
            try await api.initialize(w)
            #expect(names(try await waited) == ["only"])
        }
    }

    @Test("without ready jobs the call waits the time asked for and answers the usual empty result")
    func timeOut() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await chain(api)
            _ = try await api.post("/workflows/prepare_jobs_for_submission/\(w)", Self.worker)
            let started = ContinuousClock.now
            let answer = try await api.post("/workflows/prepare_jobs_for_submission/\(w)?wait_seconds=0.5", Self.worker)
            let elapsed = ContinuousClock.now - started
            #expect(answer.status == 200 && names(answer) == [])
            #expect(answer.string("reason").hasPrefix("No jobs matched status='ready'"))
            #expect(elapsed >= .milliseconds(450), "waited: \(elapsed)")
        }
    }

    @Test("many waiters: each ready job goes to exactly one of them")
    func manyWaiters() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification([
                "jobs": .array((0..<6).map { ["name": .string("j\($0)"), "command": "c"] })
            ])
            let answers = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        names(
                            try await api.post(
                                "/workflows/prepare_jobs_for_submission/\(w)?wait_seconds=3", Self.worker))
                    }
                }
                try await Task.sleep(for: .milliseconds(300))
                try await api.initialize(w)
                var all: [[String]] = []
                for try await answer in group { all.append(answer) }
                return all
            }
            let handed = answers.flatMap { $0 }
            #expect(handed.sorted() == (0..<6).map { "j\($0)" }, "every job once: \(answers)")
            #expect(answers.filter(\.isEmpty).count == 4)
        }
    }

    @Test("a canceled workflow answers waiting calls; bad wait_seconds are 400")
    func cancelAndValidation() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await chain(api)
            _ = try await api.post("/workflows/prepare_jobs_for_submission/\(w)", Self.worker)
            async let waited = api.post("/workflows/prepare_jobs_for_submission/\(w)?wait_seconds=20", Self.worker)
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await api.put("/workflows/cancel/\(w)").status == 200)
            let answer = try await waited
            #expect(answer.string("reason") == "Workflow \(w) is canceled")
            for bad in ["-1", "x", "3601"] {
                let response = try await api.post(
                    "/workflows/prepare_jobs_for_submission/\(w)?wait_seconds=\(bad)", Self.worker)
                #expect(response.isError(400), "wait_seconds=\(bad)")
            }
        }
    }
}
