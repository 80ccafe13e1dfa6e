import HTTPTypes
import Testing
import TorcCore

/// docs/routes.md, "Lists and paging": the list envelope, skip/limit and the fixed has_more/total_count.
@Suite("Pagination")
struct PagingTests {
    @Test("pages through more than 1,000 documents with has_more")
    func manyPages() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            for i in 0..<1205 { _ = try await api.create(w, "events", ["i": .int(Int64(i))]) }
            var seen: [Int64] = []
            var skip = 0
            while true {
                let page = try await api.get("/workflows/\(w)/events?skip=\(skip)&limit=500")
                #expect(page["max_limit"] == 1000 && page["limit"] == 500 && page["total_count"] == 1205)
                seen += page.items.compactMap { $0["i"]?.intValue }
                skip += page.items.count
                if page["has_more"] != true { break }
            }
            #expect(seen == (0..<1205).map(Int64.init), "creation order, each once")
            let first = try await api.get("/workflows/\(w)/events")
            #expect(first["count"] == 1000 && first["has_more"] == true && first["limit"] == 1000 && first["skip"] == 0)
            let clamped = try await api.get("/workflows/\(w)/events?limit=5000")
            #expect(clamped["limit"] == 1000 && clamped["count"] == 1000)
        }
    }

    @Test("skip and limit edge cases")
    func edgeCases() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            for i in 0..<5 { _ = try await api.create(w, "events", ["i": .int(Int64(i))]) }
            let zero = try await api.get("/workflows/\(w)/events?limit=0")
            #expect(zero.items.isEmpty && zero["has_more"] == true && zero["total_count"] == 5)
            let fraction = try await api.get("/workflows/\(w)/events?skip=1.5&limit=2.7")
            #expect(fraction["skip"] == 1.5 && fraction["limit"] == 2.7)
            #expect(fraction.items.map { $0["i"] } == [1, 2])
            let negativeSkip = try await api.get("/workflows/\(w)/events?skip=-3")
            #expect(negativeSkip["count"] == 5)
            let past = try await api.get("/workflows/\(w)/events?skip=10")
            #expect(past.items.isEmpty && past["has_more"] == false)
            let negativeLimit = try await api.get("/workflows/\(w)/events?limit=-1")
            #expect(negativeLimit.status == 400 && negativeLimit["error"] == true)
            let badSkip = try await api.get("/workflows/\(w)/events?skip=abc")
            #expect(badSkip.isError(400))
            #expect(badSkip.message == #"query parameter "skip" must be a number"#)
        }
    }

    @Test("filtered lists count only matches, so paging a filter ends")
    func filteredTotal() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            for i in 0..<6 { _ = try await api.create(w, "files", ["name": i % 2 == 0 ? "even" : "odd", "path": "p"]) }
            let page = try await api.get("/workflows/\(w)/files?name=even&limit=2")
            #expect(page["total_count"] == 3 && page["count"] == 2 && page["has_more"] == true)
            let rest = try await api.get("/workflows/\(w)/files?name=even&limit=2&skip=2")
            #expect(rest["count"] == 1 && rest["has_more"] == false)
        }
    }
}
