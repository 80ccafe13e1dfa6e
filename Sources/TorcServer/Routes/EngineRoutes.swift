import HTTPTypes
import TorcEngine

/// The engine operations (the original 14 plus the batched complete_jobs) (docs/routes.md, "Engine routes").
/// Routes without a declared body ignore whatever body is sent (docs/routes.md, "Processing order").
enum EngineRoutes {
    static var all: [Route] {
        [
            Route(.get, "/workflows/is_complete/{key}", "get_workflows_is_complete_key", body: .ignored) { r in
                try await r.database.isComplete(key: r.workflow(.key))
            },
            Route(
                .get, "/workflows/ready_job_requirements/{key}", "get_workflows_ready_job_requirements_key",
                body: .ignored
            ) { r in
                try await r.database.readyJobRequirements(
                    key: r.workflow(.key), schedulerConfigID: r.query["scheduler_config_id"])
            },
            Route(.post, "/workflows/initialize_jobs/{key}", "post_workflows_initialize_jobs_key", body: .ignored) {
                r in
                try await r.database.initializeJobs(key: r.workflow(.key))
            },
            Route(
                .post, "/workflows/prepare_jobs_for_submission/{key}", "post_workflows_prepare_jobs_for_submission_key"
            ) { r in
                try await r.database.prepareJobsForSubmission(
                    key: r.workflow(.key), query: HandOutQuery(r.query), body: r.body)
            },
            Route(.put, "/workflows/cancel/{key}", "put_workflows_cancel_key", body: .ignored) { r in
                try await r.database.cancelWorkflow(key: r.workflow(.key))
            },
            Route(.post, "/workflows/reset_status/{key}", "post_workflows_reset_status_key", body: .ignored) { r in
                try await r.database.resetStatus(key: r.workflow(.key))
            },
            Route(
                .post, "/workflows/auto_tune_resource_requirements/{key}",
                "post_workflows_auto_tune_resource_requirements_key", body: .ignored
            ) { r in
                try await r.database.autoTuneResourceRequirements(key: r.workflow(.key))
            },
            Route(
                .post, "/workflows/process_auto_tune_resource_requirements_results/{key}",
                "post_workflows_process_auto_tune_resource_requirements_results_key", body: .ignored
            ) { r in
                try await r.database.processAutoTuneResults(key: r.workflow(.key))
            },
            Route(
                .post, "/workflows/{workflow}/jobs/complete_job/{key}/{status}/{rev}",
                "post_workflows_workflow_jobs_complete_job_key_status_rev"
            ) { r in
                try await r.database.completeJob(
                    workflow: r.workflow(), key: r.document(), status: r.status(), rev: r.revision(), body: r.body)
            },
            Route(.post, "/workflows/{workflow}/jobs/complete_jobs", "post_workflows_workflow_jobs_complete_jobs") {
                r in
                ErrorResponse.outcomes(
                    try await r.database.completeJobs(workflow: r.workflow(), body: r.body))
            },
            Route(
                .put, "/workflows/{workflow}/jobs/manage_status_change/{key}/{status}/{rev}",
                "put_workflows_workflow_jobs_manage_status_change_key_status_rev", body: .ignored
            ) { r in
                try await r.database.manageStatusChange(
                    workflow: r.workflow(), key: r.document(), status: r.status(), rev: r.revision())
            },
            Route(.post, "/workflow_specifications", "post_workflow_specifications") { r in
                try await r.database.createWorkflowSpecification(body: r.body)
            },
            Route(.get, "/workflow_specifications/example", "get_workflow_specifications_example", body: .ignored) {
                _ in
                WorkflowSpecificationSamples.example
            },
            Route(.get, "/workflow_specifications/template", "get_workflow_specifications_template", body: .ignored) {
                _ in
                WorkflowSpecificationSamples.template
            },
            Route(.get, "/workflow_specifications/{key}", "get_workflow_specifications_key", body: .ignored) { r in
                try await r.database.getWorkflowSpecification(key: r.workflow(.key))
            },
        ]
    }
}
