"""Google Business Profile publisher against its sandbox, through the real API and the Cloud Tasks
emulator, on locations connected through the real connect flow: STANDARD posts with a photo
Google fetches from the media's public URL and a call-to-action button, EVENT and OFFER posts,
options refused at submission naming the field, exactly once across a crash after the create was
armed (reconciled from the location's post listing), token refresh, rate limits, delete, and the
metrics: a location's from the Performance API, none for a post (saying why). What the SANDBOX STORED is what is asserted."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from devstack.sandboxes import google_business as gbp
from tests.posting import SandboxCalls, Target, body, call_task, killed_while_held, stored_run, submit, wait_out_the_reset
from tests.media_origin import settings_env  # noqa: F401 - fixture
from tests.test_connect_google_business import connected_location

PLATFORM = "google_business"


@pytest.fixture
def place(client, user) -> tuple[Target, str]:
    """A location of the test's own Google user, connected through start, begin, consent and the
    callback; (the target, the location's resource name at Google). The user's only location, so
    a bare `google_business` target names it."""
    subject, account_id = connected_location(client, user, locations=1)
    return Target(PLATFORM, account_id, post_key="name"), gbp.location_name(subject)


def _posts(sandbox, location: str) -> list[dict]:
    return [p for p in sandbox.posts(PLATFORM) if p["location"] == location]


def _post(text: str, **options) -> dict:
    return body([PLATFORM], text, **({"options": {PLATFORM: options}} if options else {}))


def _sha(db, media_id: str) -> str:
    from shared.adapters.gcp import storage_client
    from shared.config import get_settings

    path = db.collection("media").document(media_id).get().get("objectPath")
    return hashlib.sha256(storage_client().bucket(get_settings().media_bucket).blob(path).download_as_bytes()).hexdigest()


def test_a_standard_post_with_a_photo_and_a_button_is_what_google_stores(client, user, sandbox, db, stored_media,
                                                                        place):
    target, location = place
    photo = stored_media(user, "image", 200_000)
    action = {"actionType": "LEARN_MORE", "url": "https://bakery.example/croissants"}
    text = "Fresh croissants every morning from 7 & our new sourdough 🥐"
    sid = submit(client, user, body([PLATFORM], text, mediaIds=[photo],
                                    options={PLATFORM: {"callToAction": action, "languageCode": "en-GB"}}))
    run = target.final(client, user, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 1, run
    stored = target.posted(sandbox, run)
    assert stored["location"] == location and stored["topicType"] == "STANDARD" and stored["state"] == "LIVE"
    assert stored["summary"] == text and stored["languageCode"] == "en-GB" and stored["callToAction"] == action
    [media] = stored["media"]  # Google fetched the photo from its public URL
    assert media["bytes"] == 200_000 and media["contentType"] == "image/jpeg" and media["sha256"] == _sha(db, photo)
    assert media["url"] == db.collection("media").document(photo).get().get("url")
    assert stored["event"] is None and stored["offer"] is None
    assert run["result"]["postId"] == stored["name"] and stored["name"].startswith(f"{location}/localPosts/")
    assert run["result"]["url"] == stored["searchUrl"]
    page = httpx.get(run["result"]["url"])
    assert page.status_code == 200 and "Fresh croissants every morning from 7 &amp; our new sourdough" in page.text


def test_an_event_post_carries_its_title_and_schedule_in_the_locations_clock(client, user, sandbox, place):
    """Google's Date and TimeOfDay carry no zone: the times reach it as the user wrote them."""
    target, location = place
    event = {"title": "Christmas tasting", "startTime": "2026-12-24T18:00:00",
             "endTime": "2026-12-24T21:30:00"}
    run = target.final(client, user, submit(client, user, _post(
        "Taste the whole Christmas range", topicType="event", event=event,
        callToAction={"actionType": "CALL"})))
    assert run["status"] == "succeeded", run
    stored = target.posted(sandbox, run)
    assert stored["topicType"] == "EVENT" and stored["summary"] == "Taste the whole Christmas range"
    assert stored["event"] == {"title": "Christmas tasting", "schedule": {
        "startDate": {"year": 2026, "month": 12, "day": 24},
        "startTime": {"hours": 18, "minutes": 0, "seconds": 0, "nanos": 0},
        "endDate": {"year": 2026, "month": 12, "day": 24},
        "endTime": {"hours": 21, "minutes": 30, "seconds": 0, "nanos": 0}}}
    assert stored["callToAction"] == {"actionType": "CALL"} and stored["media"] == [] and stored["offer"] is None


def test_an_offer_post_carries_its_coupon_link_and_terms(client, user, sandbox, place):
    target, location = place
    offer = {"couponCode": "BREAD20", "redeemUrl": "https://bakery.example/redeem", "terms": "One per customer."}
    event = {"title": "20% off bread", "startTime": "2026-12-01T00:00:00", "endTime": "2026-12-31T23:59:00"}
    run = target.final(client, user, submit(client, user, _post("All December long", topicType="offer",
                                                                event=event, offer=offer)))
    assert run["status"] == "succeeded", run
    stored = target.posted(sandbox, run)
    assert stored["topicType"] == "OFFER" and stored["location"] == location
    assert stored["offer"] == {"couponCode": "BREAD20", "redeemOnlineUrl": "https://bakery.example/redeem",
                               "termsConditions": "One per customer."}
    assert stored["event"]["title"] == "20% off bread"
    assert stored["event"]["schedule"]["endTime"] == {"hours": 23, "minutes": 59, "seconds": 0, "nanos": 0}


@pytest.mark.parametrize("options, field", [
    ({"topicType": "event"}, "event"),  # Google requires the event for EVENT and OFFER posts
    ({"topicType": "offer", "offer": {"couponCode": "X"}}, "event"),
    ({"offer": {"couponCode": "X"}}, "offer"),  # offer is for OFFER posts only
    ({"callToAction": {"actionType": "BOOK"}}, "callToAction.url"),
    ({"callToAction": {"actionType": "CALL", "url": "https://a.example"}}, "callToAction.url"),
    ({"callToAction": {"actionType": "VISIT", "url": "https://a.example"}}, "callToAction.actionType"),
    ({"topicType": "alert"}, "topicType"),
    ({"topicType": "event", "event": {"title": "t", "startTime": "2026-12-24T18:00:00",
                                       "endTime": "2026-12-24T17:00:00"}}, "event.endTime"),
    ({"topicType": "event", "event": {"title": "t", "startTime": "tomorrow", "endTime": "2026-12-24T17:00:00"}},
     "event.startTime"),
    # An offset would suggest a conversion Google cannot make: its schedule has no zone.
    ({"topicType": "event", "event": {"title": "t", "startTime": "2026-12-24T18:00:00+01:00",
                                       "endTime": "2026-12-24T19:00:00"}}, "event.startTime"),
    ({"languageCode": "English"}, "languageCode"),
    ({"locationId": "123"}, "locationId"),  # no such option: the target's accountId is the location
])
def test_wrong_options_are_refused_at_submission_naming_the_field(client, user, sandbox, place, options, field):
    target, location = place
    r = client.post("/v1/posts", json=_post("bad options", **options), headers=user.key_headers)
    assert r.status_code == 400, (options, r.text)
    error = r.json()["error"]
    assert any(d.get("field", "").endswith(f"options.{PLATFORM}.{field}") for d in error["details"]), error
    assert _posts(sandbox, location) == []


def test_what_google_cannot_take_is_refused_at_submission(client, user, stored_media, place):
    too_long = client.post("/v1/posts", json=_post("a" * 1501), headers=user.key_headers)
    assert too_long.status_code == 400 and "1500" in too_long.text, too_long.text
    two = [stored_media(user, "image", 50_000), stored_media(user, "image", 50_000)]
    r = client.post("/v1/posts", json=body([PLATFORM], "two photos", mediaIds=two), headers=user.key_headers)
    assert r.status_code == 400, r.text
    video = client.post("/v1/posts", json=body([PLATFORM], "a video", mediaIds=[stored_media(user, "video", 100_000)]),
                        headers=user.key_headers)
    assert video.status_code == 400, video.text


def test_a_photo_without_text_is_refused_at_submission(client, stack, user, sandbox, stored_media, place):
    """The manifest's text_required: the post is refused now, naming the field, not failed later."""
    target, location = place
    calls = SandboxCalls(stack, PLATFORM)
    r = client.post("/v1/posts", json=body([PLATFORM], "  ", mediaIds=[stored_media(user, "image", 50_000)]),
                    headers=user.key_headers)
    assert r.status_code == 400, r.text
    [detail] = r.json()["error"]["details"]
    assert detail["field"] == "body.post.content.text" and detail["code"] == "required", detail
    assert detail["platform"] == PLATFORM and "needs text" in detail["message"], detail
    assert calls() == [] and _posts(sandbox, location) == []


def test_a_crash_after_the_create_was_armed_makes_one_post(client, stack, user, sandbox, db, place):
    target, location = place
    sid = submit(client, user, {**_post("Exactly once on Google"), "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": target.target}
    # Google makes the post; the answer never reaches the publisher, which dies.
    killed_while_held(sandbox, PLATFORM, task, lambda: _posts(sandbox, location), operation="create")
    run = stored_run(db, sid, target.target)
    assert run["status"] == "processing" and run["checkpoint"]["createArmedAt"]
    [made] = _posts(sandbox, location)

    calls = SandboxCalls(stack, PLATFORM)
    retry = call_task(client, "publishGoogleBusiness", task, retry_count=1)  # Cloud Tasks' retry
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    assert calls() == ["lookup"]  # found by its summary in the location's posts: not created again
    [post] = _posts(sandbox, location)  # ONE post at Google
    final = target.run(client, user, sid)
    assert final["status"] == "succeeded" and final["result"]["postId"] == made["name"] == post["name"], final
    assert final["result"]["url"] == made["searchUrl"] and final["attemptCount"] == 2


def test_a_retry_before_google_lists_the_post_keeps_looking_and_makes_one(client, stack, user, sandbox, db,
                                                                          place, settings_env):  # noqa: F811
    """The listing leaves the lost create's post out for its first 5 s: the retry, at once, must not
    trust that miss but look until the create is older than the listing lag (scaled here to
    (30 s reach + 60 s lag) x 0.1 = 9 s), find the post, and never create again."""
    settings_env(SOKU_LISTING_LAG_SCALE="0.1")
    target, location = place
    sid = submit(client, user, {**_post("Listed late by Google"), "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": target.target}
    killed_while_held(sandbox, PLATFORM, task, lambda: _posts(sandbox, location), operation="create")
    sandbox.fault(PLATFORM, "lookup", "lag", times=1000, seconds=5)
    calls = SandboxCalls(stack, PLATFORM)
    retry = call_task(client, "publishGoogleBusiness", task, retry_count=1)
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    assert "create" not in calls() and calls().count("lookup") > 1  # missed, looked again, found
    [post] = _posts(sandbox, location)
    assert target.run(client, user, sid)["result"]["postId"] == post["name"]


def test_a_duplicate_delivery_publishes_once(client, user, sandbox, place):
    target, location = place
    sid = submit(client, user, _post("Delivered twice"))
    assert target.final(client, user, sid)["status"] == "succeeded"
    again = call_task(client, "publishGoogleBusiness", {"postSubmissionId": sid, "targetId": target.target},
                      retry_count=1)
    assert again.status_code == 200, again.text
    assert len(_posts(sandbox, location)) == 1


def test_an_expired_token_is_refreshed_once_and_the_post_made(client, user, sandbox, db, place):
    from shared.adapters.crypto import decrypt_json

    target, location = place
    ref = target.account(db, user)
    before = decrypt_json(ref.get().get("tokens"), associated=ref.path)
    sandbox.fault(PLATFORM, "create", "expired_token")  # Google answers 401 UNAUTHENTICATED
    run = target.final(client, user, submit(client, user, _post("After a refresh")))
    assert run["status"] == "succeeded", run
    after = decrypt_json(ref.get().get("tokens"), associated=ref.path)
    assert after["accessToken"] != before["accessToken"]
    assert after["refreshToken"] == before["refreshToken"]  # Google does not rotate refresh tokens
    assert [p["summary"] for p in _posts(sandbox, location)] == ["After a refresh"]


def test_a_revoked_grant_needs_a_reconnect(client, user, sandbox, db, place):
    target, location = place
    sandbox.fault(PLATFORM, "create", "expired_token")
    sandbox.fault(PLATFORM, "token", "revoked")  # the refresh is refused: invalid_grant
    run = target.final(client, user, submit(client, user, _post("Never made")))
    assert run["status"] == "failed" and run["result"]["code"] == "token_expired", run
    assert target.account(db, user).get().get("status") == "needs_reconnect"
    assert _posts(sandbox, location) == []


def test_a_rate_limit_waits_and_then_publishes(client, user, sandbox, db, time_travel, place):
    target, location = place
    sandbox.fault(PLATFORM, "create", "rate_limit")  # 429 RESOURCE_EXHAUSTED
    sid = submit(client, user, _post("Patience"))
    parked = wait_out_the_reset(client, db, time_travel, sid)
    assert parked["lastError"]["code"] == "rate_limited", parked
    run = target.final(client, user, sid)
    assert run["status"] == "succeeded", run
    assert len(_posts(sandbox, location)) == 1


def test_a_post_google_rejects_fails_the_run_with_its_name(client, user, sandbox, place):
    target, location = place
    sandbox.fault(PLATFORM, "create", "rejected")
    run = target.final(client, user, submit(client, user, _post("Against the content policy")))
    assert run["status"] == "failed" and run["result"]["code"] == "publish_rejected", run
    [post] = _posts(sandbox, location)
    assert post["state"] == "REJECTED" and post["name"] in run["result"]["message"]


def test_a_published_post_is_deleted_once(client, stack, user, sandbox, place):
    target, location = place
    sid = submit(client, user, _post("Here for a moment"))
    run = target.final(client, user, sid)
    assert run["status"] == "succeeded", run
    path = f"/v1/posts/{sid}/runs/{target.target}/published"
    r = client.delete(path, headers=user.key_headers)
    assert r.status_code == 200 and r.json()["deletion"]["status"] == "deleted", r.text
    assert _posts(sandbox, location) == []
    gone = httpx.get(f"{stack.sandboxes.base_url}/__sandbox/posts", params={"platform": PLATFORM,
                                                                            "deleted": "1"}).json()["posts"]
    assert any(p["name"] == run["result"]["postId"] for p in gone)
    calls = SandboxCalls(stack, PLATFORM)
    again = client.delete(path, headers=user.key_headers)
    assert again.status_code == 200 and calls() == []  # answered from the run, not asked again


def test_a_post_deleted_at_google_counts_as_deleted(client, stack, user, sandbox, place):
    target, location = place
    sid = submit(client, user, _post("Deleted in the Business Profile"))
    run = target.final(client, user, sid)
    stack.sandboxes.state.delete_post(PLATFORM, lambda p: p["name"] == run["result"]["postId"])
    r = client.delete(f"/v1/posts/{sid}/runs/{target.target}/published", headers=user.key_headers)
    assert r.status_code == 200 and r.json()["deletion"]["alreadyGone"] is True, r.text


def _sandbox_totals(location_id: str) -> dict[str, int]:
    """What the sandbox's daily figures sum to over the 28 days ending yesterday (UTC)."""
    from datetime import datetime, timedelta, timezone

    end = datetime.now(timezone.utc).date() - timedelta(days=1)
    days = [end - timedelta(days=i) for i in range(28)]
    metrics = ("BUSINESS_IMPRESSIONS_DESKTOP_MAPS", "BUSINESS_IMPRESSIONS_DESKTOP_SEARCH",
               "BUSINESS_IMPRESSIONS_MOBILE_MAPS", "BUSINESS_IMPRESSIONS_MOBILE_SEARCH", "CALL_CLICKS",
               "WEBSITE_CLICKS", "BUSINESS_DIRECTION_REQUESTS")
    return {m: sum(gbp.daily_value(location_id, m, day) for day in days) for m in metrics} | {
        "start": min(days).isoformat(), "end": end.isoformat()}


def test_a_post_s_metrics_are_not_supported_and_say_why_without_a_call(client, stack, user, sandbox, place):
    target, location = place
    sid = submit(client, user, _post("Count me"))
    assert target.final(client, user, sid)["status"] == "succeeded"
    calls = SandboxCalls(stack, PLATFORM)
    r = client.get(f"/v1/posts/{sid}/metrics", headers=user.key_headers)
    assert r.status_code == 200, r.text
    [run] = [m for m in r.json()["runs"] if m["targetId"] == target.target]
    assert run["status"] == "error" and run["error"]["code"] == "not_supported" and run["metrics"] is None
    assert "reportInsights" in run["error"]["message"] and "/metrics" in run["error"]["message"]
    assert calls() == []  # no call is made


def test_a_location_s_metrics_are_the_performance_api_s_figures_over_28_days(client, stack, user, sandbox, place):
    target, location = place
    location_id = location.rsplit("/", 1)[1]
    calls = SandboxCalls(stack, PLATFORM)
    r = client.get(f"/v1/accounts/{target.account_id}/metrics", headers=user.key_headers)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["status"] == "ok" and answer["error"] is None, answer
    # A location has no followers, following or posts: null, not invented.
    assert answer["metrics"] == {"followers": None, "following": None, "posts": None}
    expected = _sandbox_totals(location_id)
    surfaces = {"desktopMaps": expected["BUSINESS_IMPRESSIONS_DESKTOP_MAPS"],
                "desktopSearch": expected["BUSINESS_IMPRESSIONS_DESKTOP_SEARCH"],
                "mobileMaps": expected["BUSINESS_IMPRESSIONS_MOBILE_MAPS"],
                "mobileSearch": expected["BUSINESS_IMPRESSIONS_MOBILE_SEARCH"]}
    assert answer["locationMetrics"] == {
        "period": {"startDate": expected["start"], "endDate": expected["end"], "days": 28},
        "impressions": sum(surfaces.values()), "impressionsBySurface": surfaces,
        "callClicks": expected["CALL_CLICKS"], "websiteClicks": expected["WEBSITE_CLICKS"],
        "directionRequests": expected["BUSINESS_DIRECTION_REQUESTS"]}
    assert answer["locationMetrics"]["impressions"] > 0
    assert answer["platformMetrics"]["CALL_CLICKS"] == expected["CALL_CLICKS"]
    assert "BUSINESS_CONVERSATIONS" not in answer["platformMetrics"]  # deprecated: not asked
    assert calls() == ["metrics"]  # one call for every metric
    again = client.get(f"/v1/accounts/{target.account_id}/metrics", headers=user.key_headers).json()
    assert again["cached"] is True and again["locationMetrics"] == answer["locationMetrics"]


def test_a_location_google_refuses_is_missing_scope_in_google_s_words(client, sandbox, user, place):
    target, _ = place
    sandbox.fault(PLATFORM, "metrics", "forbidden")
    r = client.get(f"/v1/accounts/{target.account_id}/metrics", headers=user.key_headers)
    assert r.status_code == 200, r.text
    error = r.json()["error"]
    assert r.json()["status"] == "error" and error["code"] == "missing_scope", r.text
    assert "The caller does not have permission" in error["message"] and "PERMISSION_DENIED" in error["message"]


def test_the_performance_api_refuses_a_token_and_a_location_as_google_does(stack, client, user, place):
    target, location = place
    url = f"{stack.sandboxes.base_url}/{PLATFORM}/performance/v1/locations/{location.rsplit('/', 1)[1]}" \
          ":fetchMultiDailyMetricsTimeSeries"
    params = {"dailyMetrics": "CALL_CLICKS", "dailyRange.startDate.year": 2026, "dailyRange.startDate.month": 1,
              "dailyRange.startDate.day": 1, "dailyRange.endDate.year": 2026, "dailyRange.endDate.month": 1,
              "dailyRange.endDate.day": 2}
    r = httpx.get(url, params=params, headers={"Authorization": "Bearer nonsense"})
    assert r.status_code == 401 and r.json()["error"]["status"] == "UNAUTHENTICATED"
    token = gbp_token(stack, user, target)
    r = httpx.get(url.replace("/locations/", "/locations/9"), params=params, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403 and r.json()["error"]["status"] == "PERMISSION_DENIED"
    r = httpx.get(url, params={**params, "dailyMetrics": "FOLLOWERS"}, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 400 and r.json()["error"]["status"] == "INVALID_ARGUMENT"
    r = httpx.get(url, params=params, headers={"Authorization": f"Bearer {token}"})
    [series] = r.json()["multiDailyMetricTimeSeries"][0]["dailyMetricTimeSeries"]
    assert series["dailyMetric"] == "CALL_CLICKS" and len(series["timeSeries"]["datedValues"]) == 2


def gbp_token(stack, user, target) -> str:
    from shared.platforms import Platform
    from shared.services.publishing.accounts import load_account

    _, account = load_account(user.uid, Platform.GOOGLE_BUSINESS, target.account_id)
    return account.tokens.access_token


def test_the_catalog_says_location_metrics_and_why_no_post_metrics(client, demo):
    r = client.get("/v1/platforms/google_business", headers=demo.key_headers)
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["capabilities"]["metrics"] is True
    assert view["metrics"]["posts"]["supported"] is False and "reportInsights" in view["metrics"]["posts"]["reason"]
    assert view["metrics"]["accounts"]["supported"] is True
    assert "locationMetrics" in view["metrics"]["accounts"]["description"]

def test_the_performance_call_and_answers_hold_to_google_s_discovery_document(stack, user, place):
    """What insights.py asks (its metrics and range, as it builds them) is what the method declares,
    and the sandbox's answers match the method's response schema and Google's error envelope:
    businessprofileperformance.v1.json in google-api-python-client, read as the YouTube contract
    reads youtube.v3.json (devstack/contracts/youtube.py)."""
    import json
    from importlib import resources
    from urllib.parse import parse_qs, urlencode

    from devstack.contracts import wire
    from devstack.contracts.youtube import GOOGLE_ERROR, _convert, _param
    from shared.platforms.google_business import insights

    document = json.loads(resources.files("googleapiclient").joinpath(
        "discovery_cache/documents/businessprofileperformance.v1.json").read_text())
    method = document["resources"]["locations"]["methods"]["fetchMultiDailyMetricsTimeSeries"]
    assert method["httpMethod"] == "GET" and method["path"] == "v1/{+location}:fetchMultiDailyMetricsTimeSeries"
    validator = wire.validator({"schemas": {n: _convert(s) for n, s in document["schemas"].items()}})
    declared = {name: _param(spec) for name, spec in method["parameters"].items() if spec["location"] == "query"}
    declared |= {name: _param(spec) for name, spec in document["parameters"].items()}
    start, end = insights.period()
    query = [("dailyMetrics", m) for m in insights.DAILY_METRICS] + list(insights._range(start, end).items())
    assert wire.params_errors(validator, declared, parse_qs(urlencode(query)), "query") == []

    target, location = place
    url = (f"{stack.sandboxes.base_url}/{PLATFORM}/performance/v1/locations/{location.rsplit('/', 1)[1]}"
           ":fetchMultiDailyMetricsTimeSeries")
    token = gbp_token(stack, user, target)
    answer = httpx.get(url, params=query, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    assert wire.schema_errors(validator, _convert(method["response"]), answer.json(), "answer") == []
    for refused in (httpx.get(url, params=query, headers={"Authorization": "Bearer nonsense"}),
                    httpx.get(url.replace("/locations/", "/locations/9"), params=query,
                              headers={"Authorization": f"Bearer {token}"})):
        assert wire.schema_errors(validator, GOOGLE_ERROR, refused.json(), "error") == [], refused.text
        assert refused.json()["error"]["code"] == refused.status_code


def test_a_401_on_the_location_s_metrics_refreshes_the_token_and_answers(client, sandbox, user, place):
    target, _ = place
    sandbox.fault(PLATFORM, "metrics", "expired_token")  # Google's 401 UNAUTHENTICATED, once
    r = client.get(f"/v1/accounts/{target.account_id}/metrics", headers=user.key_headers)
    assert r.status_code == 200 and r.json()["status"] == "ok", r.text
    assert r.json()["locationMetrics"]["impressions"] > 0
