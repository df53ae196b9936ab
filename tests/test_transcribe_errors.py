"""Every error of POST /v1/ai/transcribe: the spec's codes, validation, credits, upstream failures.

None of them charges anything.
"""

from __future__ import annotations

import pytest

from devstack.emulators import free_port
from tests.audio_fixtures import (  # noqa: F401 - fixtures
    SPEECH,
    balance_of,
    encode,
    give_credits,
    jobs_of,
    ledger_of,
    put_media,
    random_speech,
    spoken_seconds,
    uploads,
)
from tests.envelope import assert_error
from tests.media_origin import JPEG_1PX, loopback_only, settings_env  # noqa: F401 - fixtures

ROUTE = "/v1/ai/transcribe"


@pytest.fixture
def funded(user, give_credits):
    give_credits(user, 100)
    return user


def _nothing_charged(db, user, balance=100) -> None:
    assert balance_of(db, user) == balance
    assert ledger_of(db, user) == []


def test_unknown_media_is_media_not_found(client, funded, db):
    r = client.post(ROUTE, json={"mediaId": "doesnotexist123"}, headers=funded.key_headers)
    error = assert_error(r, 404, "MEDIA_NOT_FOUND", "Media doesnotexist123 not found")
    assert error["details"] == {"mediaId": "doesnotexist123"}
    _nothing_charged(db, funded)
    assert jobs_of(db, funded) == []


def test_another_users_media_is_media_not_found(client, funded, make_user, db, put_media):
    other = make_user()
    media_id = put_media(other, encode(SPEECH, "mp3"))
    r = client.post(ROUTE, json={"mediaId": media_id}, headers=funded.key_headers)
    assert_error(r, 404, "MEDIA_NOT_FOUND")
    _nothing_charged(db, funded)


def test_an_id_that_cannot_exist_is_media_not_found(client, funded):
    r = client.post(ROUTE, json={"mediaId": "../etc/passwd"}, headers=funded.key_headers)
    assert_error(r, 404, "MEDIA_NOT_FOUND")


@pytest.mark.parametrize("missing", ["contentType", "objectPath"])
def test_document_missing_required_fields_is_media_invalid(client, funded, db, put_media, missing):
    media_id = put_media(funded, encode(SPEECH, "mp3"), **{missing: None})
    r = client.post(ROUTE, json={"mediaId": media_id}, headers=funded.key_headers)
    error = assert_error(r, 400, "MEDIA_INVALID", f"Media document is missing required fields: {missing}")
    assert error["details"]["missing"] == [missing]
    _nothing_charged(db, funded)


def test_image_is_unsupported_media_type(client, funded, db, put_media, uploads):
    media_id = put_media(funded, JPEG_1PX, "jpg")
    r = client.post(ROUTE, json={"mediaId": media_id}, headers=funded.key_headers)
    error = assert_error(r, 400, "UNSUPPORTED_MEDIA_TYPE")
    assert error["details"]["contentType"] == "image/jpeg"
    _nothing_charged(db, funded)
    assert uploads() == []


@pytest.mark.parametrize("case,data,ext,reason", [
    ("video without an audio track", "mp4-silent", "mp4", "no_audio"),
    ("bytes that are not media", b"\x00\x00\x00\x18ftypmp42" + bytes(4000), "mp4", "undecodable"),
])
def test_media_that_cannot_be_decoded_is_media_invalid(client, funded, db, put_media, uploads, case, data, ext,
                                                        reason):
    payload = encode(None, data) if isinstance(data, str) else data
    media_id = put_media(funded, payload, ext)
    r = client.post(ROUTE, json={"mediaId": media_id}, headers=funded.key_headers)
    error = assert_error(r, 400, "MEDIA_INVALID")
    assert error["details"]["reason"] == reason, case
    _nothing_charged(db, funded)
    assert uploads() == []
    (job,) = jobs_of(db, funded)
    assert job["status"] == "failed" and job["error"]["code"] == "MEDIA_INVALID"


def test_stored_file_missing_is_media_invalid(client, funded, db, put_media):
    from shared.adapters.gcp import storage_client
    from shared.config import get_settings

    media_id = put_media(funded, encode(SPEECH, "mp3"))
    storage_client().bucket(get_settings().media_bucket).blob(f"media/{media_id}.mp3").delete()
    r = client.post(ROUTE, json={"mediaId": media_id}, headers=funded.key_headers)
    error = assert_error(r, 400, "MEDIA_INVALID")
    assert error["details"]["reason"] == "file_missing"
    _nothing_charged(db, funded)


@pytest.mark.parametrize("body,field", [
    ({}, "body.mediaId"),
    ({"mediaId": ""}, "body.mediaId"),
    ({"mediaId": "abc", "language": "klingon"}, "body.language"),
    ({"mediaId": "abc", "model": "gpt-4"}, "body.model"),
    ({"mediaId": "abc", "durationSeconds": -5}, "body.durationSeconds"),
    ({"mediaId": "abc", "durationSeconds": "long"}, "body.durationSeconds"),
    ({"mediaId": "abc", "mediaUrl": "https://example.com/a.mp3"}, "body.mediaUrl"),
])
def test_invalid_bodies_are_validation_errors(client, funded, body, field):
    r = client.post(ROUTE, json=body, headers=funded.key_headers)
    error = assert_error(r, 400, "validation_error")
    assert field in [d["field"] for d in error["details"]]


def test_requires_an_api_key(client):
    r = client.post(ROUTE, json={"mediaId": "abc"})
    assert_error(r, 401, "unauthorized")


def test_short_balance_is_402_with_the_specs_details_and_nothing_is_sent_upstream(
        client, user, db, give_credits, put_media, uploads):
    words = random_speech(16)
    assert 60 < spoken_seconds(words) < 120  # costs 2
    give_credits(user, 1)
    media_id = put_media(user, encode(words, "mp3"))
    r = client.post(ROUTE, json={"mediaId": media_id, "durationSeconds": 30}, headers=user.key_headers)
    error = assert_error(r, 402, "insufficient_credits", "Insufficient AI credits. Required: 2, Available: 1")
    assert error["details"] == {"required": 2, "available": 1, "feature": "transcription"}
    assert balance_of(db, user) == 1 and ledger_of(db, user) == []
    assert uploads() == []  # refused before any money was spent upstream
    (job,) = jobs_of(db, user)
    assert job["status"] == "failed" and job["error"]["code"] == "insufficient_credits"

    # Topped up, the same request goes through and is charged once.
    give_credits(user, 2)
    again = client.post(ROUTE, json={"mediaId": media_id, "durationSeconds": 30}, headers=user.key_headers)
    assert again.status_code == 200, again.text
    assert again.json()["creditsDebited"] == 2 and balance_of(db, user) == 0


def test_empty_balance_is_refused_before_the_media_is_even_read(client, user, db, put_media, uploads):
    media_id = put_media(user, encode(SPEECH, "mp3"))  # no credits document at all
    r = client.post(ROUTE, json={"mediaId": media_id}, headers=user.key_headers)
    error = assert_error(r, 402, "insufficient_credits", "Insufficient AI credits. Required: 1, Available: 0")
    assert error["details"] == {"required": 1, "available": 0, "feature": "transcription"}
    assert jobs_of(db, user) == [] and uploads() == []


def test_upstream_failure_is_a_retryable_502_without_charge_and_a_retry_charges_once(
        client, funded, db, put_media, sandbox, settings_env, uploads):
    settings_env(SOKU_OPENAI_MAX_RETRIES="0")
    media_id = put_media(funded, encode(SPEECH, "mp3"))
    sandbox.fault("openai", "transcribe", "server_error")
    headers = funded.key_headers | {"Idempotency-Key": "retry-me"}
    r = client.post(ROUTE, json={"mediaId": media_id}, headers=headers)
    error = assert_error(r, 502, "upstream_error")
    assert error["details"]["retryable"] is True and error["details"]["upstreamStatus"] == 500
    assert int(r.headers["Retry-After"]) >= 1
    _nothing_charged(db, funded)
    (job,) = jobs_of(db, funded)
    assert job["status"] == "failed" and job["error"]["code"] == "upstream_error"

    again = client.post(ROUTE, json={"mediaId": media_id}, headers=headers)
    assert again.status_code == 200, again.text
    assert balance_of(db, funded) == 99 and len(ledger_of(db, funded)) == 1
    assert len(uploads()) == 1  # only the successful attempt reached the model


def test_a_transient_rate_limit_is_retried_by_the_client_and_charged_once(client, funded, db, put_media, sandbox,
                                                                          uploads):
    media_id = put_media(funded, encode(SPEECH, "mp3"))
    sandbox.fault("openai", "transcribe", "rate_limit", retryAfter=0)
    r = client.post(ROUTE, json={"mediaId": media_id}, headers=funded.key_headers)
    assert r.status_code == 200, r.text
    assert balance_of(db, funded) == 99 and len(uploads()) == 1


def test_rejected_api_key_is_a_502_that_is_not_worth_retrying(client, funded, db, put_media, settings_env):
    settings_env(OPENAI_API_KEY="sk-wrong")
    media_id = put_media(funded, encode(SPEECH, "mp3"))
    r = client.post(ROUTE, json={"mediaId": media_id}, headers=funded.key_headers)
    error = assert_error(r, 502, "upstream_error")
    assert error["details"]["retryable"] is False and error["details"]["upstreamStatus"] == 401
    assert "Retry-After" not in r.headers
    _nothing_charged(db, funded)


def test_unreachable_openai_is_a_retryable_502(client, funded, db, put_media, settings_env):
    settings_env(SOKU_OPENAI_BASE_URL=f"http://127.0.0.1:{free_port()}/v1", SOKU_OPENAI_MAX_RETRIES="0")
    media_id = put_media(funded, encode(SPEECH, "mp3"))
    r = client.post(ROUTE, json={"mediaId": media_id}, headers=funded.key_headers)
    error = assert_error(r, 502, "upstream_error")
    assert error["details"]["retryable"] is True and error["details"]["upstreamStatus"] is None
    _nothing_charged(db, funded)
