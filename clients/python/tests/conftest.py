"""Fixtures for testing a real torc-service server through the generated client.

By default a server is started for the test session:

    $TORC_SERVICE_BIN --host 127.0.0.1 --port <free port> --store memory

TORC_SERVICE_BIN defaults to <repo>/.build/debug/torc-service, falling back to
<repo>/.build/release/torc-service. TORC_SERVICE_STORE replaces "--store memory"
(e.g. "arangodb --arango-url http://127.0.0.1:8530" to run the suite on ArangoDB). Set TORC_SERVICE_URL (for example
http://127.0.0.1:8080/_db/test-workflows/torc-service) to test a server that is
already running instead.
"""
import os
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest

import swagger_client
from swagger_client.rest import ApiException

REPO = Path(__file__).resolve().parents[3]
DATABASE = os.environ.get("TORC_SERVICE_DATABASE", "test-workflows")
STARTUP_TIMEOUT = 60


def find_server_binary():
    if os.environ.get("TORC_SERVICE_BIN"):
        binary = Path(os.environ["TORC_SERVICE_BIN"])
        if not binary.exists():
            pytest.exit(f"TORC_SERVICE_BIN={binary} does not exist", returncode=4)
        return binary
    for build in ("debug", "release"):
        candidate = REPO / ".build" / build / "torc-service"
        if candidate.exists():
            return candidate
    pytest.exit("torc-service binary not found: build it or set TORC_SERVICE_BIN "
                "(or TORC_SERVICE_URL for a running server)", returncode=4)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process, log_path):
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.exit(f"torc-service exited with {process.returncode}:\n{log_path.read_text()}", returncode=4)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    process.kill()
    pytest.exit(f"torc-service did not accept connections within {STARTUP_TIMEOUT} s:\n{log_path.read_text()}",
                returncode=4)


@pytest.fixture(scope="session")
def base_url(tmp_path_factory):
    if os.environ.get("TORC_SERVICE_URL"):
        yield os.environ["TORC_SERVICE_URL"].rstrip("/")
        return
    binary = find_server_binary()
    port = free_port()
    log_path = tmp_path_factory.mktemp("server") / "torc-service.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(binary), "--host", "127.0.0.1", "--port", str(port),
             "--store", *os.environ.get("TORC_SERVICE_STORE", "memory").split()],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_for_port(port, process, log_path)
        yield f"http://127.0.0.1:{port}/_db/{DATABASE}/torc-service"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def api(base_url):
    """A DefaultApi configured as a user would configure it."""
    configuration = swagger_client.Configuration()
    configuration.host = base_url
    client = swagger_client.ApiClient(configuration)
    yield swagger_client.DefaultApi(client)
    client.close()


@pytest.fixture
def workflow(api):
    """Key of a new, empty workflow; deleted after the test."""
    created = api.post_workflows(swagger_client.WorkflowsModel(
        name=f"test-{uuid.uuid4().hex[:8]}", user="tester", description="created by the client tests"))
    yield created.key
    try:
        api.delete_workflows_key(created.key)
    except ApiException as exc:
        if exc.status != 404:
            raise
