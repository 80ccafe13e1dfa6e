"""A workflow created from a specification and run the way the job runner runs it."""
import datetime

import pytest

import swagger_client as sc

from helpers import expect_error

pytestmark = pytest.mark.engine

WORKER = sc.PrepareJobsForSubmissionKeyModel(num_cpus=4, memory_gb=8.0, num_nodes=1, time_limit="P0DT24H")


def specification():
    small = sc.ResourceRequirementsKeyModel(name="small", num_cpus=1, memory="1g", runtime="P0DT1H")
    return sc.WorkflowSpecificationsModel(
        name="engine-test",
        user="tester",
        description="preprocess -> work -> postprocess",
        files=[sc.FilesKeyModel(name="inputs", path="inputs.json"),
               sc.FilesKeyModel(name="intermediate", path="intermediate.json")],
        resource_requirements=[small],
        schedulers=sc.WorkflowSpecificationsSchedulers(
            local_schedulers=[sc.LocalSchedulersKeyModel(name="test", num_cpus=4, memory="8g")]),
        jobs=[
            sc.WorkflowJobSpecificationsModel(name="preprocess", command="echo pre", input_files=["inputs"],
                                              output_files=["intermediate"], resource_requirements="small"),
            sc.WorkflowJobSpecificationsModel(name="work", command="echo work", input_files=["intermediate"],
                                              resource_requirements="small", scheduler="local_schedulers/test"),
            sc.WorkflowJobSpecificationsModel(name="postprocess", command="echo post", blocked_by=["work"],
                                              user_data=[{"report": "summary.txt"}]),
        ],
        config={"compute_node_resource_stats": {"cpu": True, "process": True}},
    )


@pytest.fixture
def spec_workflow(api):
    created = api.post_workflow_specifications(specification())
    yield created
    api.delete_workflows_key(created.key)


def statuses(api, workflow):
    return {job.name: job.status for job in api.get_workflows_workflow_jobs(workflow).items}


def run_job(api, workflow, job, return_code=0):
    """What the job runner does with a job it was handed."""
    job.run_id += 1
    job = api.put_workflows_workflow_jobs_key(job, workflow, job.key)
    job = api.put_workflows_workflow_jobs_manage_status_change_key_status_rev(workflow, job.key, "submitted", job.rev)
    assert job.status == "submitted"
    result = sc.StatusRevModel(
        job_key=job.key, job_name=job.name, run_id=job.run_id, return_code=return_code,
        exec_time_minutes=0.1, completion_time=str(datetime.datetime.now()), status="done")
    # The runner passes the job's _id as the key.
    return api.post_workflows_workflow_jobs_complete_job_key_status_rev(result, workflow, job.id, "done", job.rev)


def test_specification_is_stored(api, spec_workflow):
    wf = spec_workflow.key
    assert (spec_workflow.name, spec_workflow.user) == ("engine-test", "tester")
    assert statuses(api, wf) == {"preprocess": "uninitialized", "work": "uninitialized", "postprocess": "uninitialized"}
    config = api.get_workflows_config_key(wf).compute_node_resource_stats
    assert (config.cpu, config.process, config.memory, config.interval) == (True, True, False, 10)

    exported = api.get_workflow_specifications_key(wf)
    assert sorted(j.name for j in exported.jobs) == ["postprocess", "preprocess", "work"]
    assert [f.name for f in exported.files] == ["inputs", "intermediate"]
    assert [s.name for s in exported.schedulers.local_schedulers] == ["test"]

    assert api.get_workflow_specifications_example().jobs
    api.get_workflow_specifications_template()


def test_run_workflow_to_completion(api, spec_workflow):
    wf = spec_workflow.key
    assert api.post_workflows_initialize_jobs_key(wf)["message"]
    assert statuses(api, wf) == {"preprocess": "ready", "work": "blocked", "postprocess": "blocked"}
    done = api.get_workflows_is_complete_key(wf)
    assert (done.is_complete, done.is_canceled) == (False, False)

    ready = api.get_workflows_ready_job_requirements_key(wf)
    assert (ready.num_jobs, ready.num_cpus, ready.memory_gb, ready.max_runtime) == (1, 1, 1.0, "P0DT1H")

    order = []
    for _ in range(10):
        if api.get_workflows_is_complete_key(wf).is_complete:
            break
        handed_out = api.post_workflows_prepare_jobs_for_submission_key(WORKER, wf)
        assert handed_out.jobs, handed_out.reason
        assert handed_out.reason == ""
        for job in handed_out.jobs:
            assert job.status == "submitted_pending"
            assert job.internal is None
            completed = run_job(api, wf, job)
            assert completed.status == "done"
            order.append(job.name)

    assert order == ["preprocess", "work", "postprocess"]
    assert api.get_workflows_is_complete_key(wf).is_complete is True
    nothing = api.post_workflows_prepare_jobs_for_submission_key(WORKER, wf)
    assert nothing.jobs == [] and nothing.reason

    jobs = {job.name: job for job in api.get_workflows_workflow_jobs(wf).items}
    assert all(job.run_id == 1 for job in jobs.values())
    result = api.get_workflows_workflow_results_find_by_job_key(wf, jobs["work"].key)
    assert (result.return_code, result.status, result.run_id) == (0, "done", 1)
    user_data = api.get_workflows_workflow_jobs_user_data_key(wf, jobs["postprocess"].key).items
    assert [d["report"] for d in user_data] == ["summary.txt"]
    spec = api.get_workflows_workflow_job_specifications_key(wf, jobs["work"].key)
    assert spec.blocked_by == ["preprocess"]  # derived from the file by initialize_jobs
    assert spec.scheduler.startswith(f"local_schedulers__{wf}/")


def test_complete_job_with_stale_rev_is_409(api, spec_workflow):
    wf = spec_workflow.key
    api.post_workflows_initialize_jobs_key(wf)
    job = api.post_workflows_prepare_jobs_for_submission_key(WORKER, wf).jobs[0]
    result = sc.StatusRevModel(job_key=job.key, job_name=job.name, run_id=0, return_code=0,
                               exec_time_minutes=0.1, completion_time="2023-04-13 10:00:00.0", status="done")
    expect_error(409, api.post_workflows_workflow_jobs_complete_job_key_status_rev, result, wf, job.id, "done", "stale-rev")
    expect_error(400, api.post_workflows_workflow_jobs_complete_job_key_status_rev, result, wf, job.id, "ready", job.rev)


def test_cancel_and_reset(api, spec_workflow):
    wf = spec_workflow.key
    api.post_workflows_initialize_jobs_key(wf)
    api.put_workflows_cancel_key(wf)
    assert api.get_workflows_is_complete_key(wf).is_canceled is True
    canceled = api.post_workflows_prepare_jobs_for_submission_key(WORKER, wf)
    assert canceled.jobs == [] and "canceled" in canceled.reason

    api.post_workflows_reset_status_key(wf)
    assert set(statuses(api, wf).values()) == {"uninitialized"}
    status = api.get_workflows_status_key(wf)
    assert (status.is_canceled, status.run_id) == (False, 1)


def test_engine_errors(api):
    expect_error(404, api.post_workflows_initialize_jobs_key, "no-such-workflow")
    expect_error(404, api.get_workflows_is_complete_key, "no-such-workflow")
    expect_error(404, api.post_workflows_prepare_jobs_for_submission_key, WORKER, "no-such-workflow")
    bad = sc.WorkflowSpecificationsModel(jobs=[sc.WorkflowJobSpecificationsModel(command="x", input_files=["nope"])])
    expect_error(400, api.post_workflow_specifications, bad)
