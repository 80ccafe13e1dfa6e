import Testing
import TorcCore

@Suite("JSON fidelity")
struct JSONRoundTripTests {
    @Test(
        "integers stay integers and floats stay floats",
        arguments: [
            ("1", JSONValue.int(1)), ("1.0", .double(1.0)), ("-0", .int(0)), ("1e2", .double(100)),
            ("9007199254740993", .int(9_007_199_254_740_993)), ("0.1", .double(0.1)), ("1e-7", .double(1e-7)),
            ("-9223372036854775808", .int(.min)),
        ])
    func numbers(text: String, expected: JSONValue) throws {
        let value = try JSONParser.parse(text)
        #expect(value == expected)
        let again = try JSONParser.parse(JSONWriter.string(value))
        #expect(again == expected)
    }

    @Test("integers beyond 64 bits become doubles, as in ArangoDB")
    func bigIntegers() throws {
        #expect(try JSONParser.parse("18446744073709551616") == .double(18446744073709551616))
        #expect(try JSONParser.parse("-99999999999999999999999") == .double(-99999999999999991611392))
    }

    @Test("doubles are written with a fraction or exponent")
    func doubleText() {
        #expect(JSONWriter.string(.double(1)) == "1.0")
        #expect(JSONWriter.string(.double(1e20)) == "1e+20")
        #expect(JSONWriter.string(.int(1)) == "1")
    }

    @Test("unicode and escapes survive")
    func unicode() throws {
        let text = #"{"a":"caf\u00e9 \ud83d\ude00 \"q\" \\ \n\t\u0001","b":"日本語 😀"}"#
        let value = try JSONParser.parse(text)
        #expect(value["a"] == .string("café 😀 \"q\" \\ \n\t\u{01}"))
        #expect(value["b"] == .string("日本語 😀"))
        #expect(try JSONParser.parse(JSONWriter.string(value)) == value)
    }

    @Test("member order is kept")
    func order() throws {
        let text = #"{"z":1,"a":2,"m":{"y":1,"b":2}}"#
        #expect(JSONWriter.string(try JSONParser.parse(text)) == text)
    }

    @Test("deep nesting up to the limit survives; deeper is refused")
    func nesting() throws {
        let depth = JSONParser.maxDepth
        let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(JSONWriter.string(try JSONParser.parse(deep)) == deep)
        let tooDeep = "[" + deep + "]"
        #expect(throws: JSONParseError.self) { try JSONParser.parse(tooDeep) }
    }

    @Test("large documents survive")
    func large() throws {
        var object = JSONObject()
        for i in 0..<50_000 { object["k\(i)"] = .array([.int(Int64(i)), .double(Double(i) + 0.5), .string("v\(i)")]) }
        let value = JSONValue.object(object)
        #expect(try JSONParser.parse(JSONWriter.bytes(value)) == value)
    }

    @Test(
        "invalid JSON is refused",
        arguments: [
            "", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "nul", "\"abc", "{\"a\" 1}", "[1] x", "\"\u{01}\"",
            "NaN", "Infinity", "'a'", "\"\\ud800\"", "1e999",
        ])
    func invalid(text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test("duplicate member names keep the last value")
    func duplicates() throws {
        #expect(try JSONParser.parse(#"{"a":1,"a":2}"#) == ["a": 2])
    }
}

@Suite("Identities")
struct IdentityTests {
    @Test func keys() {
        #expect(DocumentKey.isValid("abc-_:.@()+,=;$!*'%"))
        #expect(!DocumentKey.isValid(""))
        #expect(!DocumentKey.isValid("a/b"))
        #expect(!DocumentKey.isValid(String(repeating: "a", count: 255)))
        #expect(DocumentKey.isValidHandle("jobs__1/2"))
        #expect(!DocumentKey.isValidHandle("jobs__1"))
        #expect(!DocumentKey.isValidHandle("a b/2"))
    }

    @Test func pathKeysMayBeIDs() {
        let jobs = CollectionName(.jobs, workflow: "12")
        #expect(jobs.rawValue == "jobs__12")
        #expect(DocumentKey.resolve("34", in: jobs) == "34")
        #expect(DocumentKey.resolve("jobs__12/34", in: jobs) == "34")
        #expect(DocumentKey.resolve("files__12/34", in: jobs) == nil)
    }

    @Test func collectionNames() {
        #expect(CollectionName("scheduled_compute_nodes__7").baseAndWorkflow?.base == .scheduledComputeNodes)
        #expect(CollectionName("blocks__7").isEdgeCollection)
        #expect(!CollectionName("jobs__7").isEdgeCollection)
        #expect(CollectionName("has_workflow_config").isEdgeCollection)
        #expect(WorkflowCollection.allCases.count == 23)
        #expect(WorkflowCollection.documentCollections.count == 13)
    }

    @Test func databaseNames() {
        #expect(DatabaseName.isValid("test-workflows"))
        #expect(!DatabaseName.isValid("../etc"))
        #expect(!DatabaseName.isValid("1abc"))
        #expect(!DatabaseName.isValid(""))
    }
}
