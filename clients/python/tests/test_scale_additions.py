"""The additions for many runners through the generated client: batched
completion, long-poll hand-out and job priorities. The existing methods are
called exactly as before (see test_engine.py); the additions are a new method,
an optional keyword argument and an optional model attribute."""
import datetime
import threading
import time

import pytest

import swagger_client as sc

pytestmark = pytest.mark.engine

ONE_CPU = sc.PrepareJobsForSubmissionKeyModel(num_cpus=1, memory_gb=1.0, num_nodes=1)


def result_for(job, return_code=0):
    return sc.StatusRevModel(
        job_key=job.key, job_name=job.name, run_id=1, return_code=return_code,
        exec_time_minutes=0.1, completion_time=str(datetime.datetime.now()), status="done")


@pytest.fixture
def chain(api):
    """`first` blocks `second`; three independent jobs with priorities."""
    spec = sc.WorkflowSpecificationsModel(
        name="scale-additions",
        jobs=[
            sc.WorkflowJobSpecificationsModel(name="first", command="true", priority=1),
            sc.WorkflowJobSpecificationsModel(name="second", command="true", blocked_by=["first"]),
            sc.WorkflowJobSpecificationsModel(name="low", command="true", priority=-5),
            sc.WorkflowJobSpecificationsModel(name="high", command="true", priority=9),
        ],
    )
    created = api.post_workflow_specifications(spec)
    api.post_workflows_initialize_jobs_key(created.key)
    yield created.key
    api.delete_workflows_key(created.key)


def test_priorities_order_the_hand_out(api, chain):
    names = []
    for _ in range(3):
        names += [job.name for job in api.post_workflows_prepare_jobs_for_submission_key(ONE_CPU, chain).jobs]
    assert names == ["high", "first", "low"]
    jobs = {job.name: job for job in api.get_workflows_workflow_jobs(chain).items}
    assert jobs["high"].priority == 9 and jobs["second"].priority is None


def test_complete_jobs_reports_each_job(api, chain):
    handed = []
    for _ in range(3):
        handed += api.post_workflows_prepare_jobs_for_submission_key(ONE_CPU, chain).jobs
    entries = [sc.CompleteJobsEntry(job_key=job.key, status="done", rev=job.rev, result=result_for(job)) for job in handed]
    entries[1].rev = "stale"
    answer = api.post_workflows_workflow_jobs_complete_jobs(sc.CompleteJobsModel(jobs=entries), chain)
    assert [outcome.code for outcome in answer.jobs] == [200, 409, 200]
    assert answer.jobs[0].job.status == "done"
    assert answer.jobs[1].error.error_message.startswith("Revision conflict")
    statuses = {job.name: job.status for job in api.get_workflows_workflow_jobs(chain).items}
    assert statuses[handed[1].name] == "submitted_pending"


def test_long_poll_answers_when_a_job_becomes_ready(api, chain):
    handed = []
    for _ in range(3):
        handed += api.post_workflows_prepare_jobs_for_submission_key(ONE_CPU, chain).jobs
    first = next(job for job in handed if job.name == "first")
    answers = []
    waiter = threading.Thread(target=lambda: answers.append(
        api.post_workflows_prepare_jobs_for_submission_key(ONE_CPU, chain, wait_seconds=20)))
    started = time.monotonic()
    waiter.start()
    time.sleep(0.3)
    api.post_workflows_workflow_jobs_complete_job_key_status_rev(result_for(first), chain, first.id, "done", first.rev)
    waiter.join(timeout=30)
    assert [job.name for job in answers[0].jobs] == ["second"]
    assert time.monotonic() - started < 10
