"""A duplicate refusal after an armed create is the post, not a failure (issue 35, item 9).

An X publisher dies after its create reached X (the tweet is made, the answer lost). The next
attempt looks for the tweet, but X lists a new tweet only after a while (the sandbox's `lag`
fault: its timeline is eventually consistent), so the lookup misses it and the attempt creates
again; X refuses that as duplicate content. That refusal proves the earlier create made the
post: the run must stay armed, look again with backoff, and record the tweet once it is
listed; never fail while the post is live, never make a second one.

Driven through the real path: a second gateway process killed mid-create, Cloud Tasks'
retries delivered to this process's gateway, the X sandbox over HTTP, the Firestore emulator.
"""

from __future__ import annotations

from tests.posting import body, call_task, killed_while_held, run_of, stored_run, submit

LATER = "2099-01-01T00:00:00Z"  # a post the pipeline leaves alone: the test delivers its tasks
TARGET = "x:x_main"


def _tweets(sandbox, text: str) -> list[dict]:
    return [p for p in sandbox.posts("x") if p["text"] == text]


def _creates(stack) -> int:
    return sum(1 for call in stack.sandboxes.state.calls if call == ("x", "create"))


def _made_then_killed(client, demo, sandbox, db, text: str) -> tuple[str, dict]:
    """A post whose first attempt made the tweet and died before recording it; the run then."""
    sid = submit(client, demo, {**body(["x"], text), "scheduledTime": LATER})
    killed_while_held(sandbox, "x", {"postSubmissionId": sid, "targetId": TARGET},
                      lambda: _tweets(sandbox, text))
    run = stored_run(db, sid, TARGET)
    assert run["status"] == "processing" and run["checkpoint"]["createArmedAt"], run
    return sid, run


def _deliver(client, sid: str, retry_count: int):
    return call_task(client, "publishX", {"postSubmissionId": sid, "targetId": TARGET}, retry_count=retry_count)


def test_a_duplicate_refusal_after_a_lost_create_records_the_tweet_once_x_lists_it(client, demo, sandbox, db,
                                                                                   stack):
    text = "made, answer lost, listed late"
    before = _creates(stack)
    sid, _ = _made_then_killed(client, demo, sandbox, db, text)
    # X's timeline leaves the tweet out for its first 5 seconds.
    sandbox.fault("x", "lookup", "lag", times=100, seconds=5)
    retry = _deliver(client, sid, 1)
    assert retry.status_code == 200 and retry.json()["result"]["outcome"] == "succeeded", retry.text
    tweets = _tweets(sandbox, text)
    assert len(tweets) == 1
    run = run_of(client, demo, sid, TARGET)
    assert run["status"] == "succeeded" and run["result"]["postId"] == tweets[0]["id"], run
    assert _creates(stack) - before == 2  # the re-create was asked, and refused as a duplicate


def test_a_tweet_x_says_exists_is_looked_for_again_by_later_attempts_still_armed(client, demo, sandbox, db,
                                                                                 stack, monkeypatch):
    from shared.services.publishing import base

    monkeypatch.setattr(base, "EXISTS_LOOKUP_BACKOFF", (0.05, 0.05))  # the in-attempt lookups, quicker
    text = "x says it exists, lists it much later"
    sid, killed = _made_then_killed(client, demo, sandbox, db, text)
    sandbox.fault("x", "lookup", "lag", times=1000, seconds=3600)
    retry = _deliver(client, sid, 1)
    assert retry.status_code != 200, retry.text  # retryable: Cloud Tasks delivers again
    stored = stored_run(db, sid, TARGET)
    assert stored["status"] == "queued" and stored["lastError"]["code"] == "post_not_listed", stored
    # Still armed, since the first arming: the next attempt looks for the tweet made then.
    assert stored["checkpoint"]["createArmedAt"] == killed["checkpoint"]["createArmedAt"]
    creates = _creates(stack)
    # The next attempt only looks: X said the post exists, so it is never created again.
    assert _deliver(client, sid, 2).status_code != 200
    assert _creates(stack) == creates and stored_run(db, sid, TARGET)["status"] == "queued"
    stack.sandboxes.state.faults.clear()  # X lists the tweet at last
    retry = _deliver(client, sid, 3)
    assert retry.status_code == 200 and retry.json()["result"]["outcome"] == "succeeded", retry.text
    tweets = _tweets(sandbox, text)
    assert len(tweets) == 1 and _creates(stack) == creates
    run = run_of(client, demo, sid, TARGET)
    assert run["status"] == "succeeded" and run["result"]["postId"] == tweets[0]["id"], run


def test_a_tweet_x_says_exists_but_never_lists_fails_the_run_saying_so(client, demo, sandbox, db, stack,
                                                                       monkeypatch):
    from shared.services.publishing import base
    from shared.services.publishing.runner import MAX_ATTEMPTS

    monkeypatch.setattr(base, "EXISTS_LOOKUP_BACKOFF", (0.05, 0.05))
    text = "x says it exists, never lists it"
    before = _creates(stack)
    sid, killed = _made_then_killed(client, demo, sandbox, db, text)
    sandbox.fault("x", "lookup", "lag", times=1000, seconds=3600)
    for delivery in range(1, MAX_ATTEMPTS - 1):  # attempts 2 .. MAX_ATTEMPTS - 1: looked, not found yet
        assert _deliver(client, sid, delivery).status_code != 200
    last = _deliver(client, sid, MAX_ATTEMPTS - 1)
    assert last.status_code == 200 and last.json()["result"]["outcome"] == "failed", last.text
    run = run_of(client, demo, sid, TARGET)
    result = run["result"]
    assert run["status"] == "failed" and result["code"] == "post_not_listed", run
    assert "duplicate" in result["message"] and "not listed" in result["message"], result
    assert f"gave up after {MAX_ATTEMPTS} attempts" in result["message"]
    assert result["retryable"] is True  # a retry looks again (the checkpoint stays armed)
    checkpoint = stored_run(db, sid, TARGET)["checkpoint"]
    assert checkpoint["createArmedAt"] == killed["checkpoint"]["createArmedAt"] and checkpoint["createExistsAt"]
    assert len(_tweets(sandbox, text)) == 1 and _creates(stack) - before == 2
