import HTTPTypes
import TorcCore
import TorcEngine

/// The 78 generic collection operations (13 collections x 6) and the 5 edge operations.
enum CollectionRoutes {
    static var all: [Route] {
        WorkflowCollection.documentCollections.flatMap(documentRoutes) + edgeRoutes
    }

    static func documentRoutes(_ collection: WorkflowCollection) -> [Route] {
        let c = collection.rawValue
        let list = "/workflows/{workflow}/\(c)"
        let one = "/workflows/{workflow}/\(c)/{key}"
        return [
            Route(.get, list, "get_workflows_workflow_\(c)") { r in
                try await r.database.listDocuments(
                    workflow: r.workflow(), collection: collection, query: .documents(r.query, in: collection))
            },
            Route(.post, list, "post_workflows_workflow_\(c)") { r in
                try await r.database.createDocument(
                    workflow: r.workflow(), collection: collection, body: r.body)
            },
            Route(.delete, list, "delete_workflows_workflow_\(c)") { r in
                try await r.database.deleteAllDocuments(
                    workflow: r.workflow(), collection: collection, body: r.body)
            },
            Route(.get, one, "get_workflows_workflow_\(c)_key") { r in
                try await r.database.getDocument(
                    workflow: r.workflow(), collection: collection, key: r.document())
            },
            Route(.put, one, "put_workflows_workflow_\(c)_key") { r in
                try await r.database.updateDocument(
                    workflow: r.workflow(), collection: collection, key: r.document(), body: r.body)
            },
            Route(.delete, one, "delete_workflows_workflow_\(c)_key") { r in
                try await r.database.deleteDocument(
                    workflow: r.workflow(), collection: collection, key: r.document(), body: r.body)
            },
        ]
    }

    static var edgeRoutes: [Route] {
        let list = "/workflows/{workflow}/edges/{name}"
        let one = "/workflows/{workflow}/edges/{name}/{key}"
        return [
            Route(.get, list, "get_workflows_workflow_edges_name") { r in
                try await r.database.listEdges(
                    workflow: r.workflow(), collection: r.edgeCollection(), paging: r.paging())
            },
            Route(.post, list, "post_workflows_workflow_edges_name") { r in
                try await r.database.createEdge(
                    workflow: r.workflow(), collection: r.edgeCollection(), body: r.body)
            },
            Route(.delete, list, "delete_workflows_workflow_edges_name") { r in
                try await r.database.deleteAllEdges(
                    workflow: r.workflow(), collection: r.edgeCollection(), body: r.body)
            },
            Route(.get, one, "get_workflows_workflow_edges_name_key") { r in
                try await r.database.getEdge(
                    workflow: r.workflow(), collection: r.edgeCollection(), key: r.document())
            },
            Route(.delete, one, "delete_workflows_workflow_edges_name_key") { r in
                try await r.database.deleteEdge(
                    workflow: r.workflow(), collection: r.edgeCollection(), key: r.document(), body: r.body)
            },
        ]
    }
}
