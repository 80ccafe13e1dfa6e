"""Times the dashboard's endpoints on one large workflow.

Starts torc-service (the binary given) on a fresh SQLite directory, creates a
workflow of N jobs (one setup job, N-2 jobs blocked by it, one summary job
blocked by all of them), initializes it, hands out 1,000 jobs and completes
500 of them, then requests each dashboard endpoint R times and prints the
first, median and largest latency and the answer size.

Usage: python measure_dashboard.py PATH/TO/torc-service [N] [R]
"""

import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

DB = "big"


def call(base, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=600) as response:
        return response.read()


def main():
    binary = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    data = tempfile.mkdtemp(prefix="torc-measure-")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    api = f"/_db/{DB}/torc-service"
    server = subprocess.Popen([binary, "--port", str(port), "--store", f"sqlite:{data}", "--log-level", "warning"])
    try:
        for _ in range(400):
            try:
                urllib.request.urlopen(base + "/health/live")
                break
            except OSError:
                time.sleep(0.05)
        middle = [f"job{i:06d}" for i in range(n - 2)]
        jobs = [{"name": "setup", "command": "setup"}]
        jobs += [{"name": name, "command": f"run {name}", "blocked_by": ["setup"]} for name in middle]
        jobs += [{"name": "summary", "command": "summary", "blocked_by": middle}]
        start = time.monotonic()
        key = json.loads(call(base, "POST", f"{api}/workflow_specifications", {"name": "big", "jobs": jobs}))["_key"]
        call(base, "POST", f"{api}/workflows/initialize_jobs/{key}")
        print(f"created and initialized {n} jobs in {time.monotonic() - start:.1f} s")
        resources = {"num_cpus": 100000, "memory_gb": 100000, "num_gpus": 0, "num_nodes": 1, "time_limit": "P0DT24H"}
        handed = json.loads(call(base, "POST", f"{api}/workflows/prepare_jobs_for_submission/{key}?limit=1", resources))["jobs"]
        for job in handed:  # the setup job
            job_id = job["_id"].replace("/", "%2F")
            call(base, "POST", f"{api}/workflows/{key}/jobs/complete_job/{job_id}/done/{job['_rev']}", {
                "job_key": job["_key"], "job_name": job["name"], "run_id": 1, "return_code": 0,
                "exec_time_minutes": 1.0, "completion_time": "2026-12-07T01:00:00.000000", "status": "done"})
        handed = json.loads(call(base, "POST", f"{api}/workflows/prepare_jobs_for_submission/{key}?limit=1000", resources))["jobs"]
        for job in handed[:500]:
            job_id = job["_id"].replace("/", "%2F")
            call(base, "POST", f"{api}/workflows/{key}/jobs/complete_job/{job_id}/done/{job['_rev']}", {
                "job_key": job["_key"], "job_name": job["name"], "run_id": 1, "return_code": 0,
                "exec_time_minutes": 1.0, "completion_time": "2026-12-07T01:00:00.000000", "status": "done"})
        one = handed[0]["_key"]
        endpoints = [
            ("workflows list", f"/_dashboard/api/{DB}/workflows"),
            ("workflow page (counts + first 50 jobs)", f"/_dashboard/api/{DB}/workflows/{key}"),
            ("workflow page, status=ready, skip=50000", f"/_dashboard/api/{DB}/workflows/{key}?status=ready&skip=50000"),
            ("workflow page, name contains 'job0999'", f"/_dashboard/api/{DB}/workflows/{key}?name=job0999"),
            ("graph (grouped above 3,000 jobs; later requests from the cache)", f"/_dashboard/api/{DB}/workflows/{key}/graph"),
            ("job page", f"/_dashboard/api/{DB}/workflows/{key}/jobs/{one}"),
        ]
        print(f"| endpoint ({n} jobs) | first ms | median ms | max ms | bytes |")
        print("|---|---|---|---|---|")
        for label, path in endpoints:
            times, size = [], 0
            for _ in range(repeats):
                t0 = time.monotonic()
                size = len(call(base, "GET", path))
                times.append((time.monotonic() - t0) * 1000)
            print(f"| {label} | {times[0]:.0f} | {statistics.median(times):.0f} | {max(times):.0f} | {size:,} |")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
