#!/usr/bin/env python3
"""Crash safety of torc-service: SIGKILL the service in the middle of a drain.

16 runner threads drain a workflow the way torc's job runner does (hand-out
with prepare_jobs_for_submission, manage_status_change to `submitted`,
complete_job with a result, then job user data). Meanwhile the service process
is killed with SIGKILL at random moments (at least --kills times) and started
again on the same data. Afterwards the test checks that

* every call that was answered 200 before a kill is still in effect: no job
  handed out by a 200 answer was handed out again, every completion answered
  200 left its job `done` with its result, every user-data record answered 200
  is stored;
* the drain finishes with every job `done` and exactly one result per job.

A job whose hand-out answer was lost by a kill is stranded in
`submitted_pending`; once the runners have stopped, the restart flow of
`torc workflows restart` puts it back (plain job PUT to `uninitialized` of every
`submitted_pending`/`submitted` job, then initialize_jobs) and the runners
drain again. Only API calls the real client uses are made.

Standard library only. Usage:

    scripts/crash_test.py --binary .build/debug/torc-service --store sqlite
    scripts/crash_test.py --binary .build/debug/torc-service --store arangodb --arango-url http://127.0.0.1:8530
"""

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

RESOURCES = {"num_cpus": 4, "memory_gb": 16, "num_nodes": 1, "time_limit": "P1D"}
UNSET = object()


class Lost(Exception):
    """The call got no answer (connection refused or reset, or a 503 while the service restarts)."""


class Service:
    """The torc-service process, killed and restarted on the same data."""

    def __init__(self, binary, store_args, port, log):
        self.binary, self.store_args, self.port, self.log = binary, store_args, port, log
        self.process = None
        self.lock = threading.Lock()
        self.kills = 0

    def start(self):
        with self.lock:
            self.process = subprocess.Popen(
                [self.binary, "--port", str(self.port), "--log-level", "warning"] + self.store_args,
                stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"torc-service exited with {self.process.returncode} at start (see its log)")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.02)
        raise SystemExit("torc-service did not start within 60 s")

    def kill(self):
        with self.lock:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
            self.kills += 1

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Client:
    """One keep-alive HTTP connection to the service database."""

    def __init__(self, port, database):
        self.port, self.prefix = port, f"/_db/{database}/torc-service"
        self.connection = None

    def call(self, method, path, body=UNSET):
        """Returns (status, parsed answer); raises Lost when no answer arrived."""
        data = None if body is UNSET else json.dumps(body).encode()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.connection.request(method, self.prefix + path, body=data,
                                    headers={"Content-Type": "application/json"})
            response = self.connection.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException) as error:
            if self.connection is not None:
                self.connection.close()
            self.connection = None
            raise Lost(str(error)) from error
        if response.status == 503:
            raise Lost("503 " + payload[:200].decode(errors="replace"))
        if response.status >= 500:
            raise SystemExit(f"{method} {path} answered {response.status}: {payload[:500]!r}")
        return response.status, json.loads(payload) if payload else None

    def until_answered(self, method, path, body=UNSET):
        """Repeats a call that is safe to repeat until it is answered."""
        while True:
            try:
                return self.call(method, path, body)
            except Lost:
                time.sleep(0.05)

    def ok(self, method, path, body=UNSET):
        status, answer = self.until_answered(method, path, body)
        if status != 200:
            raise SystemExit(f"{method} {path} answered {status}: {answer}")
        return answer


class Ledger:
    """What the runners were told with a 200, to be checked after the drain."""

    def __init__(self):
        self.lock = threading.Lock()
        self.handed = []  # job keys, one entry per 200 hand-out
        self.completed = {}  # job key -> True for a 200 complete_job, None when the answer was lost
        self.user_data = {}  # job key -> [user data keys answered 200]
        self.lost = {"prepare": 0, "manage_status_change": 0, "complete_job": 0, "post_user_data": 0}

    def add(self, field, key, value=None):
        with self.lock:
            if field == "handed":
                self.handed.append(key)
            elif field == "completed":
                if key in self.completed and self.completed[key] is not None:
                    raise SystemExit(f"job {key} completed twice")
                self.completed[key] = value
            elif field == "user_data":
                self.user_data.setdefault(key, []).append(value)
            else:
                self.lost[field] += 1

    def progress(self):
        """Jobs whose completion was sent (answered or lost)."""
        with self.lock:
            return len(self.completed)


def quote(text):
    return urllib.parse.quote(text, safe="")


def run_job(client, workflow, job, ledger, rng):
    """What the job runner does with a job it was handed: start it, run it, report it."""
    key, rev = job["_key"], job["_rev"]
    path = f"/workflows/{workflow}/jobs"
    # -> submitted; a lost answer is found out by reading the job again.
    while True:
        try:
            status, answer = client.call("PUT", f"{path}/manage_status_change/{quote(job['_id'])}/submitted/{rev}")
        except Lost:
            ledger.add("manage_status_change", key)
            time.sleep(0.05)
            continue
        if status == 200:
            rev = answer["_rev"]
            break
        current = client.ok("GET", f"{path}/{key}")
        if current["status"] != "submitted_pending" and current["status"] != "submitted":
            raise SystemExit(f"job {key} is {current['status']} while its runner starts it")
        rev = current["_rev"]
        if current["status"] == "submitted":
            break
    time.sleep(rng.uniform(0, 0.01))  # the job's process runs
    result = {"job_key": key, "job_name": job["name"], "run_id": 1, "return_code": 0,
              "exec_time_minutes": 0.5, "completion_time": "2026-01-01T00:00:00.000000", "status": "done"}
    while True:
        try:
            status, answer = client.call("POST", f"{path}/complete_job/{quote(job['_id'])}/done/{rev}", result)
        except Lost:
            ledger.add("complete_job", key)
            time.sleep(0.05)
            continue
        if status == 200:
            if answer.get("status") != "done":
                raise SystemExit(f"complete_job of {key} answered 200 with status {answer.get('status')}")
            ledger.add("completed", key, True)
            break
        # 409: the lost attempt was committed (the job moved on) or not; the job tells.
        current = client.ok("GET", f"{path}/{key}")
        if current["status"] == "done":
            ledger.add("completed", key, None)
            break
        if current["status"] != "submitted":
            raise SystemExit(f"job {key} is {current['status']} while its runner completes it")
        rev = current["_rev"]
    record = {"runner_record": key, "n": rng.randint(0, 1000), "x": 0.5}
    try:
        status, answer = client.call("POST", f"{path}/user_data/{key}", record)
        if status == 200:
            ledger.add("user_data", key, answer["_key"])
        else:
            raise SystemExit(f"user data of {key} answered {status}: {answer}")
    except Lost:
        ledger.add("post_user_data", key)


def runner(port, database, workflow, ledger, index, errors):
    """One compute node: asks for jobs until none is left for it."""
    rng = random.Random(index)
    client = Client(port, database)
    try:
        empty = 0
        while empty < 3:
            try:
                status, answer = client.call("POST", f"/workflows/prepare_jobs_for_submission/{workflow}", RESOURCES)
            except Lost:
                ledger.add("prepare", None)
                time.sleep(0.05)
                continue
            if status != 200:
                raise SystemExit(f"prepare_jobs_for_submission answered {status}: {answer}")
            jobs = answer["jobs"]
            for job in jobs:
                ledger.add("handed", job["_key"])
            if not jobs:
                empty += 1
                time.sleep(0.1)
                continue
            empty = 0
            for job in jobs:
                run_job(client, workflow, job, ledger, rng)
    except BaseException as error:  # reported by the main thread
        errors.append(f"runner {index}: {error!r}")


def killer(service, kills, stop, rng, ledger, jobs):
    """SIGKILLs the service at random moments of the drain and starts it again on the same data.
    The moments are random points of the drain's progress (completed jobs, up to 90 %), each followed by
    a random delay, not of the clock: a faster service cannot finish the drain before every kill."""
    for point in sorted(rng.uniform(0.02, 0.9) * jobs for _ in range(kills)):
        while ledger.progress() < point:
            if stop.wait(0.01):
                return
        if stop.wait(rng.uniform(0, 0.05)):
            return
        service.kill()
        service.start()


def put_fresh(client, path, change):
    """GET a document, change it, PUT it back with its `_rev`; read again when the PUT loses to a stale
    `_rev` (its earlier attempt may have been committed without an answer). `change` returns False when
    the document needs no change."""
    while True:
        document = client.ok("GET", path)
        if change(document) is False:
            return
        status, answer = client.until_answered("PUT", path, document)
        if status == 200:
            return
        if status not in (400, 409):
            raise SystemExit(f"PUT {path} answered {status}: {answer}")


def restart_flow(client, workflow):
    """`torc workflows restart`: stranded jobs back to uninitialized, then initialize_jobs."""
    def next_run(status):
        status["run_id"] = status.get("run_id", 0) + 1
    put_fresh(client, f"/workflows/status/{workflow}", next_run)
    reset = 0
    stranded = ("submitted_pending", "submitted")

    def uninitialize(job):
        if job["status"] not in stranded:
            return False
        job["status"] = "uninitialized"
    for status in stranded:
        while True:
            page = client.ok("GET", f"/workflows/{workflow}/jobs/find_by_status/{status}?limit=1000")
            if not page["items"]:
                break
            for job in page["items"]:
                put_fresh(client, f"/workflows/{workflow}/jobs/{job['_key']}", uninitialize)
                reset += 1
    client.ok("POST", f"/workflows/initialize_jobs/{workflow}")
    return reset


def all_items(client, path):
    items, skip = [], 0
    while True:
        sep = "&" if "?" in path else "?"
        page = client.ok("GET", f"{path}{sep}skip={skip}&limit=1000")
        items += page["items"]
        skip += len(page["items"])
        if not page["has_more"]:
            return items


def specification(count):
    """Independent jobs, and every tenth job blocked by the nine before it."""
    jobs = []
    for i in range(count):
        job = {"name": f"job{i}", "command": f"true {i}"}
        if i % 10 == 9:
            job["blocked_by"] = [f"job{j}" for j in range(i - 9, i)]
        jobs.append(job)
    return {"name": "crash-test", "user": "crash", "jobs": jobs}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True, help="the torc-service executable")
    parser.add_argument("--store", choices=["sqlite", "arangodb"], default="sqlite")
    parser.add_argument("--arango-url", help="ArangoDB (emulator) URL for --store arangodb")
    parser.add_argument("--jobs", type=int, default=2500)
    parser.add_argument("--runners", type=int, default=16)
    parser.add_argument("--kills", type=int, default=10, help="SIGKILLs during the drain (at least)")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    print(f"crash test on {args.store}: {args.jobs} jobs, {args.runners} runners, {args.kills} kills, seed {args.seed}",
          flush=True)
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="torc-crash-")
    if args.store == "sqlite":
        store_args = ["--store", f"sqlite:{work}/data"]
    else:
        if not args.arango_url:
            raise SystemExit("--store arangodb needs --arango-url")
        store_args = ["--store", "arangodb", "--arango-url", args.arango_url]
    database = f"crash{args.seed % 100000}"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = open(os.path.join(work, "service.log"), "wb")
    service = Service(args.binary, store_args, port, log)
    service.start()
    started = time.monotonic()
    try:
        client = Client(port, database)
        workflow = client.ok("POST", "/workflow_specifications", specification(args.jobs))["_key"]
        client.ok("POST", f"/workflows/initialize_jobs/{workflow}")
        ledger = Ledger()
        stop = threading.Event()
        kill_thread = threading.Thread(target=killer, args=(service, args.kills, stop, rng, ledger, args.jobs))
        kill_thread.start()
        rounds, resets = 0, 0
        try:
            while True:
                rounds += 1
                errors = []
                threads = [threading.Thread(target=runner, args=(port, database, workflow, ledger, i, errors))
                           for i in range(args.runners)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                if errors:
                    raise SystemExit("\n".join(errors))
                if client.ok("GET", f"/workflows/is_complete/{workflow}")["is_complete"]:
                    break
                if rounds > 50:
                    raise SystemExit("the drain did not finish in 50 rounds")
                resets += restart_flow(client, workflow)
        finally:
            stop.set()
            kill_thread.join()
        drained = time.monotonic() - started
        if service.kills < args.kills:
            raise SystemExit(f"the drain ended after {service.kills} kills, fewer than {args.kills}: use more --jobs")

        # Every job done, exactly one result each, none handed out twice by a 200 answer.
        failures = []
        jobs = all_items(client, f"/workflows/{workflow}/jobs")
        if len(jobs) != args.jobs:
            failures.append(f"{len(jobs)} jobs stored, expected {args.jobs}")
        not_done = [job["_key"] for job in jobs if job["status"] != "done"]
        if not_done:
            failures.append(f"{len(not_done)} jobs not done, e.g. {not_done[:5]}")
        results = all_items(client, f"/workflows/{workflow}/results")
        per_job = {}
        for result in results:
            per_job.setdefault(result["job_key"], []).append(result["_key"])
        twice = {key: keys for key, keys in per_job.items() if len(keys) != 1}
        if twice or len(per_job) != args.jobs:
            failures.append(f"{len(results)} results for {len(per_job)} jobs; more than one for {list(twice)[:5]}")
        seen, doubles = set(), []
        for key in ledger.handed:
            if key in seen:
                doubles.append(key)
            seen.add(key)
        if doubles:
            failures.append(f"{len(doubles)} jobs handed out twice by 200 answers, e.g. {doubles[:5]}")
        # Completions answered 200: the job is done with its one result.
        by_key = {job["_key"]: job for job in jobs}
        for key, answered in ledger.completed.items():
            if answered and (by_key.get(key, {}).get("status") != "done" or len(per_job.get(key, [])) != 1):
                failures.append(f"completion of {key} answered 200, now: {by_key.get(key)}, results {per_job.get(key)}")
        if len(ledger.completed) != args.jobs:
            failures.append(f"runners completed {len(ledger.completed)} distinct jobs, expected {args.jobs}")
        # User data answered 200 is stored.
        missing = []
        for key, records in ledger.user_data.items():
            stored = {item["_key"] for item in client.ok("GET", f"/workflows/{workflow}/jobs/user_data/{key}")["items"]}
            missing += [(key, record) for record in records if record not in stored]
        if missing:
            failures.append(f"{len(missing)} user-data records answered 200 are missing")
            for key, record in missing[:5]:
                status, document = client.until_answered("GET", f"/workflows/{workflow}/user_data/{record}")
                failures.append(f"  job {key}: record {record}: {status} {document}")
        answered = sum(1 for value in ledger.completed.values() if value is not None)
        print(f"  {service.kills} kills, {rounds} drain rounds, {resets} stranded jobs reset by the restart flow, "
              f"{drained:.1f} s", flush=True)
        print(f"  answers lost to kills: {ledger.lost}; completions answered 200: {answered}, "
              f"user data answered 200: {sum(len(v) for v in ledger.user_data.values())}", flush=True)
        if failures:
            print("FAILED:\n  " + "\n  ".join(failures))
            print(f"(service log: {work}/service.log)")
            sys.exit(1)
        print("  every 200 answer survived; every job done exactly once", flush=True)
    finally:
        service.stop()
        log.close()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
