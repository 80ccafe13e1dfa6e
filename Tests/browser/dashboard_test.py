"""Browser test of the torc-service dashboard.

Starts torc-service on a free port with a fresh SQLite directory, creates
workflows in several states through the API, opens every dashboard page in
headless Chromium (Selenium with Debian's chromium and chromium-driver) and
checks what a person sees: the workflows and their progress, the status
counts and the jobs table (filters and paging), the dependency graph's nodes
and edges, and a job's details. Saves a screenshot of each page into
SCREENSHOT_DIR (default: a new temporary directory, printed at the end).

Usage: python dashboard_test.py PATH/TO/torc-service [SCREENSHOT_DIR]
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "TorcServerTests", "Fixtures", "diamond_workflow.json")
DB = "dashtest"
RESOURCES = {"num_cpus": 1000, "memory_gb": 4000, "num_gpus": 0, "num_nodes": 1, "time_limit": "P0DT24H"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class API:
    def __init__(self, base):
        self.base = base

    def call(self, method, path, body=None, absolute=False):
        url = (path if absolute else f"{self.base}/_db/{DB}/torc-service{path}")
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read() or b"null")

    def run_job(self, workflow, job, return_code=0, finish=True):
        """What the torc job runner does for one handed-out job."""
        job = dict(job)
        job["run_id"] = job.get("run_id", 0) + 1
        put = self.call("PUT", f"/workflows/{workflow}/jobs/{job['_key']}", job)
        submitted = self.call("PUT", f"/workflows/{workflow}/jobs/manage_status_change/{job['_key']}/submitted/{put['_rev']}")
        if not finish:
            return submitted
        job_id = job["_id"].replace("/", "%2F")
        return self.call("POST", f"/workflows/{workflow}/jobs/complete_job/{job_id}/done/{submitted['_rev']}", {
            "job_key": job["_key"], "job_name": job["name"], "run_id": job["run_id"], "return_code": return_code,
            "exec_time_minutes": 1.5, "completion_time": time.strftime("%Y-%m-%dT%H:%M:%S.000000", time.gmtime()),
            "status": "done"})

    def prepare(self, workflow):
        return self.call("POST", f"/workflows/prepare_jobs_for_submission/{workflow}", RESOURCES)["jobs"]


def create_workflows(api):
    """A diamond in several states, a finished one, a canceled one and a 4-stage fan-out of 60 jobs."""
    with open(FIXTURE) as f:
        spec = json.load(f)
    spec["name"] = "diamond"
    spec["user"] = "ann"
    diamond = api.call("POST", "/workflow_specifications", spec)["_key"]
    api.call("POST", f"/workflows/initialize_jobs/{diamond}")
    for job in api.prepare(diamond):
        api.run_job(diamond, job)
    handed = {j["name"]: j for j in api.prepare(diamond)}
    api.run_job(diamond, handed["work1"], return_code=1)
    api.run_job(diamond, handed["work2"], finish=False)
    work1 = next(j for j in api.call("GET", f"/workflows/{diamond}/jobs")["items"] if j["name"] == "work1")
    for run, (cpu, mem) in enumerate([(35.0, 1.2), (80.5, 2.6), (62.0, 2.1)], start=1):
        stats = api.call("POST", f"/workflows/{diamond}/job_process_stats", {
            "job_key": work1["_key"], "run_id": run, "avg_cpu_percent": cpu * 0.7, "max_cpu_percent": cpu,
            "avg_rss": int(mem * 0.8 * 2**30), "max_rss": int(mem * 2**30), "num_samples": 12, "timestamp": f"2026-12-07T01:0{run}:00"})
        api.call("POST", f"/workflows/{diamond}/edges/process_used", {"_from": work1["_id"], "_to": stats["_id"]})
    api.call("POST", f"/workflows/{diamond}/events", {
        "job_key": work1["_key"], "category": "job", "type": "complete", "timestamp": "2026-12-07T01:03:00",
        "message": "work1 exited with return code 1"})

    done_spec = {"name": "nightly-report", "user": "bob", "jobs": [{"name": f"report{i}", "command": f"make report{i}"} for i in range(3)]}
    done = api.call("POST", "/workflow_specifications", done_spec)["_key"]
    api.call("POST", f"/workflows/initialize_jobs/{done}")
    for job in api.prepare(done):
        api.run_job(done, job)

    canceled = api.call("POST", "/workflow_specifications", {"name": "abandoned-sweep", "user": "carl", "jobs": [
        {"name": "sweep0", "command": "sweep 0"}, {"name": "sweep1", "command": "sweep 1"}]})["_key"]
    api.call("POST", f"/workflows/initialize_jobs/{canceled}")
    api.call("PUT", f"/workflows/cancel/{canceled}")

    jobs = [{"name": "setup", "command": "setup.sh"}]
    jobs += [{"name": f"simulate{i:02d}", "command": f"simulate --case {i}", "blocked_by": ["setup"]} for i in range(40)]
    jobs += [{"name": f"analyze{i:02d}", "command": f"analyze --group {i}", "blocked_by": [f"simulate{j:02d}" for j in range(i * 2, i * 2 + 2)]} for i in range(18)]
    jobs += [{"name": "summarize", "command": "summarize.py", "blocked_by": [f"analyze{i:02d}" for i in range(18)]}]
    fanout = api.call("POST", "/workflow_specifications", {"name": "parameter-sweep", "user": "ann", "jobs": jobs})["_key"]
    api.call("POST", f"/workflows/initialize_jobs/{fanout}")
    for job in api.prepare(fanout):
        api.run_job(fanout, job)
    handed = api.prepare(fanout)
    for i, job in enumerate(handed[:25]):
        api.run_job(fanout, job, return_code=1 if i == 3 else 0)
    for job in handed[25:32]:
        api.run_job(fanout, job, finish=False)
    return {"diamond": diamond, "done": done, "canceled": canceled, "fanout": fanout, "work1": work1["_key"]}


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000"]:
        options.add_argument(argument)
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(service=service, options=options)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def main():
    binary = sys.argv[1]
    shots = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="torc-dashboard-shots-")
    os.makedirs(shots, exist_ok=True)
    data = tempfile.mkdtemp(prefix="torc-dashboard-data-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([binary, "--port", str(port), "--store", f"sqlite:{data}", "--log-level", "warning"])
    driver = None
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/health/live")
                break
            except OSError:
                time.sleep(0.05)
        api = API(base)
        keys = create_workflows(api)
        driver = browser()
        # Pages redraw themselves after each answer, so an element found a moment ago may be gone.
        wait = WebDriverWait(driver, 20, ignored_exceptions=[StaleElementReferenceException])

        def shot(name):
            driver.execute_script("window.scrollTo(0, 0)")
            path = os.path.join(shots, f"{name}.png")
            height = driver.execute_script("return Math.min(document.body.scrollHeight, 2400)")
            driver.set_window_size(1400, max(900, height + 40))
            driver.save_screenshot(path)
            driver.set_window_size(1400, 1000)
            print(f"screenshot {path}")

        # The root: the database chooser.
        driver.get(base + "/")
        wait.until(EC.presence_of_element_located((By.ID, "dbname")))
        box = driver.find_element(By.ID, "dbname")
        box.clear()
        box.send_keys(DB + "\n")

        # Workflows of the database.
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#workflows tbody tr[data-key]")))
        check(driver.current_url.endswith(f"/dashboard/{DB}"), f"the chooser opens the database, not {driver.current_url}")
        # Pages are checked without their periodic refresh (which redraws them); the live update is checked last.
        driver.get(f"{base}/dashboard/{DB}?refresh=0")
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#workflows tbody tr[data-key]")))
        rows = {r.get_attribute("data-key"): r for r in driver.find_elements(By.CSS_SELECTOR, "#workflows tbody tr")}
        check(set(rows) == {keys["diamond"], keys["done"], keys["canceled"], keys["fanout"]}, f"workflows listed: {list(rows)}")
        check("complete" in rows[keys["done"]].text, "the finished workflow shows as complete")
        check("canceled" in rows[keys["canceled"]].text, "the canceled workflow shows as canceled")
        check("diamond" in rows[keys["diamond"]].text and "ann" in rows[keys["diamond"]].text, "name and user shown")
        segments = rows[keys["diamond"]].find_elements(By.CSS_SELECTOR, ".progress span")
        check(len(segments) == 3, f"progress bar of the diamond has done, submitted and blocked parts, got {len(segments)}")
        shot("workflows")

        # One workflow: counts, jobs table, filters and paging.
        driver.get(f"{base}/dashboard/{DB}/workflows/{keys['fanout']}?refresh=0")
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#jobs tbody tr[data-key]")))
        counts = {c.get_attribute("data-status"): c.find_element(By.TAG_NAME, "b").text for c in driver.find_elements(By.CSS_SELECTOR, "#counts .count")}
        check(counts[""] == "60" and counts["done"] == "26" and counts["submitted"] == "7"
              and counts["submitted_pending"] == "8" and sum(int(v) for k, v in counts.items() if k) == 60, f"counts: {counts}")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#jobs tbody tr[data-key]")) == 50, "the first page holds 50 jobs")
        check(driver.find_element(By.ID, "pageinfo").text == "1–50 of 60", driver.find_element(By.ID, "pageinfo").text)
        shot("workflow")
        driver.find_element(By.ID, "next").click()
        wait.until(lambda d: d.find_element(By.ID, "pageinfo").text == "51–60 of 60")
        Select(driver.find_element(By.ID, "statusfilter")).select_by_visible_text("submitted")
        wait.until(lambda d: d.find_element(By.ID, "pageinfo").text == "1–7 of 7")
        statuses = {b.text for b in driver.find_elements(By.CSS_SELECTOR, "#jobs tbody .badge")}
        check(statuses == {"submitted"}, f"status filter: {statuses}")
        Select(driver.find_element(By.ID, "statusfilter")).select_by_visible_text("all")
        wait.until(lambda d: d.find_element(By.ID, "pageinfo").text == "1–50 of 60")
        driver.find_element(By.ID, "namefilter").send_keys("analyze1")
        wait.until(lambda d: d.find_element(By.ID, "pageinfo").text == "1–8 of 8")
        check(all(r.text.startswith("analyze1") for r in driver.find_elements(By.CSS_SELECTOR, "#jobs tbody tr td:first-child")), "name filter")
        buttons = driver.find_elements(By.CSS_SELECTOR, "button[data-action]")
        check(len(buttons) == 3 and all(not b.is_enabled() for b in buttons), "actions are disabled (read-only)")

        # The dependency graph.
        driver.get(f"{base}/dashboard/{DB}/workflows/{keys['diamond']}/graph?refresh=0")
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#graph g.node")))
        nodes = {n.get_attribute("data-key"): n.get_attribute("data-status") for n in driver.find_elements(By.CSS_SELECTOR, "#graph g.node")}
        names = {n.find_element(By.TAG_NAME, "text").text: n.get_attribute("data-status") for n in driver.find_elements(By.CSS_SELECTOR, "#graph g.node")}
        check(names == {"preprocess": "done", "work1": "done", "work2": "submitted", "postprocess": "blocked"}, f"graph nodes: {names}")
        edges = {(e.get_attribute("data-from"), e.get_attribute("data-to")) for e in driver.find_elements(By.CSS_SELECTOR, "#graph path.edge")}
        check(len(edges) == 4 and all(a in nodes and b in nodes for a, b in edges), f"graph edges: {edges}")
        xs = {n.find_element(By.TAG_NAME, "text").text: float(n.find_element(By.TAG_NAME, "rect").get_attribute("x")) for n in driver.find_elements(By.CSS_SELECTOR, "#graph g.node")}
        check(xs["preprocess"] < xs["work1"] == xs["work2"] < xs["postprocess"], f"stages left to right: {xs}")
        driver.get(f"{base}/dashboard/{DB}/workflows/{keys['fanout']}/graph?refresh=0")
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#graph g.node")) == 60)
        check(len(driver.find_elements(By.CSS_SELECTOR, "#graph path.edge")) == 40 + 36 + 18, "fan-out edges drawn")
        shot("graph")
        driver.get(f"{base}/dashboard/{DB}/workflows/{keys['fanout']}/graph?max_nodes=10&refresh=0")
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#graph g.group")))
        groups = [(g.get_attribute("data-stage"), g.get_attribute("data-status"), g.get_attribute("data-count")) for g in driver.find_elements(By.CSS_SELECTOR, "#graph g.group")]
        check(("0", "done", "1") in groups and sum(int(c) for _, _, c in groups) == 60, f"grouped view: {groups}")
        shot("graph-grouped")

        # One job.
        driver.get(f"{base}/dashboard/{DB}/workflows/{keys['diamond']}/jobs/{keys['work1']}?refresh=0")
        wait.until(EC.presence_of_element_located((By.ID, "command")))
        check("python tests/scripts/work.py" in driver.find_element(By.ID, "command").text, "command shown")
        check(driver.find_element(By.CSS_SELECTOR, "#results .rc").text == "1", "return code shown")
        check('"key1": "val1"' in driver.find_element(By.CSS_SELECTOR, "pre.userdata").text, "user data pretty-printed")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#stats svg.plot polyline")) == 4, "CPU and memory plotted")
        body = driver.find_element(By.TAG_NAME, "body").text
        check("file1" in body and "file2" in body, "input and output files shown")
        check("exited with return code 1" in body, "events shown")
        check("medium" in body, "resource requirements shown")
        shot("job")

        # Live update: a job finishes while the workflow page is open.
        driver.get(f"{base}/dashboard/{DB}/workflows/{keys['diamond']}?refresh=500")
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#counts .count")))
        before = driver.find_element(By.CSS_SELECTOR, '#counts .count[data-status="done"] b').text
        pending = api.call("GET", f"/workflows/{keys['diamond']}/jobs/find_by_status/submitted")["items"]
        job = pending[0]
        job_id = job["_id"].replace("/", "%2F")
        api.call("POST", f"/workflows/{keys['diamond']}/jobs/complete_job/{job_id}/done/{job['_rev']}", {
            "job_key": job["_key"], "job_name": job["name"], "run_id": 1, "return_code": 0, "exec_time_minutes": 1.0,
            "completion_time": "2026-12-07T01:10:00.000000", "status": "done"})
        wait.until(lambda d: d.find_element(By.CSS_SELECTOR, '#counts .count[data-status="done"] b').text == str(int(before) + 1))
        print(f"dashboard browser test passed; screenshots in {shots}")
    finally:
        if driver is not None:
            driver.quit()
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
