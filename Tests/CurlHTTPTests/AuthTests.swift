import CurlHTTP
import Foundation
import Testing

@Suite("Authentication")
struct AuthTests {
    @Test("basic credentials are sent preemptively")
    func basic() async throws {
        let client = makeClient { $0.auth = .basic(user: "root", password: "p@ss: wörd") }
        let response = try await client.execute(HTTPRequest(url: url("/echo")))
        let expected = "Basic " + Data("root:p@ss: wörd".utf8).base64EncodedString()
        #expect(response.headers["X-Auth"] == expected)
    }

    @Test("a bearer token is sent")
    func bearer() async throws {
        let client = makeClient { $0.auth = .bearer(token: "eyJ.token.sig") }
        let response = try await client.execute(HTTPRequest(method: .post, url: url("/echo"), body: [1, 2, 3]))
        #expect(response.headers["X-Auth"] == "Bearer eyJ.token.sig")
    }

    @Test("no credentials means no Authorization header")
    func none() async throws {
        let response = try await makeClient().execute(HTTPRequest(url: url("/echo")))
        #expect(response.headers["X-Auth"] == "")
    }

    @Test("secrets never appear in errors or descriptions")
    func redaction() async throws {
        let secret = "s3cr3t-Pa55"
        let client = makeClient {
            $0.auth = .basic(user: "root", password: secret)
            $0.retry = .none
        }
        let target = "http://root:urlpass99@127.0.0.1:\(TestServer.shared.closedPort)/"
        do {
            _ = try await client.execute(HTTPRequest(url: target))
            Issue.record("expected a failure")
        } catch {
            let text = "\(error) \(String(reflecting: error))"
            #expect(!text.contains(secret))
            #expect(!text.contains("urlpass99"))
        }
        let described = "\(client.configuration) \(String(reflecting: client.configuration))"
        #expect(!described.contains(secret))
        var dumped = ""
        dump(client.configuration, to: &dumped)
        #expect(!dumped.contains(secret))
        #expect(!"\(CurlHTTPClient.Configuration.Auth.bearer(token: secret))".contains(secret))
    }
}
