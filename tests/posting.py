"""Helpers for the posts tests: bodies and calls to the internal functions."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
from google.cloud import firestore

from tests.conftest import PROJECT_ID, REGION


def body(platform, text: str = "Hello from the API!", **content) -> dict:
    return {"post": {"content": {"text": text, "platform": platform, **content}}}


def future(**delta) -> str:
    return (datetime.now(timezone.utc) + timedelta(**delta)).isoformat().replace("+00:00", "Z")


def call_task(client: httpx.Client, function: str, data: dict, queue: str | None = None,
              retry_count: int = 0, base_url: str = "", task_name: str | None = None,
              due: bool = True) -> httpx.Response:
    """Deliver a task the way Cloud Tasks does (used to replay duplicate deliveries).

    A delivery with `retry_count` > 0 is Cloud Tasks' retry *of the task that last
    claimed the run* unless `task_name` says otherwise: the publisher lets only the
    same task's later delivery take over a live attempt (publishing/runs.py).
    A publisher task is delivered as Cloud Tasks would, once its post is due: a post
    scheduled later (the tests' way of keeping the pipeline off it) is made due first
    (`make_due`), unless `due=False` (a delivery before the scheduled time)."""
    if task_name is None:
        task_name = _claiming_task(data) if retry_count else "manual"
    if function.startswith("publish") and data.get("postSubmissionId") and due:
        make_due(str(data["postSubmissionId"]))
    headers = {"Content-Type": "application/json", "X-CloudTasks-QueueName": queue or function,
               "X-CloudTasks-TaskName": task_name, "X-CloudTasks-TaskRetryCount": str(retry_count)}
    return client.post(f"{base_url}/{PROJECT_ID}/{REGION}/{function}", json={"data": data}, headers=headers)


def make_due(sid: str) -> None:
    """Move a post scheduled for later (`LATER`: the pipeline leaves it alone) to just now, so
    its runs may be claimed (a publisher never claims one before the post's scheduledTime,
    publishing/runs.py). Only `scheduledTime`: the sweep still leaves the post alone (its
    `enqueueAt` and `recoverAt` stay where they were)."""
    from shared import clock
    from shared.adapters.gcp import firestore_client

    # Due by this process's clock (which a test may have moved forward) and by the real one
    # (a second gateway process's).
    now = min(clock.now(), datetime.now(timezone.utc)) - timedelta(seconds=1)
    ref = firestore_client().collection("postSubmissions").document(sid)
    scheduled = (ref.get().to_dict() or {}).get("scheduledTime")
    if scheduled is not None and scheduled > now:
        ref.update({"scheduledTime": now})


def _claiming_task(data: dict) -> str:
    if not (data.get("postSubmissionId") and data.get("targetId")):
        return "manual"
    from shared.adapters.gcp import firestore_client

    run = (firestore_client().collection("postSubmissions").document(str(data["postSubmissionId"]))
           .collection("runs").document(str(data["targetId"])).get().to_dict() or {})
    return run.get("claimedByTask") or "manual"


def run_sweep(client: httpx.Client) -> httpx.Response:
    return client.post(f"/{PROJECT_ID}/{REGION}/sweepScheduledPosts",
                       headers={"X-CloudScheduler-JobName": "test", "X-CloudScheduler": "true"})


# -- waiting on runs (shared by the publisher tests) -------------------------------------

def submit(client: httpx.Client, user, payload: dict, key: str | None = None) -> str:
    """POST /v1/posts (optionally with an Idempotency-Key); the new postSubmissionId."""
    headers = user.key_headers | ({"Idempotency-Key": key} if key else {})
    r = client.post("/v1/posts", json=payload, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()["postSubmissionId"]


def run_of(client: httpx.Client, user, sid: str, target: str) -> dict:
    """One run as GET /v1/posts/{id} shows it."""
    post = client.get(f"/v1/posts/{sid}", headers=user.key_headers).json()
    return next(r for r in post["runs"] if r["targetId"] == target)


def final_run(client: httpx.Client, user, sid: str, target: str, timeout: float = 30) -> dict:
    """The run once it has succeeded, failed or ended unconfirmed."""
    from tests.conftest import wait_for

    return wait_for(lambda: (r := run_of(client, user, sid, target))["status"] in ("succeeded", "failed", "unconfirmed")
                    and r, timeout=timeout)


def killed_while_held(sandbox, platform: str, task: dict, made, *, operation: str = "create",
                      answer_timeout: float = 1, made_within: float = 15, **fault) -> None:
    """A publisher that dies between the platform's work and its own record.

    Delivers `task` to the platform's publisher on a second gateway process whose `operation`
    at the platform is held (it takes effect, the answer never comes); once `made()` holds,
    SIGKILLs that process, so nothing after the call is recorded.
    """
    import os
    import signal
    import subprocess
    import sys

    from devstack.emulators import free_port, port_open
    from shared.services.posts.dispatch import publisher_queue
    from tests.conftest import wait_for

    port = free_port()
    second = subprocess.Popen([sys.executable, "-m", "devstack.serve_gateway", str(port)],
                              env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: port_open(port), timeout=20)
        sandbox.fault(platform, operation, "hold", seconds=60, **fault)
        with httpx.Client(timeout=answer_timeout) as other:
            try:
                call_task(other, publisher_queue(platform), task, base_url=f"http://127.0.0.1:{port}")
            except httpx.TimeoutException:
                pass
            else:
                raise AssertionError(f"the held {operation} at {platform} answered")
        wait_for(made, timeout=made_within)
    finally:
        second.send_signal(signal.SIGKILL)  # the publisher dies before recording the result
        second.wait()


def wait_out_the_reset(client: httpx.Client, db, time_travel, sid: str, timeout: float = 20) -> dict:
    """A run parked until the platform's reset time: move the clock past it and run the sweep,
    as Cloud Tasks' scheduled task (or the sweep) does at that time. The parked run, returned."""
    from shared import clock
    from tests.conftest import wait_for

    runs = db.collection("postSubmissions").document(sid).collection("runs")

    def parked():
        return next((d for d in (r.to_dict() for r in runs.stream())
                     if d.get("status") == "queued" and d.get("notBefore")), None)

    run = wait_for(parked, timeout=timeout)
    time_travel(seconds=(run["notBefore"] - clock.now()).total_seconds() + 70)
    run_sweep(client)
    return run


def account_ref(db, user, platform: str, account_id: str):
    return (db.collection("users").document(user.uid).collection("integrations").document(platform)
            .collection("accounts").document(account_id))


def submissions_of(db, uid: str) -> int:
    """How many posts the user has stored (a refused request must leave none behind)."""
    query = db.collection("postSubmissions").where(filter=firestore.FieldFilter("userId", "==", uid))
    return len(list(query.stream()))


def stored_run(db, sid: str, target: str) -> dict:
    """The run document itself (checkpoint, lastError: what the API does not show)."""
    return db.collection("postSubmissions").document(sid).collection("runs").document(target).get().to_dict()


def object_size(db, media_id: str) -> int:
    """What is really in the bucket for this media (what a platform must receive)."""
    from shared.adapters.gcp import storage_client
    from shared.config import get_settings

    path = db.collection("media").document(media_id).get().get("objectPath")
    blob = storage_client().bucket(get_settings().media_bucket).blob(path)
    blob.reload()
    return blob.size


# -- one platform account's helpers (shared by the per-platform publisher tests) ------------

class Target:
    """The platform account a publisher test file posts to (`platform:account`), with the run
    helpers each of those files used to write for itself, bound to it."""

    def __init__(self, platform: str, account_id: str, *, timeout: float = 30, post_key: str = "id") -> None:
        self.platform, self.account_id = platform, account_id
        self.target = f"{platform}:{account_id}"
        self.timeout = timeout  # how long a run may take to finish on this platform's sandbox
        self.post_key = post_key  # the sandbox post's field a run's result postId names

    def run(self, client: httpx.Client, user, sid: str, target: str | None = None) -> dict:
        return run_of(client, user, sid, target or self.target)

    def final(self, client: httpx.Client, user, sid: str, target: str | None = None,
              timeout: float | None = None) -> dict:
        return final_run(client, user, sid, target or self.target, self.timeout if timeout is None else timeout)

    def account(self, db, user, account_id: str | None = None):
        return account_ref(db, user, self.platform, account_id or self.account_id)

    def platform_user_id(self, db, user, account_id: str | None = None) -> str:
        return self.account(db, user, account_id).get().get("platformUserId")

    def stored_run(self, db, sid: str, target: str | None = None) -> dict:
        return stored_run(db, sid, target or self.target)

    def posted(self, sandbox, run: dict) -> dict:
        """The sandbox's record of the post a run made."""
        return next(p for p in sandbox.posts(self.platform) if p[self.post_key] == run["result"]["postId"])

    def calls(self, stack) -> list[str]:
        """The operations this platform's sandbox saw (as `state.take_fault` counts them)."""
        return [op for platform, op in list(stack.sandboxes.state.calls) if platform == self.platform]


class SandboxCalls:
    """A platform's operations the sandbox saw from here on (tests run one at a time)."""

    def __init__(self, stack, platform: str) -> None:
        self.state, self.platform = stack.sandboxes.state, platform
        self.start = len(self.state.calls)

    def __call__(self) -> list[str]:
        return [op for platform, op in self.state.calls[self.start:] if platform == self.platform]
