"""schemathesis hooks that let generated cases reach the success paths of torc-service.

Left alone, schemathesis invents workflow and document keys, so every
per-workflow operation answers 404 and its success path is never exercised.
These hooks aim three of every four generated cases at real data just before
they are sent (`before_call`): path parameters become the keys of a workflow
created from the service's own example specification (with one document in
every collection), and a few operations whose bodies must refer to real
documents (edges, completions, status changes, auto-tune results) get a
matching body. Operations that delete or reset data get a fresh workflow per
case, so the shared one stays intact for the others. The fourth case is sent
as generated, so invented keys and bodies are still fuzzed.

Every answer is tallied per operation (`after_call`). At exit the tally is
written to $TORC_FUZZ_REPORT (JSON) and printed; `fuzz.sh` then requires at
least one 2xx per operation.

Environment: TORC_FUZZ_BASE_URL (the same base URL schemathesis gets),
TORC_FUZZ_REPORT (where to write the tally).
"""

import atexit
import collections
import json
import os
import urllib.parse

import requests
import schemathesis

BASE = os.environ["TORC_FUZZ_BASE_URL"].rstrip("/")
REPORT = os.environ.get("TORC_FUZZ_REPORT")
SESSION = requests.Session()

# Answers per operation label ("GET /workflows/{key}") and status code.
TALLY = collections.defaultdict(collections.Counter)
# Cases seen per operation, to aim three of four.
SEEN = collections.Counter()

# One known-good document per collection, so every `{key}` has something to point at.
DOCUMENTS = {
    "aws_schedulers": {"name": "aws"},
    "compute_nodes": {"hostname": "node1", "start_time": "2026-01-01T00:00:00", "is_active": True,
                      "resources": {"num_cpus": 4, "memory_gb": 16, "num_nodes": 1, "time_limit": "P1D"}},
    "compute_node_stats": {"hostname": "node1", "timestamp": "2026-01-01T00:00:00"},
    "events": {"category": "fuzz", "type": "note"},
    "files": {"name": "fuzz-file", "path": "data/fuzz.txt"},
    "jobs": {"name": "fuzz-job", "command": "true"},
    "local_schedulers": {"name": "local"},
    "resource_requirements": {"name": "fuzz-rr", "num_cpus": 1, "memory": "1g", "runtime": "P0DT1H"},
    "scheduled_compute_nodes": {"scheduler_config_id": "local_schedulers/1", "status": "pending"},
    "slurm_schedulers": {"name": "slurm", "account": "fuzz", "nodes": 1, "walltime": "04:00:00"},
    "user_data": {"fuzz": 1},
}
DESTRUCTIVE = {
    ("PUT", "/workflows/cancel/{key}"), ("POST", "/workflows/reset_status/{key}"),
    ("POST", "/workflows/initialize_jobs/{key}"), ("POST", "/workflows/auto_tune_resource_requirements/{key}"),
    ("POST", "/workflows/process_auto_tune_resource_requirements_results/{key}"),
    ("POST", "/workflows/{workflow}/jobs/complete_job/{key}/{status}/{rev}"),
    ("PUT", "/workflows/{workflow}/jobs/manage_status_change/{key}/{status}/{rev}"),
    ("POST", "/workflows/{workflow}/jobs/user_data/{key}"),
}
# Path parameters `{key}` that name a job or a file rather than a document of the route's collection.
JOB_KEYED = ("/files/produced_by_job/", "/jobs/resource_requirements/", "/jobs/process_stats/",
             "/jobs/user_data/", "/results/find_by_job/", "/job_specifications/", "/complete_job/",
             "/manage_status_change/")
FILE_KEYED = ("/jobs/find_by_needs_file/",)


def api(method, path, body=None):
    response = SESSION.request(method, BASE + path, json=body, timeout=60)
    if response.status_code != 200:
        raise RuntimeError(f"fuzz setup: {method} {path} answered {response.status_code}: {response.text[:300]}")
    return response.json()


class Workflow:
    """A workflow made from the example specification, with one document in every collection."""

    def __init__(self):
        example = api("GET", "/workflow_specifications/example")
        example["name"] = "fuzz"
        self.key = api("POST", "/workflow_specifications", example)["_key"]
        self.keys = {}
        self.ids = {}
        for collection, document in DOCUMENTS.items():
            created = api("POST", f"/workflows/{self.key}/{collection}", document)
            self.keys[collection], self.ids[collection] = created["_key"], created["_id"]
        job = api("GET", f"/workflows/{self.key}/jobs/{self.keys['jobs']}")
        for collection, document in (
            ("results", {"job_key": job["_key"], "job_name": job.get("name", ""), "run_id": 1, "return_code": 0,
                         "exec_time_minutes": 1.5, "completion_time": "2026-01-01T00:00:00", "status": "done"}),
            ("job_process_stats", {"job_key": job["_key"], "run_id": 1, "avg_cpu_percent": 1.5, "max_cpu_percent": 2.5,
                                   "avg_rss": 1.0e6, "max_rss": 2.0e6, "num_samples": 3,
                                   "timestamp": "2026-01-01T00:00:00"})):
            created = api("POST", f"/workflows/{self.key}/{collection}", document)
            self.keys[collection], self.ids[collection] = created["_key"], created["_id"]
            DOCUMENTS.setdefault(collection, document)
        # The job's result is found through its `returned` edge.
        api("POST", f"/workflows/{self.key}/edges/returned", {"_from": job["_id"], "_to": self.ids["results"]})
        # Auto-tune needs process statistics switched on in the workflow's configuration.
        config = api("GET", f"/workflows/config/{self.key}")
        config.setdefault("compute_node_resource_stats", {})["process"] = True
        api("PUT", f"/workflows/config/{self.key}", config)
        blocks = api("GET", f"/workflows/{self.key}/edges/blocks?limit=1")["items"]
        if not blocks:
            blocks = [api("POST", f"/workflows/{self.key}/edges/blocks",
                          {"_from": self.ids["jobs"], "_to": self.job(1)["_id"]})]
        self.edge = blocks[0]["_key"]

    def job(self, index=0):
        return api("GET", f"/workflows/{self.key}/jobs?limit={index + 1}")["items"][index]

    def key_for(self, path, name):
        """The key a `{name}` path parameter of `path` should hold."""
        if name in ("workflow",) or (name == "key" and (path.startswith("/workflows/{key}")
                                                     or path.startswith("/workflow_specifications/")
                                                     or path.count("{") == 1 and path.startswith("/workflows/"))):
            return self.key
        if name == "name":
            return "blocks"
        if name == "status":
            return "done" if "complete_job" in path else ("ready" if "find_by_status" in path else "submitted")
        if name == "rev":
            return None  # filled in with the job
        if any(marker in path for marker in JOB_KEYED):
            return self.keys["jobs"]
        if any(marker in path for marker in FILE_KEYED):
            return self.keys["files"]
        if "/edges/" in path:
            return self.edge
        collection = path.split("/")[3]
        return self.keys.get(collection)


SHARED = []


def auto_tuned_workflow():
    """A workflow whose auto-tune job has run: process statistics and a result, the rest disabled."""
    specification = {
        "name": "fuzz-auto-tune",
        "resource_requirements": [{"name": "rr", "num_cpus": 1, "memory": "1g", "runtime": "P0DT1H"}],
        "jobs": [{"name": f"j{i}", "command": "true", "resource_requirements": "rr"} for i in range(3)],
    }
    key = api("POST", "/workflow_specifications", specification)["_key"]
    config = api("GET", f"/workflows/config/{key}")
    config.setdefault("compute_node_resource_stats", {})["process"] = True
    api("PUT", f"/workflows/config/{key}", config)
    api("POST", f"/workflows/initialize_jobs/{key}")
    api("POST", f"/workflows/auto_tune_resource_requirements/{key}")
    for job_key in api("GET", f"/workflows/status/{key}")["auto_tune_status"]["job_keys"]:
        job = api("GET", f"/workflows/{key}/jobs/{job_key}")
        stats = api("POST", f"/workflows/{key}/job_process_stats", {
            "job_key": job_key, "run_id": 1, "avg_cpu_percent": 50.0, "max_cpu_percent": 150.0,
            "avg_rss": 1.0e9, "max_rss": 2.0e9, "num_samples": 3, "timestamp": "2026-01-01T00:00:00"})
        api("POST", f"/workflows/{key}/edges/process_used", {"_from": job["_id"], "_to": stats["_id"]})
        api("POST", f"/workflows/{key}/jobs/complete_job/{urllib.parse.quote(job['_id'], safe='')}/done/{job['_rev']}", {
            "job_key": job_key, "job_name": job["name"], "run_id": 1, "return_code": 0,
            "exec_time_minutes": 12.5, "completion_time": "2026-01-01T00:00:00", "status": "done"})
    return key


def shared():
    if not SHARED:
        SHARED.append(Workflow())
    return SHARED[0]


def aim(case):
    """Point the case's path parameters (and, where it must refer to real data, its body) at real data."""
    method, path = case.operation.method.upper(), case.operation.path
    params = case.path_parameters or {}
    if not params:
        return
    workflow = Workflow() if method == "DELETE" or (method, path) in DESTRUCTIVE else shared()
    for name in list(params):
        value = workflow.key_for(path, name)
        if value is not None:
            params[name] = value
    if "{rev}" in path:
        job = workflow.job()
        params["key"] = urllib.parse.quote(job["_id"], safe="") if SEEN[label(case)] % 2 else job["_key"]
        params["rev"] = job["_rev"]
        if "complete_job" in path and SEEN[label(case)] % 8 < 4:
            case.body = {"job_key": job["_key"], "job_name": job.get("name", ""), "run_id": 1, "return_code": 0,
                         "exec_time_minutes": 1.5, "completion_time": "2026-01-01T00:00:00", "status": "done"}
    if method == "POST" and "/edges/" in path and SEEN[label(case)] % 2:
        case.body = {"_from": workflow.ids["jobs"], "_to": workflow.job(1)["_id"]}
    collection = path.split("/")[3] if path.startswith("/workflows/{workflow}/") else None
    if method == "POST" and path == f"/workflows/{{workflow}}/{collection}" and collection in DOCUMENTS \
            and SEEN[label(case)] % 2:
        case.body = dict(DOCUMENTS[collection])
    if method == "POST" and path == "/workflows/{workflow}/job_specifications" and SEEN[label(case)] % 2:
        # A job specification whose references all resolve (generated ones name files, requirements
        # and schedulers that do not exist); a new name each time.
        case.body = {"name": f"fuzz-spec-{SEEN[label(case)]}", "command": "true", "priority": SEEN[label(case)]}
    if method == "PUT" and path.endswith("/{key}") and "{rev}" not in path and path != "/workflows/cancel/{key}":
        # A document PUT names the revision it replaces: the current document, with the generated
        # fields laid over it in every other case.
        document_path = path.replace("{workflow}", workflow.key).replace("{key}", params.get("key", ""))
        current = api("GET", document_path)
        if SEEN[label(case)] % 2 and isinstance(case.body, dict):
            current.update({name: value for name, value in case.body.items() if not name.startswith("_")})
        case.body = current
    if path == "/workflows/process_auto_tune_resource_requirements_results/{key}":
        params["key"] = auto_tuned_workflow()
    case.path_parameters = params


def label(case):
    return f"{case.operation.method.upper()} {case.operation.path}"


@schemathesis.hook
def before_call(context, case):
    SEEN[label(case)] += 1
    if SEEN[label(case)] % 4 != 0:
        aim(case)


@schemathesis.hook
def after_call(context, case, response):
    TALLY[label(case)][response.status_code] += 1


def report():
    rows = {operation: dict(sorted(counts.items())) for operation, counts in sorted(TALLY.items())}
    if REPORT:
        with open(REPORT, "w") as out:
            json.dump(rows, out, indent=1)


atexit.register(report)
