"""Instagram accounts without a Facebook Page: the `instagram_login` account type (Instagram API
with Instagram Login), against the sandbox's www.instagram.com, api.instagram.com and
graph.instagram.com (devstack/sandboxes/instagram/instagram_login.py).

Everything goes through the real routes: start (with `{"accountType": "instagram_login"}`) →
begin → the sandbox's consent → our callback, `POST /v1/posts`, the Cloud Tasks emulator and
the publisher; what the sandbox recorded is what is asserted.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest

from tests.connecting import Flow, account_doc, begin, consent, new_subject, query_of
from tests.envelope import assert_error
from tests.posting import SandboxCalls, Target, body, call_task, killed_while_held, submit

DEMO_ACCOUNT = "ig_no_page"  # devstack/seed.py: an instagram_login demo account
TARGET = f"instagram:{DEMO_ACCOUNT}"
_on = Target("instagram", DEMO_ACCOUNT)


def _start(client, user, payload, platform: str = "instagram") -> httpx.Response:
    return client.post(f"/v1/connections/{platform}/start", json=payload, headers=user.key_headers)


def _connect(client, user, subject: str, **sandbox) -> Flow:
    flow = Flow(_start(client, user, {"accountType": "instagram_login"}))
    assert flow.start.status_code == 200, flow.start.text
    flow.begin, flow.confirm = begin(client, flow.start.json()["authorizeUrl"])
    flow.consent = consent(flow.authorize_url, user=subject, **sandbox)
    if flow.consent.status_code in (302, 303):
        flow.callback = client.get(flow.callback_url, follow_redirects=False)
    return flow


def _sealed(ref) -> dict:
    from shared.adapters.crypto import decrypt_json

    return decrypt_json(ref.get().get("tokens"), associated=ref.path)


def _posts_with(sandbox, caption):
    return [p for p in sandbox.posts("instagram") if p["caption"] == caption]


# -- connecting -------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [None, "data"], ids=["flat-answer", "data-answer"])
def test_connect_an_instagram_account_without_a_facebook_page(client, user, db, stack, shape):
    subject = new_subject()
    flow = _connect(client, user, subject, token_shape=shape)
    assert flow.start.json()["accountType"] == "instagram_login"
    assert flow.start.json()["redirectUri"].endswith("/oauth/instagram/callback")  # the same callback
    assert "Kind of account: <strong>Instagram professional account without a Facebook Page</strong>" \
        in flow.begin.text  # the begin page says which kind the person is about to connect
    authorize = flow.authorize_url
    assert authorize.startswith(f"{stack.sandboxes.base_url}/instagram_login/www/oauth/authorize?")
    query = query_of(authorize)
    assert query["response_type"] == "code" and query["client_id"] == "1000000000000003"
    assert query["scope"] == ("instagram_business_basic,instagram_business_content_publish,"
                              "instagram_business_manage_comments,instagram_business_manage_insights")
    assert "code_challenge" not in query  # Instagram Login documents no PKCE
    assert flow.callback is not None and flow.callback.status_code == 200, flow.callback and flow.callback.text

    account_id = f"instagram_{subject}"
    assert account_id in flow.callback.text
    ref = account_doc(db, user, "instagram", account_id)
    doc = ref.get().to_dict()
    assert doc["accountType"] == "instagram_login" and doc["platformUserId"] == subject
    assert doc["displayName"] == f"@{subject}_ig" and doc["username"] == f"{subject}_ig"
    assert "pageId" not in doc
    assert doc["grantId"] == f"instagram_login:1000000000000003:{subject}"
    assert set(doc["scopes"]) >= {"instagram_business_basic", "instagram_business_content_publish"}
    raw = _sealed(ref)
    # The long-lived (60-day) token from ig_exchange_token, in both slots (it renews itself).
    assert raw["accessToken"].startswith(f"sbx-at.instagram_login.{subject}.")
    assert raw["refreshToken"] == raw["accessToken"]
    expires = datetime.fromisoformat(raw["expiresAt"])
    assert timedelta(days=59) < expires - datetime.now(timezone.utc) <= timedelta(days=60)

    detail = client.get(f"/v1/accounts/{account_id}", headers=user.key_headers).json()
    assert detail["accountType"] == "instagram_login" and detail["health"]["refreshable"] is True
    listed = client.get("/v1/accounts", params={"platform": "instagram"}, headers=user.key_headers).json()
    assert [a["accountType"] for a in listed["accounts"]] == ["instagram_login"]
    caps = client.get(f"/v1/accounts/{account_id}/capabilities", headers=user.key_headers).json()
    assert caps["accountType"] == "instagram_login"
    assert caps["capabilities"]["firstComment"] is True and caps["capabilities"]["metrics"] is True
    assert caps["missingScopes"] == {}


def test_capabilities_of_an_instagram_login_account_use_its_own_scope_names(client, user, db):
    subject = new_subject()
    flow = _connect(client, user, subject)
    assert flow.callback.status_code == 200
    ref = account_doc(db, user, "instagram", f"instagram_{subject}")
    # Granted without the comments and insights scopes: those two capabilities are missing,
    # named by Instagram Login's scopes, not Facebook Login's.
    ref.update({"scopes": ["instagram_business_basic", "instagram_business_content_publish"]})
    caps = client.get(f"/v1/accounts/instagram_{subject}/capabilities", headers=user.key_headers).json()
    assert caps["capabilities"]["firstComment"] is False and caps["capabilities"]["metrics"] is False
    assert caps["missingScopes"] == {"firstComment": ["instagram_business_manage_comments"],
                                     "metrics": ["instagram_business_manage_insights"]}


def test_disconnecting_only_forgets_the_token(client, user, db, stack):
    subject = new_subject()
    assert _connect(client, user, subject).callback.status_code == 200
    r = client.delete(f"/v1/accounts/instagram_{subject}", headers=user.key_headers)
    assert r.status_code == 200, r.text
    assert r.json()["revocation"] == "not_supported"  # Instagram Login documents no revocation
    assert not account_doc(db, user, "instagram", f"instagram_{subject}").get().exists
    revocations = httpx.get(f"{stack.sandboxes.base_url}/__sandbox/oauth/revocations").json()
    assert not any(r.get("subject") == subject for r in revocations.get("revocations", []))


def test_an_unknown_account_type_is_refused_naming_the_body_field(client, user):
    error = assert_error(_start(client, user, {"accountType": "personal"}), 400, "validation_error")
    detail = error["details"][0]
    assert detail["field"] == "body.accountType" and detail["received"] == "personal"
    assert detail["choices"] == ["facebook_login", "instagram_login"]
    assert "facebook_login, instagram_login" in detail["message"]
    # instagram_business is Facebook Login: it cannot be asked for Instagram Login.
    error = assert_error(_start(client, user, {"accountType": "instagram_login"}, "instagram_business"), 400,
                         "validation_error")
    assert error["details"][0]["field"] == "body.accountType"
    # A platform with one login takes no accountType.
    error = assert_error(_start(client, user, {"accountType": "organization"}, "linkedin"), 400, "validation_error")
    assert error["details"][0]["field"] == "body.accountType"


def test_instagram_business_and_no_body_start_facebook_login(client, user):
    for platform, payload in (("instagram_business", None), ("instagram", None),
                              ("instagram", {"accountType": "facebook_login"})):
        r = _start(client, user, payload, platform)
        assert r.status_code == 200, r.text
        assert r.json()["platform"] == "instagram" and r.json()["accountType"] == "facebook_login"
        assert r.json()["redirectUri"].endswith("/oauth/instagram/callback")
    # ... and the begin page sends that browser to Facebook Login's dialog, as before.
    with httpx.Client(base_url=str(client.base_url), headers=dict(client.headers)) as browser:
        r = browser.post("/v1/connections/instagram_business/start", headers=user.key_headers)
        _, answer = begin(browser, r.json()["authorizeUrl"])
        assert "/instagram/web/" in answer.headers["location"] and "dialog/oauth" in answer.headers["location"]


def test_instagram_login_without_its_app_is_not_configured(client, user, monkeypatch):
    from shared.config import reset_settings

    monkeypatch.delenv("SOKU_INSTAGRAM_LOGIN_CLIENT_SECRET")
    reset_settings()
    try:
        error = assert_error(_start(client, user, {"accountType": "instagram_login"}), 503, "platform_not_configured")
        assert "SOKU_INSTAGRAM_LOGIN_CLIENT_ID" in error["message"]
        assert _start(client, user, None).status_code == 200  # Facebook Login still connects
    finally:
        monkeypatch.undo()
        reset_settings()


# -- publishing -------------------------------------------------------------------------------

def test_image_and_carousel_publish_on_graph_instagram_com(client, user, db, stack, stored_media, sandbox):
    subject = new_subject()
    assert _connect(client, user, subject).callback.status_code == 200
    target = [{"platform": "instagram", "accountId": f"instagram_{subject}",
               "options": {"firstComment": "first!"}}]
    single = submit(client, user, body(target, f"one image {subject}", mediaIds=[stored_media(user, "image", 30_000)]))
    carousel = submit(client, user, body(target, f"carousel {subject}",
                                         mediaIds=[stored_media(user, "image", 20_000 + i) for i in range(3)]))
    for sid, kind, children in ((single, "IMAGE", 0), (carousel, "CAROUSEL", 3)):
        run = _on.final(client, user, sid, f"instagram:instagram_{subject}")
        assert run["status"] == "succeeded", run
        post = next(p for p in sandbox.posts("instagram") if p["id"] == run["result"]["postId"])
        assert post["subject"] == subject and post["mediaType"] == kind and len(post["children"]) == children
        assert [c["text"] for c in post["comments"]] == ["first!"]
        assert run["result"]["url"] == post["url"]


def test_a_facebook_login_token_is_refused_on_graph_instagram_com_and_the_reverse(stack, db, demo):
    base = stack.sandboxes.base_url
    fb = _sealed(_on.account(db, demo, "ig_business"))["accessToken"]
    ig_login = _sealed(_on.account(db, demo))["accessToken"]
    r = httpx.get(f"{base}/instagram_login/graph/v23.0/me", headers={"Authorization": f"Bearer {fb}"})
    assert r.status_code == 400 and r.json()["error"]["code"] == 190
    r = httpx.get(f"{base}/instagram/v23.0/{_on.platform_user_id(db, demo)}/content_publishing_limit",
                  headers={"Authorization": f"OAuth {ig_login}"})
    assert r.status_code == 400 and r.json()["error"]["code"] == 190


def test_the_sandbox_refuses_what_instagram_refuses(stack):
    base = stack.sandboxes.base_url
    r = httpx.post(f"{base}/instagram_login/api/oauth/access_token", data={
        "client_id": "1000000000000003", "grant_type": "authorization_code", "redirect_uri": "https://x.test/cb",
        "code": "nope"})
    assert r.status_code == 400 and "client_secret" in r.json()["error_message"]  # no secret
    r = httpx.post(f"{base}/instagram_login/api/oauth/access_token", data={
        "client_id": "1000000000000003", "client_secret": "sbx-instagram-login-app-secret",
        "grant_type": "client_credentials", "redirect_uri": "https://x.test/cb", "code": "nope"})
    assert r.status_code == 400 and "grant_type" in r.json()["error_message"]
    r = httpx.get(f"{base}/instagram_login/graph/refresh_access_token",
                  params={"grant_type": "ig_exchange_token", "access_token": "x"})
    assert r.status_code == 400 and "grant_type" in r.json()["error"]["message"]


def _publish_then_die(sandbox, db, sid: str, caption: str) -> dict:
    """Publish on a second gateway whose media_publish is held (the post is made on
    graph.instagram.com, the answer never comes), then SIGKILL it before it records anything."""
    task = {"postSubmissionId": sid, "targetId": TARGET}
    killed_while_held(sandbox, "instagram", task, lambda: _posts_with(sandbox, caption), answer_timeout=2)
    return _on.stored_run(db, sid)


def test_a_lost_media_publish_answer_is_reconciled_without_a_second_post(client, stack, demo, stored_media,
                                                                       sandbox, db):
    calls = SandboxCalls(stack, "instagram")
    payload = {**body([{"platform": "instagram", "accountId": DEMO_ACCOUNT}], "exactly once, no Page",
                      mediaIds=[stored_media(demo, "image", 20_000)],
                      options={"instagram": {"firstComment": "only one comment"}}),
               "scheduledTime": "2099-01-01T00:00:00Z"}
    sid = submit(client, demo, payload)
    run = _publish_then_die(sandbox, db, sid, "exactly once, no Page")
    assert run["status"] == "processing" and run["checkpoint"]["createArmedAt"]
    assert "publishedId" not in run["checkpoint"]
    retry = call_task(client, "publishInstagram", {"postSubmissionId": sid, "targetId": TARGET}, retry_count=1)
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    posts = _posts_with(sandbox, "exactly once, no Page")
    assert len(posts) == 1 and posts[0]["subject"] == _on.platform_user_id(db, demo)
    final = _on.run(client, demo, sid)
    assert final["status"] == "succeeded" and final["result"]["postId"] == posts[0]["id"]
    assert final["attemptCount"] == 2
    assert calls().count("create") == 1 and "lookup" in calls()  # found on the account, not published again
    assert [c["text"] for c in posts[0]["comments"]] == ["only one comment"]


# -- renewing the token -----------------------------------------------------------------------

def test_a_token_within_a_week_of_expiry_is_renewed_with_ig_refresh_token(client, demo, stored_media, sandbox, db):
    from shared.platforms import Platform
    from shared.services.publishing.accounts import load_account, seal_tokens
    from shared.services.publishing.base import Tokens

    ref = _on.account(db, demo)
    old = _sealed(ref)["accessToken"]
    soon = datetime.now(timezone.utc) + timedelta(days=3)
    ref.update({"tokens": seal_tokens(ref, Tokens(old, old, soon))})
    sid = submit(client, demo, body([{"platform": "instagram", "accountId": DEMO_ACCOUNT}], "renewed first",
                                    mediaIds=[stored_media(demo, "image", 20_000)]))
    run = _on.final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 1
    _, account = load_account(demo.uid, Platform.INSTAGRAM, DEMO_ACCOUNT)
    assert account.tokens.access_token != old and account.tokens.refresh_token == account.tokens.access_token
    assert account.tokens.expires_at - datetime.now(timezone.utc) > timedelta(days=59)
    assert len(_posts_with(sandbox, "renewed first")) == 1


def test_graph_190_on_publish_renews_once_then_succeeds(client, demo, stored_media, sandbox, db):
    old = _sealed(_on.account(db, demo))["accessToken"]
    sandbox.fault("instagram", "create", "expired_token")
    sid = submit(client, demo, body([{"platform": "instagram", "accountId": DEMO_ACCOUNT}], "renew on 190, no Page",
                                    mediaIds=[stored_media(demo, "image", 20_000)]))
    run = _on.final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 1
    assert len(_posts_with(sandbox, "renew on 190, no Page")) == 1
    assert _sealed(_on.account(db, demo))["accessToken"] != old


def test_a_token_too_young_to_renew_is_refused_by_the_sandbox(stack):
    from devstack.sandboxes.instagram.instagram_login import InstagramLoginTokens

    young, _ = InstagramLoginTokens(stack.sandboxes.state).mint(new_subject(), "long")
    r = httpx.get(f"{stack.sandboxes.base_url}/instagram_login/graph/refresh_access_token",
                  params={"grant_type": "ig_refresh_token", "access_token": young})
    assert r.status_code == 400 and "24 hours" in r.json()["error"]["message"]


# -- the catalog and the aliases --------------------------------------------------------------

def test_platforms_list_account_types_with_their_differences(client):
    platforms = {p["platform"]: p for p in client.get("/v1/platforms").json()["platforms"]}
    instagram = platforms["instagram"]["accountTypes"]
    assert [(t["id"], t["default"], t["login"]) for t in instagram] == [
        ("facebook_login", True, "facebook_login"), ("instagram_login", False, "instagram_login")]
    assert instagram[0]["aliases"] == ["instagram_business"]
    assert instagram[0]["displayName"] == "Instagram professional account linked to a Facebook Page"
    assert instagram[1]["displayName"] == "Instagram professional account without a Facebook Page"
    assert all(t["differences"] for t in instagram)
    assert instagram[1]["capabilityScopes"] == {"metrics": ["instagram_business_manage_insights"],
                                                "firstComment": ["instagram_business_manage_comments"]}
    assert instagram[0]["scopes"] == platforms["instagram"]["connection"]["scopes"]  # Facebook Login's
    assert instagram[1]["scopes"][:2] == ["instagram_business_basic", "instagram_business_content_publish"]
    linkedin = platforms["linkedin"]["accountTypes"]
    assert [(t["id"], t["aliases"], t["selectableAtStart"]) for t in linkedin] == [
        ("member", [], False), ("organization", ["linkedin_page"], False)]
    assert platforms["x"]["accountTypes"] == []
    assert "instagram_business" in platforms["instagram"]["aliases"]
    assert "linkedin_page" in platforms["linkedin"]["aliases"]


def test_instagram_business_and_linkedin_page_work_as_target_platforms(client, demo, stored_media):
    sid = submit(client, demo, body([{"platform": "instagram_business", "accountId": "ig_business"},
                                     {"platform": "linkedin_page", "accountId": "li_member"}],
                                    "aliases of account types", mediaIds=[stored_media(demo, "image", 20_000)]))
    runs = {t: _on.final(client, demo, sid, t)["status"] for t in ("instagram:ig_business", "linkedin:li_member")}
    assert runs == {"instagram:ig_business": "succeeded", "linkedin:li_member": "succeeded"}
    listed = client.get("/v1/accounts", params={"platform": "instagram_business"}, headers=demo.key_headers)
    assert listed.status_code == 200 and {a["platform"] for a in listed.json()["accounts"]} == {"instagram"}


# -- metrics ----------------------------------------------------------------------------------

def test_metrics_of_an_instagram_login_account_come_from_graph_instagram_com(client, stack, demo, stored_media, db):
    from devstack.sandboxes.insights.common import account_counts

    sid = submit(client, demo, body([{"platform": "instagram", "accountId": DEMO_ACCOUNT}], "metrics without a Page",
                                    mediaIds=[stored_media(demo, "image", 20_000)]))
    published = _on.final(client, demo, sid)
    assert published["status"] == "succeeded", published
    calls = SandboxCalls(stack, "instagram")
    r = client.get(f"/v1/posts/{sid}/metrics", headers=demo.key_headers)
    assert r.status_code == 200, r.text
    run = next(run for run in r.json()["runs"] if run["targetId"] == TARGET)
    assert run["status"] == "ok" and run["error"] is None and run["platformMetrics"], run
    assert run["postId"] == published["result"]["postId"]
    assert "metrics" in calls()
    account = client.get(f"/v1/accounts/{DEMO_ACCOUNT}/metrics", headers=demo.key_headers).json()
    assert account["status"] == "ok", account
    subject = _on.platform_user_id(db, demo)
    assert account["metrics"]["followers"] == account_counts(stack.sandboxes.state, "instagram", subject)["followers"]


def test_post_metrics_need_instagram_logins_own_insights_scope(client, demo, stored_media, db):
    sid = submit(client, demo, body([{"platform": "instagram", "accountId": DEMO_ACCOUNT}], "metrics, scope missing",
                                    mediaIds=[stored_media(demo, "image", 20_000)]))
    assert _on.final(client, demo, sid)["status"] == "succeeded"
    # Granted Facebook Login's insights scope name only: not this login's.
    _on.account(db, demo).update({"scopes": ["instagram_business_basic", "instagram_business_content_publish",
                                             "instagram_manage_insights"]})
    run = next(r for r in client.get(f"/v1/posts/{sid}/metrics", headers=demo.key_headers).json()["runs"]
               if r["targetId"] == TARGET)
    assert run["error"]["code"] == "missing_scope", run
    assert "instagram_business_manage_insights" in run["error"]["message"]


# -- Meta's callbacks for Instagram Login's app -----------------------------------------------

def test_instagram_login_deauthorize_and_data_deletion_callbacks(client, user, db):
    from urllib.parse import urlsplit

    from devstack.sandboxes.instagram import instagram_login as sandbox_login
    from devstack.sandboxes.meta_graph import sign_request

    def signed(who: str, secret: str) -> str:
        import time

        now = int(time.time())
        return sign_request(secret, {"issued_at": now, "expires": now + 3600, "user_id": who})

    subject, other = new_subject(), new_subject()
    for who in (subject, other):
        assert _connect(client, user, who).callback.status_code == 200
    # Signed by the Facebook Login app: no Instagram Login request.
    from devstack.sandboxes import facebook as fb_sandbox

    assert_error(client.post("/webhooks/instagram_login/deauthorize",
                             data={"signed_request": signed(subject, fb_sandbox.APP_SECRET)}), 401, "invalid_signature")
    r = client.post("/webhooks/instagram_login/deauthorize",
                    data={"signed_request": signed(subject, sandbox_login.APP_SECRET)})
    assert r.status_code == 200 and r.json() == {"accountsDeauthorized": 1}, r.text
    shown = client.get(f"/v1/accounts/instagram_{subject}", headers=user.key_headers).json()
    assert shown["status"] == "needs_reconnect" and shown["health"]["tokensReadable"] is False

    r = client.post("/webhooks/instagram_login/data-deletion",
                    data={"signed_request": signed(other, sandbox_login.APP_SECRET)})
    assert r.status_code == 200, r.text
    answer = r.json()
    assert urlsplit(answer["url"]).path == f"/webhooks/instagram_login/data-deletion/{answer['confirmation_code']}"
    assert not account_doc(db, user, "instagram", f"instagram_{other}").get().exists
    assert account_doc(db, user, "instagram", f"instagram_{subject}").get().exists  # another person's
    report = client.get(urlsplit(answer["url"]).path).json()
    assert report["status"] == "completed" and report["platform"] == "instagram" and "Instagram" in report["message"]
    assert_error(client.get(f"/webhooks/meta/data-deletion/{answer['confirmation_code']}"), 404, "not_found")
