"""Post and account metrics (GET /v1/posts/{id}/metrics, GET /v1/accounts/{id}/metrics) against the
platform sandboxes' insights endpoints (devstack/sandboxes/insights/), through the real API.

Posts are published for real first; the figures the API shows must be the ones the sandbox serves
(deterministic, growing with the post's age: `common.post_counts`, checked between the values just
before and just after the read), and the sandbox's call log shows when the platform was asked.
"""

from __future__ import annotations

import time

import pytest

from devstack.sandboxes.insights.common import account_counts, post_counts_of
from tests.posting import SandboxCalls, Target, body, submit

CORE = ("views", "likes", "comments", "shares")
# The run's target, the account, and the sandbox post field a run's postId names, per platform.
TARGETS = {
    "x": Target("x", "x_main", timeout=20),
    "facebook": Target("facebook", "fb_page_42"),
    "instagram": Target("instagram", "ig_business"),
    "threads": Target("threads", "threads_main"),
    "tiktok": Target("tiktok", "tt_creator", timeout=45),
    "youtube": Target("youtube", "yt_channel", timeout=45),
    "linkedin": Target("linkedin", "li_member", post_key="urn"),
    "snapchat": Target("snapchat", "snap_profile"),
}


def _payload(platform: str, text: str, stored_media, user) -> dict:
    target = [{"platform": platform, "accountId": TARGETS[platform].account_id}]
    if platform in ("instagram", "snapchat"):
        return body(target, text, mediaIds=[stored_media(user, "image", 50_000)])
    if platform == "youtube":
        return body(target, text, mediaIds=[stored_media(user, "video", 1024 * 1024)])
    if platform == "tiktok":
        payload = body(target, text, mediaIds=[stored_media(user, "video", 1024 * 1024)])
        payload["post"]["content"]["options"] = {"tiktok": {"privacyLevel": "PUBLIC_TO_EVERYONE"}}
        return payload
    return body(target, text)


def _published(client, user, stored_media, platform: str, text: str) -> tuple[str, dict]:
    on = TARGETS[platform]
    sid = submit(client, user, _payload(platform, text, stored_media, user))
    run = on.final(client, user, sid)
    assert run["status"] == "succeeded", run
    return sid, run


def _metrics(client, user, sid: str, **params):
    r = client.get(f"/v1/posts/{sid}/metrics", headers=user.key_headers, params=params)
    assert r.status_code == 200, r.text
    return r


def _run(answer: dict, target: str) -> dict:
    return next(run for run in answer["runs"] if run["targetId"] == target)


def _assert_served(sandbox, platform: str, run: dict, before: float, after: float) -> None:
    """The core figures are the sandbox's for this post at the time of the read."""
    on = TARGETS[platform]
    post = next(p for p in sandbox.posts(platform) if str(p[on.post_key]) == run["postId"])
    low, high = post_counts_of(post, on.post_key, before), post_counts_of(post, on.post_key, after)
    for name in CORE:
        if platform == "youtube" and name == "shares":
            assert run["metrics"]["shares"] is None  # YouTube counts no shares
            continue
        assert low[name] <= run["metrics"][name] <= high[name], (platform, name, run["metrics"])


@pytest.mark.parametrize("platform", ["x", "facebook", "instagram", "threads", "tiktok", "youtube", "linkedin"])
def test_each_platform_serves_its_own_metrics(client, stack, demo, sandbox, stored_media, platform):
    sid, published = _published(client, demo, stored_media, platform, f"metrics on {platform}")
    calls = SandboxCalls(stack, platform)
    before = time.time()
    answer = _metrics(client, demo, sid).json()
    after = time.time()
    run = _run(answer, TARGETS[platform].target)
    assert run["status"] == "ok" and run["error"] is None, run
    assert run["postId"] == published["result"]["postId"] and run["cached"] is False and run["fetchedAt"]
    _assert_served(sandbox, platform, run, before, after)
    assert run["platformMetrics"], run  # what the platform adds, in its own names
    assert "metrics" in calls()


def test_x_metrics_are_cached_then_fetched_again(client, stack, demo, sandbox, stored_media, time_travel):
    sid, _ = _published(client, demo, stored_media, "x", "cached metrics")
    calls = SandboxCalls(stack, "x")
    first = _metrics(client, demo, sid)
    run = _run(first.json(), "x:x_main")
    assert run["status"] == "ok" and run["cached"] is False
    assert set(run["platformMetrics"]) >= {"bookmark_count", "quote_count", "impression_count"}
    assert first.headers["Cache-Control"].startswith("private, max-age=")
    assert 290 <= int(first.headers["Cache-Control"].split("=")[1]) <= 300
    assert calls().count("metrics") == 1

    second = _run(_metrics(client, demo, sid).json(), "x:x_main")
    assert second["cached"] is True and second["fetchedAt"] == run["fetchedAt"]
    assert second["metrics"] == run["metrics"]
    assert calls().count("metrics") == 1  # X was not asked again within the 5 minutes

    # refresh=true does not bypass an answer younger than a minute...
    assert _run(_metrics(client, demo, sid, refresh="true").json(), "x:x_main")["cached"] is True
    time_travel(seconds=61)
    # ...but does an older one.
    refreshed = _run(_metrics(client, demo, sid, refresh="true").json(), "x:x_main")
    assert refreshed["cached"] is False and refreshed["fetchedAt"] > run["fetchedAt"]
    assert calls().count("metrics") == 2

    time_travel(seconds=301)  # past the TTL: asked again, figures never lower
    later = _run(_metrics(client, demo, sid).json(), "x:x_main")
    assert later["cached"] is False and calls().count("metrics") == 3
    assert all(later["metrics"][k] >= run["metrics"][k] for k in CORE)


def test_a_refusal_is_that_runs_error_and_the_others_still_answer(client, stack, demo, sandbox, stored_media):
    targets = [{"platform": "x", "accountId": "x_main"}, {"platform": "threads", "accountId": "threads_main"},
               {"platform": "facebook", "accountId": "fb_page_42"},
               {"platform": "linkedin", "accountId": "li_member"}]
    sandbox.fault("linkedin", "create", "duplicate")  # LinkedIn refuses the post: that run never publishes
    sid = submit(client, demo, body(targets, "one post, four platforms"))
    for target in ("x:x_main", "threads:threads_main", "facebook:fb_page_42", "linkedin:li_member"):
        TARGETS[target.split(":")[0]].final(client, demo, sid, target)
    sandbox.fault("threads", "metrics", "missing_scope")
    sandbox.fault("facebook", "metrics", "too_old")
    linkedin_calls = SandboxCalls(stack, "linkedin")

    answer = _metrics(client, demo, sid)
    runs = {run["targetId"]: run for run in answer.json()["runs"]}
    assert runs["x:x_main"]["status"] == "ok" and runs["x:x_main"]["metrics"]["views"] > 0
    threads = runs["threads:threads_main"]
    assert threads["status"] == "error" and threads["metrics"] is None
    assert threads["error"]["code"] == "missing_scope" and "permission" in threads["error"]["message"]
    facebook = runs["facebook:fb_page_42"]
    assert facebook["status"] == "error" and facebook["error"]["code"] == "post_too_old", facebook
    linkedin = runs["linkedin:li_member"]
    assert (linkedin["status"], linkedin["runStatus"], linkedin["metrics"]) == ("not_published", "failed", None)
    assert "metrics" not in linkedin_calls()  # a run that never published makes no platform call
    # Refusals are kept for a minute, so the answer as a whole is fresh for at most that long.
    assert answer.headers["Cache-Control"] == "private, max-age=60"


def test_rate_limits_and_deleted_posts(client, stack, demo, sandbox, stored_media):
    sid, run = _published(client, demo, stored_media, "x", "soon rate limited")
    sandbox.fault("x", "metrics", "rate_limit", reset_in=120)
    limited = _run(_metrics(client, demo, sid).json(), "x:x_main")
    assert limited["error"]["code"] == "rate_limited" and limited["error"]["retryable"] is True
    assert 100 <= limited["error"]["retryAfter"] <= 120

    sid, run = _published(client, demo, stored_media, "threads", "soon deleted")
    with stack.sandboxes.state.lock:
        next(p for p in stack.sandboxes.state.posts if p["id"] == run["result"]["postId"])["deleted"] = True
    gone = _run(_metrics(client, demo, sid).json(), "threads:threads_main")
    assert gone["status"] == "error" and gone["error"]["code"] == "post_not_found", gone


def test_a_post_taken_down_through_soku_is_deleted_without_a_platform_call(client, stack, demo, sandbox,
                                                                            stored_media):
    sid, run = _published(client, demo, stored_media, "x", "taken down, then measured")
    r = client.delete(f"/v1/posts/{sid}/runs/x:x_main/published", headers=demo.key_headers)
    assert r.status_code == 200 and r.json()["deletion"]["status"] == "deleted", r.text
    calls = SandboxCalls(stack, "x")
    taken = _run(_metrics(client, demo, sid).json(), "x:x_main")
    assert (taken["status"], taken["metrics"], taken["error"]) == ("deleted", None, None)
    assert "metrics" not in calls()  # the user's X quota is not spent on a not-found answer


def test_a_grant_without_the_insights_permission_is_refused_without_a_call(client, stack, demo, db, sandbox,
                                                                           stored_media):
    TARGETS["threads"].account(db, demo).update({"scopes": ["threads_basic", "threads_content_publish"]})
    sid, _ = _published(client, demo, stored_media, "threads", "no insights permission")
    calls = SandboxCalls(stack, "threads")
    run = _run(_metrics(client, demo, sid).json(), "threads:threads_main")
    assert run["error"]["code"] == "missing_scope" and "threads_manage_insights" in run["error"]["message"]
    r = client.get("/v1/accounts/threads_main/metrics", headers=demo.key_headers)
    assert r.status_code == 200 and r.json()["error"]["code"] == "missing_scope"
    assert "metrics" not in calls() and "account_metrics" not in calls()


def test_snapchat_and_private_tiktok_posts_say_why_there_are_no_metrics(client, stack, demo, sandbox, stored_media):
    sid, _ = _published(client, demo, stored_media, "snapchat", "a story")
    run = _run(_metrics(client, demo, sid).json(), "snapchat:snap_profile")
    assert run["status"] == "error" and run["error"]["code"] == "not_supported" and run["metrics"] is None

    target = [{"platform": "tiktok", "accountId": "tt_creator"}]
    sid = submit(client, demo, body(target, "private video", mediaIds=[stored_media(demo, "video", 1024 * 1024)]))
    published = TARGETS["tiktok"].final(client, demo, sid)
    assert published["status"] == "succeeded" and published["result"]["url"] is None  # SELF_ONLY: no public id
    run = _run(_metrics(client, demo, sid).json(), "tiktok:tt_creator")
    assert run["error"]["code"] == "no_video_id", run


def test_another_users_post_is_not_found(client, demo, user, stored_media):
    sid, _ = _published(client, demo, stored_media, "x", "mine only")
    r = client.get(f"/v1/posts/{sid}/metrics", headers=user.key_headers)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("platform", ["x", "facebook", "instagram", "threads", "tiktok", "youtube", "linkedin"])
def test_account_followers_per_platform(client, stack, demo, db, platform):
    on = TARGETS[platform]
    subject = on.platform_user_id(db, demo)
    r = client.get(f"/v1/accounts/{on.account_id}/metrics", headers=demo.key_headers)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert (answer["accountId"], answer["platform"], answer["status"]) == (on.account_id, platform, "ok"), answer
    assert answer["metrics"]["followers"] == account_counts(stack.sandboxes.state, platform, subject)["followers"]
    assert answer["fetchedAt"] and answer["cached"] is False
    calls = SandboxCalls(stack, platform)
    again = client.get(f"/v1/accounts/{on.account_id}/metrics", headers=demo.key_headers).json()
    assert again["cached"] is True and again["metrics"] == answer["metrics"] and calls() == []


def test_accounts_without_a_follower_count(client, stack, demo, sandbox):
    r = client.get("/v1/accounts/snap_profile/metrics", headers=demo.key_headers)
    assert r.status_code == 200 and r.json()["error"]["code"] == "not_supported"
    assert "allowlist" in r.json()["error"]["message"]
    sandbox.fault("youtube", "account_metrics", "hidden_subscribers")
    hidden = client.get("/v1/accounts/yt_channel/metrics", headers=demo.key_headers).json()
    assert hidden["status"] == "ok" and hidden["metrics"]["followers"] is None
    assert hidden["platformMetrics"]["hiddenSubscriberCount"] is True
    assert client.get("/v1/accounts/no_such_account/metrics", headers=demo.key_headers).status_code == 404


def test_transient_failures_are_not_cached_and_a_revoked_account_asks_for_a_reconnect(client, stack, demo, db,
                                                                                      sandbox, stored_media):
    sid, _ = _published(client, demo, stored_media, "x", "flaky platform")
    calls = SandboxCalls(stack, "x")
    sandbox.fault("x", "metrics", "server_error")
    failed = _run(_metrics(client, demo, sid).json(), "x:x_main")
    assert failed["error"]["code"] == "platform_unavailable" and failed["error"]["retryable"] is True
    recovered = _run(_metrics(client, demo, sid).json(), "x:x_main")  # not cached: asked again at once
    assert recovered["status"] == "ok" and recovered["cached"] is False and calls().count("metrics") == 2

    sid, _ = _published(client, demo, stored_media, "youtube", "channel soon revoked")
    sandbox.revoke("youtube", TARGETS["youtube"].platform_user_id(db, demo))
    run = _run(_metrics(client, demo, sid).json(), "youtube:yt_channel")
    assert run["status"] == "error" and run["error"]["code"] == "token_expired", run
    assert TARGETS["youtube"].account(db, demo).get().get("status") == "needs_reconnect"


def test_linkedin_organization_posts_and_followers(client, stack, demo, db, sandbox, stored_media):
    import hashlib

    import httpx

    from devstack.seed import platform_user_id, sandbox_tokens
    from shared.services.publishing.accounts import seal_tokens

    member = platform_user_id(demo.uid, "linkedin", "li_company")  # the page admin whose token we hold
    org_id = str(int(hashlib.sha256(f"{demo.uid}/li_company".encode()).hexdigest()[:12], 16))
    ref = TARGETS["linkedin"].account(db, demo, "li_company")
    ref.set({"accountId": "li_company", "platform": "linkedin", "displayName": "Soku Demo Company",
             "platformUserId": member, "status": "connected", "authorType": "organization", "organizationId": org_id,
             "scopes": ["openid", "profile", "w_member_social", "w_organization_social", "r_organization_admin"]})
    ref.update({"tokens": seal_tokens(ref, sandbox_tokens("linkedin", member))})
    httpx.post(f"{stack.sandboxes.base_url}/linkedin/__sandbox/organizations",
               json={"organizationId": org_id, "admin": member}).raise_for_status()
    sid = submit(client, demo, body([{"platform": "linkedin", "accountId": "li_company"}], "From the page"))
    assert TARGETS["linkedin"].final(client, demo, sid, "linkedin:li_company")["status"] == "succeeded"

    before = time.time()
    run = _run(_metrics(client, demo, sid).json(), "linkedin:li_company")
    assert run["status"] == "ok", run
    _assert_served(sandbox, "linkedin", run, before, time.time())
    assert {"uniqueImpressionsCount", "clickCount", "engagement"} <= set(run["platformMetrics"])

    followers = client.get("/v1/accounts/li_company/metrics", headers=demo.key_headers).json()
    organization = f"urn:li:organization:{org_id}"
    assert followers["metrics"]["followers"] == account_counts(stack.sandboxes.state, "linkedin",
                                                               organization)["followers"]
    # The member account's grant (as Soku requests it) has no member analytics permission.
    TARGETS["linkedin"].account(db, demo).update({"scopes": ["openid", "profile", "w_member_social"]})
    member_answer = client.get("/v1/accounts/li_member/metrics", headers=demo.key_headers).json()
    assert member_answer["error"]["code"] == "missing_scope"
    assert "r_member_profileAnalytics" in member_answer["error"]["message"]


def test_facebook_without_read_insights_still_shows_engagement(client, stack, demo, db, sandbox, stored_media):
    TARGETS["facebook"].account(db, demo).update(
        {"scopes": ["pages_show_list", "pages_manage_posts", "pages_read_engagement"]})
    sid, _ = _published(client, demo, stored_media, "facebook", "engagement only")
    calls = SandboxCalls(stack, "facebook")
    before = time.time()
    run = _run(_metrics(client, demo, sid).json(), "facebook:fb_page_42")
    assert run["status"] == "ok" and run["metrics"]["views"] is None, run
    post = next(p for p in sandbox.posts("facebook") if p["id"] == run["postId"])
    low, high = post_counts_of(post, at=before), post_counts_of(post, at=time.time())
    assert low["likes"] <= run["metrics"]["likes"] <= high["likes"]
    assert "read_insights" in run["platformMetrics"]["insights"]
    assert calls().count("metrics") == 1  # the insights endpoint was not called


@pytest.mark.parametrize("kind, code", [("too_old", "post_too_old"), ("not_enough_viewers", "not_enough_viewers"),
                                        ("missing_scope", "missing_scope"), ("not_found", "post_not_found")])
def test_instagram_refusals(client, demo, sandbox, stored_media, kind, code):
    sid, _ = _published(client, demo, stored_media, "instagram", f"refused: {kind}")
    sandbox.fault("instagram", "metrics", kind)
    run = _run(_metrics(client, demo, sid).json(), "instagram:ig_business")
    assert run["status"] == "error" and run["error"]["code"] == code, run


def test_tiktok_grant_as_soku_requests_it_has_no_metrics_permission(client, stack, demo, db):
    TARGETS["tiktok"].account(db, demo).update({"scopes": ["user.info.basic", "video.publish", "video.upload"]})
    calls = SandboxCalls(stack, "tiktok")
    answer = client.get("/v1/accounts/tt_creator/metrics", headers=demo.key_headers)
    assert answer.status_code == 200 and answer.json()["error"]["code"] == "missing_scope"
    assert "user.info.stats" in answer.json()["error"]["message"] and calls() == []
    assert answer.headers["Cache-Control"] == "private, max-age=60"
