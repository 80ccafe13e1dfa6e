import CurlHTTP
import Foundation
import TorcCore
import TorcTestSupport

/// The soak mode of `torc-bench`: a mixed load for a set time, to show that the
/// service stays healthy when it runs unattended for long. Each lane loops one
/// workflow's whole life: create it from a specification, initialize it, drain
/// it with a few runners (hand-out, completion with a result), write and read
/// job user data, list jobs, results and workflows, then delete it. Every call
/// is timed into its reporting interval; at the end of each interval the
/// server's resident memory is sampled. A failed call is counted (and the
/// first few described), never fatal, so the run shows how often it happens.
struct Soak: Sendable {
    let session: APISession
    let server: ServiceProcess?
    /// How long the load runs.
    let duration: Duration
    /// The reporting interval.
    let interval: Duration
    /// The time after which memory is considered warmed up (the reference for growth).
    let warmUp: Duration
    /// Concurrent workflow lives.
    let lanes: Int
    /// Jobs per workflow.
    let jobs: Int
    /// Runners draining each workflow.
    let runners: Int

    /// The summary figures and the per-interval rows.
    struct Outcome: Sendable {
        var rows: [JSONValue]
        var summary: JSONObject
        var errors: Int
    }

    func run() async -> Outcome {
        let start = ContinuousClock.now
        let deadline = start + duration
        let recorder = SoakRecorder(start: start, interval: interval)
        await withTaskGroup(of: Void.self) { group in
            for lane in 0..<lanes {
                group.addTask {
                    var cycle = 0
                    while ContinuousClock.now < deadline {
                        await life(lane: lane, cycle: cycle, recorder: recorder)
                        cycle += 1
                    }
                }
            }
            group.addTask {
                // One memory sample at the end of every interval, printed as it is taken.
                var slot = 0
                while true {
                    let end = start + interval * (slot + 1)
                    if end > deadline + .seconds(1) { return }
                    try? await Task.sleep(until: end, clock: .continuous)
                    recorder.resident(server?.residentBytes(), forInterval: slot)
                    let row = recorder.snapshot()[slot]
                    FileHandle.standardError.write(Data((Self.line(slot: slot, row, interval: interval) + "\n").utf8))
                    slot += 1
                }
            }
        }
        return summarise(recorder.snapshot())
    }

    /// One call, timed and recorded; nil when it failed.
    private func call(
        _ recorder: SoakRecorder, _ method: CurlHTTP.HTTPMethod, _ path: String, body: [UInt8]? = nil
    ) async -> JSONValue? {
        do {
            let (answer, seconds) = try await session.call(method, path, body: body)
            recorder.success(seconds: seconds)
            return answer
        } catch {
            recorder.failure("\(error)")
            return nil
        }
    }

    private func call(_ recorder: SoakRecorder, _ method: CurlHTTP.HTTPMethod, _ path: String, json: JSONValue) async
        -> JSONValue?
    {
        await call(recorder, method, path, body: JSONWriter.bytes(json))
    }

    /// One workflow from creation to deletion.
    private func life(lane: Int, cycle: Int, recorder: SoakRecorder) async {
        let shape: WorkflowGenerator.Shape = (lane + cycle) % 2 == 0 ? .independent : .fanIn
        let specification = JSONWriter.bytes(WorkflowGenerator.specification(jobs: jobs, shape: shape))
        guard let created = await call(recorder, .post, "/workflow_specifications", body: specification),
            let workflow = created["_key"]?.stringValue
        else {
            try? await Task.sleep(for: .seconds(1))
            return
        }
        if await call(recorder, .post, "/workflows/initialize_jobs/\(workflow)") != nil {
            await drain(workflow, recorder: recorder)
        }
        // User data: each runner-like client writes a record and reads the job's records back.
        if let page = await call(recorder, .get, "/workflows/\(workflow)/jobs?limit=20") {
            let keys = (page["items"]?.arrayValue ?? []).compactMap { $0["_key"]?.stringValue }
            for (i, key) in keys.enumerated() {
                let record: JSONValue = [
                    "lane": .int(Int64(lane)), "cycle": .int(Int64(cycle)), "i": .int(Int64(i)), "x": 0.25,
                ]
                _ = await call(recorder, .post, "/workflows/\(workflow)/jobs/user_data/\(key)", json: record)
                _ = await call(recorder, .get, "/workflows/\(workflow)/jobs/user_data/\(key)")
            }
        }
        // Lists the torc CLI shows.
        _ = await call(recorder, .get, "/workflows/\(workflow)/jobs?limit=100")
        _ = await call(recorder, .get, "/workflows/\(workflow)/results?limit=100")
        _ = await call(recorder, .get, "/workflows/\(workflow)/files?limit=100")
        _ = await call(recorder, .get, "/workflows/\(workflow)/jobs/find_by_status/done?limit=10")
        _ = await call(recorder, .get, "/workflows?limit=20")
        _ = await call(recorder, .get, "/workflows/status/\(workflow)")
        _ = await call(recorder, .delete, "/workflows/\(workflow)")
    }

    /// `runners` runners take jobs and complete them until the workflow is complete.
    private func drain(_ workflow: String, recorder: SoakRecorder) async {
        let resources = JSONWriter.bytes(["num_cpus": 4, "memory_gb": 16, "num_nodes": 1, "time_limit": "P1D"])
        let handedOut = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<runners {
                group.addTask {
                    var handed: [String] = []
                    var idle = 0
                    // A bound on the loop, so a wrong answer cannot keep a lane busy forever.
                    for _ in 0..<(jobs * 20 + 200) {
                        guard
                            let answer = await call(
                                recorder, .post, "/workflows/prepare_jobs_for_submission/\(workflow)", body: resources)
                        else { continue }
                        let batch = answer["jobs"]?.arrayValue ?? []
                        if batch.isEmpty {
                            let state = await call(recorder, .get, "/workflows/is_complete/\(workflow)")
                            if state?["is_complete"] == .bool(true) { return handed }
                            idle += 1
                            try? await Task.sleep(for: .milliseconds(min(20, idle)))
                            continue
                        }
                        idle = 0
                        for job in batch {
                            let key = job["_key"]?.stringValue ?? ""
                            let id = (job["_id"]?.stringValue ?? "").replacingOccurrences(of: "/", with: "%2F")
                            let rev = job["_rev"]?.stringValue ?? ""
                            let result: JSONValue = [
                                "job_key": .string(key), "job_name": job["name"] ?? "", "run_id": 1, "return_code": 0,
                                "exec_time_minutes": 0.5, "completion_time": "2026-01-01T00:00:00.000000",
                                "status": "done",
                            ]
                            _ = await call(
                                recorder, .post, "/workflows/\(workflow)/jobs/complete_job/\(id)/done/\(rev)",
                                json: result)
                            handed.append(key)
                        }
                    }
                    recorder.failure("runner on \(workflow) gave up before the workflow was complete")
                    return handed
                }
            }
            var all: [String] = []
            for await handed in group { all += handed }
            return all
        }
        if handedOut.count != jobs || Set(handedOut).count != jobs {
            recorder.failure(
                """
                workflow \(workflow): \(handedOut.count) hand-outs of \(Set(handedOut).count) distinct jobs, \
                expected \(jobs) once each
                """
            )
        }
    }

    /// One progress line for the terminal.
    static func line(slot: Int, _ row: SoakRecorder.Interval, interval: Duration) -> String {
        let minutes = Double(slot + 1) * interval.seconds / 60
        let rss = row.residentBytes.map { String(format: "%.1f MB", Double($0) / 1_048_576) } ?? "n/a"
        return String(
            format: "soak %6.1f min: %6d calls, %d errors, p50 %.2f ms, p99 %.2f ms, rss %@",
            minutes, row.latencies.count, row.errors, row.latencies.percentile(0.5), row.latencies.percentile(0.99), rss
        )
            + (row.firstErrors.first.map { " (first error: \($0))" } ?? "")
    }

    /// Rows per interval and the verdict figures: memory growth after warm-up, p99 spread, errors.
    func summarise(_ intervals: [SoakRecorder.Interval]) -> Outcome {
        var rows: [JSONValue] = []
        for (slot, row) in intervals.enumerated() {
            var object: JSONObject = [
                "minutes": .double(Double(slot + 1) * interval.seconds / 60),
                "calls": .int(Int64(row.latencies.count)), "errors": .int(Int64(row.errors)),
                "p50_ms": .double(row.latencies.percentile(0.5)), "p99_ms": .double(row.latencies.percentile(0.99)),
            ]
            if let bytes = row.residentBytes { object["rss_mb"] = .double(Double(bytes) / 1_048_576) }
            if !row.firstErrors.isEmpty { object["first_errors"] = .array(row.firstErrors.map { .string($0) }) }
            rows.append(.object(object))
        }
        let errors = intervals.reduce(0) { $0 + $1.errors }
        let calls = intervals.reduce(0) { $0 + $1.latencies.count }
        var summary: JSONObject = [
            "minutes": .double(duration.seconds / 60), "lanes": .int(Int64(lanes)),
            "jobs_per_workflow": .int(Int64(jobs)),
            "runners": .int(Int64(runners)), "calls": .int(Int64(calls)), "errors": .int(Int64(errors)),
        ]
        // Intervals that end at or after the warm-up and are complete (the last one may be partial).
        // (The lanes finish the workflow they are on after the deadline; those calls count, but their
        // short last interval is left out of the memory and p99 figures.)
        let completeIntervals = Int((duration.seconds / interval.seconds).rounded(.down))
        let warmSlots = intervals.indices.filter {
            Double($0 + 1) * interval.seconds >= warmUp.seconds && $0 < completeIntervals
        }
        if let first = warmSlots.first, let warm = intervals[first].residentBytes,
            let lastSlot = warmSlots.last(where: { intervals[$0].residentBytes != nil }),
            let end = intervals[lastSlot].residentBytes
        {
            summary["rss_after_warm_up_mb"] = .double(Double(warm) / 1_048_576)
            summary["rss_end_mb"] = .double(Double(end) / 1_048_576)
            summary["rss_growth_percent"] = .double((Double(end) / Double(warm) - 1) * 100)
        }
        if let peak = server?.peakResidentBytes() { summary["rss_peak_mb"] = .double(Double(peak) / 1_048_576) }
        let p99s = warmSlots.filter { intervals[$0].latencies.count > 0 }.map {
            intervals[$0].latencies.percentile(0.99)
        }
        if let low = p99s.min(), let high = p99s.max() {
            summary["p99_min_ms"] = .double(low)
            summary["p99_max_ms"] = .double(high)
            summary["p99_median_ms"] = .double(p99s.sorted()[p99s.count / 2])
        }
        return Outcome(rows: rows, summary: summary, errors: errors)
    }

    /// The per-interval table and the summary as markdown.
    static func markdown(_ outcome: Outcome) -> String {
        var lines = ["| minute | calls | errors | p50 ms | p99 ms | rss MB |", "|---:|---:|---:|---:|---:|---:|"]
        for row in outcome.rows {
            func number(_ key: String, _ format: String) -> String {
                guard let value = row[key] else { return "" }
                if let int = value.intValue { return "\(int)" }
                return value.doubleValue.map { String(format: format, $0) } ?? ""
            }
            lines.append(
                "| \(number("minutes", "%.1f")) | \(number("calls", "%.0f")) | \(number("errors", "%.0f")) | "
                    + "\(number("p50_ms", "%.2f")) | \(number("p99_ms", "%.2f")) | \(number("rss_mb", "%.1f")) |"
            )
        }
        lines.append("")
        lines.append(JSONWriter.string(.object(outcome.summary)))
        return lines.joined(separator: "\n")
    }
}
