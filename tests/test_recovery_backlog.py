"""A slow queue is not a lost task (issue 35, item 4 and item 6's orchestrator backlog).

Cloud Tasks drains a queue at its rate limits: `publishTiktok` runs 20 tasks at a time, so
500 TikTok posts at 09:00 with uploads of a few minutes each wait 25 to 100 minutes, longer
than the stall (15 min) after which the recovery sweep looks at a queued run. The sweep must then ask the queue whether the run's task is
still there (task_queue.task_exists, Cloud Tasks' GetTask) and wait for it, not enqueue a
second task every stall and fail the run after MAX_RECOVERIES ("Soku lost track of this
run") while its first task is still queued.

The Firebase CLI's Tasks emulator dispatches at once, and a test moves
Soku's clock by hours, not the emulator's. So the backed-up queue here is a double: every
enqueue of the code under test lands in `BackedUpQueue` (nothing is delivered until the
test delivers it, as Cloud Tasks does at the end of a backlog), and the queue answers
GetTask for what it holds. What the adapter itself answers against the local Tasks emulator
(the CLI's, with the GetTask route devstack/node/tasks_emulator.js adds) is checked at the end.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared import clock
from shared.adapters.task_queue import task_id
from tests.posting import body, call_task, final_run, make_due, stored_run, submit

LATER = "2099-01-01T00:00:00Z"


class BackedUpQueue:
    """Cloud Tasks with a backlog: tasks are accepted (a repeated name is the same task) and
    held; GetTask finds a task until a delivery of it succeeds or it is dropped; nothing is
    delivered until the test says the backlog is through."""

    def __init__(self) -> None:
        self.held: dict[str, tuple[str, dict]] = {}
        self.created: list[tuple[str, str, dict]] = []

    def enqueue(self, queue: str, payload: dict, *, name_parts: tuple[str, ...], schedule_time=None) -> str:
        name = task_id(*name_parts)
        if not any(n == name and q == queue for q, n, _ in self.created):  # else 409: the same task
            self.held[name] = (queue, payload)
            self.created.append((queue, name, payload))
        return name

    def exists(self, queue: str, name: str) -> bool:
        return name in self.held and self.held[name][0] == queue

    def of(self, submission_id: str, queue: str | None = None) -> list[str]:
        """Every task ever created for the submission (in `queue`), oldest first."""
        return [n for q, n, p in self.created
                if p.get("postSubmissionId") == submission_id and queue in (None, q)]

    def deliver(self, client, name: str, retry_count: int = 0):
        """One delivery, as Cloud Tasks makes it; a task whose delivery failed stays queued
        for its next one."""
        queue, payload = self.held[name]
        r = call_task(client, queue, payload, retry_count=retry_count, task_name=name)
        if r.status_code < 300:
            del self.held[name]
        return r

    def drop(self, name: str) -> None:
        """The task ran out of attempts (or was deleted): gone from the queue."""
        del self.held[name]


@pytest.fixture
def backlog(monkeypatch):
    from shared.adapters import task_queue
    from shared.services.posts import dispatch, recovery

    queue = BackedUpQueue()
    monkeypatch.setattr(dispatch, "enqueue", queue.enqueue)  # orchestrator, runs, retries, waits
    monkeypatch.setattr(recovery, "enqueue", queue.enqueue)  # the orchestrator's recoveries
    monkeypatch.setattr(task_queue, "task_exists", queue.exists)
    return queue


def _submission(db, sid):
    return db.collection("postSubmissions").document(sid)


def _recover(db, sid) -> None:
    """The sweep's recovery of this one post, as recovery.recover_due does for each due one."""
    from shared.services.posts import recovery

    ref = _submission(db, sid)
    recovery.recover_submission(ref, ref.get().to_dict())


def _orchestrate(client, backlog, db, sid) -> str:
    """The orchestrator's task comes through the backlog; the run's own task is queued behind it."""
    [name] = backlog.of(sid, "orchestratePost")
    assert backlog.deliver(client, name).status_code == 200
    assert _submission(db, sid).get().get("status") == "dispatched"
    [run_task] = backlog.of(sid, "publishX")
    return run_task


def test_a_run_whose_task_waits_longer_than_the_stall_is_neither_given_another_nor_failed(
        client, demo, db, sandbox, time_travel, backlog):
    from shared.services.posts import recovery
    from shared.services.publishing import runs

    text = "queued behind 500 others"
    sid = submit(client, demo, body(["x"], text))
    run_task = _orchestrate(client, backlog, db, sid)

    # Two and a half hours in the queue: ten stalls, each one a sweep that looks at the run.
    for _ in range(recovery.MAX_RECOVERIES + 2):
        time_travel(seconds=runs.stall().total_seconds() + 1)
        _recover(db, sid)
        run = stored_run(db, sid, "x:x_main")
        assert run["status"] == "queued" and int(run.get("recoveries", 0)) == 0, run
        assert run["recoverAt"] > clock.now()  # looked at again after another stall
        assert _submission(db, sid).get().get("recoverAt") == run["recoverAt"]
    assert backlog.of(sid, "publishX") == [run_task]  # no second task

    # The backlog is through: the one task publishes the post, once.
    assert backlog.deliver(client, run_task).status_code == 200
    assert final_run(client, demo, sid, "x:x_main")["status"] == "succeeded"
    assert len([p for p in sandbox.posts("x") if p["text"] == text]) == 1


def test_a_task_gone_from_the_queue_is_still_recovered(client, demo, db, sandbox, time_travel, backlog):
    from shared.services.publishing import runs

    text = "task dropped by the queue"
    sid = submit(client, demo, body(["x"], text))
    run_task = _orchestrate(client, backlog, db, sid)
    time_travel(seconds=runs.stall().total_seconds() + 1)
    _recover(db, sid)
    assert stored_run(db, sid, "x:x_main").get("recoveries", 0) == 0  # still queued: waited for

    backlog.drop(run_task)  # it ran out of attempts: lost
    time_travel(seconds=runs.stall().total_seconds() + 1)
    _recover(db, sid)
    run = stored_run(db, sid, "x:x_main")
    assert run["status"] == "queued" and run["recoveries"] == 1, run
    recovery_task = task_id("publish", sid, "x:x_main", "0", "recover", "1")
    assert backlog.of(sid, "publishX") == [run_task, recovery_task]
    # The recovery task now waits in the backlog in turn: the next stall waits for it.
    time_travel(seconds=runs.stall().total_seconds() + 1)
    _recover(db, sid)
    assert stored_run(db, sid, "x:x_main")["recoveries"] == 1
    assert backlog.deliver(client, recovery_task).status_code == 200
    assert final_run(client, demo, sid, "x:x_main")["status"] == "succeeded"
    assert len([p for p in sandbox.posts("x") if p["text"] == text]) == 1


def test_a_run_released_for_a_retry_waits_for_its_task_to_come_back(client, demo, db, sandbox, time_travel,
                                                                    backlog):
    """A retryable failure puts the run back in `queued` and Cloud Tasks delivers the same task
    again after its backoff (up to 10 minutes, longer behind a backlog): it is still in the queue."""
    from shared.services.publishing import runs

    text = "retried by the queue itself"
    sid = submit(client, demo, body(["x"], text))
    run_task = _orchestrate(client, backlog, db, sid)
    sandbox.fault("x", "create", "server_error")
    r = backlog.deliver(client, run_task)
    assert r.status_code >= 500, r.text  # Cloud Tasks will deliver it again
    assert stored_run(db, sid, "x:x_main")["status"] == "queued"
    time_travel(seconds=runs.stall().total_seconds() + 1)
    _recover(db, sid)
    run = stored_run(db, sid, "x:x_main")
    assert run["status"] == "queued" and run.get("recoveries", 0) == 0, run
    assert backlog.of(sid, "publishX") == [run_task]
    assert backlog.deliver(client, run_task, retry_count=1).status_code == 200
    assert final_run(client, demo, sid, "x:x_main")["status"] == "succeeded"


def test_an_orchestrator_task_behind_a_backlog_is_not_enqueued_again(client, demo, db, sandbox, time_travel,
                                                                      backlog):
    """Item 6: the orchestrator's queue backed up past the dispatch grace (2 min) and the stall."""
    from shared.services.posts import dispatch
    from shared.services.publishing import runs

    text = "orchestrated late"
    sid = submit(client, demo, body(["x"], text))
    [first] = backlog.of(sid)
    ref = _submission(db, sid)
    # The dispatch grace passes: the sweep's dispatch pass asks for the same task (one task).
    time_travel(minutes=3)
    assert dispatch.dispatch_if_due(sid) is True
    assert backlog.of(sid) == [first]
    for _ in range(4):  # an hour: four stalls, each a sweep that looks at the post
        time_travel(seconds=runs.stall().total_seconds() + 1)
        _recover(db, sid)
        data = ref.get().to_dict()
        assert data["status"] == "queued" and not data.get("needsDispatch"), data
        assert not data.get("dispatchDeferrals") and data["recoverAt"] > clock.now(), data
    assert backlog.of(sid) == [first]
    run_task = _orchestrate(client, backlog, db, sid)
    assert backlog.deliver(client, run_task).status_code == 200
    assert final_run(client, demo, sid, "x:x_main")["status"] == "succeeded"


def test_an_orchestration_retrying_behind_a_backlog_waits_and_one_gone_is_enqueued_again(
        client, demo, db, time_travel, backlog):
    from shared.services.publishing import runs

    sid = submit(client, demo, {**body(["x"], "orchestration between retries"), "scheduledTime": LATER})
    ref = _submission(db, sid)
    first = task_id("orchestrate", sid, "1")
    backlog.enqueue("orchestratePost", {"postSubmissionId": sid, "scheduleVersion": 1},
                    name_parts=("orchestrate", sid, "1"))
    # Its orchestrator claimed it and failed (5xx): Cloud Tasks retries it after its backoff.
    ref.update({"status": "orchestrating", "orchestratorTask": first, "needsDispatch": False,
                "recoverAt": clock.now() + runs.stall()})
    time_travel(seconds=runs.stall().total_seconds() + 1)
    _recover(db, sid)
    data = ref.get().to_dict()
    assert data["status"] == "orchestrating" and not data.get("orchestrationRecoveries"), data
    assert data["recoverAt"] > clock.now()
    assert backlog.of(sid) == [first]

    backlog.drop(first)  # its last attempt failed: gone
    time_travel(seconds=runs.stall().total_seconds() + 1)
    _recover(db, sid)
    data = ref.get().to_dict()
    again = task_id("orchestrate", sid, "1", "recover", "1")
    assert data["orchestrationRecoveries"] == 1 and data["orchestratorTask"] == again, data
    assert backlog.of(sid) == [first, again]
    # And that one is waited for in turn.
    time_travel(seconds=runs.stall().total_seconds() + 1)
    _recover(db, sid)
    assert ref.get().get("orchestrationRecoveries") == 1


def test_a_retried_run_starts_with_no_recoveries(client, demo, db, sandbox):
    """`recoveries` counts the tasks lost in one generation; POST /retry starts a new one."""
    from shared.services.posts import recovery

    sandbox.fault("x", "create", "duplicate")
    sid = submit(client, demo, body(["x"], "lost track of, then retried"))
    assert final_run(client, demo, sid, "x:x_main")["status"] == "failed"
    runs_ref = _submission(db, sid).collection("runs").document("x:x_main")
    runs_ref.update({"recoveries": recovery.MAX_RECOVERIES})  # the failed generation's count
    r = client.post(f"/v1/posts/{sid}/retry", headers=demo.key_headers)
    assert r.status_code == 200, r.text
    assert stored_run(db, sid, "x:x_main")["recoveries"] == 0
    assert final_run(client, demo, sid, "x:x_main")["status"] == "succeeded"
    assert stored_run(db, sid, "x:x_main")["retryCount"] == 1


# -- what the adapter asks the queue ----------------------------------------------------------

def test_the_local_tasks_emulator_answers_get_task_as_cloud_tasks_does(client, demo, sandbox):
    """devstack/node/tasks_emulator.js adds GetTask to the CLI's emulator: a task being delivered
    is there (True), one delivered or never created is gone (False), never "cannot tell"."""
    from shared.adapters import task_queue
    from shared.services.posts.dispatch import enqueue_run, publisher_queue
    from tests.conftest import wait_for

    sandbox.fault("x", "create", "hold", seconds=3)  # the delivery lasts 3 s
    sid = submit(client, demo, {**body(["x"], "a task looked up while it is delivered"), "scheduledTime": LATER})
    make_due(sid)  # its run's task is delivered at once: a post whose time has come
    name = enqueue_run(sid, "x:x_main", "x", 0, suffix=("probe",))
    queue = publisher_queue("x")
    wait_for(lambda: task_queue.task_exists(queue, name) is True, timeout=10)
    assert final_run(client, demo, sid, "x:x_main")["status"] == "succeeded"
    wait_for(lambda: task_queue.task_exists(queue, name) is False, timeout=10)
    assert task_queue.task_exists(queue, task_id("never", "created")) is False


def test_in_production_the_adapter_asks_cloud_tasks_for_the_task_by_its_name(stack, monkeypatch):
    """GetTask through google-cloud-tasks: found is True, NotFound is False, and anything else
    (no permission, unavailable) is None: "cannot tell" is never read as "gone"."""
    import dataclasses

    from google.api_core import exceptions as google_errors

    from shared.adapters import task_queue
    from shared.config import get_settings

    production = dataclasses.replace(get_settings(), tasks_emulator_host=None)
    monkeypatch.setattr(task_queue, "get_settings", lambda: production)
    asked, answers = [], []

    class Client:
        def get_task(self, request, timeout=None, retry=None):
            asked.append((request["name"], timeout))
            answer = answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer

    monkeypatch.setattr(task_queue, "tasks_client", lambda: Client())
    answers[:] = [object(), google_errors.NotFound("gone"), google_errors.PermissionDenied("no"),
                  google_errors.ServiceUnavailable("down")]
    assert task_queue.task_exists("publishTiktok", "abc") is True
    assert task_queue.task_exists("publishTiktok", "abc") is False
    assert task_queue.task_exists("publishTiktok", "abc") is None
    assert task_queue.task_exists("publishTiktok", "abc") is None
    name = f"projects/{production.project_id}/locations/{production.region}/queues/publishTiktok/tasks/abc"
    assert asked == [(name, task_queue.PROBE_TIMEOUT_S)] * 4
