import Testing
import TorcCore
import TorcEngine

/// docs/job-lifecycle.md, "Value formats": the value formats the engine reads.
@Suite("Engine value parsing")
struct ParsingTests {
    @Test(
        "memory strings",
        arguments: [
            ("1m", Int64(1_048_576)), ("30 G", 32_212_254_720), ("3000M", 3_145_728_000), ("1048576", 1_048_576),
            (" 2k ", 2048), ("1t", 1_099_511_627_776), ("0g", 0),
        ])
    func memory(text: String, bytes: Int64) throws {
        #expect(try MemorySize.bytes(text) == bytes)
    }

    @Test("invalid memory strings", arguments: ["1.5g", "10gb", "g", "", "-1g", "1 g b", "lots"])
    func invalidMemory(text: String) {
        #expect(throws: ServiceError.badRequest("\(text) is an invalid memory value")) { try MemorySize.bytes(text) }
    }

    @Test(
        "ISO-8601 durations",
        arguments: [
            ("P0DT24H", 86_400.0), ("P0DT0H1M", 60), ("P0DT1S", 1), ("P0DT3H57M59.123456S", 14_279.123456),
            ("P1W", 604_800),
            ("P2D", 172_800), ("-PT1H", -3_600), ("PT1,5M", 90), ("P1DT1H1M1S", 90_061),
        ])
    func durations(text: String, seconds: Double) throws {
        #expect(abs(try ISODuration.seconds(text) - seconds) < 1e-6)
    }

    @Test("durations with years or months are inexact")
    func inexact() {
        #expect(throws: ServiceError.badRequest("duration=P1M contains inexact time periods")) {
            try ISODuration.seconds("P1M")
        }
        #expect(throws: ServiceError.self) { try ISODuration.seconds("P1Y2D") }
    }

    @Test("invalid durations", arguments: ["", "P", "PT", "1H", "P1H", "PT1D", "P1DT", "PT1H2H", "soon"])
    func invalidDurations(text: String) {
        #expect(throws: ServiceError.self) { try ISODuration.seconds(text) }
    }

    @Test(
        "Slurm walltimes",
        arguments: [
            ("30", 1_800.0), ("30:15", 1_815), ("04:00:00", 14_400), ("1-12", 129_600), ("1-12:30", 131_400),
            ("2-00:00:10", 172_810),
        ])
    func walltimes(text: String, seconds: Double) throws {
        #expect(try SlurmWalltime.seconds(text) == seconds)
    }

    @Test("invalid walltimes", arguments: ["", "1:2:3:4", "a", "1-", "-1", "1-2-3", "1:x"])
    func invalidWalltimes(text: String) {
        #expect(throws: ServiceError.badRequest("Walltime format \(text) is not supported")) {
            try SlurmWalltime.seconds(text)
        }
    }

    @Test("completion times: both client formats, zones, and unparsable values")
    func timestamps() {
        #expect(Timestamp.parse("2023-04-13 10:00:00.5") == Timestamp.parse("2023-04-13T10:00:00.500000"))
        #expect(Timestamp.parse("2023-04-13T10:00:00Z") == Timestamp.parse("2023-04-13T12:00:00+02:00"))
        #expect((Timestamp.parse("2023-04-13 10:00:01") ?? 0) > (Timestamp.parse("2023-04-13 10:00:00.999") ?? 0))
        #expect(Timestamp.parse("1970-01-02") == 86_400)
        #expect(Timestamp.parse("yesterday") == nil)
        #expect(Timestamp.parse("2023-13-01") == nil)
    }
}
