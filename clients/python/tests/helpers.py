"""Small helpers shared by the tests."""
import json

import pytest

from swagger_client.rest import ApiException


def to_json(api, value):
    """The JSON form of a model object (or a dict), as the client would send it."""
    return api.api_client.sanitize_for_serialization(value)


def field(doc, name):
    """Read a JSON attribute from a model object or a free-form dict."""
    if isinstance(doc, dict):
        return doc.get(name)
    attr = {"_key": "key", "_id": "id", "_rev": "rev", "_oldRev": "old_rev"}.get(name, name)
    return getattr(doc, attr)


def expect_error(status, call, *args, **kwargs):
    """Call an API method, expect ApiException with `status`, return the error body."""
    with pytest.raises(ApiException) as info:
        call(*args, **kwargs)
    assert info.value.status == status, info.value.body
    body = json.loads(info.value.body)
    assert body["error"] is True
    assert body["code"] == status
    assert isinstance(body["errorNum"], int)
    assert isinstance(body["errorMessage"], str)
    return body
