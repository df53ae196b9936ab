"""Webhook deliveries as a receiver sees them: Standard Webhooks signatures checked with the
`standardwebhooks` reference library, next to `Soku-Signature`, and secret rotation."""

from __future__ import annotations

import base64
import time
from datetime import datetime, timedelta

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from shared import clock
from shared.services.webhooks import signing
from tests.conftest import wait_for
from tests.envelope import assert_error
from tests.webhook_receiver import publish, receiver, register  # noqa: F401 - receiver: fixture


def _headers(request: dict) -> dict[str, str]:
    return request["headers"]


def _one_delivery(receiver, event_type="post.published", count=1) -> dict:
    wait_for(lambda: len(receiver.events(event_type)) >= count, timeout=20)
    return [r for r in receiver.requests if r["json"]["type"] == event_type][count - 1]


def _endpoint_doc(db, user, hook_id):
    return db.collection("users").document(user.uid).collection("webhooks").document(hook_id)


def test_a_standardwebhooks_receiver_verifies_a_real_delivery(client, demo, receiver):
    hook = register(client, demo, receiver.url, events=["post.published"])
    publish(client, demo, "verify me the standard way")
    request = _one_delivery(receiver)
    headers = _headers(request)

    assert Webhook(hook["secret"]).verify(request["raw"], headers) == request["json"]
    # The message id is the event id: the same on every attempt, for de-duplication.
    assert headers["webhook-id"] == request["json"]["id"] == headers["Soku-Event-Id"]
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60
    assert len(headers["webhook-signature"].split(" ")) == 1
    # The Soku header is still there, and still verifies as before.
    assert signing.verify(hook["secret"], request["raw"], headers["Soku-Signature"])

    tampered = request["raw"].replace(b"the standard way", b"another way")
    with pytest.raises(WebhookVerificationError):
        Webhook(hook["secret"]).verify(tampered, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.new_secret()).verify(request["raw"], headers)
    with pytest.raises(WebhookVerificationError):  # a replay with another timestamp
        Webhook(hook["secret"]).verify(request["raw"], headers | {"webhook-timestamp": str(int(time.time()) - 5)})


def test_during_a_rotation_old_and_new_secrets_both_verify(client, demo, receiver, db):
    hook = register(client, demo, receiver.url, events=["post.published"])
    r = client.post(f"/v1/webhooks/{hook['id']}/rotate-secret", headers=demo.key_headers)
    assert r.status_code == 200, r.text
    rotated = r.json()
    old, new = hook["secret"], rotated["secret"]
    assert new.startswith("whsec_") and new != old and rotated["id"] == hook["id"]
    listed = client.get("/v1/webhooks", headers=demo.key_headers).json()["data"][0]
    assert "secret" not in listed and listed["previousSecretExpiresAt"] == rotated["previousSecretExpiresAt"]
    overlap_end = datetime.fromisoformat(rotated["previousSecretExpiresAt"].replace("Z", "+00:00"))
    assert abs((overlap_end - clock.now()) - timedelta(hours=24)) < timedelta(minutes=1)

    publish(client, demo, "during the overlap")
    request = _one_delivery(receiver)
    headers = _headers(request)
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (old, new):
        assert Webhook(secret).verify(request["raw"], headers) == request["json"]
        assert signing.verify(secret, request["raw"], headers["Soku-Signature"])
        with pytest.raises(WebhookVerificationError):
            Webhook(secret).verify(request["raw"] + b" ", headers)

    # Once the overlap is over, only the new secret signs.
    _endpoint_doc(db, demo, hook["id"]).update({"previousSecretExpiresAt": clock.now() - timedelta(seconds=1)})
    publish(client, demo, "after the overlap")
    request = _one_delivery(receiver, count=2)
    headers = _headers(request)
    assert Webhook(new).verify(request["raw"], headers) == request["json"]
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(request["raw"], headers)
    assert not signing.verify(old, request["raw"], headers["Soku-Signature"])
    assert client.get("/v1/webhooks", headers=demo.key_headers).json()["data"][0]["previousSecretExpiresAt"] is None


def test_rotating_someone_elses_or_an_unknown_endpoint_is_not_found(client, demo, make_user, receiver):
    hook = register(client, demo, receiver.url)
    other = make_user()
    assert_error(client.post(f"/v1/webhooks/{hook['id']}/rotate-secret", headers=other.key_headers),
                 404, "not_found")
    assert_error(client.post("/v1/webhooks/we_nope/rotate-secret", headers=demo.key_headers), 404, "not_found")
    assert client.get("/v1/webhooks", headers=demo.key_headers).json()["data"][0]["previousSecretExpiresAt"] is None


def test_secrets_are_standard_base64_and_older_url_safe_ones_still_sign():
    secret = signing.new_secret()
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
    # An endpoint registered before: `whsec_` + URL-safe base64 without padding. Its key is
    # the bytes it encodes, so the receiver re-spelling it in the standard alphabet verifies.
    key = bytes(range(250, 256)) * 5 + b"\xfb\xff"  # 32 bytes whose base64 has '+' and '/'
    legacy = "whsec_" + base64.urlsafe_b64encode(key).decode().rstrip("=")
    assert "-" in legacy or "_" in legacy
    assert signing.secret_key(legacy) == key
    headers = signing.signed_headers([legacy], "evt_1", b'{"a":1}')
    assert Webhook("whsec_" + base64.b64encode(key).decode()).verify(b'{"a":1}', headers) == {"a": 1}
