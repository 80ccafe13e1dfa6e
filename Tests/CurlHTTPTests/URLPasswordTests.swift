import Testing

@testable import CurlHTTP

/// The password of a URL's user information, found so that errors can redact it.
@Suite("Passwords in URLs")
struct URLPasswordTests {
    @Test("the password between the user's colon and the last @ of the authority, also percent-decoded")
    func found() {
        #expect(EasyHandle.urlPassword("http://root:pa55@host:8529/_db/x") == ["pa55", "pa55"])
        #expect(EasyHandle.urlPassword("https://u:p%40ss@h/") == ["p%40ss", "p@ss"])
        #expect(EasyHandle.urlPassword("http://u:a:b@c@h?q=1") == ["a:b@c", "a:b@c"])
        #expect(EasyHandle.urlPassword("http://u:wörd@h#f") == ["wörd", "wörd"])
    }

    @Test("no password: no user information, a user alone, an empty password, an @ past the authority")
    func absent() {
        for url in [
            "http://host/path", "http://user@host/", "http://user:@host/", "http://host/a:b@c", "no scheme:x@y",
            "", "http://h?u:p@x",
        ] {
            #expect(EasyHandle.urlPassword(url) == [], "\(url)")
        }
    }
}
