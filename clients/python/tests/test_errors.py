"""Errors raise ApiException with the right status and the standard error body."""
import swagger_client as sc

from helpers import expect_error


def test_unknown_workflow_is_404(api):
    body = expect_error(404, api.get_workflows_key, "no-such-workflow")
    assert body["errorNum"] == 404
    expect_error(404, api.get_workflows_workflow_jobs, "no-such-workflow")
    expect_error(404, api.post_workflows_workflow_jobs, sc.WorkflowJobsModel(command="echo"), "no-such-workflow")
    expect_error(404, api.get_workflows_status_key, "no-such-workflow")
    expect_error(404, api.get_workflows_workflow_user_data_key, "no-such-workflow", "1")


def test_unknown_document_is_404(api, workflow):
    expect_error(404, api.get_workflows_workflow_jobs_key, workflow, "123456789")
    expect_error(404, api.delete_workflows_workflow_files_key, workflow, "123456789")


def test_stale_rev_on_put_is_409(api, workflow):
    created = api.post_workflows_workflow_files(sc.WorkflowFilesModel(name="f", path="a"), workflow)
    first = sc.FilesKeyModel(name="f", path="b", key=created.key, rev=created.rev)
    api.put_workflows_workflow_files_key(first, workflow, created.key)
    stale = sc.FilesKeyModel(name="f", path="c", key=created.key, rev=created.rev)
    body = expect_error(409, api.put_workflows_workflow_files_key, stale, workflow, created.key)
    assert body["errorNum"] == 409
    assert api.get_workflows_workflow_files_key(workflow, created.key).path == "b"


def test_stale_rev_on_workflow_put_is_409(api, workflow):
    wf = api.get_workflows_key(workflow)
    api.put_workflows_key(sc.WorkflowsKeyModel(name="one", key=wf.key, rev=wf.rev), workflow)
    expect_error(409, api.put_workflows_key, sc.WorkflowsKeyModel(name="two", key=wf.key, rev=wf.rev), workflow)


def test_put_without_rev_is_400(api, workflow):
    created = api.post_workflows_workflow_files(sc.WorkflowFilesModel(name="f", path="a"), workflow)
    expect_error(400, api.put_workflows_workflow_files_key, {"_key": created.key, "path": "b"}, workflow, created.key)


def test_bad_bodies_are_400(api, workflow):
    # Dicts are sent as they are, so the server's validation is what is tested.
    expect_error(400, api.post_workflows_workflow_jobs, {"name": "no command"}, workflow)
    expect_error(400, api.post_workflows_workflow_jobs, {"command": "echo", "bogus": 1}, workflow)
    expect_error(400, api.post_workflows_workflow_jobs, {"command": ""}, workflow)
    expect_error(400, api.post_workflows_workflow_files, {"path": "a", "file_hash": "x"}, workflow)
    expect_error(400, api.post_workflows_workflow_resource_requirements, {"num_cpus": 1.5}, workflow)
    expect_error(400, api.post_workflows_workflow_edges_name, {"_from": "jobs__x/1"}, workflow, "blocks")
    expect_error(400, api.post_workflows, {"name": "x", "unknown": True})
    # The body is validated before the workflow is looked up.
    expect_error(400, api.post_workflows_workflow_jobs, {"name": "no command"}, "no-such-workflow")


def test_bad_query_parameter_is_400(api, workflow):
    expect_error(400, api.get_workflows_workflow_jobs, workflow, skip="abc")


def test_duplicate_key_is_400_with_database_error_number(api, workflow):
    api.post_workflows_workflow_files(sc.WorkflowFilesModel(path="a", key="myfile"), workflow)
    body = expect_error(400, api.post_workflows_workflow_files, sc.WorkflowFilesModel(path="b", key="myfile"), workflow)
    assert body["errorNum"] == 1210
