"""Rate limits: the spec's tiers and endpoint limits, with their real numbers, against
the real stack (Firestore counters through the gateway), plus the pure arithmetic."""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta, timezone

import pytest

from shared import clock
from shared.config import reset_settings
from shared.services import rate_limits
from tests.envelope import assert_error
from tests.posting import body, future

HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Tier")


@pytest.fixture
def frozen(stack):
    """Freeze the (shared, in-process) clock 5 s into a minute, so a test stays in one window.

    The minute is the first of a 10-minute burst period: a test that advances a minute or
    two must not cross into the next period, whose burst pool is full again (it did when
    the suite happened to run in the last minute of a period)."""
    now = datetime.now(timezone.utc)
    start = now.replace(minute=now.minute - now.minute % 10, second=5, microsecond=0)
    state = {"now": start}
    clock.set_clock(lambda: state["now"])

    class Clock:
        at = start
        reset = start.replace(second=0) + timedelta(minutes=1)

        def advance(self, **delta) -> None:
            state["now"] = state["now"] + timedelta(**delta)

    yield Clock()
    clock.set_clock(None)


@pytest.fixture
def settings_env(monkeypatch):
    """Change settings for the in-process gateway; restored afterwards."""

    def _set(**env: str) -> None:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        reset_settings()

    yield _set
    monkeypatch.undo()
    reset_settings()


def _hammer(client, n: int, path: str = "/health", **kwargs) -> list:
    return [client.get(path, **kwargs) for _ in range(n)]


def _int(response, name: str) -> int:
    return int(response.headers[name])


# -- the four tiers, with the spec's numbers -------------------------------------------

def test_default_tier_is_25_a_minute_plus_10_burst_per_client_address(client, frozen):
    responses = _hammer(client, 36)
    assert all(r.headers["X-RateLimit-Tier"] == "default" for r in responses)
    assert all(r.status_code == 200 for r in responses[:35])
    assert [_int(r, "X-RateLimit-Remaining") for r in responses[:25]] == list(range(24, -1, -1))
    assert {_int(r, "X-RateLimit-Limit") for r in responses} == {25}
    # Requests 26-35 are served from the burst pool, which the headers count down.
    assert [_int(r, "X-RateLimit-Burst-Remaining") for r in responses[25:35]] == list(range(9, -1, -1))
    assert "X-RateLimit-Burst-Remaining" not in responses[0].headers
    error = assert_error(responses[35], 429, "rate_limit_exceeded", "Rate limit exceeded. Try again in 55 seconds.")
    assert responses[35].headers["Retry-After"] == "55"
    assert error["details"] == {"scope": "global", "tier": "default", "limit": 25, "burst": 10,
                                "retryAfter": 55, "resetAt": clock.iso(frozen.reset)}
    # Another address has its own budget.
    assert client.get("/health", headers={"X-Forwarded-For": "203.0.113.99"}).status_code == 200


def test_authenticated_tier_is_60_plus_30_for_a_key_without_subscription(client, make_user, frozen):
    unsubscribed = make_user(status=None)
    responses = _hammer(client, 91, "/v1/me", headers=unsubscribed.key_headers)
    for r in responses[:90]:
        assert_error(r, 403, "forbidden")  # the key is known, the subscription is not there
        assert r.headers["X-RateLimit-Tier"] == "authenticated"
    assert _int(responses[59], "X-RateLimit-Remaining") == 0 and _int(responses[59], "X-RateLimit-Limit") == 60
    assert _int(responses[89], "X-RateLimit-Burst-Remaining") == 0
    assert_error(responses[90], 429, "rate_limit_exceeded")


def test_premium_tier_is_100_plus_100_burst_and_the_burst_does_not_refill_each_minute(client, user, frozen):
    responses = _hammer(client, 201, "/v1/me", headers=user.key_headers)
    assert all(r.status_code == 200 for r in responses[:200]), [r.status_code for r in responses]
    assert {r.headers["X-RateLimit-Tier"] for r in responses} == {"premium"}
    assert [_int(r, "X-RateLimit-Remaining") for r in (responses[0], responses[98], responses[99])] == [99, 1, 0]
    assert _int(responses[199], "X-RateLimit-Burst-Remaining") == 0
    assert_error(responses[200], 429, "rate_limit_exceeded")
    assert responses[200].headers["Retry-After"] == "55"

    # The next minute brings the next 100, but the burst pool refills only every 10 minutes:
    # the sustained rate stays 100/min.
    frozen.advance(minutes=1)
    more = _hammer(client, 101, "/v1/me", headers=user.key_headers)
    assert all(r.status_code == 200 for r in more[:100])
    assert more[100].status_code == 429


def test_admin_tier_is_200_plus_500_for_allow_listed_addresses(client, frozen, settings_env):
    settings_env(SOKU_ADMIN_IPS="198.51.100.0/24, 2001:db8::1")
    admin = {"X-Forwarded-For": "198.51.100.7"}
    responses = _hammer(client, 701, headers=admin)
    assert {r.headers["X-RateLimit-Tier"] for r in responses} == {"admin"}
    assert all(r.status_code == 200 for r in responses[:700])
    assert _int(responses[199], "X-RateLimit-Remaining") == 0 and _int(responses[199], "X-RateLimit-Limit") == 200
    assert _int(responses[699], "X-RateLimit-Burst-Remaining") == 0
    assert_error(responses[700], 429, "rate_limit_exceeded")


def test_admin_tier_for_allow_listed_users(client, user, settings_env):
    settings_env(SOKU_ADMIN_USER_IDS=user.uid)
    r = client.get("/v1/me", headers=user.key_headers)
    assert r.status_code == 200 and r.headers["X-RateLimit-Tier"] == "admin"
    assert r.json()["tier"] == "admin" and r.json()["rateLimit"] == {"tier": "admin", "limit": 200, "burst": 500}


def test_limits_are_per_user_not_per_key(client, user, frozen, settings_env):
    from shared.services import api_keys

    settings_env(SOKU_RATE_LIMITS=json.dumps({"premium": [2, 0]}))
    second_key = {"soku-api-key": api_keys.create_key(user.uid, "second")}
    assert client.get("/v1/me", headers=user.key_headers).status_code == 200
    assert client.get("/v1/me", headers=second_key).status_code == 200
    assert_error(client.get("/v1/me", headers=second_key), 429, "rate_limit_exceeded")


# -- endpoint limits -------------------------------------------------------------------

def test_the_31st_post_in_a_minute_is_429(client, demo, frozen):
    later = future(days=45)  # stored for the sweep: nothing is enqueued, the test stays fast
    responses = [client.post("/v1/posts", json={**body(["x"], f"post {i}"), "scheduledTime": later},
                             headers=demo.key_headers) for i in range(31)]
    assert [r.status_code for r in responses[:30]] == [201] * 30, responses[-2].text
    # The endpoint limit is the closer one, so the headers describe it.
    assert [_int(r, "X-RateLimit-Remaining") for r in responses[:30]] == list(range(29, -1, -1))
    assert {_int(r, "X-RateLimit-Limit") for r in responses[:30]} == {30}
    assert responses[0].headers["X-RateLimit-Tier"] == "premium"
    error = assert_error(responses[30], 429, "rate_limit_exceeded")
    assert error["details"]["scope"] == "endpoint" and error["details"]["endpoint"] == "POST /v1/posts"
    assert responses[30].headers["Retry-After"] == "55"
    # Other routes of the same user are still within the global limit.
    r = client.get("/v1/posts", params={"limit": 1}, headers=demo.key_headers)
    assert r.status_code == 200 and _int(r, "X-RateLimit-Remaining") == 100 - 32 and _int(r, "X-RateLimit-Limit") == 100
    # A new minute, a new allowance.
    frozen.advance(minutes=1)
    r = client.post("/v1/posts", json={**body(["x"], "next minute"), "scheduledTime": later}, headers=demo.key_headers)
    assert r.status_code == 201, r.text


def test_posts_refused_before_their_read_are_counted_exactly_too(client, demo, frozen):
    """POST /v1/posts reads the limiter's counters in the post's own read. A post refused
    before that read (a malformed body, an unreadable schedule) is counted all the same,
    and so is every kind of post after it: the counts stay exact whatever path a post took."""
    later = future(days=45)
    attempts = [
        {**body(["x"], "first"), "scheduledTime": later},  # 201
        {"post": "not an object"},  # 400 before any read
        {**body(["x"], "bad schedule"), "scheduledTime": "next tuesday"},  # 400 before any read
        {**body([{"platform": "x", "accountId": "nope"}], "unknown account"), "scheduledTime": later},  # 400 after it
        {**body(["x"], "second"), "scheduledTime": later},  # 201
    ]
    responses = [client.post("/v1/posts", json=a, headers=demo.key_headers) for a in attempts]
    assert [r.status_code for r in responses] == [201, 400, 400, 400, 201], responses[-1].text
    assert [_int(r, "X-RateLimit-Remaining") for r in responses] == [29, 28, 27, 26, 25]
    assert {_int(r, "X-RateLimit-Limit") for r in responses} == {30}


@pytest.mark.parametrize("endpoint,limit", sorted(rate_limits.DEFAULT_ENDPOINT_LIMITS.items()))
def test_every_endpoint_limit_of_the_spec(stack, endpoint, limit):
    import uuid

    premium = rate_limits.limits().tiers["premium"]
    now = datetime(2026, 11, 25, 12, 0, 1, tzinfo=timezone.utc)
    identity = f"user:endpoint-{uuid.uuid4().hex}"
    decisions = [rate_limits.check(identity, premium, endpoint, now) for _ in range(limit + 1)]
    assert all(d.allowed for d in decisions[:limit])
    assert not decisions[limit].allowed and decisions[limit].scope == "endpoint"
    assert decisions[limit].retry_after == 59
    assert {d.limit for d in decisions} == {limit}


def test_spec_table_of_tiers_and_endpoint_limits():
    assert rate_limits.DEFAULT_TIERS == {"default": (25, 10), "authenticated": (60, 30),
                                         "premium": (100, 100), "admin": (200, 500)}
    assert rate_limits.DEFAULT_ENDPOINT_LIMITS == {
        "POST /v1/posts": 30, "POST /v1/media": 30, "POST /v1/ai/transcribe": 10,
        "POST /v1/templates": 20, "POST /v1/media/render-og": 20,
        # Ours (issue 36): opening upload sessions, starting connect flows; (issue 41) test pings.
        "POST /v1/media/uploads": 30, "POST /v1/connections/{platform}/start": 10,
        "POST /v1/webhooks/{webhook_id}/test": 10, "POST /v1/posts/batch": 10}


# -- burst semantics (lowered numbers) -------------------------------------------------

def test_burst_pool_refills_every_ten_minutes(client, user, frozen, settings_env):
    settings_env(SOKU_RATE_LIMITS=json.dumps({"premium": [3, 2]}))

    def minute() -> list[int]:
        return [client.get("/v1/me", headers=user.key_headers).status_code for _ in range(6)]

    assert minute() == [200, 200, 200, 200, 200, 429]  # 3 + 2 burst
    frozen.advance(minutes=1)
    assert minute() == [200, 200, 200, 429, 429, 429]  # the pool is spent for this period
    frozen.advance(minutes=10)
    assert minute() == [200, 200, 200, 200, 200, 429]


# -- headers on every response -----------------------------------------------------------

@pytest.mark.parametrize("method,path,auth,tier", [
    ("GET", "/health", None, "default"), ("GET", "/v1/me", "key", "premium"), ("GET", "/v1/me", None, "default"),
    ("GET", "/v1/unknown", None, "default"), ("GET", "/v1/api-keys", "bearer", "authenticated"),
    # A wrong method never reaches authentication: counted by address.
    ("PUT", "/v1/api-keys", "bearer", "default"),
    ("GET", "/v1/openapi.json", None, "default"), ("GET", "/v1/accounts", "key", "premium"),
])
def test_rate_limit_headers_on_every_response(client, user, frozen, method, path, auth, tier):
    headers = user.key_headers if auth == "key" else user.bearer if auth == "bearer" else {}
    r = client.request(method, path, headers=headers)
    for name in HEADERS:
        assert name in r.headers, (name, r.status_code)
    assert r.headers["X-RateLimit-Reset"] == clock.iso(frozen.reset)  # ISO 8601, end of the window
    datetime.fromisoformat(r.headers["X-RateLimit-Reset"].replace("Z", "+00:00"))
    assert r.headers["X-RateLimit-Tier"] == tier


def test_bad_keys_are_limited_by_address(client, frozen, settings_env):
    settings_env(SOKU_RATE_LIMITS=json.dumps({"default": [2, 0]}))
    bad = {"soku-api-key": "sk_live_" + "x" * 43}
    assert_error(client.get("/v1/me", headers=bad), 401, "unauthorized")
    assert_error(client.get("/v1/me", headers=bad), 401, "unauthorized")
    r = client.get("/v1/me", headers=bad)  # guessing keys costs the address its budget
    assert_error(r, 429, "rate_limit_exceeded")
    assert r.headers["X-RateLimit-Tier"] == "default"


# -- shared across instances -------------------------------------------------------------

def test_two_gateway_processes_share_the_limits(client, demo, second_gateway):
    import time

    import httpx

    # Both processes use the real clock: start early in a minute so the test fits in one window.
    seconds = datetime.now(timezone.utc).second
    if seconds > 45:
        time.sleep(60.5 - seconds)
    other = httpx.Client(base_url=second_gateway, timeout=30, headers=client.headers)
    try:
        remaining = []
        for i in range(6):
            http = client if i % 2 == 0 else other
            r = http.get("/v1/me", headers=demo.key_headers)
            assert r.status_code == 200, r.text
            remaining.append(_int(r, "X-RateLimit-Remaining"))
        assert remaining == [99, 98, 97, 96, 95, 94]  # one counter, whichever process answers

        later = future(days=45)
        codes = []
        for i in range(31):
            http = client if i < 15 else other
            codes.append(http.post("/v1/posts", json={**body(["x"], f"shared {i}"), "scheduledTime": later},
                                   headers=demo.key_headers))
        assert [r.status_code for r in codes[:30]] == [201] * 30
        assert_error(codes[30], 429, "rate_limit_exceeded")  # 15 here + 15 there = the 30 of the minute
    finally:
        other.close()


@pytest.fixture
def second_gateway(stack, tmp_path):
    """Another process serving main.py's functions against the same emulators."""
    import os
    import subprocess
    import sys

    import httpx

    from devstack.emulators import free_port
    from tests.conftest import ROOT

    port = free_port()
    script = ("import os, sys\n"
              "from devstack.gateway import Gateway, build_app\n"
              "gateway = Gateway(build_app(os.environ['GCLOUD_PROJECT'], 'us-central1'), int(sys.argv[1]))\n"
              "gateway.server.serve_forever()\n")
    log = open(tmp_path / "gateway.log", "wb")
    process = subprocess.Popen([sys.executable, "-c", script, str(port)], cwd=ROOT, env=dict(os.environ),
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        from tests.conftest import wait_for

        def up() -> bool:
            try:
                return httpx.get(f"{base}/health", timeout=1).status_code == 200
            except httpx.HTTPError:
                return process.poll() is not None  # died: stop waiting, fail below

        wait_for(up, timeout=30)
        assert process.poll() is None, (tmp_path / "gateway.log").read_text()
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


# -- Firestore unreachable: counted in the instance, never unlimited --------------------

def test_a_limiter_outage_counts_in_the_instance_and_does_not_fail_open(client, user, monkeypatch, caplog,
                                                                        settings_env):
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import firestore

    from devstack.emulators import free_port
    from shared.config import get_settings

    settings_env(SOKU_RATE_LIMITS=json.dumps({"premium": [3, 5]}))
    # A real client pointed at a port where no Firestore listens: every call fails.
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", f"127.0.0.1:{free_port()}")
    dead = firestore.Client(project=get_settings().project_id, credentials=AnonymousCredentials())
    monkeypatch.delenv("FIRESTORE_EMULATOR_HOST")
    monkeypatch.setattr(rate_limits, "firestore_client", lambda: dead)
    with caplog.at_level("WARNING", logger="soku.rate_limits"):
        responses = [client.get("/v1/me", headers=user.key_headers) for _ in range(4)]
    assert [r.status_code for r in responses[:3]] == [200, 200, 200], responses[0].text
    assert [r.headers["X-RateLimit-Remaining"] for r in responses[:3]] == ["2", "1", "0"]
    assert {r.headers["X-RateLimit-Tier"] for r in responses} == {"premium"}
    # Without Firestore there is no shared burst pool: the per-minute limit holds.
    assert_error(responses[3], 429, "rate_limit_exceeded")
    assert any("counting premium callers in this instance only" in rec.getMessage() for rec in caplog.records)


# -- pure arithmetic -------------------------------------------------------------------

def test_client_address_is_the_entry_the_trusted_proxy_added(settings_env):
    settings_env(SOKU_TRUSTED_PROXY_HOPS="1")
    assert rate_limits.client_ip("10.0.0.1", None) == "10.0.0.1"
    assert rate_limits.client_ip("10.0.0.1", "6.6.6.6, 203.0.113.5") == "203.0.113.5"  # spoofed prefix ignored
    assert rate_limits.client_ip("10.0.0.1", "not-an-ip") == "10.0.0.1"
    assert rate_limits.client_ip("10.0.0.1", "2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    settings_env(SOKU_TRUSTED_PROXY_HOPS="2")
    assert rate_limits.client_ip("10.0.0.1", "6.6.6.6, 203.0.113.5, 130.211.0.1") == "203.0.113.5"
    settings_env(SOKU_TRUSTED_PROXY_HOPS="0")
    assert rate_limits.client_ip("10.0.0.1", "203.0.113.5") == "10.0.0.1"


def test_tiers_and_admin_allow_lists(settings_env):
    settings_env(SOKU_ADMIN_USER_IDS="boss", SOKU_ADMIN_IPS="198.51.100.0/24,2001:db8::/32")
    tier = rate_limits.tier_for
    assert tier(None, False, "203.0.113.1").name == "default"
    assert tier("u", False, "203.0.113.1").name == "authenticated"
    assert tier("u", True, "203.0.113.1").name == "premium"
    assert tier("boss", False, "203.0.113.1").name == "admin"
    assert tier(None, False, "198.51.100.200").name == "admin"
    assert tier(None, False, "2001:db8:5::/64").name == "admin"


def test_overrides_and_their_mistakes(settings_env, caplog):
    settings_env(SOKU_RATE_LIMITS=json.dumps({"premium": [5, 1], "POST /v1/posts": 3}))
    assert rate_limits.limits().tiers["premium"] == rate_limits.Tier("premium", 5, 1)
    assert rate_limits.limits().endpoints["POST /v1/posts"] == 3
    settings_env(SOKU_RATE_LIMITS="{not json")
    with caplog.at_level("ERROR", logger="soku.rate_limits"):
        assert rate_limits.limits().tiers["premium"] == rate_limits.Tier("premium", 100, 100)
    assert any("ignoring invalid SOKU_RATE_LIMITS" in r.getMessage() for r in caplog.records)


def test_decision_headers_and_window_arithmetic():
    tier = rate_limits.Tier("premium", 100, 100)
    now = datetime(2026, 11, 25, 0, 2, 30, 250000, tzinfo=timezone.utc)
    start, end = rate_limits._window(now, 60)
    assert end == datetime(2026, 11, 25, 0, 3, tzinfo=timezone.utc) and start == end.timestamp() - 60
    refused = rate_limits.Decision(False, tier, "global", 100, 0, end, math.ceil(29.75))
    assert refused.headers() == {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0",
                                 "X-RateLimit-Reset": "2026-11-25T00:03:00.000Z", "X-RateLimit-Tier": "premium",
                                 "Retry-After": "30"}
    assert refused.error().message == "Rate limit exceeded. Try again in 30 seconds."


def test_production_commit_results_are_used_without_a_read_back():
    class Value:
        integer_value = 7

    class Result:
        transform_results = [Value()]

    class Empty:
        transform_results = []

    assert rate_limits._transform_count(Result()) == 7
    assert rate_limits._transform_count(Empty()) is None


# -- sharded counters ------------------------------------------------------------------

def _counts(db, identity: str, scope: str, window_start: int, shards: int) -> list[int]:
    base = rate_limits._counter_id(identity, scope, window_start)
    ids = rate_limits.Counter(base, datetime.now(timezone.utc), shards).ids()
    refs = [db.collection(rate_limits.COLLECTION).document(i) for i in ids]
    found = {snap.id: (snap.to_dict() or {}).get("count", 0) for snap in db.get_all(refs) if snap.exists}
    return [found.get(i, 0) for i in ids]


def test_shard_counts_follow_the_tiers():
    tiers = rate_limits.limits().tiers
    assert [rate_limits.shards_for(t.limit + t.burst) for t in tiers.values()] == [1, 2, 5, 16]
    assert [rate_limits.shards_for(t.burst) for t in tiers.values()] == [1, 1, 3, 12]
    assert rate_limits.shards_for(20) == 1 and rate_limits.shards_for(10_000) == rate_limits.MAX_SHARDS


@pytest.mark.parametrize("tier_name", ["premium", "admin"])
def test_no_counter_document_takes_more_than_a_write_a_second(stack, db, tier_name):
    """A caller at full speed (limit + burst in one minute, then more) spreads its writes
    over shards: no document gets more than 60 in the minute, and the sums still decide."""
    import uuid

    tier = rate_limits.limits().tiers[tier_name]
    now = datetime(2026, 11, 25, 12, 0, 1, tzinfo=timezone.utc)  # first minute of a burst period
    identity = f"user:shards-{uuid.uuid4().hex}"
    total = tier.limit + tier.burst
    decisions = [rate_limits.check(identity, tier, None, now) for _ in range(total + 5)]
    assert all(d.allowed for d in decisions[:total])
    assert not any(d.allowed for d in decisions[total:])
    assert [d.remaining for d in decisions[:3]] == [tier.limit - 1, tier.limit - 2, tier.limit - 3]
    assert decisions[total - 1].burst_remaining == 0
    window_start, _ = rate_limits._window(now, 60)
    minute = _counts(db, identity, "m", window_start, rate_limits.shards_for(total))
    assert len(minute) > 1 and max(minute) <= 60, minute
    # Every admitted request, plus the first refusal; the rest were refused from memory.
    assert sum(minute) == total + 1
    burst_start, _ = rate_limits._window(now, rate_limits.BURST_PERIOD_S)
    pool = _counts(db, identity, "b", burst_start, rate_limits.shards_for(tier.burst))
    assert max(pool) <= 60 and sum(pool) == tier.burst + 1, pool


def test_a_caller_refused_in_a_window_is_refused_from_memory_without_writes(stack, monkeypatch):
    import uuid

    tier = rate_limits.Tier("premium", 3, 0)
    now = datetime(2026, 11, 25, 12, 0, 1, tzinfo=timezone.utc)
    identity = f"user:hammer-{uuid.uuid4().hex}"
    commits: list = []
    increment = rate_limits.increment
    monkeypatch.setattr(rate_limits, "increment", lambda counters: commits.append(1) or increment(counters))
    decisions = [rate_limits.check(identity, tier, None, now) for _ in range(50)]
    assert [d.allowed for d in decisions[:4]] == [True, True, True, False]
    assert not any(d.allowed for d in decisions[4:]) and {d.retry_after for d in decisions[3:]} == {59}
    assert len(commits) == 4  # 46 more requests, not one more write
    # The next minute is a new window.
    assert rate_limits.check(identity, tier, None, now + timedelta(minutes=1)).allowed


@pytest.mark.parametrize("slow", ["commit", "get_all"])
def test_on_the_emulator_the_shards_are_read_during_the_commit_and_counts_stay_exact(stack, monkeypatch, slow):
    """The bundled emulator returns no incremented values: the shard read beside the commit
    tells by its version whether it saw our write, so the count is exact in one sequential
    round trip whichever of the two finishes first."""
    import time as time_
    import uuid

    from shared.adapters.gcp import firestore_client

    real = firestore_client()
    spans: dict[str, list] = {"commit": [], "get_all": []}

    class Timed:
        def __getattr__(self, name):
            return getattr(real, name)

        def batch(self):
            batch = real.batch()
            commit = batch.commit

            def timed(*args, **kwargs):
                started = time_.perf_counter()
                if slow == "commit":
                    time_.sleep(0.15)  # the read finishes before our write lands
                try:
                    return commit(*args, **kwargs)
                finally:
                    spans["commit"].append((started, time_.perf_counter()))

            batch.commit = timed
            return batch

        def get_all(self, refs, **kwargs):
            started = time_.perf_counter()
            if slow == "get_all":
                time_.sleep(0.15)  # the read comes after our write
            found = list(real.get_all(refs, **kwargs))
            spans["get_all"].append((started, time_.perf_counter()))
            return found

    monkeypatch.setattr(rate_limits, "firestore_client", lambda: Timed())
    counter = rate_limits.Counter(f"trips-{uuid.uuid4().hex}", datetime.now(timezone.utc) + timedelta(hours=1), 2)
    assert [rate_limits.increment([counter])[0] for _ in range(5)] == [1, 2, 3, 4, 5]
    if slow == "commit":  # a commit this slow is always overlapped by the read (one round trip)
        for (c0, c1), (g0, g1) in zip(spans["commit"], spans["get_all"]):
            assert g0 < c1 and c0 < g1, "the read must run while the commit does"


def test_where_the_commit_returns_values_the_other_shards_are_read_during_it(monkeypatch):
    """Production: one sequential round trip, sharded or not: the get_all of the other
    shards runs while the commit does, and the total is the commit's value plus theirs."""
    import threading
    import time as time_

    state = {"inside": 0, "overlap": False, "counts": {}}
    lock = threading.Lock()

    def rpc():
        with lock:
            state["inside"] += 1
            state["overlap"] = state["overlap"] or state["inside"] > 1
        time_.sleep(0.2)
        with lock:
            state["inside"] -= 1

    class Ref:
        def __init__(self, doc_id):
            self.id = doc_id

    class Snap:
        def __init__(self, doc_id):
            self.id, self.exists = doc_id, doc_id in state["counts"]

        def get(self, field):
            return state["counts"].get(self.id, 0)

    class Value:
        def __init__(self, n):
            self.integer_value = n

    class Result:
        def __init__(self, n):
            self.transform_results = [Value(n)]

    class Batch:
        def __init__(self):
            self.ids = []

        def set(self, ref, data, merge):
            self.ids.append(ref.id)

        def commit(self, **kwargs):
            rpc()
            for doc_id in self.ids:
                state["counts"][doc_id] = state["counts"].get(doc_id, 0) + 1
            return [Result(state["counts"][doc_id]) for doc_id in self.ids]

    class Db:
        def collection(self, name):
            return self

        def document(self, doc_id):
            return Ref(doc_id)

        def batch(self):
            return Batch()

        def get_all(self, refs, **kwargs):
            rpc()
            return [Snap(ref.id) for ref in refs]

    monkeypatch.setattr(rate_limits, "firestore_client", lambda: Db())
    counter = rate_limits.Counter("c", datetime.now(timezone.utc), 4, "e")
    started = time_.perf_counter()
    totals = [rate_limits.increment([counter])[0] for _ in range(6)]
    elapsed = time_.perf_counter() - started
    assert totals == [1, 2, 3, 4, 5, 6]
    assert state["overlap"] and elapsed < 6 * 0.3, elapsed  # 6 requests, ~0.2 s each, not 0.4
    assert sorted(state["counts"].values()) == [1, 1, 2, 2]  # spread over the 4 shards


# -- the client address, through Hosting and directly ------------------------------------

def test_the_client_address_on_both_paths_and_never_from_the_clients_own_header(settings_env):
    settings_env(SOKU_TRUSTED_PROXY_HOPS="1")
    ip = rate_limits.client_ip
    # The function's own URL: Google's front end appended the client's address.
    assert ip("169.254.1.1", "203.0.113.5") == "203.0.113.5"
    assert ip("169.254.1.1", "6.6.6.6, 203.0.113.5") == "203.0.113.5"
    # Through Hosting: Hosting appended the client, Google's front end Hosting's hop.
    assert ip("169.254.1.1", "203.0.113.5, 35.191.8.9", via_hosting=True) == "203.0.113.5"
    assert ip("169.254.1.1", "6.6.6.6, 203.0.113.5, 130.211.1.2", via_hosting=True) == "203.0.113.5"
    # Pretending to come through Hosting on the direct URL buys nothing: the markers
    # decide nothing, and the front end's own entry (the caller) is not a Hosting hop.
    assert ip("169.254.1.1", "6.6.6.6, 203.0.113.5", via_hosting=True) == "203.0.113.5"
    assert ip("169.254.1.1", "35.191.8.9, 203.0.113.5", via_hosting=True) == "203.0.113.5"
    # Writing a Hosting hop into one's own header through Hosting moves nothing either.
    assert ip("169.254.1.1", "6.6.6.6, 35.191.0.1, 203.0.113.5, 35.191.8.9") == "203.0.113.5"
    # Without any trusted Hosting range, Hosting's hop is what gets counted (never a client's word).
    settings_env(SOKU_HOSTING_PROXY_NETWORKS="none")
    assert ip("169.254.1.1", "203.0.113.5, 35.191.8.9", via_hosting=True) == "35.191.8.9"


def test_per_address_budgets_through_hosting_and_directly(stack, frozen, settings_env):
    """End to end with the headers each path delivers: two clients behind the same Hosting
    hop have budgets of their own, and a direct caller cannot mint budgets by forging."""
    import httpx

    settings_env(SOKU_RATE_LIMITS=json.dumps({"default": [2, 0]}))
    hosting = {"X-Fh-Requested-Host": "soku.web.app", "X-Forwarded-Host": "soku.web.app"}

    def get(forwarded: str, **extra: str) -> int:
        with httpx.Client(base_url=stack.base_url, timeout=30) as http:
            return http.get("/health", headers={"X-Forwarded-For": forwarded, **extra}).status_code

    hop = "35.191.77.1"
    assert [get(f"203.0.113.10, {hop}", **hosting) for _ in range(3)] == [200, 200, 429]
    assert [get(f"203.0.113.11, {hop}", **hosting) for _ in range(2)] == [200, 200]  # not the hop's budget
    # Direct, forging a new left-hand address (and Hosting's headers) on every request.
    assert [get(f"10.9.9.{i}, 203.0.113.12", **hosting) for i in range(3)] == [200, 200, 429]
    assert [get(f"10.9.8.{i}, 35.191.77.1, 203.0.113.13") for i in range(3)] == [200, 200, 429]


# -- one budget for the two render routes ---------------------------------------------------

def test_templates_and_render_og_share_one_endpoint_budget(client, user, frozen, settings_env):
    settings_env(SOKU_RATE_LIMITS=json.dumps({"POST /v1/templates": 3, "POST /v1/media/render-og": 3}))
    routes = ["/v1/templates", "/v1/media/render-og"] * 2
    # An empty body is refused by validation, after it was counted: fast, and enough here.
    responses = [client.post(route, json={}, headers=user.key_headers) for route in routes]
    assert [r.status_code for r in responses] == [400, 400, 400, 429], [r.text for r in responses]
    assert [_int(r, "X-RateLimit-Remaining") for r in responses[:3]] == [2, 1, 0]
    error = assert_error(responses[3], 429, "rate_limit_exceeded")
    assert error["details"]["endpoint"] == "POST /v1/media/render-og"
    assert error["details"]["sharedWith"] == "POST /v1/templates" and error["details"]["limit"] == 3
    assert_error(client.post("/v1/templates", json={}, headers=user.key_headers), 429, "rate_limit_exceeded")
