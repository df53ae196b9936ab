"""LinkedIn publisher against the LinkedIn sandbox: text, images, video, organizations, and every failure mode.

Everything goes through the real API (`POST /v1/posts`), the real Cloud Tasks
emulator and the sandbox over HTTP; assertions are what a user sees (the run)
and what LinkedIn received (the sandbox's record).
"""

from __future__ import annotations

import hashlib

import httpx
import pytest

from devstack.sandboxes.linkedin import stored_commentary
from tests.conftest import wait_for
from tests.posting import (
    Target, body, call_task, killed_while_held, object_size, submit, wait_out_the_reset,
)

TARGET = "linkedin:li_member"


_on = Target("linkedin", "li_member", post_key="urn")
_run, _final, _submit, _account, _stored_run = _on.run, _on.final, submit, _on.account, _on.stored_run
_posted, _calls, _object_size, _person = _on.posted, _on.calls, object_size, _on.platform_user_id


@pytest.fixture
def organization(stack, db, demo):
    """A second LinkedIn account of the demo user that posts as a company page it administers.

    Seeded here rather than in devstack/seed.py: the spec's examples post to a bare
    "linkedin", which needs exactly one LinkedIn account.
    """
    from devstack.seed import platform_user_id, sandbox_tokens
    from shared.services.publishing.accounts import seal_tokens

    def _make(account_id: str = "li_company", admin: bool = True) -> str:
        member = platform_user_id(demo.uid, "linkedin", account_id)  # the page admin whose token we hold
        org_id = str(int(hashlib.sha256(f"{demo.uid}/{account_id}".encode()).hexdigest()[:12], 16))
        ref = _account(db, demo, account_id)
        ref.set({"accountId": account_id, "platform": "linkedin", "displayName": "Soku Demo Company",
                 "platformUserId": member, "status": "connected", "authorType": "organization",
                 "organizationId": org_id})
        ref.update({"tokens": seal_tokens(ref, sandbox_tokens("linkedin", member))})
        if admin:
            httpx.post(f"{stack.sandboxes.base_url}/linkedin/__sandbox/organizations",
                       json={"organizationId": org_id, "admin": member}).raise_for_status()
        return org_id

    return _make


# -- what gets published ------------------------------------------------------------------

def test_text_post_reaches_linkedin_with_reserved_characters_escaped(client, stack, demo, sandbox, db):
    text = "Launch (v2) [beta] is *live* @ 9am <today> ~ {a|b} snake_case \\o/ #release #2026"
    sid = _submit(client, demo, body(["linkedin"], text))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    urn = run["result"]["postId"]
    assert urn.startswith("urn:li:share:")
    assert run["result"]["url"] == f"{stack.sandboxes.base_url}/linkedin/web/feed/update/{urn}"
    post = _posted(sandbox, run)
    assert post["author"] == f"urn:li:person:{_person(db, demo)}"
    assert post["text"] == text  # nothing was cut off at a reserved character
    assert post["commentary"].startswith("Launch \\(v2\\) \\[beta\\] is \\*live\\* \\@ 9am \\<today\\>")
    assert post["commentary"].endswith("\\\\o/ #release #2026")  # hashtags stay hashtags
    assert post["visibility"] == "PUBLIC" and post["media"] == []
    page = httpx.get(run["result"]["url"])
    assert page.status_code == 200 and "Launch (v2) [beta] is *live*" in page.text


def test_image_post_uploads_the_image_and_waits_until_available(client, stack, demo, stored_media, sandbox, db):
    media_id = stored_media(demo, "image", 300_000)
    before = len(_calls(stack))
    sid = _submit(client, demo, body(["linkedin"], "one image", mediaIds=[media_id]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    post = _posted(sandbox, run)
    assert len(post["media"]) == 1 and post["media"][0].startswith("urn:li:image:")
    image = stack.sandboxes.state.media[post["media"][0]]
    assert image["size"] == _object_size(db, media_id) and image["owner"] == f"urn:li:person:{_person(db, demo)}"
    calls = _calls(stack)[before:]
    assert calls.count("image_initialize") == 1 and calls.count("image_upload") == 1
    assert calls.count("image_status") >= 1


def test_multi_image_post(client, stack, demo, stored_media, sandbox, db):
    ids = [stored_media(demo, "image", 120_000 + i) for i in range(3)]
    sid = _submit(client, demo, body(["linkedin"], "three images", mediaIds=ids))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    post = _posted(sandbox, run)
    assert len(post["media"]) == 3 and all(m.startswith("urn:li:image:") for m in post["media"])
    assert [stack.sandboxes.state.media[m]["size"] for m in post["media"]] == [_object_size(db, i) for i in ids]


def test_video_post_uploads_each_part_to_its_own_url_and_waits_for_processing(client, stack, demo, stored_media,
                                                                              sandbox, db):
    media_id = stored_media(demo, "video", 9 * 1024 * 1024)  # three 4 MiB parts
    before = len(_calls(stack))
    sid = _submit(client, demo, body(["linkedin"], "a video", mediaIds=[media_id]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded", run
    post = _posted(sandbox, run)
    assert len(post["media"]) == 1 and post["media"][0].startswith("urn:li:video:")
    video = stack.sandboxes.state.media[post["media"][0]]
    assert video["status"] == "AVAILABLE" and len(video["etags"]) == 3
    calls = _calls(stack)[before:]
    assert calls.count("video_upload") == 3 and calls.count("video_finalize") == 1
    assert calls.count("video_status") >= 2  # PROCESSING, then AVAILABLE
    upload = _stored_run(db, sid)["checkpoint"]["uploads"]["0"]
    assert upload["finalized"] and upload["ready"] and upload["etags"] == [video["etags"][i] for i in range(3)]


def test_a_retry_resumes_the_video_upload_instead_of_uploading_again(client, stack, demo, stored_media, sandbox):
    media_id = stored_media(demo, "video", 9 * 1024 * 1024)
    sandbox.fault("linkedin", "video_finalize", "server_error")  # after all three parts were accepted
    before = len(_calls(stack))
    sid = _submit(client, demo, body(["linkedin"], "resumed video", mediaIds=[media_id]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2, run
    calls = _calls(stack)[before:]
    assert calls.count("video_initialize") == 1 and calls.count("video_upload") == 3
    assert calls.count("video_finalize") == 2


def test_organization_account_posts_as_the_company_page(client, stack, demo, stored_media, sandbox, organization):
    org_id = organization()
    target = {"platform": "linkedin", "accountId": "li_company"}
    sid = _submit(client, demo, body([target], "From the company page", mediaIds=[stored_media(demo, "image", 50_000)]))
    run = _final(client, demo, sid, "linkedin:li_company")
    assert run["status"] == "succeeded", run
    post = _posted(sandbox, run)
    assert post["author"] == f"urn:li:organization:{org_id}"
    assert stack.sandboxes.state.media[post["media"][0]]["owner"] == f"urn:li:organization:{org_id}"


def test_organization_the_member_does_not_administer_is_refused(client, demo, sandbox, organization):
    organization("li_other_company", admin=False)
    target = {"platform": "linkedin", "accountId": "li_other_company"}
    sid = _submit(client, demo, body([target], "not my page"))
    run = _final(client, demo, sid, "linkedin:li_other_company")
    assert run["status"] == "failed" and run["attemptCount"] == 1
    assert run["result"]["code"] == "publish_rejected" and "Not enough permissions" in run["result"]["message"]
    assert not [p for p in sandbox.posts("linkedin") if p["commentary"] == "not my page"]


@pytest.fixture
def stale_version(monkeypatch):
    from shared.config import reset_settings

    monkeypatch.setenv("SOKU_LINKEDIN_VERSION", "202301")
    reset_settings()
    yield "202301"
    monkeypatch.undo()
    reset_settings()


def test_a_stale_linkedin_version_is_reported_as_a_configuration_problem(client, demo, sandbox, stale_version):
    sid = _submit(client, demo, body(["linkedin"], "old version"))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["attemptCount"] == 1
    assert run["result"]["code"] == "platform_version_unsupported" and run["result"]["retryable"] is False
    message = run["result"]["message"]
    assert "202301" in message and "is not active" in message and "SOKU_LINKEDIN_VERSION" in message
    assert not [p for p in sandbox.posts("linkedin") if p["commentary"] == "old version"]


# -- authorization ---------------------------------------------------------------------------

def test_expired_access_token_is_refreshed_and_stored_sealed(client, demo, db, sandbox):
    from datetime import datetime, timedelta, timezone

    from devstack.seed import sandbox_tokens
    from shared.platforms import Platform
    from shared.services.publishing.accounts import load_account, seal_tokens

    ref = _account(db, demo)
    stale = sandbox_tokens("linkedin", _person(db, demo))
    stale.expires_at = datetime.now(timezone.utc) - timedelta(minutes=5)
    stale.access_token = stale.access_token.replace(stale.access_token.split(".")[3], "1")  # really expired
    ref.update({"tokens": seal_tokens(ref, stale)})
    sid = _submit(client, demo, body(["linkedin"], "after refresh"))
    assert _final(client, demo, sid)["status"] == "succeeded"
    _, account = load_account(demo.uid, Platform.LINKEDIN, "li_member")
    assert account.tokens.access_token != stale.access_token
    assert account.tokens.refresh_token != stale.refresh_token  # the sandbox rotates it; we stored the new one
    assert account.tokens.expires_at > datetime.now(timezone.utc) + timedelta(days=50)  # LinkedIn: ~60 days
    assert account.tokens.access_token not in repr(ref.get().get("tokens"))
    assert [p["text"] for p in sandbox.posts("linkedin") if p["text"] == "after refresh"] == ["after refresh"]


def test_platform_401_triggers_one_refresh_then_succeeds(client, demo, sandbox):
    sandbox.fault("linkedin", "create", "expired_token")
    sid = _submit(client, demo, body(["linkedin"], "refresh on 401"))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 1


def test_revoked_authorization_fails_the_run_and_flags_the_account(client, demo, sandbox, db):
    sandbox.revoke("linkedin", _person(db, demo))
    sid = _submit(client, demo, body(["linkedin"], "revoked"))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["result"]["code"] == "token_expired"
    assert "LinkedIn" in run["result"]["message"]
    assert _account(db, demo).get().get("status") == "needs_reconnect"
    r = client.post("/v1/posts", json=body(["linkedin"], "after revoke"), headers=demo.key_headers)
    assert r.status_code == 400 and r.json()["error"]["code"] == "account_needs_reconnect"


def test_expired_authorization_that_cannot_be_refreshed_needs_reconnect(client, stack, demo, sandbox, db):
    from datetime import datetime, timedelta, timezone

    from devstack.seed import sandbox_tokens
    from shared.services.publishing.accounts import seal_tokens

    ref = _account(db, demo)
    stale = sandbox_tokens("linkedin", _person(db, demo))
    stale.expires_at = datetime.now(timezone.utc) - timedelta(minutes=5)
    stale.access_token = stale.access_token.replace(stale.access_token.split(".")[3], "1")
    # The refresh token was already spent (LinkedIn refresh tokens also lapse after a year).
    spent = httpx.post(f"{stack.sandboxes.base_url}/linkedin/oauth/v2/accessToken",
                       data={"grant_type": "refresh_token", "refresh_token": stale.refresh_token})
    assert spent.status_code == 200
    ref.update({"tokens": seal_tokens(ref, stale)})
    sid = _submit(client, demo, body(["linkedin"], "expired for good"))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["result"]["code"] == "token_expired"
    assert "invalid, expired or revoked" in run["result"]["message"]
    assert _account(db, demo).get().get("status") == "needs_reconnect"
    assert not [p for p in sandbox.posts("linkedin") if p["commentary"] == "expired for good"]


# -- retries and permanent failures --------------------------------------------------------------

def test_rate_limit_then_success(client, demo, sandbox, db, time_travel):
    sandbox.fault("linkedin", "create", "rate_limit")
    sid = _submit(client, demo, body(["linkedin"], "rate limited once"))
    wait_out_the_reset(client, db, time_travel, sid)  # the platform said when; the run waits
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2
    last = _stored_run(db, sid)["lastError"]
    assert last["code"] == "rate_limited" and "DAY limit" in last["message"]
    assert 0 < last["retryAfter"] <= 86400  # daily limits reset at midnight UTC
    assert len([p for p in sandbox.posts("linkedin") if p["commentary"] == "rate limited once"]) == 1


def test_server_errors_are_retried(client, demo, stored_media, sandbox):
    sandbox.fault("linkedin", "image_initialize", "server_error")
    sid = _submit(client, demo, body(["linkedin"], "after a 500", mediaIds=[stored_media(demo, "image", 10_000)]))
    run = _final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2


def test_duplicate_content_is_a_permanent_failure_with_linkedins_message(client, demo, sandbox):
    first = _submit(client, demo, body(["linkedin"], "same words"), key="li-dup-1")
    original = _final(client, demo, first)
    assert original["status"] == "succeeded"
    second = _submit(client, demo, body(["linkedin"], "same words"), key="li-dup-2")
    run = _final(client, demo, second)
    assert run["status"] == "failed" and run["attemptCount"] == 1
    assert run["result"] == {"code": "duplicate_content", "retryable": False,
                             "message": f"Content is a duplicate of {original['result']['postId']}"}


def test_video_processing_failure_is_reported(client, demo, stored_media, sandbox):
    sandbox.fault("linkedin", "video_finalize", "processing_failed")
    sid = _submit(client, demo, body(["linkedin"], "bad codec", mediaIds=[stored_media(demo, "video", 100_000)]))
    run = _final(client, demo, sid)
    assert run["status"] == "failed" and run["attemptCount"] == 1
    assert run["result"]["code"] == "media_processing_failed"
    assert "unsupported codec" in run["result"]["message"]
    assert not [p for p in sandbox.posts("linkedin") if p["commentary"] == "bad codec"]


# -- exactly once ----------------------------------------------------------------------------------

def test_duplicate_delivery_publishes_once(client, demo, sandbox):
    sid = _submit(client, demo, {**body(["linkedin"], "delivered twice"), "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": TARGET}
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(r.json()["result"]["outcome"]
                          for r in pool.map(lambda _: call_task(client, "publishLinkedin", task), range(2)))
    assert outcomes == ["skipped", "succeeded"]
    assert len([p for p in sandbox.posts("linkedin") if p["commentary"] == "delivered twice"]) == 1


def _create_then_die(sandbox, db, sid: str, text: str) -> dict:
    """Publish on a second gateway whose create is held (the post is made, the answer never
    comes), then SIGKILL it before it records anything; the run as that leaves it."""
    task = {"postSubmissionId": sid, "targetId": TARGET}
    # the post is made, the answer never comes
    killed_while_held(sandbox, "linkedin", task, lambda: [p for p in sandbox.posts("linkedin") if p["text"] == text])
    return _stored_run(db, sid)


def _retry_reconciles(client, stack, demo, sandbox, sid: str, text: str) -> None:
    """Cloud Tasks' retry finds the post the killed attempt made: no second post, run succeeded."""
    retry = call_task(client, "publishLinkedin", {"postSubmissionId": sid, "targetId": TARGET}, retry_count=1)
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    posts = [p for p in sandbox.posts("linkedin") if p["text"] == text]
    assert len(posts) == 1
    final = _run(client, demo, sid)
    assert final["status"] == "succeeded" and final["result"]["postId"] == posts[0]["urn"]
    assert final["attemptCount"] == 2
    assert "lookup" in _calls(stack)  # found through the posts finder, by author


def test_killed_between_create_and_result_reconciles_instead_of_posting_twice(client, stack, demo, sandbox, db):
    text = "exactly once (on LinkedIn)"
    sid = _submit(client, demo, {**body(["linkedin"], text), "scheduledTime": "2099-01-01T00:00:00Z"})
    run = _create_then_die(sandbox, db, sid, text)
    assert run["status"] == "processing" and run["checkpoint"]["createArmedAt"]
    _retry_reconciles(client, stack, demo, sandbox, sid, text)


def test_reconcile_matches_the_commentary_linkedin_returns_as_little_text(client, stack, demo, sandbox, db):
    # LinkedIn returns this post's commentary as little text: reserved characters still
    # escaped and each hashtag as a template, "{hashtag|\\#|Launch} \\(beta\\) …".
    text = "Big news #Launch (beta) for @team_x, see [notes] #AI2026"
    sid = _submit(client, demo, {**body(["linkedin"], text), "scheduledTime": "2099-01-01T00:00:00Z"})
    _create_then_die(sandbox, db, sid, text)
    posted = next(p for p in sandbox.posts("linkedin") if p["text"] == text)
    commentary = stored_commentary(posted["commentary"])  # what the posts finder returns
    assert "{hashtag|\\#|Launch}" in commentary and "\\(beta\\)" in commentary and "#AI2026" not in commentary
    _retry_reconciles(client, stack, demo, sandbox, sid, text)


def test_reconcile_finds_the_post_behind_a_busy_feed(client, stack, demo, sandbox, db):
    """Many runs publish as one author at once: the interrupted create's post is not on the
    finder's first page by the time the retry looks. The lookup reads every page it needs."""
    text = "one of many at once (on LinkedIn)"
    sid = _submit(client, demo, {**body(["linkedin"], text), "scheduledTime": "2099-01-01T00:00:00Z"})
    _create_then_die(sandbox, db, sid, text)
    made = next(p for p in sandbox.posts("linkedin") if p["text"] == text)
    for n in range(150):  # newer posts of the same author, from its other runs
        other = stack.sandboxes.state.record_post(
            "linkedin", made["subject"], author=made["author"], commentary=f"another run's post {n}",
            text=f"another run's post {n}", media=[], visibility=made["visibility"])
        other["urn"] = f"urn:li:share:{other['id']}"
        other["url"] = f"https://www.linkedin.invalid/feed/update/{other['urn']}"
    _retry_reconciles(client, stack, demo, sandbox, sid, text)
