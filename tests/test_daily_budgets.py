"""Daily ceilings per account, by tier (issue 36, item 9), over HTTP against the emulators:
posts (one per target), media bytes, rendered images and transcription minutes, each
refused with 429 `daily_limit_exceeded` naming the budget, with `Retry-After` until the
UTC day ends; refusals of bad input spend nothing; `GET /v1/me` shows the usage.
`SOKU_DAILY_LIMITS` makes the ceilings small here."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from google.cloud.firestore import FieldFilter

from shared.services import budgets
from tests.audio_fixtures import balance_of, encode, give_credits, put_media  # noqa: F401 - fixtures
from tests.envelope import assert_error
from tests.media_origin import JPEG_1PX, loopback_only, mp4, origin, settings_env  # noqa: F401 - fixtures
from tests.posting import body

LATER = "2099-01-01T00:00:00Z"  # a post the pipeline leaves alone
VIDEO = mp4(5_009)
GIB = 1024 ** 3


def _limits(settings_env, **premium) -> None:
    settings_env(SOKU_DAILY_LIMITS=json.dumps({"premium": premium}))


def _post(client, user, platforms, **extra) -> httpx.Response:
    payload = body(platforms, text=f"Daily budget {uuid.uuid4().hex[:8]}") | {"scheduledTime": LATER} | extra
    return client.post("/v1/posts", json=payload, headers=user.key_headers)


def _usage(client, user) -> dict:
    r = client.get("/v1/me", headers=user.key_headers)
    assert r.status_code == 200, r.text
    return r.json()["usage"]


def _midnight() -> datetime:
    today = datetime.now(timezone.utc).date()
    return datetime(today.year, today.month, today.day, tzinfo=timezone.utc) + timedelta(days=1)


def _assert_daily(response: httpx.Response, budget: str, *, limit: int, used: int,
                  requested: int | None) -> dict:
    error = assert_error(response, 429, "daily_limit_exceeded")
    expected = {"budget": budget, "limit": limit, "used": used, "resetsAt": error["details"]["resetsAt"],
                "tier": "premium"} | ({"requested": requested} if requested is not None else {})
    assert error["details"] == expected
    resets = datetime.fromisoformat(error["details"]["resetsAt"].replace("Z", "+00:00"))
    assert resets == _midnight()
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= 86_400
    assert abs((datetime.now(timezone.utc) + timedelta(seconds=retry_after) - resets).total_seconds()) < 5
    assert budget in error["message"] and str(limit) in error["message"]
    return error


# -- posts ---------------------------------------------------------------------------------

def test_posts_are_counted_per_target_and_refused_over_the_daily_ceiling(client, demo, settings_env):
    _limits(settings_env, posts=3)
    assert _post(client, demo, ["x", "threads"]).status_code == 201  # two targets: 2 of 3
    _assert_daily(_post(client, demo, ["x", "threads"]), "posts", limit=3, used=2, requested=2)
    assert _post(client, demo, ["x"]).status_code == 201  # the refusal spent nothing: 3 of 3
    _assert_daily(_post(client, demo, ["threads"]), "posts", limit=3, used=3, requested=1)
    assert _usage(client, demo)["posts"] == {"used": 3, "limit": 3, "unit": "targets",
                                             "resetsAt": budgets.usage_view(demo.uid, "premium")["posts"]["resetsAt"]}
    # An Idempotency-Key replay of an accepted post is its first answer, not a new charge.
    _limits(settings_env, posts=4)
    payload = body(["x"], text="replayed") | {"scheduledTime": LATER}
    headers = demo.key_headers | {"Idempotency-Key": f"k-{uuid.uuid4().hex}"}
    first = client.post("/v1/posts", json=payload, headers=headers)
    again = client.post("/v1/posts", json=payload, headers=headers)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert _usage(client, demo)["posts"]["used"] == 4


def test_a_refused_post_spends_nothing(client, demo, settings_env):
    _limits(settings_env, posts=2)
    refused = _post(client, demo, [{"platform": "x", "accountId": "no_such_account"}])
    assert 400 <= refused.status_code < 500 and refused.status_code != 429, refused.text
    bad = client.post("/v1/posts", json={"post": {"content": {"text": "no platform"}}}, headers=demo.key_headers)
    assert_error(bad, 400, "validation_error")
    assert _usage(client, demo)["posts"]["used"] == 0
    # The whole budget is still there.
    assert _post(client, demo, ["x", "threads"]).status_code == 201
    assert _usage(client, demo)["posts"]["used"] == 2


def test_concurrent_posts_never_pass_the_ceiling(client, demo, settings_env):
    _limits(settings_env, posts=4)
    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(lambda _: _post(client, demo, ["x"]), range(8)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * 4 + [429] * 4, [r.text for r in responses]
    assert _usage(client, demo)["posts"]["used"] == 4


# -- GET /v1/me ------------------------------------------------------------------------------

def test_me_shows_the_usage_of_every_daily_ceiling(client, demo, settings_env):
    fresh = client.get("/v1/me", headers=demo.key_headers)
    assert fresh.status_code == 200, fresh.text
    resets = budgets.usage_view(demo.uid, "premium")["posts"]["resetsAt"]
    assert datetime.fromisoformat(resets.replace("Z", "+00:00")) == _midnight()
    assert fresh.json()["usage"] == {
        "posts": {"used": 0, "limit": 1000, "unit": "targets", "resetsAt": resets},
        "mediaBytes": {"used": 0, "limit": 20 * GIB, "unit": "bytes", "resetsAt": resets},
        "renders": {"used": 0, "limit": 2000, "unit": "images", "resetsAt": resets},
        "transcriptionMinutes": {"used": 0, "limit": 600, "unit": "minutes", "resetsAt": resets}}
    _limits(settings_env, posts=10, renders=7)
    assert _post(client, demo, ["x", "threads"]).status_code == 201
    usage = _usage(client, demo)
    assert usage["posts"] == {"used": 2, "limit": 10, "unit": "targets", "resetsAt": resets}
    assert usage["renders"]["limit"] == 7 and usage["mediaBytes"]["limit"] == 20 * GIB


# -- media bytes -----------------------------------------------------------------------------

def _upload_file(client, user, name: str, data: bytes, content_type: str) -> httpx.Response:
    return client.post("/v1/media", files={"file": (name, data, content_type)}, headers=user.key_headers)


def test_media_bytes_are_limited_per_day(client, user, db, settings_env):
    limit = len(VIDEO) + len(JPEG_1PX) - 1
    _limits(settings_env, mediaBytes=limit)
    # A session that fits today is opened; its bytes are charged when it completes.
    session = client.post("/v1/media/uploads", json={"size": len(JPEG_1PX)}, headers=user.key_headers)
    assert session.status_code == 201, session.text
    assert httpx.put(session.json()["uploadUrl"], content=JPEG_1PX).status_code in (200, 201)
    stored = _upload_file(client, user, "clip.mp4", VIDEO, "video/mp4")
    assert stored.status_code == 201, stored.text
    assert _usage(client, user)["mediaBytes"]["used"] == len(VIDEO)

    complete = f"/v1/media/uploads/{session.json()['id']}/complete"
    _assert_daily(client.post(complete, headers=user.key_headers), "mediaBytes", limit=limit, used=len(VIDEO),
                  requested=len(JPEG_1PX))
    # A file is refused once its size shows, and nothing of it is kept.
    _assert_daily(_upload_file(client, user, "a.jpg", JPEG_1PX, "image/jpeg"), "mediaBytes", limit=limit,
                  used=len(VIDEO), requested=len(JPEG_1PX))
    # A session that cannot fit today is refused when it is opened.
    _assert_daily(client.post("/v1/media/uploads", json={"size": len(JPEG_1PX)}, headers=user.key_headers),
                  "mediaBytes", limit=limit, used=len(VIDEO), requested=len(JPEG_1PX))
    owned = list(db.collection("media").where(filter=FieldFilter("userId", "==", user.uid)).stream())
    assert [snap.id for snap in owned] == [stored.json()["id"]]
    assert _usage(client, user)["mediaBytes"]["used"] == len(VIDEO)

    # With room, the refused session completes (it stayed pending), and completing it again
    # answers the same media without a second charge.
    _limits(settings_env, mediaBytes=limit + 1)
    done = client.post(complete, headers=user.key_headers)
    assert done.status_code == 200, done.text
    assert client.post(complete, headers=user.key_headers).json() == done.json()
    assert _usage(client, user)["mediaBytes"]["used"] == limit + 1
    # At the ceiling, even a URL is refused before anything is fetched.
    _assert_daily(client.post("/v1/media", json={"url": "https://example.com/a.jpg"}, headers=user.key_headers),
                  "mediaBytes", limit=limit + 1, used=limit + 1, requested=None)


def test_a_url_is_refused_before_its_download_when_its_declared_size_does_not_fit(client, user, db, origin,
                                                                                 settings_env):
    limit = len(JPEG_1PX) + 1_000
    _limits(settings_env, mediaBytes=limit)
    fetch = lambda url: client.post("/v1/media", json={"url": url}, headers=user.key_headers)  # noqa: E731
    stored = fetch(origin.add("/photo.jpg", body=JPEG_1PX))
    assert stored.status_code == 201, stored.text
    assert _usage(client, user)["mediaBytes"]["used"] == len(JPEG_1PX)
    # Content-Length says it cannot fit: refused before a byte is stored.
    _assert_daily(fetch(origin.add("/clip.mp4", body=VIDEO)), "mediaBytes", limit=limit, used=len(JPEG_1PX),
                  requested=len(VIDEO))
    # No size declared (chunked): refused once its bytes are in, and none of them kept.
    chunked = origin.add("/stream.mp4", body=lambda: (VIDEO[i:i + 1024] for i in range(0, len(VIDEO), 1024)),
                         chunked=True)
    _assert_daily(fetch(chunked), "mediaBytes", limit=limit, used=len(JPEG_1PX), requested=len(VIDEO))
    owned = list(db.collection("media").where(filter=FieldFilter("userId", "==", user.uid)).stream())
    assert [snap.id for snap in owned] == [stored.json()["id"]]
    assert _usage(client, user)["mediaBytes"]["used"] == len(JPEG_1PX)


# -- rendered images -------------------------------------------------------------------------

RENDER = {"templateSlug": "tweetImage", "config": {"title": "Daily", "author": "@soku", "content": "One"}}


def _render(client, user, content: str, route: str = "/v1/templates", **config) -> httpx.Response:
    return client.post(route, json={**RENDER, "config": {**RENDER["config"], "content": content, **config}},
                       headers=user.key_headers)


def test_rendered_images_are_limited_per_day_and_cached_renders_are_free(client, user, settings_env):
    _limits(settings_env, renders=2)
    first = _render(client, user, "one")
    assert first.status_code == 200, first.text
    assert _render(client, user, "one").headers["X-Soku-Render-Cache"] == "hit"
    # A render that fails on its input (an image that is not the caller's) is refunded.
    assert_error(_render(client, user, "two", avatarMediaId="m0123456789abcdef"), 400, "image_unavailable")
    assert _usage(client, user)["renders"]["used"] == 1
    assert _render(client, user, "two").status_code == 200
    _assert_daily(_render(client, user, "three"), "renders", limit=2, used=2, requested=1)
    _assert_daily(_render(client, user, "three", route="/v1/media/render-og"), "renders", limit=2, used=2,
                  requested=1)
    assert _render(client, user, "two").status_code == 200  # cached: still served
    assert _usage(client, user)["renders"]["used"] == 2


# -- transcription minutes -------------------------------------------------------------------

def test_transcription_minutes_are_limited_per_day(client, user, db, give_credits, put_media, settings_env):
    _limits(settings_env, transcriptionMinutes=2)
    give_credits(user, 50)
    route = "/v1/ai/transcribe"
    half = client.post(route, json={"mediaId": put_media(user, encode(None, "wav", seconds=30), "wav")},
                       headers=user.key_headers)
    assert half.status_code == 200, half.text
    assert _usage(client, user)["transcriptionMinutes"]["used"] == 1
    # 90 s are two started minutes: one is left.
    long = put_media(user, encode(None, "wav", seconds=90), "wav")
    _assert_daily(client.post(route, json={"mediaId": long}, headers=user.key_headers), "transcriptionMinutes",
                  limit=2, used=1, requested=2)
    assert balance_of(db, user) == 49  # no credit went either
    # A job refused for its input spends nothing.
    assert_error(client.post(route, json={"mediaId": "mdoesnotexist0000"}, headers=user.key_headers), 404,
                 "MEDIA_NOT_FOUND")
    short = client.post(route, json={"mediaId": put_media(user, encode(None, "wav", seconds=20), "wav")},
                        headers=user.key_headers)
    assert short.status_code == 200, short.text
    _assert_daily(client.post(route, json={"mediaId": long}, headers=user.key_headers), "transcriptionMinutes",
                  limit=2, used=2, requested=1)
    assert _usage(client, user)["transcriptionMinutes"]["used"] == 2
    assert balance_of(db, user) == 48


# -- the table and its override ----------------------------------------------------------------

def test_the_default_ceilings_by_tier_and_a_bad_override_keeps_them(settings_env):
    assert budgets.limits_for("premium") == {"posts": 1000, "mediaBytes": 20 * GIB, "renders": 2000,
                                             "transcriptionMinutes": 600}
    assert budgets.limits_for("default")["posts"] < budgets.limits_for("authenticated")["posts"] \
        < budgets.limits_for("premium")["posts"] < budgets.limits_for("admin")["posts"]
    settings_env(SOKU_DAILY_LIMITS=json.dumps({"premium": {"posts": 5}}))
    assert budgets.limits_for("premium") == {"posts": 5, "mediaBytes": 20 * GIB, "renders": 2000,
                                             "transcriptionMinutes": 600}
    for typo in ('{"premium": {"post": 5}}', '{"gold": {"posts": 5}}', '{"premium": [5]}', "not json"):
        settings_env(SOKU_DAILY_LIMITS=typo)
        assert budgets.limits_for("premium") == budgets.DEFAULT_LIMITS["premium"], typo


@pytest.mark.parametrize("now,day,resets", [
    (datetime(2026, 12, 7, 23, 59, 59, tzinfo=timezone.utc), "2026-12-07", datetime(2026, 12, 8, tzinfo=timezone.utc)),
    (datetime(2026, 12, 31, 0, 0, tzinfo=timezone.utc), "2026-12-31", datetime(2027, 1, 1, tzinfo=timezone.utc)),
])
def test_the_day_is_the_utc_day(now, day, resets):
    assert budgets._day(now) == (day, resets)
