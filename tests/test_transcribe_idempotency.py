"""The same transcription is never charged twice: retries, concurrent duplicates, racing jobs."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.audio_fixtures import (  # noqa: F401 - fixtures
    SPEECH,
    balance_of,
    encode,
    give_credits,
    ledger_of,
    put_media,
    uploads,
)
from tests.envelope import assert_error

ROUTE = "/v1/ai/transcribe"


def test_a_retried_request_returns_the_first_result_and_charges_once(client, user, db, give_credits, put_media,
                                                                     uploads):
    give_credits(user, 10)
    media_id = put_media(user, encode(SPEECH, "mp3"))
    headers = user.key_headers | {"Idempotency-Key": "transcribe-podcast-ep42"}
    payload = {"mediaId": media_id, "language": "en", "durationSeconds": 180}
    first = client.post(ROUTE, json=payload, headers=headers)
    second = client.post(ROUTE, json=payload, headers=headers)
    assert first.status_code == second.status_code == 200, second.text
    assert first.json() == second.json()
    assert second.headers["Idempotency-Key"] == "transcribe-podcast-ep42"
    assert balance_of(db, user) == 9 and len(ledger_of(db, user)) == 1
    assert len(uploads()) == 1
    jobs = list(db.collection("users").document(user.uid).collection("aiJobs").stream())
    assert [j.id for j in jobs] == [first.json()["jobId"]]


def test_replay_survives_the_media_being_deleted(client, user, give_credits, put_media):
    give_credits(user, 10)
    media_id = put_media(user, encode(SPEECH, "mp3"))
    headers = user.key_headers | {"Idempotency-Key": "keep-me"}
    first = client.post(ROUTE, json={"mediaId": media_id}, headers=headers)
    assert client.delete(f"/v1/media/{media_id}", headers=user.key_headers).status_code == 200
    again = client.post(ROUTE, json={"mediaId": media_id}, headers=headers)
    assert again.status_code == 200 and again.json() == first.json()


def test_same_key_with_another_body_is_an_idempotency_conflict(client, user, db, give_credits, put_media):
    give_credits(user, 10)
    media_id = put_media(user, encode(SPEECH, "mp3"))
    headers = user.key_headers | {"Idempotency-Key": "one-key"}
    assert client.post(ROUTE, json={"mediaId": media_id}, headers=headers).status_code == 200
    r = client.post(ROUTE, json={"mediaId": media_id, "language": "fr"}, headers=headers)
    assert_error(r, 409, "idempotency_conflict")
    assert balance_of(db, user) == 9


def test_identical_requests_without_a_key_are_one_job(client, user, db, give_credits, put_media):
    give_credits(user, 10)
    media_id = put_media(user, encode(SPEECH, "mp3"))
    first = client.post(ROUTE, json={"mediaId": media_id}, headers=user.key_headers)
    second = client.post(ROUTE, json={"mediaId": media_id}, headers=user.key_headers)
    assert first.json() == second.json()
    assert first.headers["Idempotency-Key"].startswith("auto_")
    assert balance_of(db, user) == 9
    # A distinct key asks for a fresh transcription (and pays for it).
    third = client.post(ROUTE, json={"mediaId": media_id}, headers=user.key_headers | {"Idempotency-Key": "again"})
    assert third.json()["jobId"] != first.json()["jobId"] and balance_of(db, user) == 8


def test_concurrent_duplicates_charge_once(stack, user, db, give_credits, put_media, uploads):
    give_credits(user, 10)
    media_id = put_media(user, encode(SPEECH, "mp4"), "mp4")
    headers = user.key_headers | {"Idempotency-Key": "burst"}
    start = threading.Barrier(6)

    def post(_):
        with httpx.Client(base_url=stack.base_url, timeout=60) as http:
            start.wait()
            return http.post(ROUTE, json={"mediaId": media_id}, headers=headers)

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(post, range(6)))
    assert [r.status_code for r in answers] == [200] * 6, [r.text for r in answers]
    assert len({r.json()["jobId"] for r in answers}) == 1
    assert balance_of(db, user) == 9 and len(ledger_of(db, user)) == 1
    assert len(uploads()) == 1


def test_a_job_is_charged_once_even_if_two_attempts_both_finish(user, db, give_credits):
    """A retry that took over a stalled attempt finishes under the same job id: one debit."""
    from shared.services import credits

    give_credits(user, 10)
    noop = lambda transaction, charge: None  # noqa: E731
    first = credits.charge(user.uid, "job_same", 3, "transcription", {"jobId": "job_same"}, noop)
    assert first.balance_after == 7
    with pytest.raises(credits.AlreadyCharged):
        credits.charge(user.uid, "job_same", 3, "transcription", {"jobId": "job_same"}, noop)
    assert balance_of(db, user) == 7 and len(ledger_of(db, user)) == 1


# -- racing jobs for the last credits: needs real transaction isolation --------------------------

def test_racing_jobs_cannot_overdraw_the_balance(stack, user, db, give_credits, put_media):
    give_credits(user, 1)
    media_ids = [put_media(user, encode(SPEECH, "mp3")) for _ in range(4)]

    def post(media_id):
        with httpx.Client(base_url=stack.base_url, timeout=60) as http:
            return http.post(ROUTE, json={"mediaId": media_id}, headers=user.key_headers)

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(post, media_ids))
    assert sorted(r.status_code for r in answers) == [200, 402, 402, 402]
    assert balance_of(db, user) == 0 and len(ledger_of(db, user)) == 1
