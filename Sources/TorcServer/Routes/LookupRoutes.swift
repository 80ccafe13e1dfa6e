import HTTPTypes
import TorcEngine

/// Relationship lookups, job user data and job specifications (docs/routes.md, "Lookups"; docs/routes.md, "Workflows").
enum LookupRoutes {
    static var all: [Route] {
        [
            Route(
                .get, "/workflows/{workflow}/files/produced_by_job/{key}",
                "get_workflows_workflow_files_produced_by_job_key"
            ) { r in
                try await r.database.filesProducedByJob(
                    workflow: r.workflow(), key: r.document(), paging: r.paging())
            },
            Route(
                .get, "/workflows/{workflow}/jobs/find_by_status/{status}",
                "get_workflows_workflow_jobs_find_by_status_status"
            ) { r in
                try await r.database.jobsByStatus(
                    workflow: r.workflow(), status: r.status(), paging: r.paging())
            },
            Route(
                .get, "/workflows/{workflow}/jobs/find_by_needs_file/{key}",
                "get_workflows_workflow_jobs_find_by_needs_file_key"
            ) { r in
                try await r.database.jobsNeedingFile(
                    workflow: r.workflow(), key: r.document(), paging: r.paging())
            },
            Route(
                .get, "/workflows/{workflow}/jobs/resource_requirements/{key}",
                "get_workflows_workflow_jobs_resource_requirements_key"
            ) { r in
                try await r.database.jobResourceRequirements(workflow: r.workflow(), key: r.document())
            },
            Route(
                .get, "/workflows/{workflow}/jobs/process_stats/{key}", "get_workflows_workflow_jobs_process_stats_key"
            ) { r in
                try await r.database.jobProcessStats(workflow: r.workflow(), key: r.document())
            },
            Route(.get, "/workflows/{workflow}/jobs/user_data/{key}", "get_workflows_workflow_jobs_user_data_key") {
                r in
                try await r.database.jobUserData(workflow: r.workflow(), key: r.document())
            },
            Route(.post, "/workflows/{workflow}/jobs/user_data/{key}", "post_workflows_workflow_jobs_user_data_key") {
                r in
                try await r.database.addJobUserData(
                    workflow: r.workflow(), key: r.document(), body: r.body)
            },
            Route(
                .get, "/workflows/{workflow}/results/find_by_job/{key}",
                "get_workflows_workflow_results_find_by_job_key"
            ) { r in
                try await r.database.latestResult(workflow: r.workflow(), key: r.document())
            },
            Route(.get, "/workflows/{workflow}/job_keys", "get_workflows_workflow_job_keys") { r in
                try await r.database.jobKeys(workflow: r.workflow())
            },
            Route(.get, "/workflows/{workflow}/job_specifications", "get_workflows_workflow_job_specifications") { r in
                try await r.database.listJobSpecifications(workflow: r.workflow(), paging: r.paging())
            },
            Route(.post, "/workflows/{workflow}/job_specifications", "post_workflows_workflow_job_specifications") {
                r in
                try await r.database.createJobSpecification(workflow: r.workflow(), body: r.body)
            },
            Route(
                .get, "/workflows/{workflow}/job_specifications/{key}", "get_workflows_workflow_job_specifications_key"
            ) { r in
                try await r.database.getJobSpecification(workflow: r.workflow(), key: r.document())
            },
        ]
    }
}
