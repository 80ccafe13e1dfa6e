import TorcCore

/// A job's resource requirements (docs/job-lifecycle.md, "Initialization").
public enum ResourceRequirementsLookup {
    /// What a job without a `requires` edge needs; never stored.
    public static let defaults: JSONObject = [
        "name": "default", "num_cpus": 1, "num_gpus": 0, "num_nodes": 1, "memory": "1m", "runtime": "P0DT1M",
    ]

    /// The requirements document the job's `requires` edge points at, `nil`
    /// for none; more than one edge is an inconsistency answered with 500.
    public static func forJob(_ reader: any StoreReader, workflow: String, job: Document) throws -> Document? {
        let documents = try GraphTraversal.outbound(reader, CollectionName(.requires, workflow: workflow), from: job.id)
        guard documents.count <= 1 else {
            throw ServiceError.internalError
        }
        return documents.first
    }
}

/// Picking the latest result of a job (docs/routes.md, "Lookups"; docs/job-lifecycle.md, "Latest result").
public enum LatestResult {
    /// The result with the latest `completion_time`; the last created one wins
    /// ties, and when any time cannot be parsed, creation order decides alone.
    public static func pick(_ results: [Document]) -> Document? {
        guard !results.isEmpty else { return nil }
        var times: [Double] = []
        times.reserveCapacity(results.count)
        for result in results {
            guard let text = result["completion_time"]?.stringValue, let time = Timestamp.parse(text) else {
                return results.last
            }
            times.append(time)
        }
        var best = 0
        for i in 1..<times.count where times[i] >= times[best] { best = i }
        return results[best]
    }
}

/// Parsing of the client's timestamp formats: ISO-8601 and
/// `YYYY-MM-DD HH:MM:SS[.ffffff]`, with an optional zone.
public enum Timestamp {
    /// Seconds since the epoch (times without a zone are taken as UTC: every
    /// time of one workflow comes from the same clients, so only order matters).
    public static func parse(_ text: String) -> Double? {
        let chars = Array(text.utf8)
        var i = 0
        func number(_ digits: Int) -> Int? {
            guard i + digits <= chars.count else { return nil }
            var value = 0
            for _ in 0..<digits {
                let c = chars[i]
                guard c >= 0x30 && c <= 0x39 else { return nil }
                value = value * 10 + Int(c - 0x30)
                i += 1
            }
            return value
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < chars.count, chars[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(0x2D), let month = number(2), expect(0x2D), let day = number(2) else {
            return nil
        }
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        var seconds = Double(daysFromCivil(year, month, day)) * 86400
        if i == chars.count { return seconds }
        guard chars[i] == 0x20 || chars[i] == 0x54 || chars[i] == 0x74 else { return nil }
        i += 1
        guard let hour = number(2), expect(0x3A), let minute = number(2) else { return nil }
        guard hour < 24, minute < 60 else { return nil }
        seconds += Double(hour * 3600 + minute * 60)
        if expect(0x3A) {
            guard let second = number(2), second <= 60 else { return nil }
            seconds += Double(second)
            if i < chars.count, chars[i] == 0x2E || chars[i] == 0x2C {
                i += 1
                var scale = 0.1
                var fraction = 0.0
                var any = false
                while i < chars.count, chars[i] >= 0x30 && chars[i] <= 0x39 {
                    fraction += Double(chars[i] - 0x30) * scale
                    scale /= 10
                    i += 1
                    any = true
                }
                guard any else { return nil }
                seconds += fraction
            }
        }
        if i == chars.count { return seconds }
        if chars[i] == 0x5A || chars[i] == 0x7A {
            i += 1
            return i == chars.count ? seconds : nil
        }
        guard chars[i] == 0x2B || chars[i] == 0x2D else { return nil }
        let sign: Double = chars[i] == 0x2B ? 1 : -1
        i += 1
        guard let offsetHours = number(2) else { return nil }
        _ = expect(0x3A)
        let offsetMinutes = i < chars.count ? (number(2) ?? 0) : 0
        guard i == chars.count else { return nil }
        return seconds - sign * Double(offsetHours * 3600 + offsetMinutes * 60)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}
