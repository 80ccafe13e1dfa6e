"""POST/GET/list/PUT/DELETE for each of the 13 per-workflow collections."""
import pytest

import swagger_client as sc

from helpers import expect_error, field, to_json

TIME = "2023-04-13 10:00:00.123456"


def compute_node():
    return sc.WorkflowComputeNodesModel(
        hostname="node1", start_time=TIME, is_active=True,
        resources=sc.WorkflowsworkflowcomputeNodesResources(num_cpus=4, memory_gb=8.0, time_limit="P0DT1H"))


def compute_node_stats():
    stat = sc.WorkflowsworkflowcomputeNodeStatsStats(
        resource_type="cpu", average={"cpu_percent": 10.5}, minimum={"cpu_percent": 1.0},
        maximum={"cpu_percent": 20.0}, num_samples=3)
    return sc.WorkflowComputeNodeStatsModel(hostname="node1", timestamp=TIME, stats=[stat])


# collection, body for POST, attribute changed by the PUT, new value
CASES = [
    ("aws_schedulers", lambda wf: sc.WorkflowAwsSchedulersModel(name="aws1"), "name", "aws2"),
    ("compute_nodes", lambda wf: compute_node(), "is_active", False),
    ("compute_node_stats", lambda wf: compute_node_stats(), "hostname", "node2"),
    ("events", lambda wf: {"category": "job", "type": "start", "key": "1", "message": "started"}, "message", "changed"),
    ("files", lambda wf: sc.WorkflowFilesModel(name="f1", path="dir/f1.json", st_mtime=1681400000.5), "path", "dir/f1b.json"),
    ("jobs", lambda wf: sc.WorkflowJobsModel(name="job1", command="echo 1"), "command", "echo 2"),
    ("job_process_stats", lambda wf: sc.WorkflowJobProcessStatsModel(
        job_key="1", run_id=1, avg_cpu_percent=10.0, max_cpu_percent=50.0, avg_rss=1e6, max_rss=2e6,
        num_samples=5, timestamp=TIME), "num_samples", 6),
    ("local_schedulers", lambda wf: sc.WorkflowLocalSchedulersModel(name="local1", memory="8g", num_cpus=4), "num_cpus", 8),
    ("resource_requirements", lambda wf: sc.WorkflowResourceRequirementsModel(name="small", memory="1g", runtime="P0DT1H"),
     "memory", "2g"),
    ("results", lambda wf: sc.WorkflowResultsModel(
        job_key="1", job_name="job1", run_id=1, return_code=0, exec_time_minutes=0.5,
        completion_time=TIME, status="done"), "return_code", 1),
    ("scheduled_compute_nodes", lambda wf: sc.WorkflowScheduledComputeNodesModel(
        scheduler_id="1234", scheduler_config_id=f"slurm_schedulers__{wf}/1", status="pending"), "status", "active"),
    ("slurm_schedulers", lambda wf: sc.WorkflowSlurmSchedulersModel(name="s1", account="acct", nodes=1, walltime="04:00:00"),
     "nodes", 2),
    ("user_data", lambda wf: {"name": "ud", "value": {"x": 1}}, "name", "ud2"),
]


def set_field(doc, name, value):
    if isinstance(doc, dict):
        doc[name] = value
    else:
        setattr(doc, name, value)


@pytest.mark.parametrize("collection,make_body,changed,new_value", CASES, ids=[c[0] for c in CASES])
def test_crud(api, workflow, collection, make_body, changed, new_value):
    post = getattr(api, f"post_workflows_workflow_{collection}")
    get_one = getattr(api, f"get_workflows_workflow_{collection}_key")
    get_list = getattr(api, f"get_workflows_workflow_{collection}")
    put = getattr(api, f"put_workflows_workflow_{collection}_key")
    delete_one = getattr(api, f"delete_workflows_workflow_{collection}_key")
    delete_all = getattr(api, f"delete_workflows_workflow_{collection}")

    body = make_body(workflow)
    created = post(body, workflow)
    key = field(created, "_key")
    assert key
    assert field(created, "_id") == f"{collection}__{workflow}/{key}"
    assert field(created, "_rev")
    sent = to_json(api, body)
    for name, value in sent.items():
        assert to_json(api, field(created, name)) == value, name

    fetched = get_one(workflow, key)
    assert to_json(api, fetched) == to_json(api, created)

    page = get_list(workflow)
    assert [field(d, "_key") for d in page.items] == [key]
    assert (page.skip, page.limit, page.max_limit, page.count, page.total_count, page.has_more) == (0, 1000, 1000, 1, 1, False)

    old_rev = field(fetched, "_rev")
    set_field(fetched, changed, new_value)
    updated = put(fetched, workflow, key)
    assert to_json(api, field(updated, changed)) == to_json(api, new_value)
    assert field(updated, "_key") == key
    assert field(updated, "_oldRev") == old_rev
    assert field(updated, "_rev") != old_rev

    refetched = get_one(workflow, key)
    assert to_json(api, field(refetched, changed)) == to_json(api, new_value)
    assert field(refetched, "_rev") == field(updated, "_rev")

    # The full _id is accepted where a key is expected.
    assert field(get_one(workflow, field(created, "_id")), "_key") == key

    other = post(make_body(workflow), workflow)
    deleted = delete_one(workflow, key)
    assert field(deleted, "_key") == key
    expect_error(404, get_one, workflow, key)
    assert [field(d, "_key") for d in get_list(workflow).items] == [field(other, "_key")]

    result = delete_all(workflow)
    assert "message" in result
    assert get_list(workflow).count == 0


def test_defaults_are_filled_in(api, workflow):
    job = api.post_workflows_workflow_jobs(sc.WorkflowJobsModel(command="echo"), workflow)
    assert job.status == "uninitialized"
    assert (job.cancel_on_blocking_job_failure, job.supports_termination, job.run_id) == (True, False, 0)
    assert job.internal is None  # never returned by GET/POST/PUT

    rr = api.post_workflows_workflow_resource_requirements({"name": "bare"}, workflow)
    assert (rr.num_cpus, rr.num_gpus, rr.num_nodes, rr.memory, rr.runtime) == (1, 0, 1, "1m", "P0DT1M")

    assert api.post_workflows_workflow_local_schedulers({}, workflow).name == "default"
    assert api.post_workflows_workflow_slurm_schedulers({"account": "a", "nodes": 1}, workflow).qos == "normal"


def test_job_list_filters(api, workflow):
    for i in range(3):
        api.post_workflows_workflow_jobs(sc.WorkflowJobsModel(name=f"job{i}", command="echo", status="ready" if i else "blocked"), workflow)
    ready = api.get_workflows_workflow_jobs(workflow, status="ready")
    assert [j.name for j in ready.items] == ["job1", "job2"]
    assert ready.total_count == 2
    assert [j.name for j in api.get_workflows_workflow_jobs(workflow, status="ready", name="job2").items] == ["job2"]
    assert api.get_workflows_workflow_jobs(workflow, run_id=0).count == 3
    assert api.get_workflows_workflow_jobs(workflow, cancel_on_blocking_job_failure=False).count == 0
    assert [j.name for j in api.get_workflows_workflow_jobs_find_by_status_status(workflow, "blocked").items] == ["job0"]
    assert api.get_workflows_workflow_job_keys(workflow).items == [j.key for j in api.get_workflows_workflow_jobs(workflow).items]


def test_put_response_can_be_sent_again(api, workflow):
    """A client updates a document twice, re-sending the object the first PUT returned."""
    f = api.post_workflows_workflow_files(sc.WorkflowFilesModel(name="f", path="a"), workflow)
    f.path = "b"
    f = api.put_workflows_workflow_files_key(f, workflow, f.key)
    f.path = "c"
    f = api.put_workflows_workflow_files_key(f, workflow, f.key)
    assert api.get_workflows_workflow_files_key(workflow, f.key).path == "c"


def test_workflow_crud(api):
    created = api.post_workflows(sc.WorkflowsModel(name="crud", user="alice", description="d"))
    assert created.id == f"workflows/{created.key}"
    got = api.get_workflows_key(created.key)
    assert (got.name, got.user, got.description) == ("crud", "alice", "d")
    assert created.key in [w.key for w in api.get_workflows(user="alice", name="crud").items]

    body = sc.WorkflowsKeyModel(name="renamed", user="alice", key=created.key, rev=got.rev)
    updated = api.put_workflows_key(body, created.key)
    assert updated.name == "renamed" and updated.old_rev == got.rev and updated.rev != got.rev

    names = api.get_workflows_collection_names_key(created.key).names
    assert len(names) == 23
    assert names[0] == f"events__{created.key}" and names[-1] == f"stores__{created.key}"

    deleted = api.delete_workflows_key(created.key)
    assert deleted.key == created.key
    expect_error(404, api.get_workflows_key, created.key)
    expect_error(404, api.get_workflows_workflow_jobs, created.key)


def test_workflow_config_and_status(api, workflow):
    config = api.get_workflows_config_key(workflow)
    stats = config.compute_node_resource_stats
    assert (stats.cpu, stats.process, stats.monitor_type, stats.make_plots, stats.interval) == (False, False, "aggregation", True, 10)
    stats.cpu = True
    stats.interval = 5
    updated = api.put_workflows_config_key(config, workflow)
    assert updated.compute_node_resource_stats.cpu is True
    assert api.get_workflows_config_key(workflow).compute_node_resource_stats.interval == 5

    status = api.get_workflows_status_key(workflow)
    assert (status.run_id, status.is_canceled, status.scheduled_compute_node_ids) == (1, False, [])
    assert (status.auto_tune_status.enabled, status.auto_tune_status.job_keys) == (True, [])
    # What `torc workflows restart` does: read the status, bump run_id, send it back.
    status.run_id += 1
    api.put_workflows_status_key(status, workflow)
    assert api.get_workflows_status_key(workflow).run_id == 2


def test_edges(api, workflow):
    job1 = api.post_workflows_workflow_jobs(sc.WorkflowJobsModel(name="j1", command="echo 1"), workflow)
    job2 = api.post_workflows_workflow_jobs(sc.WorkflowJobsModel(name="j2", command="echo 2"), workflow)
    f = api.post_workflows_workflow_files(sc.WorkflowFilesModel(name="f", path="f.txt"), workflow)

    edge = api.post_workflows_workflow_edges_name(sc.EdgesNameModel(_from=job1.id, to=job2.id), workflow, "blocks")
    assert (edge._from, edge.to) == (job1.id, job2.id)
    assert edge.id == f"blocks__{workflow}/{edge.key}"
    api.post_workflows_workflow_edges_name(sc.EdgesNameModel(_from=job1.id, to=f.id), workflow, "produces")
    api.post_workflows_workflow_edges_name(sc.EdgesNameModel(_from=job2.id, to=f.id), workflow, "needs")

    assert api.get_workflows_workflow_edges_name_key(workflow, "blocks", edge.key).to == job2.id
    assert [e.key for e in api.get_workflows_workflow_edges_name(workflow, "blocks").items] == [edge.key]
    assert [x.key for x in api.get_workflows_workflow_files_produced_by_job_key(workflow, job1.key).items] == [f.key]
    assert [x.key for x in api.get_workflows_workflow_jobs_find_by_needs_file_key(workflow, f.key).items] == [job2.key]

    assert api.delete_workflows_workflow_edges_name_key(workflow, "blocks", edge.key).key == edge.key
    expect_error(404, api.get_workflows_workflow_edges_name_key, workflow, "blocks", edge.key)
    assert "message" in api.delete_workflows_workflow_edges_name(workflow, "produces")
    assert api.get_workflows_workflow_edges_name(workflow, "produces").count == 0

    # Deleting a vertex deletes its edges.
    api.delete_workflows_workflow_files_key(workflow, f.key)
    assert api.get_workflows_workflow_edges_name(workflow, "needs").count == 0

    expect_error(404, api.get_workflows_workflow_edges_name, workflow, "no_such_edges")


def test_job_resource_requirements_and_results(api, workflow):
    job = api.post_workflows_workflow_jobs(sc.WorkflowJobsModel(name="j", command="echo"), workflow)
    default = api.get_workflows_workflow_jobs_resource_requirements_key(workflow, job.key)
    assert (default.name, default.num_cpus, default.memory, default.runtime, default.key) == ("default", 1, "1m", "P0DT1M", None)

    rr = api.post_workflows_workflow_resource_requirements(sc.WorkflowResourceRequirementsModel(name="big", num_cpus=8), workflow)
    api.post_workflows_workflow_edges_name(sc.EdgesNameModel(_from=job.id, to=rr.id), workflow, "requires")
    assert api.get_workflows_workflow_jobs_resource_requirements_key(workflow, job.key).key == rr.key

    stats = api.post_workflows_workflow_job_process_stats(sc.WorkflowJobProcessStatsModel(
        job_key=job.key, run_id=1, avg_cpu_percent=1.0, max_cpu_percent=2.0, avg_rss=1.0, max_rss=2.0,
        num_samples=1, timestamp=TIME), workflow)
    api.post_workflows_workflow_edges_name(sc.EdgesNameModel(_from=job.id, to=stats.id), workflow, "process_used")
    assert [s.key for s in api.get_workflows_workflow_jobs_process_stats_key(workflow, job.key)] == [stats.key]

    expect_error(404, api.get_workflows_workflow_results_find_by_job_key, workflow, job.key)
    for when, code in (("2023-04-13 10:00:00.000000", 1), ("2023-04-13 11:00:00.000000", 0)):
        result = api.post_workflows_workflow_results(sc.WorkflowResultsModel(
            job_key=job.key, job_name="j", run_id=1, return_code=code, exec_time_minutes=1.0,
            completion_time=when, status="done"), workflow)
        api.post_workflows_workflow_edges_name(sc.EdgesNameModel(_from=job.id, to=result.id), workflow, "returned")
    latest = api.get_workflows_workflow_results_find_by_job_key(workflow, job.key)
    assert latest.return_code == 0


def test_job_specification_routes(api, workflow):
    api.post_workflows_workflow_files(sc.WorkflowFilesModel(name="in", path="in.txt"), workflow)
    api.post_workflows_workflow_resource_requirements(sc.WorkflowResourceRequirementsModel(name="small"), workflow)
    first = api.post_workflows_workflow_job_specifications(
        sc.WorkflowJobSpecificationsModel(name="first", command="echo 1"), workflow)
    second = api.post_workflows_workflow_job_specifications(sc.WorkflowJobSpecificationsModel(
        name="second", command="echo 2", input_files=["in"], blocked_by=["first"],
        resource_requirements="small", user_data=[{"k": "v"}]), workflow)
    assert second.status == "uninitialized"

    spec = api.get_workflows_workflow_job_specifications_key(workflow, second.key)
    assert (spec.name, spec.command, spec.input_files, spec.blocked_by) == ("second", "echo 2", ["in"], ["first"])
    assert (spec.resource_requirements, spec.scheduler, spec.user_data) == ("small", "", [{"k": "v"}])
    assert api.get_workflows_workflow_job_specifications_key(workflow, first.key).resource_requirements == "default"

    listed = api.get_workflows_workflow_job_specifications(workflow)
    assert [s.name for s in listed.items] == ["first", "second"]
    assert listed.total_count == 2

    expect_error(400, api.post_workflows_workflow_job_specifications,
                 sc.WorkflowJobSpecificationsModel(command="x", input_files=["missing"]), workflow)
