import TorcCore

/// Memory strings of resource requirements (docs/job-lifecycle.md, "Value formats"): digits alone are bytes;
/// digits, optional spaces and one unit letter `k m g t` (any case) are
/// KiB/MiB/GiB/TiB. Nothing else is accepted (`"1.5g"`, `"10gb"` are invalid).
public enum MemorySize {
    /// The number of bytes, or 400 `{value} is an invalid memory value`.
    public static func bytes(_ text: String) throws(ServiceError) -> Int64 {
        let invalid = ServiceError.badRequest("\(text) is an invalid memory value")
        let trimmed = Array(text.trimmingSpaces().utf8)
        var digits = 0
        while digits < trimmed.count, trimmed[digits] >= 0x30 && trimmed[digits] <= 0x39 { digits += 1 }
        guard digits > 0, let number = Int64(String(decoding: trimmed[..<digits], as: UTF8.self)) else { throw invalid }
        var rest = trimmed[digits...]
        if rest.isEmpty { return number }
        while let first = rest.first, first == 0x20 { rest = rest.dropFirst() }
        guard rest.count == 1, let unit = rest.first else { throw invalid }
        let shift: Int64
        switch unit | 0x20 {
        case UInt8(ascii: "k"): shift = 10
        case UInt8(ascii: "m"): shift = 20
        case UInt8(ascii: "g"): shift = 30
        case UInt8(ascii: "t"): shift = 40
        default: throw invalid
        }
        let (value, overflow) = number.multipliedReportingOverflow(by: 1 << shift)
        guard !overflow else { throw invalid }
        return value
    }
}

/// ISO-8601 durations (`[-]P[nY][nM][nW][nD][T[nH][nM][nS]]`, fractions with
/// `.` or `,`), as the engine reads runtimes and time limits (docs/job-lifecycle.md, "Value formats").
public enum ISODuration {
    /// The duration in seconds (weeks count 7 days; a leading `-` negates).
    /// Years or months -> 400 `duration={value} contains inexact time periods`.
    public static func seconds(_ text: String) throws(ServiceError) -> Double {
        let invalid = ServiceError.badRequest("duration=\(text) is not a valid ISO-8601 duration")
        var chars = Array(text.trimmingSpaces().uppercased().utf8)[...]
        var sign = 1.0
        if chars.first == UInt8(ascii: "-") {
            sign = -1
            chars = chars.dropFirst()
        } else if chars.first == UInt8(ascii: "+") {
            chars = chars.dropFirst()
        }
        guard chars.first == UInt8(ascii: "P") else { throw invalid }
        chars = chars.dropFirst()
        var inTime = false
        var total = 0.0
        var components = 0
        var inexact = false
        var lastRank = -1
        while let first = chars.first {
            if first == UInt8(ascii: "T") {
                guard !inTime else { throw invalid }
                inTime = true
                chars = chars.dropFirst()
                guard !chars.isEmpty else { throw invalid }
                continue
            }
            var end = chars.startIndex
            while end < chars.endIndex,
                (chars[end] >= 0x30 && chars[end] <= 0x39) || chars[end] == UInt8(ascii: ".")
                    || chars[end] == UInt8(ascii: ",")
            {
                end += 1
            }
            guard end > chars.startIndex, end < chars.endIndex else { throw invalid }
            let numberText = String(decoding: chars[chars.startIndex..<end], as: UTF8.self)
                .replacingComma()
            guard let number = Double(numberText), number.isFinite else { throw invalid }
            let designator = chars[end]
            chars = chars[(end + 1)...]
            let rank: Int
            let factor: Double
            switch (inTime, designator) {
            case (false, UInt8(ascii: "Y")):
                rank = 0
                factor = 0
                inexact = true
            case (false, UInt8(ascii: "M")):
                rank = 1
                factor = 0
                inexact = true
            case (false, UInt8(ascii: "W")):
                rank = 2
                factor = 604_800
            case (false, UInt8(ascii: "D")):
                rank = 3
                factor = 86_400
            case (true, UInt8(ascii: "H")):
                rank = 4
                factor = 3_600
            case (true, UInt8(ascii: "M")):
                rank = 5
                factor = 60
            case (true, UInt8(ascii: "S")):
                rank = 6
                factor = 1
            default: throw invalid
            }
            guard rank > lastRank else { throw invalid }
            lastRank = rank
            components += 1
            total += number * factor
        }
        guard components > 0 else { throw invalid }
        if inexact { throw .badRequest("duration=\(text) contains inexact time periods") }
        return sign * total
    }
}

/// Slurm walltimes: `MM`, `MM:SS`, `HH:MM:SS`, `D-HH`, `D-HH:MM`, `D-HH:MM:SS`.
public enum SlurmWalltime {
    /// The walltime in seconds, or 400 `Walltime format {value} is not supported`.
    public static func seconds(_ text: String?) throws(ServiceError) -> Double {
        let invalid = ServiceError.badRequest("Walltime format \(text ?? "undefined") is not supported")
        guard let text else { throw invalid }
        func number(_ part: Substring) throws(ServiceError) -> Double {
            guard !part.isEmpty, part.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Double(part) else {
                throw invalid
            }
            return value
        }
        let dayParts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard dayParts.count <= 2 else { throw invalid }
        let clock = dayParts.last!.split(separator: ":", omittingEmptySubsequences: false)
        if dayParts.count == 2 {
            let days = try number(dayParts[0])
            guard (1...3).contains(clock.count) else { throw invalid }
            var seconds = days * 86_400 + (try number(clock[0])) * 3_600
            if clock.count > 1 { seconds += try number(clock[1]) * 60 }
            if clock.count > 2 { seconds += try number(clock[2]) }
            return seconds
        }
        switch clock.count {
        case 1: return try number(clock[0]) * 60
        case 2: return try number(clock[0]) * 60 + number(clock[1])
        case 3: return try number(clock[0]) * 3_600 + number(clock[1]) * 60 + number(clock[2])
        default: throw invalid
        }
    }
}

extension String {
    fileprivate func replacingComma() -> String {
        String(map { $0 == "," ? "." : $0 })
    }
}
