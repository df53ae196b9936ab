"""AI credits: exact cost arithmetic on measured durations, and GET /v1/credits/balance."""

from __future__ import annotations

import pytest

from shared.services.credits import cost_for_seconds
from tests.audio_fixtures import balance_of, encode, give_credits, put_media  # noqa: F401 - fixtures
from tests.envelope import assert_error

ROUTE = "/v1/ai/transcribe"


@pytest.mark.parametrize("seconds,credits", [
    (0.0, 1), (0.4, 1), (59.999, 1), (60.0, 1), (60.0004, 1), (60.001, 2), (61, 2),
    (119.9, 2), (120.0, 2), (120.5, 3), (3600.0, 60), (5400.2, 91),
])
def test_one_credit_per_started_minute(seconds, credits):
    assert cost_for_seconds(seconds) == credits


@pytest.mark.parametrize("seconds,declared,charged", [
    (59.5, None, 1),
    (60.0, 60, 1),   # exactly a minute is one minute, even through decoding and resampling
    (60.5, 60, 2),   # a started second minute
    (125.0, 10, 3),  # declaring less does not make it cheaper
    (30.0, 600, 1),  # declaring more does not make it dearer
])
def test_charge_follows_the_measured_duration(client, user, db, give_credits, put_media, seconds, declared,
                                              charged):
    give_credits(user, 50)
    media_id = put_media(user, encode(None, "wav", seconds=seconds), "wav")
    body = {"mediaId": media_id} | ({"durationSeconds": declared} if declared is not None else {})
    r = client.post(ROUTE, json=body, headers=user.key_headers)
    assert r.status_code == 200, r.text
    assert r.json()["creditsDebited"] == charged
    assert balance_of(db, user) == 50 - charged
    job = db.collection("users").document(user.uid).collection("aiJobs").document(r.json()["jobId"]).get()
    assert job.get("durationSeconds") == pytest.approx(seconds, abs=0.01)


def test_balance_starts_empty(client, user):
    r = client.get("/v1/credits/balance", headers=user.key_headers)
    assert r.status_code == 200, r.text
    assert r.json() == {"balance": 0, "updatedAt": None, "ledger": []}


def test_balance_shows_debits_newest_first(client, user, give_credits, put_media):
    give_credits(user, 500)  # like the demo user
    short = put_media(user, encode(None, "wav", seconds=20), "wav")
    long = put_media(user, encode(None, "wav", seconds=130), "wav")
    first = client.post(ROUTE, json={"mediaId": short}, headers=user.key_headers).json()
    second = client.post(ROUTE, json={"mediaId": long}, headers=user.key_headers).json()

    r = client.get("/v1/credits/balance", headers=user.key_headers)
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["balance"] == 496 and view["updatedAt"].endswith("Z")
    assert [e["jobId"] for e in view["ledger"]] == [second["jobId"], first["jobId"]]
    newest = view["ledger"][0]
    assert newest == {"id": second["jobId"], "type": "debit", "feature": "transcription", "amount": -3,
                      "balanceAfter": 496, "jobId": second["jobId"], "mediaId": long,
                      "createdAt": newest["createdAt"]}
    assert view["ledger"][1]["amount"] == -1 and view["ledger"][1]["balanceAfter"] == 499

    limited = client.get("/v1/credits/balance?limit=1", headers=user.key_headers).json()
    assert [e["jobId"] for e in limited["ledger"]] == [second["jobId"]]


def test_balance_is_per_user_and_the_demo_user_has_500(client, demo, user, give_credits):
    give_credits(user, 7)
    assert client.get("/v1/credits/balance", headers=demo.key_headers).json()["balance"] == 500
    assert client.get("/v1/credits/balance", headers=user.key_headers).json()["balance"] == 7


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=ten", "color=blue"])
def test_bad_query_is_a_validation_error(client, user, query):
    r = client.get(f"/v1/credits/balance?{query}", headers=user.key_headers)
    assert_error(r, 400, "validation_error")


def test_balance_requires_an_api_key(client):
    assert_error(client.get("/v1/credits/balance"), 401, "unauthorized")
