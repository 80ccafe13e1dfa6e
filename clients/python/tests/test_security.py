"""Access control and HTTPS through the generated client's Configuration.

Starts its own torc-service with a users file (made with `torc-service users add`) and a
certificate this test creates with the openssl CLI, then talks to it over HTTPS with the
CA file: HTTP Basic (Configuration.username/password), a bearer token from
POST /_open/auth (Configuration.api_key['tokenAuth'] with the prefix 'bearer'), and curl.
"""
import json
import os
import ssl
import subprocess
import urllib.request
import uuid

import pytest

import swagger_client
from swagger_client.rest import ApiException

from conftest import find_server_binary, free_port, wait_for_port

PASSWORD = "a long test password"


@pytest.fixture(scope="module")
def secure_server(tmp_path_factory):
    """(https base URL of database `secure`, CA file, server root URL)."""
    binary = find_server_binary()
    work = tmp_path_factory.mktemp("secure")
    cert, key = work / "cert.pem", work / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True)
    users = work / "users.json"
    env = dict(os.environ, TORC_USER_PASSWORD=PASSWORD)
    for name, role in (("alice", "*:write"), ("bob", "*:read")):
        subprocess.run([str(binary), "users", "add", name, "--role", role, "--file", str(users)],
                       check=True, env=env, capture_output=True)
    assert PASSWORD not in users.read_text()
    port = free_port()
    log_path = work / "torc-service.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(binary), "--host", "127.0.0.1", "--port", str(port), "--store", "memory",
             "--users-file", str(users), "--tls-cert", str(cert), "--tls-key", str(key)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_for_port(port, process, log_path)
        yield f"https://127.0.0.1:{port}/_db/secure/torc-service", str(cert), f"https://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert PASSWORD not in log_path.read_text(), "a password reached the log"


def make_api(base_url, ca_file, username=None, password=None, token=None):
    configuration = swagger_client.Configuration()
    configuration.host = base_url
    configuration.ssl_ca_cert = ca_file
    if username is not None:
        configuration.username = username
        configuration.password = password
    if token is not None:
        configuration.api_key["tokenAuth"] = token
        configuration.api_key_prefix["tokenAuth"] = "bearer"
    return swagger_client.DefaultApi(swagger_client.ApiClient(configuration))


def test_basic_auth_over_https(secure_server):
    base_url, ca_file, _ = secure_server
    api = make_api(base_url, ca_file, "alice", PASSWORD)
    created = api.post_workflows(swagger_client.WorkflowsModel(name=f"s-{uuid.uuid4().hex[:6]}"))
    assert api.get_workflows_key(created.key).name == created.name


def test_no_credentials_is_401_with_challenge(secure_server):
    base_url, ca_file, _ = secure_server
    with pytest.raises(ApiException) as caught:
        make_api(base_url, ca_file).get_workflows()
    assert caught.value.status == 401
    assert "Basic" in caught.value.headers["WWW-Authenticate"]
    body = json.loads(caught.value.body)
    assert body["error"] is True and body["code"] == 401


def test_wrong_password_is_401(secure_server):
    base_url, ca_file, _ = secure_server
    with pytest.raises(ApiException) as caught:
        make_api(base_url, ca_file, "alice", "wrong").get_workflows()
    assert caught.value.status == 401


def test_read_role_cannot_write(secure_server):
    base_url, ca_file, _ = secure_server
    api = make_api(base_url, ca_file, "bob", PASSWORD)
    api.get_workflows()
    with pytest.raises(ApiException) as caught:
        api.post_workflows(swagger_client.WorkflowsModel(name="nope"))
    assert caught.value.status == 403
    assert json.loads(caught.value.body)["code"] == 403


def test_bearer_token_from_open_auth(secure_server):
    base_url, ca_file, root = secure_server
    context = ssl.create_default_context(cafile=ca_file)
    request = urllib.request.Request(
        root + "/_open/auth", data=json.dumps({"username": "alice", "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, context=context) as response:
        token = json.load(response)["jwt"]
    api = make_api(base_url, ca_file, token=token)
    created = api.post_workflows(swagger_client.WorkflowsModel(name="by-token"))
    assert api.get_workflows_key(created.key).name == "by-token"


def test_curl_with_ca_file(secure_server):
    base_url, ca_file, _ = secure_server
    ok = subprocess.run(["curl", "-sS", "--cacert", ca_file, "-u", f"alice:{PASSWORD}", "-o", "/dev/null",
                         "-w", "%{http_code}", base_url + "/workflows"], capture_output=True, text=True)
    assert ok.stdout == "200", ok.stderr
    # Without the CA file the certificate is not trusted (curl's exit code 60).
    untrusted = subprocess.run(["curl", "-sS", "-o", "/dev/null", base_url + "/workflows"], capture_output=True)
    assert untrusted.returncode == 60
    # Plain HTTP to the HTTPS port gets no HTTP answer.
    plain = subprocess.run(["curl", "-sS", "-m", "5", "-o", "/dev/null", "-w", "%{http_code}",
                            base_url.replace("https://", "http://") + "/workflows"], capture_output=True, text=True)
    assert plain.stdout != "200"
