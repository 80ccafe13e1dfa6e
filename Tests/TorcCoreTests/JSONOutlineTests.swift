import Testing
import TorcCore

/// The outline of a large body (`JSONParser.outline`): the same value and the
/// same errors as parsing the whole text, without building one tree of it.
@Suite("JSON outline of large bodies")
struct JSONOutlineTests {
    /// The value an outline describes, its expanded arrays decoded element by element.
    static func rebuilt(_ bytes: [UInt8], expanding: Set<String> = ["jobs", "files"]) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer in
            guard let outline = try JSONParser.outline(buffer, expanding: expanding) else {
                return try JSONParser.parse(buffer)
            }
            var object = JSONObject()
            for member in outline.members {
                if let elements = member.elements {
                    object[member.name] = .array(try elements.map { try JSONParser.parseElement(buffer, $0) })
                } else {
                    object[member.name] = member.value
                }
            }
            return .object(object)
        }
    }

    /// What reading `text` gives: its value, or the parse error's message.
    enum Outcome: Equatable {
        case value(JSONValue)
        case failure(String)
    }

    static func wholeParse(_ text: [UInt8]) -> Outcome {
        do { return .value(try JSONParser.parse(text)) } catch { return .failure(error.message) }
    }

    static func outlined(_ text: [UInt8]) -> Outcome {
        do {
            return .value(try rebuilt(text))
        } catch let error as JSONParseError {
            return .failure(error.message)
        } catch {
            return .failure("unexpected \(error)")
        }
    }

    /// A specification-like text with every kind of value in its elements.
    static let sample = #"""
        {"name": "w\u00e9\n", "jobs": [
          {"name": "a", "command": "echo \"hi\" \\ \/ \b\f\r\t",
           "user_data": [{"x": [1, [2.5, [-3e2, []]], {}], "y": null}]},
          {"name": "\ud83d\ude00 😀", "command": "c", "user_data": [{"n": [-0, 0, 1.0, 1e2, 1E+2, 1.5e-3, -12.75,
           9223372036854775807, -9223372036854775808, 18446744073709551616, true, false]}]}
          ,	{ "command" : "d" }
        ], "files": [], "config": {"jobs": [1]}}
        """#

    @Test(
        "an outline rebuilds exactly the value a whole parse gives",
        arguments: [
            sample,
            "\u{FEFF}  {\"jobs\":[1,2.0,\"3\",[4],{\"5\":5}]}  ",
            #"{"jobs": []}"#, #"{}"#, #"  {  }  "#,
            #"{"jobs": [1], "jobs": [2, 3]}"#,
            #"{"jobs": [1], "other": {"jobs": [9]}, "jobs": "not an array"}"#,
            #"{"jobs": 5}"#, #"{"jobs": null}"#,
            #"[{"jobs": [1]}]"#, #""text""#, "12.50", "-7", "null",
            "{\"files\":[{\"path\":\"a\\u0000b\"}],\"jobs\":[[[[]]]]}",
        ])
    func rebuildsTheValue(text: String) throws {
        let expected = try JSONParser.parse(text)
        let value = try Self.rebuilt(Array(text.utf8))
        #expect(value == expected)
        // Integers stay integers and floats floats, in both.
        #expect(JSONWriter.string(value) == JSONWriter.string(expected))
    }

    @Test("every truncation of a body fails with the message a whole parse gives")
    func truncations() {
        let bytes = Array(Self.sample.utf8)
        for length in 0..<bytes.count {
            let prefix = Array(bytes[0..<length])
            #expect(Self.outlined(prefix) == Self.wholeParse(prefix), "prefix of \(length) bytes")
        }
    }

    @Test("every corrupted byte gives the outcome a whole parse gives")
    func corruptions() {
        let bytes = Array(Self.sample.utf8)
        let replacements: [UInt8] = [
            UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: "\""), UInt8(ascii: ","), UInt8(ascii: ":"),
            UInt8(ascii: "x"), UInt8(ascii: "\\"), UInt8(ascii: "1"), 0x01, 0xFF,
        ]
        for position in bytes.indices {
            for replacement in replacements where bytes[position] != replacement {
                var corrupted = bytes
                corrupted[position] = replacement
                #expect(
                    Self.outlined(corrupted) == Self.wholeParse(corrupted),
                    "byte \(position) replaced by \(replacement)")
            }
        }
    }

    @Test("nesting inside an expanded element counts against the depth limit as in a whole parse")
    func depth() {
        for depth in (JSONParser.maxDepth - 4)...(JSONParser.maxDepth) {
            let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            let text = Array("{\"jobs\": [\(nested)]}".utf8)
            #expect(Self.outlined(text) == Self.wholeParse(text), "\(depth) levels inside the element")
        }
    }
}
