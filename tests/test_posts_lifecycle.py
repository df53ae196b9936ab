"""Fan-out through Cloud Tasks: orchestrator, publisher queues, exactly-once claims."""

from __future__ import annotations

import pytest

from tests.conftest import PROJECT_ID, REGION, wait_for
from tests.envelope import assert_error
from tests.posting import body, call_task, run_sweep


def _post(client, user, sid):
    return client.get(f"/v1/posts/{sid}", headers=user.key_headers).json()


def _settled(client, user, sid):
    post = _post(client, user, sid)
    done = post["status"] == "dispatched" and all(r["status"] in ("succeeded", "failed") for r in post["runs"])
    return post if done else None


def test_immediate_post_fans_out_to_each_platform_publisher(client, demo, db):
    r = client.post("/v1/posts", json=body(["x", "threads", {"platform": "facebook", "accountId": "fb_page_42"}]),
                    headers=demo.key_headers)
    sid = r.json()["postSubmissionId"]
    submission = db.collection("postSubmissions").document(sid).get().to_dict()
    assert submission["userId"] == demo.uid and submission["keyHash"]
    post = wait_for(lambda: _settled(client, demo, sid))
    assert {r["targetId"] for r in post["runs"]} == {"x:x_main", "threads:threads_main", "facebook:fb_page_42"}
    for run in post["runs"]:
        # Each run reached its own platform's publisher, once, and ended with a result.
        assert run["attemptCount"] == 1
        assert run["startedAt"] and run["finishedAt"]
        assert run["result"]["postId"] if run["status"] == "succeeded" else run["result"]["code"]
    assert post["runCounts"]["succeeded"] + post["runCounts"]["failed"] == 3


def test_duplicate_task_delivery_runs_a_publish_once(client, demo, db):
    # Scheduled, so nothing is dispatched yet; then deliver one run's task twice.
    r = client.post("/v1/posts", json={**body(["x"]), "scheduledTime": "2099-01-01T00:00:00Z"},
                    headers=demo.key_headers)
    sid = r.json()["postSubmissionId"]
    task = {"postSubmissionId": sid, "targetId": "x:x_main"}
    first = call_task(client, "publishX", task)
    second = call_task(client, "publishX", task)
    assert first.json()["result"]["outcome"] == "succeeded"
    assert second.json()["result"]["outcome"] == "skipped"
    run = db.collection("postSubmissions").document(sid).collection("runs").document("x:x_main").get()
    assert run.get("attemptCount") == 1


def test_a_run_is_only_taken_by_its_own_platform_queue(client, demo, db):
    r = client.post("/v1/posts", json={**body(["x"]), "scheduledTime": "2099-01-01T00:00:00Z"},
                    headers=demo.key_headers)
    sid = r.json()["postSubmissionId"]
    out = call_task(client, "publishThreads", {"postSubmissionId": sid, "targetId": "x:x_main"})
    assert out.json()["result"]["outcome"] == "skipped"
    run = db.collection("postSubmissions").document(sid).collection("runs").document("x:x_main").get()
    assert run.get("status") == "queued"


def test_duplicate_orchestrator_delivery_is_harmless(client, demo, db):
    r = client.post("/v1/posts", json=body(["linkedin"]), headers=demo.key_headers)
    sid = r.json()["postSubmissionId"]
    wait_for(lambda: _settled(client, demo, sid))
    again = call_task(client, "orchestratePost", {"postSubmissionId": sid, "scheduleVersion": 1})
    assert again.json()["result"]["outcome"] == "dispatched"  # already dispatched: nothing re-enqueued
    post = _post(client, demo, sid)
    assert [r["attemptCount"] for r in post["runs"]] == [1]


@pytest.mark.parametrize("function", ["orchestratePost", "publishX"])
def test_task_functions_refuse_callers_that_are_not_cloud_tasks(client, function):
    r = client.post(f"/{PROJECT_ID}/{REGION}/{function}", json={"data": {"postSubmissionId": "x", "targetId": "y"}})
    assert_error(r, 403, "forbidden")
    r = call_task(client, function, {"postSubmissionId": "x", "targetId": "y"}, queue="some_other_queue")
    assert_error(r, 403, "forbidden")


def test_scheduler_function_refuses_other_callers(client):
    r = client.post(f"/{PROJECT_ID}/{REGION}/sweepScheduledPosts")
    assert_error(r, 403, "forbidden")
    assert run_sweep(client).status_code == 200


def test_task_functions_are_not_routed_publicly(client):
    assert client.post("/v1/orchestratePost", json={"data": {}}).status_code == 404
