"""Taking a published post down (`DELETE /v1/posts/{id}/runs/{targetId}/published`) against the
platform sandboxes: the post leaves the platform, the run says so, once."""

from __future__ import annotations

import threading
from datetime import timedelta

import httpx
import pytest

from tests.conftest import wait_for
from tests.envelope import assert_error
from tests.posting import SandboxCalls, Target, body, future, submit
from tests.webhook_receiver import receiver  # noqa: F401 - the fixture
from tests.webhook_receiver import register

MIB = 1024 * 1024
# Each platform that can delete: where the test posts, and what it posts.
TARGETS = {
    "x": Target("x", "x_main"),
    "facebook": Target("facebook", "fb_page_42"),
    "threads": Target("threads", "threads_main"),
    "linkedin": Target("linkedin", "li_member", post_key="urn"),
    "youtube": Target("youtube", "yt_channel", timeout=45),
}


def _path(sid: str, target: str) -> str:
    return f"/v1/posts/{sid}/runs/{target}/published"


def _published(client, user, stored_media, on: Target, text: str) -> tuple[str, dict]:
    """Publish to `on`'s account and wait until the run succeeded: (post id, run)."""
    content = {"mediaIds": [stored_media(user, "video", MIB)]} if on.platform == "youtube" else {}
    sid = submit(client, user, body([{"platform": on.platform, "accountId": on.account_id}], text, **content))
    run = on.final(client, user, sid)
    assert run["status"] == "succeeded", run
    return sid, run


def _live(sandbox, on: Target, run: dict) -> list[dict]:
    return [p for p in sandbox.posts(on.platform) if p[on.post_key] == run["result"]["postId"]]


def _deleted_at_platform(sandbox, on: Target, run: dict) -> list[dict]:
    rows = httpx.get(f"{sandbox.base_url}/__sandbox/posts",
                     params={"platform": on.platform, "deleted": "1"}).json()["posts"]
    return [p for p in rows if p[on.post_key] == run["result"]["postId"]]


@pytest.mark.parametrize("platform", list(TARGETS))
def test_a_published_post_is_deleted_once(client, stack, demo, sandbox, stored_media, platform):
    on = TARGETS[platform]
    sid, run = _published(client, demo, stored_media, on, f"To be taken down from {platform}")
    assert _live(sandbox, on, run)
    calls = SandboxCalls(stack, platform)
    r = client.delete(_path(sid, on.target), headers=demo.key_headers)
    assert r.status_code == 200, r.text
    taken = r.json()
    assert taken["targetId"] == on.target and taken["status"] == "succeeded"  # it did publish
    assert taken["deletedAt"] and taken["deletion"]["status"] == "deleted"
    assert "alreadyGone" not in taken["deletion"]
    assert _live(sandbox, on, run) == [] and len(_deleted_at_platform(sandbox, on, run)) == 1
    assert calls().count("delete") == 1
    assert on.run(client, demo, sid)["deletedAt"] == taken["deletedAt"]  # GET /v1/posts shows it
    again = client.delete(_path(sid, on.target), headers=demo.key_headers)
    assert again.status_code == 200 and again.json() == taken
    assert calls().count("delete") == 1  # the platform was not asked again


# LinkedIn's delete is idempotent (a post deleted before answers 204 again): it cannot tell.
@pytest.mark.parametrize("platform, tells", [("x", True), ("facebook", True), ("threads", True), ("linkedin", False)])
def test_a_post_already_gone_on_the_platform_counts_as_deleted(client, stack, demo, sandbox, stored_media,
                                                             platform, tells):
    on = TARGETS[platform]
    sid, run = _published(client, demo, stored_media, on, f"Deleted in the {platform} app first")
    # The user deleted it in the platform's own app.
    assert stack.sandboxes.state.delete_post(platform, lambda p: p[on.post_key] == run["result"]["postId"])
    calls = SandboxCalls(stack, platform)
    r = client.delete(_path(sid, on.target), headers=demo.key_headers)
    assert r.status_code == 200, r.text
    gone = {"alreadyGone": True} if tells else {}
    assert r.json()["deletion"] == {"status": "deleted", "at": r.json()["deletedAt"], **gone}
    # Graph's "does not exist" also covers a missing permission: Soku reads the post to be sure.
    confirming_read = {"facebook": ["lookup"], "threads": ["permalink"]}.get(platform, [])
    assert calls() == ["delete"] + confirming_read


@pytest.mark.parametrize("platform", ["facebook", "threads"])
def test_graphs_ambiguous_not_found_for_a_post_that_still_exists_is_a_missing_permission(
        client, stack, demo, sandbox, stored_media, platform):
    # Code 100 / subcode 33 reads "does not exist, cannot be loaded due to missing permissions, ...":
    # a post the confirming read still finds is not marked deleted, and no post.deleted goes out.
    on = TARGETS[platform]
    sid, run = _published(client, demo, stored_media, on, f"Still up on {platform}")
    sandbox.fault(platform, "delete", "cannot_load")
    error = assert_error(client.delete(_path(sid, on.target), headers=demo.key_headers), 409, "missing_permission")
    assert error["details"]["platformCode"] == "missing_permission" and "still exists" in error["message"]
    shown = on.run(client, demo, sid)
    assert shown["deletedAt"] is None and shown["deletion"]["status"] == "failed"
    assert _live(sandbox, on, run)  # still up


def test_a_refusal_is_reported_on_the_run_and_a_retry_tries_again(client, stack, demo, sandbox, stored_media, db):
    on = TARGETS["threads"]
    sid, run = _published(client, demo, stored_media, on, "Threads without threads_delete")
    sandbox.fault("threads", "delete", "forbidden")
    error = assert_error(client.delete(_path(sid, on.target), headers=demo.key_headers), 409, "missing_permission")
    assert error["details"]["platformCode"] == "missing_permission" and error["details"]["retryable"] is False
    assert "(#10) Application does not have permission for this action" in error["message"]
    shown = on.run(client, demo, sid)
    assert shown["deletedAt"] is None and shown["deletion"]["status"] == "failed"
    assert shown["deletion"]["error"]["code"] == "missing_permission"
    assert "does not have permission" in shown["deletion"]["error"]["message"]
    assert _live(sandbox, on, run)  # still up
    # A missing delete permission does not stop the account publishing.
    assert on.account(db, demo).get().get("status") == "connected"
    r = client.delete(_path(sid, on.target), headers=demo.key_headers)
    assert r.status_code == 200 and r.json()["deletion"]["status"] == "deleted"
    assert _live(sandbox, on, run) == []


def test_a_platform_outage_is_retryable(client, demo, sandbox, stored_media):
    on = TARGETS["x"]
    sid, run = _published(client, demo, stored_media, on, "X is down for a moment")
    sandbox.fault("x", "delete", "server_error")
    error = assert_error(client.delete(_path(sid, on.target), headers=demo.key_headers), 502, "platform_error")
    assert error["details"]["platformCode"] == "platform_unavailable" and error["details"]["retryable"] is True
    assert error["details"]["run"]["deletion"]["status"] == "failed"
    assert client.delete(_path(sid, on.target), headers=demo.key_headers).json()["deletion"]["status"] == "deleted"


def test_an_expired_token_is_refreshed_once_and_a_rate_limit_says_when(client, stack, demo, sandbox, stored_media):
    on = TARGETS["x"]
    sid, run = _published(client, demo, stored_media, on, "Deleted after a token refresh")
    sandbox.fault("x", "delete", "rate_limit", reset_in=120)
    limited = client.delete(_path(sid, on.target), headers=demo.key_headers)
    error = assert_error(limited, 502, "platform_error")
    assert error["details"]["platformCode"] == "rate_limited" and error["details"]["retryable"] is True
    assert 60 <= int(limited.headers["Retry-After"]) <= 121
    sandbox.fault("x", "delete", "expired_token")
    calls = SandboxCalls(stack, "x")
    r = client.delete(_path(sid, on.target), headers=demo.key_headers)
    assert r.status_code == 200 and r.json()["deletion"]["status"] == "deleted", r.text
    assert calls() == ["delete", "token", "delete"]


def test_a_revoked_account_needs_reconnecting(client, demo, sandbox, stored_media, db):
    on = TARGETS["linkedin"]
    sid, run = _published(client, demo, stored_media, on, "Then the member revoked Soku")
    sandbox.revoke("linkedin", on.platform_user_id(db, demo))
    error = assert_error(client.delete(_path(sid, on.target), headers=demo.key_headers), 409, "account_needs_reconnect")
    assert error["details"]["platformCode"] == "token_expired"
    assert on.run(client, demo, sid)["deletion"]["error"]["reconnect"] is True
    assert on.account(db, demo).get().get("status") == "needs_reconnect"
    assert _live(sandbox, on, run)


def test_concurrent_requests_call_the_platform_once(client, stack, demo, sandbox, stored_media):
    on = TARGETS["x"]
    sid, run = _published(client, demo, stored_media, on, "Two clicks on delete")
    sandbox.fault("x", "delete", "hold", seconds=2)
    calls = SandboxCalls(stack, "x")
    answers: list[httpx.Response] = []

    def delete():
        with httpx.Client(base_url=str(client.base_url), timeout=30) as other:
            answers.append(other.delete(_path(sid, on.target), headers=demo.key_headers))

    first = threading.Thread(target=delete)
    first.start()
    wait_for(lambda: calls() == ["delete"], timeout=10)  # the first one is at the platform
    delete()
    first.join()
    assert sorted(a.status_code for a in answers) == [200, 409]
    busy = next(a for a in answers if a.status_code == 409)
    assert_error(busy, 409, "deletion_in_progress")
    assert calls() == ["delete"] and _live(sandbox, on, run) == []


def test_a_stale_claim_is_taken_over(client, demo, sandbox, stored_media, db):
    from shared import clock

    on = TARGETS["x"]
    sid, run = _published(client, demo, stored_media, on, "The first request died mid-way")
    ref = db.collection("postSubmissions").document(sid).collection("runs").document(on.target)
    long_ago = clock.now() - timedelta(minutes=10)
    ref.update({"deletion": {"status": "deleting", "attempt": 1, "claimedAt": long_ago, "at": long_ago}})
    ref.collection("deletions").document("1").set({"claimedAt": long_ago})
    r = client.delete(_path(sid, on.target), headers=demo.key_headers)
    assert r.status_code == 200 and r.json()["deletion"]["status"] == "deleted", r.text
    assert _live(sandbox, on, run) == []


@pytest.mark.parametrize("platform, account, kind, words", [
    ("instagram", "ig_main", "image",
     "Instagram's content publishing API documents no way to delete published media"),
    ("tiktok", "tt_main", "video", "TikTok's Content Posting API has no endpoint to delete"),
    ("snapchat", "snap_profile", "video", "Snap's Public Profile API documents no endpoint to delete"),
])
def test_platforms_without_a_delete_refuse_with_the_reason(client, demo, stored_media, platform, account, kind,
                                                           words):
    sid = submit(client, demo, {**body([{"platform": platform, "accountId": account}], "Cannot be taken down",
                                       mediaIds=[stored_media(demo, kind, 50_000)]),
                                "scheduledTime": future(days=2)})
    target = f"{platform}:{account}"
    error = assert_error(client.delete(_path(sid, target), headers=demo.key_headers), 422, "deletion_not_supported")
    assert words in error["message"] and error["details"]["platform"] == platform


def test_a_run_that_has_not_published_has_nothing_to_delete(client, demo):
    sid = submit(client, demo, {**body(["x"], "Tomorrow"), "scheduledTime": future(days=1)})
    error = assert_error(client.delete(_path(sid, "x:x_main"), headers=demo.key_headers), 409, "post_not_published")
    assert error["message"] == (f"Run x:x_main has not published (it is queued); nothing to delete; to stop it "
                                f"publishing, cancel the post instead (DELETE /v1/posts/{sid})")
    assert_error(client.delete(_path(sid, "x:nobody"), headers=demo.key_headers), 404, "not_found")


def test_another_users_post_is_not_found(client, demo, make_user, sandbox, stored_media):
    on = TARGETS["x"]
    sid, run = _published(client, demo, stored_media, on, "Mine, not theirs")
    other = make_user()
    assert_error(client.delete(_path(sid, on.target), headers=other.key_headers), 404, "not_found",
                 f"Post {sid} not found")
    assert _live(sandbox, on, run)


def test_post_deleted_webhook_is_delivered_once(client, demo, sandbox, stored_media, receiver):  # noqa: F811
    on = TARGETS["x"]
    register(client, demo, receiver.url, events=["post.deleted"])
    sid, run = _published(client, demo, stored_media, on, "Announce the take-down")
    taken = client.delete(_path(sid, on.target), headers=demo.key_headers).json()
    client.delete(_path(sid, on.target), headers=demo.key_headers)
    event = wait_for(lambda: receiver.events("post.deleted"), timeout=20)[0]
    assert event["data"] | {"run": None} == {
        "postSubmissionId": sid, "targetId": on.target, "platform": "x", "accountId": "x_main",
        "platformPostId": run["result"]["postId"], "deletedAt": taken["deletedAt"], "alreadyGone": False,
        "run": None}
    assert event["data"]["run"]["deletion"]["status"] == "deleted"
    wait_for(lambda: client.get("/v1/webhooks", headers=demo.key_headers).json()["data"][0]["lastDeliveryAt"],
             timeout=10)
    assert len(receiver.events("post.deleted")) == 1


def test_unpublish_takes_every_run_down_and_retries_what_failed(client, stack, demo, sandbox, stored_media):
    image = stored_media(demo, "image", 50_000)
    sid = submit(client, demo, body(["x", "linkedin", {"platform": "instagram", "accountId": "ig_main"}],
                                    "Everywhere, then nowhere", mediaIds=[image]))
    runs = {on.target: on.final(client, demo, sid)
            for on in (TARGETS["x"], TARGETS["linkedin"], Target("instagram", "ig_main", timeout=45))}
    assert {t: r["status"] for t, r in runs.items()} == dict.fromkeys(runs, "succeeded")
    sandbox.fault("linkedin", "delete", "server_error")
    x_calls = SandboxCalls(stack, "x")
    r = client.post(f"/v1/posts/{sid}/unpublish", headers=demo.key_headers)
    assert r.status_code == 200, r.text
    outcomes = {o["targetId"]: o for o in r.json()["takedown"]}
    assert outcomes["x:x_main"]["outcome"] == "deleted"
    assert outcomes["linkedin:li_member"]["outcome"] == "failed"
    assert outcomes["linkedin:li_member"]["error"]["retryable"] is True
    assert outcomes["instagram:ig_main"]["outcome"] == "not_supported"
    assert "Delete it in the Instagram app" in outcomes["instagram:ig_main"]["error"]["message"]
    assert _live(sandbox, TARGETS["x"], runs["x:x_main"]) == []
    assert _live(sandbox, TARGETS["linkedin"], runs["linkedin:li_member"])
    again = {o["targetId"]: o["outcome"] for o in
             client.post(f"/v1/posts/{sid}/unpublish", headers=demo.key_headers).json()["takedown"]}
    assert again == {"x:x_main": "deleted", "linkedin:li_member": "deleted", "instagram:ig_main": "not_supported"}
    assert _live(sandbox, TARGETS["linkedin"], runs["linkedin:li_member"]) == []
    assert x_calls() == ["delete"]  # X was not asked twice
    # Nothing published: nothing to take down.
    queued = submit(client, demo, {**body(["x"], "Later"), "scheduledTime": future(days=1)})
    assert_error(client.post(f"/v1/posts/{queued}/unpublish", headers=demo.key_headers), 409, "post_not_published")
