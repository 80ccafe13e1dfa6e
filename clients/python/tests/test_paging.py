"""Paging through more than 1,000 documents with skip/limit and has_more."""
import pytest

NUM_EVENTS = 1050


@pytest.fixture
def many_events(api, workflow):
    keys = [api.post_workflows_workflow_events({"category": "test", "index": i}, workflow)["_key"]
            for i in range(NUM_EVENTS)]
    return workflow, keys


def test_default_page_is_1000(api, many_events):
    workflow, keys = many_events
    page = api.get_workflows_workflow_events(workflow)
    assert (page.skip, page.limit, page.max_limit, page.count, page.total_count, page.has_more) == (0, 1000, 1000, 1000, NUM_EVENTS, True)
    assert [e["_key"] for e in page.items] == keys[:1000]

    rest = api.get_workflows_workflow_events(workflow, skip=1000)
    assert (rest.skip, rest.count, rest.total_count, rest.has_more) == (1000, 50, NUM_EVENTS, False)
    assert [e["_key"] for e in rest.items] == keys[1000:]


def test_limit_is_clamped(api, many_events):
    workflow, _ = many_events
    page = api.get_workflows_workflow_events(workflow, limit=5000)
    assert (page.limit, page.count, page.has_more) == (1000, 1000, True)


def test_page_with_small_limit_like_the_torc_client(api, many_events):
    workflow, keys = many_events
    seen, skip = [], 0
    while True:
        page = api.get_workflows_workflow_events(workflow, skip=skip, limit=300)
        assert page.limit == 300
        seen += [e["_key"] for e in page.items]
        skip += page.count
        if not page.has_more:
            break
        assert len(seen) <= NUM_EVENTS, "paging does not terminate"
    assert seen == keys
    assert [e["index"] for e in api.get_workflows_workflow_events(workflow, skip=1049, limit=10).items] == [1049]


def test_filtered_total_count(api, workflow):
    import swagger_client as sc
    for i in range(5):
        api.post_workflows_workflow_files(sc.WorkflowFilesModel(name="same" if i % 2 else f"f{i}", path=f"p{i}"), workflow)
    page = api.get_workflows_workflow_files(workflow, name="same", limit=1)
    assert (page.count, page.total_count, page.has_more) == (1, 2, True)
    page = api.get_workflows_workflow_files(workflow, name="same", skip=1, limit=1)
    assert (page.count, page.total_count, page.has_more) == (1, 2, False)
