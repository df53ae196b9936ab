"""A run whose create is armed never ends `failed` while its post may be live (issue 35).

An earlier attempt sent the create and died before recording its answer; the post is on the
Page. Later attempts then fail for reasons of their own: the platform keeps answering 5xx until
the attempts are spent, or the Page token is refused. Before, the runner failed such a run with
that reason while its post was live (seen in crash soaks when a later attempt could not get a
token). Now it looks the post up one last time: found, the run succeeds with it; not looked up
(the token refused for the lookup too), the run ends `unconfirmed`, saying why.

Driven through the real path: a second gateway process killed mid-create, Cloud Tasks' retries
delivered to this process's gateway, the Facebook sandbox's fault answers, the Firestore emulator.
"""

from __future__ import annotations

from tests.posting import body, call_task, killed_while_held, run_of, stored_run, submit

LATER = "2099-01-01T00:00:00Z"  # a post the pipeline leaves alone: the test delivers its tasks
PAGE = "fb_page_42"
TARGET = f"facebook:{PAGE}"
FB = [{"platform": "facebook", "accountId": PAGE}]


def _posts(sandbox, text: str) -> list[dict]:
    return [p for p in sandbox.posts("facebook") if p["message"] == text]


def _made_then_killed(client, demo, sandbox, db, text: str) -> str:
    sid = submit(client, demo, {**body(FB, text), "scheduledTime": LATER})
    killed_while_held(sandbox, "facebook", {"postSubmissionId": sid, "targetId": TARGET},
                      lambda: _posts(sandbox, text))
    assert stored_run(db, sid, TARGET)["checkpoint"]["createArmedAt"]
    return sid


def _deliver(client, sid: str, retry_count: int):
    return call_task(client, "publishFacebook", {"postSubmissionId": sid, "targetId": TARGET},
                     retry_count=retry_count)


def test_attempts_spent_on_errors_end_with_the_post_the_armed_create_made(client, demo, sandbox, db):
    from shared.services.publishing.runner import MAX_ATTEMPTS

    text = "made, then Facebook answered 500 to every lookup"
    sid = _made_then_killed(client, demo, sandbox, db, text)
    for delivery in range(1, MAX_ATTEMPTS - 1):
        sandbox.fault("facebook", "lookup", "server_error", times=1)
        assert _deliver(client, sid, delivery).status_code != 200  # retryable: Cloud Tasks delivers again
    sandbox.fault("facebook", "lookup", "server_error", times=1)  # the last attempt's lookup fails too
    last = _deliver(client, sid, MAX_ATTEMPTS - 1)
    assert last.status_code == 200, last.text
    posts = _posts(sandbox, text)
    run = run_of(client, demo, sid, TARGET)
    # Its last look found the post: the run is not failed with "platform unavailable".
    assert run["status"] == "succeeded" and run["result"]["postId"] == posts[0]["id"], run
    assert len(posts) == 1


def test_a_refused_token_with_an_armed_create_ends_unconfirmed_not_failed(client, demo, sandbox, db):
    text = "made, then the Page token was revoked"
    sid = _made_then_killed(client, demo, sandbox, db, text)
    sandbox.fault("facebook", "lookup", "revoked", times=1000)
    retry = _deliver(client, sid, 1)
    assert retry.status_code == 200, retry.text
    run = run_of(client, demo, sid, TARGET)
    assert run["status"] == "unconfirmed", run
    result = run["result"]
    assert result["code"] == "publish_outcome_unknown" and result["retryable"] is True, result
    # It says what went wrong and that the post may be live.
    assert "session has been invalidated" in result["message"], result
    assert "could not look it up" in result["message"] and "/retry" in result["message"], result
    assert len(_posts(sandbox, text)) == 1
