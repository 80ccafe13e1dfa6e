import HTTPTypes
import Testing
import TorcCore
import TorcEngine

/// Path and query values are parsed once, where the route matches, into the
/// engine's types (docs/routes.md, "Processing order"); a malformed value keeps
/// the answer it always had, in the order the checks always ran.
@Suite("Request values parsed at the edge")
struct RequestValueTests {
    @Test("a workflow is named by its key or its workflows/K _id")
    func workflowReferences() {
        let key = WorkflowReference("123")
        #expect(key.key == "123" && key.storedKey == "123" && "\(key)" == "123")
        let id = WorkflowReference("workflows/123")
        #expect(id.key == "123" && id.storedKey == "123" && id.text == "workflows/123")
        let other = WorkflowReference("jobs__1/123")
        #expect(other.storedKey == nil && other.key == "jobs__1/123")
        #expect(WorkflowReference("a b").storedKey == nil, "not a legal key: no store read")
    }

    @Test("a document is named by its key or an _id of the addressed collection")
    func documentReferences() {
        let jobs = CollectionName(.jobs, workflow: "7")
        #expect(DocumentReference("42").key(in: jobs) == "42")
        #expect(DocumentReference("jobs__7/42").key(in: jobs) == "42")
        #expect(DocumentReference("files__7/42").key(in: jobs) == nil)
        #expect(DocumentReference("jobs__8/42").key(in: jobs) == nil)
        #expect(DocumentReference("a b").key(in: jobs) == nil)
    }

    @Test("a status names a JobStatus or is kept as unknown text; revisions compare as text")
    func statusesAndRevisions() {
        #expect(RequestedStatus("submitted_pending").status == .submittedPending)
        #expect(RequestedStatus("bogus").status == nil && RequestedStatus("bogus").text == "bogus")
        #expect(RequestedStatus("Done").status == nil, "statuses are case-sensitive")
        #expect(RequestedStatus(.done).text == "done")
        #expect(Revision("_abc") == Revision("_abc") && Revision("_abc") != Revision("_abd"))
        #expect(JobStatus.complete == [.done, .canceled, .terminated])
        #expect(JobStatus.finished == JobStatus.complete.union([.disabled]))
        #expect(
            JobStatus.allCases.map(\.rawValue) == [
                "uninitialized", "blocked", "ready", "submitted_pending", "submitted", "done", "canceled", "terminated",
                "disabled",
            ])
    }

    @Test("list queries: skip, limit and typed filters are parsed before the workflow is looked up")
    func listQueries() throws {
        let query = try ListQuery.documents(["skip": "2", "limit": "3", "name": "x"], in: .files)
        #expect(query.paging.skip == 2 && query.paging.limit == 3)
        #expect(query.filters == [.equal("name", "x")])
        #expect(throws: ServiceError.self) { try ListQuery.documents(["limit": "many"], in: .files) }
        #expect(throws: ServiceError.self) { try ListQuery.workflows(["name": ""]) }
    }

    @Test("a malformed job status, revision or key answers as before, after the workflow check")
    func malformedPathValues() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createSpecification(["jobs": [["name": "a", "command": "c"]]])
            try await api.initialize(w)
            let job = try await api.job(w, named: "a")
            let key = job.string("_key")
            let rev = job.string("_rev")
            let manage = "/workflows/\(w)/jobs/manage_status_change/\(key)"
            let invalid = try await api.put("\(manage)/bogus/\(rev)")
            #expect(invalid.isError(400) && invalid.message == "Invalid job status: bogus")
            let completion = try await api.put("\(manage)/done/\(rev)")
            #expect(completion.isError(400))
            #expect(completion.message == "status=done indicates completion. Post complete_job status instead.")
            let stale = try await api.put("\(manage)/ready/_stale")
            #expect(stale.isError(400) && stale.message == "Revision conflict for \(job.string("_id")): _rev=\(rev)")
            let unknownStatus = try await api.post(
                "/workflows/\(w)/jobs/complete_job/\(key)/bogus/\(rev)", JobCompletionTests.result(job))
            #expect(unknownStatus.isError(400) && unknownStatus.message == "status=bogus does not indicate completion")
            // The workflow is checked before the status: an unknown workflow is a 404 whatever the status.
            let noWorkflow = try await api.put("/workflows/0/jobs/manage_status_change/\(key)/bogus/\(rev)")
            #expect(noWorkflow.isError(404))
            #expect(noWorkflow.message == "Error: Document not found. Operation: Get workflows with key=0")
            // A job addressed by the _id of another collection is not found; by its own _id it is.
            let otherCollection = try await api.get("/workflows/\(w)/jobs/files__\(w)%2F\(key)")
            #expect(otherCollection.isError(404))
            #expect(
                otherCollection.message == "Error: Document not found. Operation: Get jobs with key=files__\(w)/\(key)")
            #expect(try await api.get("/workflows/\(w)/jobs/jobs__\(w)%2F\(key)")["_key"] == .string(key))
            #expect(try await api.get("/workflows/workflows%2F\(w)")["_key"] == .string(w))
            let byStatus = try await api.get("/workflows/\(w)/jobs/find_by_status/bogus")
            #expect(byStatus.status == 200 && byStatus["total_count"] == 0)
        }
    }

    @Test("a malformed number or edge name answers as before")
    func malformedQueryValues() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let edge = try await api.get("/workflows/\(w)/edges/bogus?limit=x")
            #expect(edge.isError(404), "the edge name is checked before the query")
            #expect(edge.message == "Error: Document not found. Operation: Get edge collection name=bogus")
            for path in [
                "/workflows/\(w)/edges/blocks?limit=x", "/workflows/\(w)/jobs/find_by_status/ready?limit=x",
                "/workflows/\(w)/job_specifications?limit=x", "/workflows/\(w)/files/produced_by_job/1?limit=x",
                "/workflows/0/jobs?limit=x", "/workflows?limit=x",
            ] {
                let answer = try await api.get(path)
                #expect(answer.isError(400), "\(path)")
                #expect(answer.message == #"query parameter "limit" must be a number"#, "\(path)")
            }
            let filter = try await api.get("/workflows/\(w)/files?name=")
            #expect(filter.isError(400) && filter.message == #"query parameter "name" is not allowed to be empty"#)
            let negative = try await api.get("/workflows?limit=-1")
            #expect(negative.isError(400, errorNum: 1504))
            #expect(negative.message == "ArangoError 1504: limit must be non-negative")
        }
    }

    @Test("prepare_jobs_for_submission checks its body before its query")
    func handOutQuery() async throws {
        try await APIClient.withService { (api: APIClient) async throws in
            let w = try await api.createWorkflow()
            let prepare = "/workflows/prepare_jobs_for_submission/\(w)"
            let resources: JSONValue = ["num_cpus": 1, "memory_gb": 1]
            let badLimit = try await api.post("\(prepare)?limit=-1", resources)
            #expect(badLimit.isError(400))
            #expect(badLimit.message == #"query parameter "limit" must be larger than or equal to 0"#)
            let badWait = try await api.post("\(prepare)?wait_seconds=5000", resources)
            #expect(badWait.isError(400))
            #expect(badWait.message == #"query parameter "wait_seconds" must be between 0 and 3600"#)
            let badBody = try await api.post(prepare, ["num_cpus": "one", "memory_gb": 1])
            #expect(badBody.isError(400))
            let both = try await api.post("\(prepare)?limit=-1&wait_seconds=x", ["num_cpus": "one", "memory_gb": 1])
            #expect(both.isError(400) && both.message == badBody.message)
        }
    }
}
