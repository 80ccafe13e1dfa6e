#!/usr/bin/env python3
"""Memory of the service around one large POST /workflow_specifications.

Starts a torc-service binary on a fresh embedded store, measures its resident
memory when idle, posts one specification of N independent jobs (the shape of
`torc-bench --shapes independent`: two files, a resource requirement and one
user-data document per job), and samples the server's memory while it creates
and for a while after it answered, so the peak (VmHWM) and the steady state
the heap trimmer brings it back to can be read off. With --initialize it then
restarts the server on the same store (so the peak starts from the restarted
process) and measures POST /workflows/initialize_jobs of that workflow alone.
Standard library only.

    scripts/measure_spec_memory.py --server-binary .build/release/torc-service --jobs 100000
    scripts/measure_spec_memory.py --server-binary .build/release/torc-service --jobs 1000000 --initialize
"""

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time


def status_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


def specification(jobs):
    files, job_list = [], []
    for i in range(jobs):
        files.append({"name": f"in{i}", "path": f"data/in{i}.json"})
        files.append({"name": f"out{i}", "path": f"data/out{i}.json"})
        job_list.append({
            "name": f"job{i}", "command": f"true {i}",
            "resource_requirements": "small" if i % 2 == 0 else "medium",
            "input_files": [f"in{i}"], "output_files": [f"out{i}"],
            "user_data": [{"index": i, "label": f"job {i}", "weight": 0.5}],
        })
    return {
        "name": f"memory-{jobs}", "user": "bench", "files": files,
        "resource_requirements": [
            {"name": "small", "num_cpus": 1, "memory": "1g", "runtime": "P0DT1H"},
            {"name": "medium", "num_cpus": 2, "memory": "2g", "runtime": "P0DT2H"},
        ],
        "jobs": job_list,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server-binary", required=True)
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--settle-seconds", type=float, default=15.0)
    parser.add_argument("--initialize", action="store_true",
                        help="then restart the server and measure initialize_jobs alone")
    args = parser.parse_args()

    body = json.dumps(specification(args.jobs), separators=(",", ":")).encode()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = tempfile.mkdtemp(prefix="torc-memory-")

    def start():
        process = subprocess.Popen(
            [args.server_binary, "--port", str(port), "--store", f"sqlite:{data}", "--log-level", "warning"])
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        return process

    def stop(process):
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()

    server = start()
    try:
        base = "/_db/memory/torc-service"

        def call(method, path, payload=None):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
            connection.request(method, base + path, body=payload,
                               headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            answer = response.read()
            connection.close()
            return response.status, answer

        call("GET", "/workflows")  # opens the database
        time.sleep(2)
        idle = status_kib(server.pid, "VmRSS")
        samples, done = [], threading.Event()

        def sample():
            start = time.monotonic()
            while not done.is_set():
                samples.append((time.monotonic() - start, status_kib(server.pid, "VmRSS")))
                time.sleep(0.1)

        sampler = threading.Thread(target=sample)
        sampler.start()
        started = time.monotonic()
        status, answer = call("POST", "/workflow_specifications", body)
        seconds = time.monotonic() - started
        done.set()
        sampler.join()
        if status != 200:
            sys.exit(f"create failed: {status} {answer[:300]!r}")
        after = status_kib(server.pid, "VmRSS")
        settled = []
        for second in range(int(args.settle_seconds)):
            time.sleep(1)
            settled.append(status_kib(server.pid, "VmRSS"))
        peak = status_kib(server.pid, "VmHWM")
        mib = lambda kib: round(kib / 1024, 1)
        initialize = None
        if args.initialize:
            key = json.loads(answer)["_key"]
            stop(server)
            server = start()
            call("GET", "/workflows")
            time.sleep(2)
            restarted_idle = status_kib(server.pid, "VmRSS")
            started = time.monotonic()
            status, reply = call("POST", f"/workflows/initialize_jobs/{key}")
            if status != 200:
                sys.exit(f"initialize failed: {status} {reply[:300]!r}")
            initialize = {"seconds": round(time.monotonic() - started, 2), "idle_rss_mb": mib(restarted_idle),
                          "peak_rss_mb": mib(status_kib(server.pid, "VmHWM"))}
        print(json.dumps({
            "jobs": args.jobs, "request_mb": round(len(body) / 1048576, 1), "create_seconds": round(seconds, 2),
            "idle_rss_mb": mib(idle), "peak_rss_mb": mib(peak),
            "peak_sampled_during_create_mb": mib(max(kib for _, kib in samples)) if samples else None,
            "rss_at_answer_mb": mib(after),
            "rss_after_settle_mb": mib(settled[-1]) if settled else mib(after),
            "settle_seconds": args.settle_seconds,
            "rss_per_second_after_mb": [mib(k) for k in settled],
            "initialize_after_restart": initialize,
        }, indent=1))
    finally:
        stop(server)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
