"""The server serves its own OpenAPI document."""
import yaml


def test_openapi_json(api):
    doc = api.get_openapi_json()
    assert doc["info"]["title"] == "torc-service"
    assert "/workflows/{workflow}/jobs/user_data/{key}" in doc["paths"]


def test_openapi_yaml(api):
    text = api.get_openapi_yaml()
    doc = yaml.safe_load(text)
    assert doc["info"]["title"] == "torc-service"
    assert doc["paths"].keys() == api.get_openapi_json()["paths"].keys()
