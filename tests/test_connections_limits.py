"""`POST /v1/connections/{platform}/start` is authenticated by the pipeline and counted per
user (issue 36, item 4): spam from a shared address no longer spends the budget of the users
behind it, a user has an endpoint limit of their own, and at most 20 flows open at once.
Over HTTP against the real stack."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx

from shared import clock
from tests.connecting import begin, start
from tests.envelope import assert_error
from tests.test_rate_limits import frozen, settings_env  # noqa: F401


def _from(stack, address: str) -> httpx.Client:
    return httpx.Client(base_url=stack.base_url, timeout=30, headers={"X-Forwarded-For": address})


def test_spam_from_a_shared_address_does_not_spend_its_users_budget(stack, user, make_user, frozen, settings_env):
    settings_env(SOKU_RATE_LIMITS=json.dumps({"default": [3, 0]}))
    with _from(stack, "203.0.113.36") as office:
        for _ in range(3):  # anonymous spam from the office's egress address
            assert_error(start(office, "x", {}), 401, "unauthorized")
        assert_error(start(office, "x", {}), 429, "rate_limit_exceeded")  # still limited, by address
        # Users behind the same address are counted as themselves: a key, and a signed-in
        # user of the web app who has not subscribed yet.
        for headers, tier in ((user.key_headers, "premium"), (make_user(status=None).bearer, "authenticated")):
            r = start(office, "x", headers)
            assert r.status_code == 200, r.text
            assert r.headers["X-RateLimit-Tier"] == tier


def test_start_has_an_endpoint_limit_per_user(stack, user, frozen):
    with _from(stack, "198.51.100.1") as here, _from(stack, "198.51.100.2") as there:
        responses = [start(here if i % 2 else there, "x", user.key_headers) for i in range(11)]
    assert [r.status_code for r in responses[:10]] == [200] * 10, responses[9].text
    assert {int(r.headers["X-RateLimit-Limit"]) for r in responses[:10]} == {10}
    error = assert_error(responses[10], 429, "rate_limit_exceeded")
    assert error["details"]["scope"] == "endpoint"
    assert error["details"]["endpoint"] == "POST /v1/connections/{platform}/start"


def test_a_user_has_at_most_20_flows_open(client, stack, user, frozen, settings_env):
    settings_env(SOKU_RATE_LIMITS=json.dumps({"POST /v1/connections/{platform}/start": 1000}))
    opened = [start(client, "x", user.bearer) for _ in range(20)]
    assert [r.status_code for r in opened] == [200] * 20, opened[-1].text
    r = start(client, "youtube", user.key_headers)  # every platform, key or ID token: one count
    error = assert_error(r, 429, "too_many_open_connections")
    assert error["details"]["limit"] == 20 and error["details"]["open"] == 20
    assert "20" in error["message"]
    assert r.headers["Retry-After"] == "600" == str(error["details"]["retryAfter"])  # the oldest's expiry

    # A flow cancelled on its begin page is no longer open.
    with httpx.Client(base_url=stack.base_url, timeout=30) as browser:
        begin(browser, opened[0].json()["authorizeUrl"], decision="cancel")
    assert start(client, "x", user.key_headers).status_code == 200
    assert_error(start(client, "x", user.key_headers), 429, "too_many_open_connections")
    # Flows expire after SOKU_OAUTH_STATE_TTL (10 minutes): then they are not open either.
    frozen.advance(seconds=601)
    assert start(client, "x", user.key_headers).status_code == 200
    assert clock.now() - frozen.at >= timedelta(seconds=601)
