import HTTPTypes
import TorcEngine

/// Workflow CRUD, config, status, collection names and the legacy
/// `/workflow_config` routes (docs/routes.md, "Workflows").
enum WorkflowRoutes {
    static var all: [Route] {
        [
            Route(.get, "/workflows", "get_workflows") { r in
                try await r.database.listWorkflows(query: .workflows(r.query))
            },
            Route(.post, "/workflows", "post_workflows") { r in try await r.database.createWorkflow(body: r.body) },
            Route(.get, "/workflows/{key}", "get_workflows_key") { r in
                try await r.database.getWorkflow(key: r.workflow(.key))
            },
            Route(.put, "/workflows/{key}", "put_workflows_key") { r in
                try await r.database.updateWorkflow(key: r.workflow(.key), body: r.body)
            },
            Route(.delete, "/workflows/{key}", "delete_workflows_key") { r in
                try await r.database.deleteWorkflow(key: r.workflow(.key), body: r.body)
            },
            Route(.get, "/workflows/config/{key}", "get_workflows_config_key") { r in
                try await r.database.getWorkflowConfig(key: r.workflow(.key))
            },
            Route(.put, "/workflows/config/{key}", "put_workflows_config_key") { r in
                try await r.database.updateWorkflowConfig(key: r.workflow(.key), body: r.body)
            },
            Route(.get, "/workflows/status/{key}", "get_workflows_status_key") { r in
                try await r.database.getWorkflowStatus(key: r.workflow(.key))
            },
            Route(.put, "/workflows/status/{key}", "put_workflows_status_key") { r in
                try await r.database.updateWorkflowStatus(key: r.workflow(.key), body: r.body)
            },
            Route(.get, "/workflows/collection_names/{key}", "get_workflows_collection_names_key") { r in
                try await r.database.collectionNames(key: r.workflow(.key))
            },
            Route(.get, "/workflow_config", "get_workflow_config", body: .ignored) { _ in try LegacyWorkflowConfig.get()
            },
            Route(.post, "/workflow_config", "post_workflow_config") { r in try LegacyWorkflowConfig.post(body: r.body)
            },
            Route(.put, "/workflow_config/{key}", "put_workflow_config_key") { r in
                try LegacyWorkflowConfig.put(body: r.body)
            },
            Route(.put, "/workflow_config/reset", "put_workflow_config_reset", body: .ignored) { _ in
                try LegacyWorkflowConfig.reset()
            },
        ]
    }
}
