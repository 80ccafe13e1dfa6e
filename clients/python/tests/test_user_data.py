"""User data: attached to a job, and stored at the workflow level."""
import swagger_client

from helpers import expect_error


def test_job_user_data_example(api, workflow):
    job = api.post_workflows_workflow_jobs(swagger_client.WorkflowJobsModel(name="job1", command="echo hello"), workflow)

    stored = api.post_workflows_workflow_jobs_user_data_key({"key1": "val1", "nested": {"a": [1, 2]}}, workflow, job.key)
    assert stored["key1"] == "val1"
    assert stored["_id"] == f"user_data__{workflow}/{stored['_key']}"
    assert stored["_rev"]

    result = api.get_workflows_workflow_jobs_user_data_key(workflow, job.key)
    assert isinstance(result.items, list)
    assert len(result.items) == 1
    assert result.items[0]["_key"] == stored["_key"]
    assert result.items[0]["key1"] == "val1"
    assert result.items[0]["nested"] == {"a": [1, 2]}

    # The stores edge job -> user data was created.
    edges = api.get_workflows_workflow_edges_name(workflow, "stores")
    assert [(e._from, e.to) for e in edges.items] == [(job.id, stored["_id"])]


def test_job_user_data_empty_and_unknown_job(api, workflow):
    job = api.post_workflows_workflow_jobs(swagger_client.WorkflowJobsModel(command="true"), workflow)
    assert api.get_workflows_workflow_jobs_user_data_key(workflow, job.key).items == []
    expect_error(404, api.get_workflows_workflow_jobs_user_data_key, workflow, "no-such-job")
    expect_error(404, api.post_workflows_workflow_jobs_user_data_key, {"a": 1}, workflow, "no-such-job")


def test_workflow_user_data_add_get_list_delete(api, workflow):
    first = api.post_workflows_workflow_user_data({"name": "first", "values": [1, 2, 3]}, workflow)
    second = api.post_workflows_workflow_user_data({"name": "second", "flag": None}, workflow)

    assert api.get_workflows_workflow_user_data_key(workflow, first["_key"]) == first
    assert api.get_workflows_workflow_user_data_key(workflow, second["_key"])["flag"] is None

    listed = api.get_workflows_workflow_user_data(workflow)
    assert [d["_key"] for d in listed.items] == [first["_key"], second["_key"]]
    assert listed.count == 2 and listed.total_count == 2 and listed.has_more is False

    only_first = api.get_workflows_workflow_user_data(workflow, key=first["_key"])
    assert [d["name"] for d in only_first.items] == ["first"]

    deleted = api.delete_workflows_workflow_user_data_key(workflow, first["_key"])
    assert deleted["_key"] == first["_key"]
    expect_error(404, api.get_workflows_workflow_user_data_key, workflow, first["_key"])

    message = api.delete_workflows_workflow_user_data(workflow)
    assert "message" in message
    assert api.get_workflows_workflow_user_data(workflow).items == []
