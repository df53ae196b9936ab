"""A run's webhook events are frozen when it finishes (issue 35, item 5: run_events.py).

The publisher records a finished run and its events in one commit, then
dispatches them; if it dies in between, the sweep dispatches them a minute or
more later. By then the user may have retried the post. What the events say
must be what happened, not what the post looks like at dispatch.
"""

from __future__ import annotations

from shared.services.publishing import outbox
from shared.services.publishing.runner import MAX_ATTEMPTS
from tests.conftest import wait_for
from tests.posting import body, final_run, run_sweep, submit
from tests.webhook_receiver import receiver  # noqa: F401 - the fixture
from tests.webhook_receiver import register


def test_a_retry_before_the_events_are_sent_loses_neither_failure(client, demo, sandbox, receiver, time_travel,
                                                                  monkeypatch):
    register(client, demo, receiver.url, events=["post.failed"])
    # Every publisher dies right after its commit (nothing dispatched): the sweep sends later.
    monkeypatch.setattr(outbox, "dispatch", lambda entries: None)
    sandbox.fault("x", "create", "server_error", times=2 * MAX_ATTEMPTS)  # both generations fail

    sid = submit(client, demo, body(["x"], "failed twice before its events went out"))
    first = final_run(client, demo, sid, "x:x_main")
    assert first["status"] == "failed"
    r = client.post(f"/v1/posts/{sid}/retry", headers=demo.key_headers)  # inside the outbox's grace
    assert r.status_code == 200, r.text
    wait_for(lambda: final_run(client, demo, sid, "x:x_main")["attemptCount"] > first["attemptCount"]
             and final_run(client, demo, sid, "x:x_main")["status"] == "failed", timeout=30)
    second = final_run(client, demo, sid, "x:x_main")
    assert not receiver.events("post.failed")

    monkeypatch.undo()
    time_travel(minutes=2)  # past the grace: the sweep dispatches both outbox entries
    run_sweep(client)
    events = wait_for(lambda: len(receiver.events("post.failed")) >= 2 and receiver.events("post.failed"),
                      timeout=20)
    mine = [e for e in events if e["data"]["post"]["id"] == sid]
    assert len({e["id"] for e in mine}) == 2, mine  # one event per failed generation
    # Each says what happened then: the first generation's failure, then the second's.
    attempts = sorted(e["data"]["run"]["attemptCount"] for e in mine)
    assert attempts == [first["attemptCount"], second["attemptCount"]]
    assert all(e["data"]["run"]["status"] == "failed" and e["data"]["run"]["result"]["code"] for e in mine)
