"""The connect flow is bound to the browser of the person who started it (issue 19, item 1).

The attack: someone starts connecting on *their* Soku account and gets a victim to consent
at the platform; the victim's account would be linked to the attacker's Soku user, who
could then post as the victim. Each test here plays one variant with two "browsers" (two
httpx clients, each with its own cookie jar), plus PKCE per platform and an opaque state.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from http.cookies import SimpleCookie

import httpx
import pytest

from shared.services.connections.state import OAuthState
from tests.connecting import begin, connect, consent, csrf_of, new_subject, query_of, start

PKCE = {"x", "youtube", "facebook", "instagram", "snapchat", "tiktok"}
NO_PKCE = {"linkedin", "threads"}  # their web flows take no code_challenge (see their modules)


@pytest.fixture
def browser(stack):
    """A new browser (its own cookie jar), at an address of its own."""
    opened = []

    def _open() -> httpx.Client:
        address = f"198.19.{uuid.uuid4().int % 256}.{uuid.uuid4().int % 254 + 1}"
        opened.append(httpx.Client(base_url=stack.base_url, timeout=30, headers={"X-Forwarded-For": address}))
        return opened[-1]

    yield _open
    for client in opened:
        client.close()


def _accounts(client, user, platform="x") -> list[str]:
    r = client.get("/v1/accounts", params={"platform": platform}, headers=user.key_headers)
    assert r.status_code == 200, r.text
    return [a["accountId"] for a in r.json()["accounts"]]


def _platform_url(client: httpx.Client, started: httpx.Response) -> str:
    """The platform's authorize URL of a flow, as its starter can get it (through the begin
    page in their own browser when Soku hands out a begin link)."""
    url = started.json()["authorizeUrl"]
    first = client.get(url, follow_redirects=False)
    if first.status_code in (302, 303):  # a platform URL: the sandbox consents at once
        return url
    _, answer = begin(client, url)
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def _page_says(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert f"<code>{code}</code>" in response.text, response.text


def test_a_consent_given_in_another_browser_links_nothing(client, user, make_user, browser, stack):
    """The attacker starts on their own account and sends the platform's consent link to a
    victim; the victim consents in their browser. Soku refuses: that browser never began the flow."""
    attacker = make_user()
    victim_subject = new_subject()
    started = start(client, "x", attacker.key_headers)
    assert started.status_code == 200, started.text
    link = _platform_url(client, started)  # what the attacker sends
    victim = browser()  # holding a flow cookie of their own (they began connecting on their own account)
    _platform_url(victim, start(victim, "x", user.key_headers))
    answer = consent(link, user=victim_subject)  # the victim says yes at X
    exchanges = stack.sandboxes.state.calls.count(("x", "token"))
    r = victim.get(answer.headers["location"], follow_redirects=False)
    _page_says(r, 403, "browser_mismatch")
    assert "browser where you started" in r.text
    assert stack.sandboxes.state.calls.count(("x", "token")) == exchanges  # the code was not even exchanged
    assert _accounts(client, attacker) == [] and _accounts(client, user) == []
    # No cookie at all (a bare client) is refused the same way.
    _page_says(httpx.get(answer.headers["location"]), 403, "browser_mismatch")
    assert _accounts(client, attacker) == []
    # The refusal did not use the flow up: the browser that began it can still finish it.
    own = new_subject()
    again = consent(link, user=own)
    done = client.get(again.headers["location"], follow_redirects=False)
    assert done.status_code == 200, done.text
    assert _accounts(client, attacker) == [f"x_{own}"]


def test_the_normal_flow_links_in_the_browser_that_began_it(client, user, db):
    subject = new_subject()
    flow = connect(client, user, "x", subject, headers=user.bearer)  # as the web app: Firebase ID token
    assert flow.begin.status_code == 200 and flow.confirm.status_code == 303
    cookie = SimpleCookie(flow.confirm.headers["set-cookie"])
    (name, morsel), = cookie.items()
    # `__session`: the one cookie Firebase Hosting passes on to functions.
    assert name == "__session" and morsel["httponly"] and morsel["samesite"] == "Lax"
    assert morsel["path"] == "/oauth/x/" and not morsel["secure"]  # http locally; Secure on https
    assert flow.callback.status_code == 200, flow.callback.text
    assert f"x_{subject}" in flow.callback.text
    assert _accounts(client, user) == [f"x_{subject}"]
    # The flow is over: its cookie is cleared.
    assert "max-age=0" in flow.callback.headers["set-cookie"].lower()


def test_the_begin_page_names_the_soku_account_and_can_be_refused(client, make_user, browser, db):
    """The attacker forwards an unvisited begin link instead: the victim's page says whose Soku
    account the connection would join, and Cancel kills the link."""
    attacker = make_user()
    db.collection("users").document(attacker.uid).set({"displayName": "Mallory"}, merge=True)
    started = start(client, "linkedin", attacker.key_headers)
    assert started.status_code == 200, started.text
    victim = browser()
    page, answer = begin(victim, started.json()["authorizeUrl"], decision="cancel")
    assert f"{attacker.uid}@example.test" in page.text and "Mallory" in page.text
    assert "If someone sent you this link, cancel" in page.text
    assert page.headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in \
        page.headers["Content-Security-Policy"]
    assert answer.status_code == 200 and "<code>cancelled</code>" in answer.text
    # The link is dead, for the attacker too.
    for who in (victim, client):
        _page_says(who.get(started.json()["authorizeUrl"]), 409, "link_already_used")
    assert _accounts(client, attacker, "linkedin") == []


def test_the_begin_link_binds_one_browser_once(client, user, browser, stack):
    """After one browser continued, the same link in another browser (a victim it was
    forwarded to) cannot bind again, and a replayed Continue cannot either."""
    started = start(client, "youtube", user.key_headers)
    url = started.json()["authorizeUrl"]
    page, first = begin(client, url)
    assert first.status_code == 303
    victim = browser()
    _page_says(victim.get(url), 409, "link_already_used")
    replay = client.post(url, data={"csrf": csrf_of(page), "decision": "continue"}, follow_redirects=False)
    _page_says(replay, 409, "link_already_used")
    # The victim consents through the link the first browser got: still refused in the victim's browser.
    answer = consent(first.headers["location"], user=new_subject())
    _page_says(victim.get(answer.headers["location"]), 403, "browser_mismatch")
    assert _accounts(client, user, "youtube") == []


def test_the_continue_button_only_works_from_the_page_in_the_same_browser(client, user, browser):
    started = start(client, "threads", user.key_headers)
    url = started.json()["authorizeUrl"]
    page = client.get(url)
    token = csrf_of(page)
    other = browser()  # another site making a visitor's browser post the form: no cookie, or a guessed field
    _page_says(other.post(url, data={"csrf": token, "decision": "continue"}), 403, "confirmation_failed")
    _page_says(client.post(url, data={"csrf": "A" * 43, "decision": "continue"}), 403, "confirmation_failed")
    cross = client.post(url, data={"csrf": token, "decision": "continue"}, headers={"Sec-Fetch-Site": "cross-site"})
    _page_says(cross, 403, "confirmation_failed")
    # None of that used the link up.
    ok = client.post(url, data={"csrf": token, "decision": "continue"}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"].startswith("http")


def test_the_state_and_the_links_reveal_no_user_id(client, user):
    started = start(client, "x", user.key_headers)
    assert user.uid not in started.text
    link = _platform_url(client, started)
    state = query_of(link)["state"]
    assert user.uid not in state and user.uid not in link
    for part in state.split("."):
        try:
            decoded = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except (binascii.Error, ValueError):
            continue
        assert user.uid.encode() not in decoded


def test_pkce_exactly_where_the_platform_takes_it(client, user):
    for platform in sorted(PKCE | NO_PKCE):
        started = start(client, platform, user.key_headers)
        assert started.status_code == 200, (platform, started.text)
        query = query_of(_platform_url(client, started))
        if platform in PKCE:
            assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43, platform
        else:
            assert "code_challenge" not in query, platform


@pytest.mark.parametrize("platform", ["youtube", "facebook", "instagram", "snapchat", "tiktok"])
def test_the_platform_checks_the_pkce_verifier(platform, client, user, monkeypatch):
    """A code taken with the wrong verifier is worthless at the platform's token endpoint."""
    link = _platform_url(client, start(client, platform, user.key_headers))
    back = consent(link, user=new_subject())
    monkeypatch.setattr(OAuthState, "code_verifier", property(lambda self: "w" * 43))  # not the challenge's
    r = client.get(back.headers["location"], follow_redirects=False)
    _page_says(r, 400, "token_exchange_failed")
    assert "code_verifier" in r.text
    assert _accounts(client, user, platform) == []
