"""The OAuth state and the callback's refusals: replayed, forged, expired, denied, and who may start."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from shared import clock
from tests.connecting import account_doc, authorize, connect, consent, new_subject, query_of, start
from tests.envelope import assert_error


def _accounts(client, user, platform="x") -> list[str]:
    r = client.get("/v1/accounts", params={"platform": platform}, headers=user.key_headers)
    return [a["accountId"] for a in r.json()["accounts"]]


def _page_says(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert f"<code>{code}</code>" in response.text
    # Never stored; `private` too when the page drops the flow's cookie (Hosting keeps a
    # Set-Cookie only on a private answer: docs/hosting.md).
    cache = response.headers["Cache-Control"]
    assert cache == ("private, no-store" if "set-cookie" in response.headers else "no-store"), cache
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_a_replayed_callback_is_refused_and_changes_nothing(client, user, db):
    subject = new_subject()
    flow = connect(client, user, "x", subject)
    assert flow.callback.status_code == 200
    before = account_doc(db, user, "x", f"x_{subject}").get().to_dict()
    again = client.get(flow.callback_url)  # the same URL: same state, same (already used) code
    _page_says(again, 409, "state_already_used")
    assert "already used" in again.text
    assert account_doc(db, user, "x", f"x_{subject}").get().to_dict()["tokens"] == before["tokens"]
    # A fresh code from the platform does not make a used state good again.
    fresh = consent(flow.authorize_url, user=subject)
    _page_says(client.get(fresh.headers["location"]), 409, "state_already_used")


def test_a_forged_state_is_refused_before_anything_happens(client, user, make_user, stack):
    victim, attacker = user, make_user()
    subject = new_subject()
    started = start(client, "x", attacker.key_headers)  # the attacker's own flow, stopped at the platform
    answer = consent(authorize(client, started), user=subject)
    legit = query_of(answer.headers["location"])["state"]
    flow_id, signature = legit.split(".")
    other = start(client, "x", victim.key_headers)  # another real flow: its id, with this signature
    other_id = query_of(authorize(httpx.Client(), other))["state"].split(".")[0]
    code = query_of(answer.headers["location"])["code"]
    exchanges = stack.sandboxes.state.calls.count(("x", "token"))
    for forged in (f"{other_id}.{signature}", "garbage", "", f"{flow_id}.{signature[:-2]}AA", flow_id):
        r = client.get("/oauth/x/callback", params={"code": code, "state": forged})
        _page_says(r, 400, "invalid_state")
    # A real state made for another platform does not work on this one either.
    _page_says(client.get("/oauth/threads/callback", params={"code": code, "state": legit}), 400, "invalid_state")
    assert stack.sandboxes.state.calls.count(("x", "token")) == exchanges  # no code exchange was even tried
    assert _accounts(client, victim) == [] and _accounts(client, attacker) == []


def test_an_expired_state_is_refused(client, user):
    flow = start(client, "x", user.key_headers)
    later = clock.now() + timedelta(minutes=11)
    answer = consent(authorize(client, flow), user=new_subject())
    clock.set_clock(lambda: later)
    try:
        r = client.get(answer.headers["location"])
    finally:
        clock.set_clock(None)
    _page_says(r, 400, "state_expired")
    assert "expired" in r.text and _accounts(client, user) == []


def test_a_denied_consent_connects_nothing(client, user, sandbox):
    flow = connect(client, user, "linkedin", new_subject(), deny=1)
    assert query_of(flow.callback_url)["error"] == "access_denied"
    _page_says(flow.callback, 403, "access_denied")
    assert "did not allow" in flow.callback.text
    assert _accounts(client, user, "linkedin") == []
    # The same denial via a sandbox fault, on another platform.
    sandbox.fault("youtube", "authorize", "denied")
    flow = connect(client, user, "youtube", new_subject())
    _page_says(flow.callback, 403, "access_denied")


def test_with_a_return_url_the_callback_redirects_to_the_web_app(client, user, monkeypatch):
    from shared.config import reset_settings

    monkeypatch.setenv("SOKU_OAUTH_RETURN_URL", "https://app.example.test/settings/connections?tab=social")
    reset_settings()
    try:
        subject = new_subject()
        ok = connect(client, user, "threads", subject)
        assert ok.callback.status_code == 302
        location = ok.callback.headers["location"]
        assert location.startswith("https://app.example.test/settings/connections?tab=social&")
        assert query_of(location) == {"tab": "social", "status": "connected", "platform": "threads",
                                      "accounts": f"threads_{subject}"}
        denied = connect(client, user, "threads", subject, deny=1)
        assert denied.callback.status_code == 302
        got = query_of(denied.callback.headers["location"])
        assert got["status"] == "error" and got["error"] == "access_denied" and got["platform"] == "threads"
    finally:
        monkeypatch.delenv("SOKU_OAUTH_RETURN_URL")
        reset_settings()


def test_pkce_is_enforced_by_the_platform(client, user, stack):
    """The X sandbox checks the verifier: a code taken with the wrong one is worthless."""
    flow = start(client, "x", user.key_headers)
    url = authorize(client, flow)
    assert query_of(url)["code_challenge_method"] == "S256" and len(query_of(url)["code_challenge"]) == 43
    answer = consent(url, user=new_subject())
    code = query_of(answer.headers["location"])["code"]
    stolen = httpx.post(f"{stack.sandboxes.base_url}/x/2/oauth2/token", auth=("sbx-x-client-id", "sbx-x-client-secret"),
                        data={"grant_type": "authorization_code", "code": code, "code_verifier": "x" * 43,
                              "redirect_uri": flow.json()["redirectUri"]})
    assert stolen.status_code == 400 and "code_verifier" in stolen.text
    # The code was spent by that attempt: our callback now fails cleanly.
    _page_says(client.get(answer.headers["location"]), 400, "token_exchange_failed")


def test_a_platform_outage_during_the_exchange_is_a_clear_page(client, user, sandbox):
    sandbox.fault("tiktok", "token", "server_error")
    flow = connect(client, user, "tiktok", new_subject())
    _page_says(flow.callback, 502, "platform_unavailable")
    assert _accounts(client, user, "tiktok") == []


def test_start_takes_an_api_key_or_a_firebase_id_token(client, user, make_user):
    by_key = start(client, "youtube", user.key_headers)
    by_token = start(client, "youtube", user.bearer)
    for r in (by_key, by_token):
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["platform"] == "youtube" and "/oauth/youtube/begin?flow=" in body["authorizeUrl"]
        assert query_of(authorize(httpx.Client(), r))["access_type"] == "offline"
    assert_error(start(client, "youtube", {}), 401, "unauthorized")
    assert_error(start(client, "youtube", {"Authorization": "Bearer not-a-token"}), 401, "unauthorized")
    assert_error(start(client, "youtube", {"soku-api-key": "sk_live_nope"}), 401, "unauthorized")
    assert_error(start(client, "youtube", make_user(status=None).key_headers), 403, "forbidden")
    # The web app's users may connect before subscribing (ID token), not so API keys.
    assert start(client, "youtube", make_user(status=None).bearer).status_code == 200
    r = start(client, "myspace", user.key_headers)
    assert_error(r, 400, "validation_error")
    assert r.json()["error"]["details"][0]["field"] == "path.platform"
    assert start(client, "facebook_pages", user.key_headers).json()["platform"] == "facebook"
    assert_error(client.get("/v1/connections/x/start", headers=user.key_headers), 405, "method_not_allowed")


def test_a_platform_without_an_oauth_client_cannot_be_started(client, user, monkeypatch):
    from shared.config import reset_settings

    monkeypatch.delenv("SOKU_SNAPCHAT_CLIENT_SECRET")
    reset_settings()
    try:
        assert_error(start(client, "snapchat", user.key_headers), 503, "platform_not_configured")
    finally:
        monkeypatch.undo()
        reset_settings()
    assert start(client, "snapchat", user.key_headers).status_code == 200


@pytest.mark.parametrize("path", ["/oauth/myspace/callback", "/oauth/x/elsewhere"])
def test_unknown_callback_paths_are_404(client, path):
    assert_error(client.get(path), 404, "not_found")


def test_callback_only_answers_get(client):
    r = client.post("/oauth/x/callback", json={})
    assert_error(r, 405, "method_not_allowed")
    assert r.headers["Allow"] == "GET"
