"""Idempotency: replays, conflicts, derived keys and concurrent duplicates."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.envelope import assert_error
from tests.posting import body, submissions_of


def test_replay_with_same_key_returns_the_original(client, demo, db):
    headers = demo.key_headers | {"Idempotency-Key": "unique-request-id-123"}
    payload = body(["x"], "This will only post once")
    first = client.post("/v1/posts", json=payload, headers=headers)
    second = client.post("/v1/posts", json=payload, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"] == "unique-request-id-123"
    assert submissions_of(db, demo.uid) == 1


def test_same_key_with_another_body_is_409(client, demo):
    headers = demo.key_headers | {"Idempotency-Key": "key-1"}
    assert client.post("/v1/posts", json=body(["x"], "one"), headers=headers).status_code == 201
    r = client.post("/v1/posts", json=body(["x"], "two"), headers=headers)
    assert_error(r, 409, "idempotency_conflict")


def test_keys_are_scoped_per_user(client, demo, make_user):
    from devstack.seed import seed_demo_user

    other = make_user()
    seed_demo_user(other.uid)
    payload = body(["x"], "same text, same key, different users")
    a = client.post("/v1/posts", json=payload, headers=demo.key_headers | {"Idempotency-Key": "shared"})
    b = client.post("/v1/posts", json=payload, headers=other.key_headers | {"Idempotency-Key": "shared"})
    assert a.status_code == b.status_code == 201
    assert a.json()["postSubmissionId"] != b.json()["postSubmissionId"]


def test_identical_bodies_without_a_key_dedupe_automatically(client, demo, db):
    payload = body(["x", "threads"], "derived key")
    first = client.post("/v1/posts", json=payload, headers=demo.key_headers)
    second = client.post("/v1/posts", json=payload, headers=demo.key_headers)
    assert first.json() == second.json()
    assert first.headers["Idempotency-Key"].startswith("auto_")
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"]
    different = client.post("/v1/posts", json=body(["x", "threads"], "derived key, v2"), headers=demo.key_headers)
    assert different.json() != first.json()
    assert submissions_of(db, demo.uid) == 2


def test_a_refused_request_does_not_burn_its_key(client, demo):
    headers = demo.key_headers | {"Idempotency-Key": "fix-and-retry"}
    payload = body([{"platform": "x", "accountId": "x_main"}])
    bad = client.post("/v1/posts", json=body([{"platform": "x", "accountId": "x_typo"}]), headers=headers)
    assert_error(bad, 400, "missing_integrations")
    # Same key, corrected body: processed normally, no conflict with the refused one.
    assert client.post("/v1/posts", json=payload, headers=headers).status_code == 201


def test_invalid_idempotency_key_header(client, demo):
    r = client.post("/v1/posts", json=body(["x"]), headers=demo.key_headers | {"Idempotency-Key": "has space"})
    error = assert_error(r, 400, "validation_error", "Invalid Idempotency-Key header")
    assert error["details"][0]["field"] == "headers.Idempotency-Key"


def test_twenty_concurrent_identical_requests_create_one_submission(stack, demo, db):
    payload = body(["x", "threads", "linkedin"], "concurrent")
    headers = demo.key_headers | {"Idempotency-Key": "burst-1"}

    def send(_):
        with httpx.Client(base_url=stack.base_url, timeout=30) as http:
            return http.post("/v1/posts", json=payload, headers=headers)

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(send, range(20)))
    assert [r.status_code for r in responses] == [201] * 20, [r.text for r in responses if r.status_code != 201]
    assert len({r.json()["postSubmissionId"] for r in responses}) == 1
    assert submissions_of(db, demo.uid) == 1
