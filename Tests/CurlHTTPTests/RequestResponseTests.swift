import CurlHTTP
import Foundation
import Testing

@Suite("Requests and responses")
struct RequestResponseTests {
    @Test("methods send their body and headers", arguments: [HTTPMethod.get, .post, .put, .delete])
    func methodRoundTrip(method: HTTPMethod) async throws {
        let client = makeClient()
        let payload = Array("payload for \(method)".utf8)
        let request = HTTPRequest(
            method: method,
            url: url("/echo"),
            headers: ["X-Test": "hello \(method)", "Content-Type": "application/json"],
            body: payload
        )
        let response = try await client.execute(request)
        #expect(response.status == 200)
        #expect(response.body == payload)
        #expect(response.headers["x-method"] == method.rawValue)
        #expect(response.headers["X-ECHO"] == "hello \(method)")
        #expect(response.headers["X-Content-Type"] == "application/json")
        #expect(response.headers["X-Received-Length"] == "\(payload.count)")
    }

    @Test("bodiless requests and HEAD")
    func bodiless() async throws {
        let client = makeClient()
        let get = try await client.execute(HTTPRequest(url: url("/echo")))
        #expect(get.status == 200)
        #expect(get.body.isEmpty)
        let delete = try await client.execute(HTTPRequest(method: .delete, url: url("/echo")))
        #expect(delete.headers["X-Method"] == "DELETE")
        let post = try await client.execute(HTTPRequest(method: .post, url: url("/echo")))
        #expect(post.headers["X-Method"] == "POST")
        #expect(post.headers["X-Received-Length"] == "0")
        #expect(post.headers["X-Content-Type"] == "", "no implicit form content type")
        let head = try await client.execute(HTTPRequest(method: .head, url: url("/echo")))
        #expect(head.status == 200)
        #expect(head.headers["X-Method"] == "HEAD")
        #expect(head.body.isEmpty)
    }

    @Test("an HTTP error status is a response, not an error")
    func errorStatus() async throws {
        let response = try await makeClient().execute(HTTPRequest(url: url("/echo?status=409")))
        #expect(response.status == 409)
        let missing = try await makeClient().execute(HTTPRequest(url: url("/nowhere")))
        #expect(missing.status == 404)
        #expect(missing.text == "not found")
    }

    @Test("a 1 MiB body survives the round trip")
    func largeBody() async throws {
        // A cheap non-repeating-looking pattern (every byte value occurs).
        let payload = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }
        let response = try await makeClient().execute(HTTPRequest(method: .put, url: url("/echo"), body: payload))
        #expect(response.status == 200)
        #expect(response.headers["X-Received-Length"] == "\(1 << 20)")
        #expect(response.body == payload)
    }

    @Test("malformed URLs, unsupported schemes and header injection are rejected")
    func invalidRequests() async throws {
        let client = makeClient()
        for bad in ["", "not a url", "ftp://127.0.0.1/file", "http://[::1"] {
            await #expect {
                try await client.execute(HTTPRequest(url: bad))
            } throws: { error in
                guard case .invalidURL = error as? CurlHTTPError else { return false }
                return true
            }
        }
        await #expect {
            try await client.execute(HTTPRequest(url: url("/echo"), headers: ["X-Test": "a\r\nX-Injected: 1"]))
        } throws: { error in
            guard case .invalidURL = error as? CurlHTTPError else { return false }
            return true
        }
    }
}
