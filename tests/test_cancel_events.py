"""Cancelling a post records its `post.completed` in the cancel's own commit.

The cancel that leaves no run of the post unfinished records the event in the outbox in the
same transaction, as a finishing run does (run_events.completed_by). If the API process dies
right after that commit, before it dispatches, the recovery sweep sends the event once the
outbox's grace has passed: the receiver gets it, once.

Before, the API recorded the event in a write of its own after the cancel's commits, so a
process dying between the two lost it. This test drives a death after the commit (nothing is
dispatched), which that design survived too: it guards that the event is durable and sent
once, not the narrower window the change closed.
"""

from __future__ import annotations

from shared.services.publishing import outbox
from tests.conftest import wait_for
from tests.posting import body, run_sweep, submit
from tests.webhook_receiver import receiver  # noqa: F401 - the fixture
from tests.webhook_receiver import register

LATER = "2099-01-01T00:00:00Z"


def _completed(receiver, sid: str) -> list[dict]:
    return [e for e in receiver.events("post.completed") if e["data"]["post"]["id"] == sid]


def test_a_cancel_whose_process_dies_after_its_commit_still_sends_post_completed_once(
        client, demo, receiver, time_travel, monkeypatch):
    register(client, demo, receiver.url, events=["post.completed"])
    sid = submit(client, demo, {**body(["x", "linkedin"], "canceled, then the API died"), "scheduledTime": LATER})
    # The API process dies right after the cancel's commits: nothing is dispatched from it.
    monkeypatch.setattr(outbox, "dispatch", lambda entries: None)
    r = client.delete(f"/v1/posts/{sid}", headers=demo.key_headers)
    assert r.status_code == 200 and {run["status"] for run in r.json()["runs"]} == {"canceled"}, r.text
    assert not _completed(receiver, sid)  # not sent by the dead process

    monkeypatch.undo()
    time_travel(minutes=2)  # past the outbox's grace: the sweep dispatches what the commit recorded
    run_sweep(client)
    [event] = wait_for(lambda: _completed(receiver, sid), timeout=20)
    assert {run["status"] for run in event["data"]["post"]["runs"]} == {"canceled"}
    # Cancelling again, and later sweeps, send nothing more.
    assert client.delete(f"/v1/posts/{sid}", headers=demo.key_headers).status_code == 200
    run_sweep(client)
    assert len(_completed(receiver, sid)) == 1
