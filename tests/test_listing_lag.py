"""A lookup's miss is not trusted while the platform may not list the post yet (issue 35).

A Facebook publisher dies after its create reached Facebook (the post is made, the answer
lost). Cloud Tasks delivers the task again a second later; the Page feed leaves the post out
for its first seconds (the sandbox's `lag` fault: Graph API listings trail a create). Facebook,
unlike X, has no duplicate check: had the retry trusted that miss and created again, the Page
would show the post twice, as the crash soak did. The retry must keep looking until the create
is older than Facebook's declared listing lag (plus the create's own reach), then record the
post it finds; only a miss after that window lets it create.

Driven through the real path: a second gateway process killed mid-create, Cloud Tasks' retry
delivered to this process's gateway, the Facebook sandbox over HTTP, the Firestore emulator.
SOKU_LISTING_LAG_SCALE (0 in the rest of the suite, whose sandboxes list at once) is set so
the window is 9 s here: (30 s reach + Facebook's 30 s) x 0.15.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from shared.services.publishing.base import lookup_waits
from tests.media_origin import settings_env  # noqa: F401 - fixture

from tests.posting import body, call_task, killed_while_held, make_due, run_of, stored_run, submit

LATER = "2099-01-01T00:00:00Z"  # a post the pipeline leaves alone: the test delivers its tasks
PAGE = "fb_page_42"
TARGET = f"facebook:{PAGE}"
FB = [{"platform": "facebook", "accountId": PAGE}]
SCALE = 0.15
WINDOW_S = (30 + 30) * SCALE


@pytest.fixture
def listing_lag_waited(settings_env):
    settings_env(SOKU_LISTING_LAG_SCALE=str(SCALE))


def _posts(sandbox, text: str) -> list[dict]:
    return [p for p in sandbox.posts("facebook") if p["message"] == text]


def _lookups(stack) -> int:
    return sum(1 for call in stack.sandboxes.state.calls if call == ("facebook", "lookup"))


def _creates(stack) -> int:
    return sum(1 for call in stack.sandboxes.state.calls if call == ("facebook", "create"))


def test_a_retry_right_after_a_lost_create_waits_for_the_feed_to_list_the_post(
        client, demo, sandbox, db, stack, listing_lag_waited):
    text = "made on Facebook, answer lost, listed after 5 s"
    sid = submit(client, demo, {**body(FB, text), "scheduledTime": LATER})
    task = {"postSubmissionId": sid, "targetId": TARGET}
    killed_while_held(sandbox, "facebook", task, lambda: _posts(sandbox, text))
    armed = stored_run(db, sid, TARGET)["checkpoint"]["createArmedAt"]
    creates = _creates(stack)
    # The Page feed leaves out posts younger than 5 s; the retry comes at once.
    sandbox.fault("facebook", "lookup", "lag", times=1000, seconds=5)
    retry = call_task(client, "publishFacebook", task, retry_count=1)
    assert retry.status_code == 200 and retry.json()["result"]["outcome"] == "succeeded", retry.text
    posts = _posts(sandbox, text)
    assert len(posts) == 1, posts  # never made twice
    assert _creates(stack) == creates  # the retry only looked
    run = run_of(client, demo, sid, TARGET)
    assert run["status"] == "succeeded" and run["result"]["postId"] == posts[0]["id"], run
    assert stored_run(db, sid, TARGET)["checkpoint"]["createArmedAt"] == armed


def test_a_create_that_never_reached_facebook_is_made_once_the_window_has_passed(
        client, demo, sandbox, db, stack, listing_lag_waited):
    """The arming was written, then the attempt died before its create left: nothing is on the
    Page. The retry looks for the window's length, finds nothing, and creates exactly once."""
    from shared.services.publishing import runs

    text = "armed, never sent to Facebook"
    sid = submit(client, demo, {**body(FB, text), "scheduledTime": LATER})
    make_due(sid)  # a post the pipeline leaves alone, due now
    task = {"postSubmissionId": sid, "targetId": TARGET}
    # The first attempt claims the run and arms its create; its process dies before the call.
    claimed = runs.claim_run(sid, TARGET, "facebook", 0, "first-task")
    armed_at = datetime.now().astimezone()
    runs.save_checkpoint(sid, TARGET, claimed["attemptCount"], {"createArmedAt": armed_at.isoformat()})
    creates, lookups = _creates(stack), _lookups(stack)
    retry = call_task(client, "publishFacebook", task, retry_count=1, task_name="first-task")
    assert retry.status_code == 200 and retry.json()["result"]["outcome"] == "succeeded", retry.text
    assert len(_posts(sandbox, text)) == 1 and _creates(stack) == creates + 1
    # It looked through the window (2 + 4 s of backoff, then its end) before trusting the miss.
    assert _lookups(stack) - lookups >= 1 + len(lookup_waits(WINDOW_S - 1)), _lookups(stack) - lookups
