"""Enqueueing through firebase-admin against the Firebase CLI's own Tasks emulator.

The emulator is the CLI's code (devstack/node/tasks_emulator.js), so what it
refuses here, Cloud Tasks refuses too: queue ids with underscores, and a task
name used twice.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx

from shared import clock
from tests.conftest import PROJECT_ID, REGION, wait_for
from tests.posting import body, future, run_sweep, submit


def _emulator(stack) -> str:
    return f"http://{stack.env['CLOUD_TASKS_EMULATOR_HOST']}/projects/{PROJECT_ID}/locations/{REGION}/queues"


def test_queue_ids_with_underscores_are_refused_as_cloud_tasks_does(stack):
    r = httpx.post(f"{_emulator(stack)}/publish_x", json={})
    assert r.status_code == 400 and "Queue ID can contain only letters" in r.json()["error"]
    # Every queue the suite created is named after its function and passed the same rule.
    from devstack.provision import task_queue_names

    names = task_queue_names(stack.functions)
    assert "publishX" in names and all(name.replace("-", "").isalnum() for name in names), names


def test_the_same_work_enqueued_twice_is_one_task(stack, db):
    from shared.adapters.task_queue import enqueue, task_id

    sid = f"missing-{uuid.uuid4().hex}"
    parts = ("orchestrate", sid, "1")
    first = enqueue("orchestratePost", {"postSubmissionId": sid, "scheduleVersion": 1}, name_parts=parts)
    second = enqueue("orchestratePost", {"postSubmissionId": sid, "scheduleVersion": 1}, name_parts=parts)
    assert first == second == task_id(*parts)
    # The refusal that made the second call a no-op is the emulator's, as in production (409).
    task_name = f"projects/{PROJECT_ID}/locations/{REGION}/queues/orchestratePost/tasks/{first}"
    raw = httpx.post(f"{_emulator(stack)}/orchestratePost/tasks", json={"task": {
        "name": task_name, "httpRequest": {"url": "", "body": "e30=", "headers": {}}}})
    assert raw.status_code == 409


def test_an_early_orchestrator_task_waits_for_the_sweep_and_never_publishes_early(client, demo, db, sandbox):
    """The CLI's emulator ignores schedule times and delivers at once (as a hand-run task
    would): the orchestrator hands the post back to the sweep instead of publishing."""
    sid = submit(client, demo, body(["x"], "not before its time") | {"scheduledTime": future(minutes=5)})
    ref = db.collection("postSubmissions").document(sid)
    data = wait_for(lambda: (d := ref.get().to_dict()).get("dispatchDeferrals") == 1 and d)
    assert data["status"] == "queued" and data["needsDispatch"] is True
    assert data["enqueueAt"] == data["scheduledTime"]
    assert ref.collection("runs").document("x:x_main").get().to_dict()["status"] == "queued"
    assert run_sweep(client).status_code == 200
    assert ref.get().to_dict()["needsDispatch"] is True  # not due yet: the sweep leaves it

    # Time passes (the stored times move back instead): the sweep sends it, under a new task name.
    due = clock.now() - timedelta(seconds=1)
    ref.update({"scheduledTime": due, "enqueueAt": due})
    assert run_sweep(client).status_code == 200
    run = wait_for(lambda: (r := ref.collection("runs").document("x:x_main").get().to_dict())["status"]
                   in ("succeeded", "failed") and r, timeout=30)
    assert run["status"] == "succeeded"
    assert len([p for p in sandbox.posts("x") if p["text"] == "not before its time"]) == 1
    assert ref.get().to_dict()["needsDispatch"] is False
