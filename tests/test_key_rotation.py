"""Token-key rotation over everything sealed with the token keys: connected accounts (even
under a `users/{uid}` document that was never written) and webhook endpoint secrets.

The rotation is the operator's: make a new key current, run the tool over the whole
database (not told which users to look at), retire the old key; then deliveries
and publishing must still work. The data of each test is sealed with an `old` key
of its own; the key the stack runs with plays the new one, so the session's other
documents are already current and the stack ends the test with its own keys.
"""

from __future__ import annotations

import os
import uuid
from datetime import timedelta

import pytest
from standardwebhooks import Webhook

from shared import clock
from shared.services.webhooks import signing
from tests.conftest import PROJECT_ID, User, wait_for
from tests.connecting import account_doc, connect, final_run, new_subject
from tests.posting import body
from tests.webhook_receiver import publish, receiver, register  # noqa: F401 - receiver: fixture


class TokenKeys:
    """The stack's token keys, with an `old` key to seal a test's data and retire."""

    def __init__(self) -> None:
        from shared.adapters.crypto import generate_key

        self.stack_keys = os.environ["SOKU_TOKEN_KEYS"]
        self.stack_kid = os.environ["SOKU_TOKEN_KEY_ID"]
        self.old_kid = f"old{uuid.uuid4().hex[:6]}"
        self.old = f"{self.old_kid}:{generate_key()}"

    def _set(self, keys: str, kid: str) -> None:
        from shared.config import reset_settings

        os.environ["SOKU_TOKEN_KEYS"], os.environ["SOKU_TOKEN_KEY_ID"] = keys, kid
        reset_settings()

    def seal_with_old(self) -> None:
        self._set(f"{self.stack_keys},{self.old}", self.old_kid)

    def rotate(self, user_ids: list[str] | None = None):
        """The new key (the stack's) current, the old one still readable, then the tool
        (over the whole database unless users are named)."""
        from shared.services.key_rotation import reseal_all

        self._set(f"{self.stack_keys},{self.old}", self.stack_kid)
        return reseal_all(user_ids)

    def retire_old(self) -> None:
        self._set(self.stack_keys, self.stack_kid)


@pytest.fixture
def token_keys(stack):
    keys = TokenKeys()
    keys.seal_with_old()
    try:
        yield keys
    finally:
        keys.retire_old()


def _post(client, user, platform, account_id, text):
    return client.post("/v1/posts", headers=user.key_headers,
                       json=body([{"platform": platform, "accountId": account_id}], text))


def test_webhook_deliveries_still_verify_after_the_old_key_is_retired(client, token_keys, demo, receiver, db):
    hook = register(client, demo, receiver.url, events=["post.published"])
    # A secret rotation under way: the previous secret is sealed too, and still signs.
    r = client.post(f"/v1/webhooks/{hook['id']}/rotate-secret", headers=demo.key_headers)
    assert r.status_code == 200, r.text
    previous, current = hook["secret"], r.json()["secret"]
    ref = db.collection("users").document(demo.uid).collection("webhooks").document(hook["id"])
    assert ref.get().get("secret")["kid"] == ref.get().get("previousSecret")["kid"] == token_keys.old_kid

    token_keys.rotate()
    stored = ref.get().to_dict()
    assert stored["secret"]["kid"] == stored["previousSecret"]["kid"] == token_keys.stack_kid
    token_keys.retire_old()

    publish(client, demo, "delivered after the key rotation")
    wait_for(lambda: receiver.events("post.published"), timeout=20)
    request = receiver.request_for("post.published")
    for secret in (current, previous):
        assert Webhook(secret).verify(request["raw"], request["headers"]) == request["json"]
        assert signing.verify(secret, request["raw"], request["headers"]["Soku-Signature"])


def test_an_account_under_a_user_document_never_written_is_resealed_and_still_publishes(
        client, token_keys, db):
    """A Stripe-extension customer with an API key: `customers/{uid}` and `apiKeys`, no
    `users/{uid}` document, so the account's parent is a missing document."""
    from devstack.id_tokens import emulator_id_token
    from shared.services import api_keys

    uid = f"user-{uuid.uuid4().hex[:12]}"
    db.collection("customers").document(uid).collection("subscriptions").document("sub_1").set(
        {"status": "active", "current_period_end": clock.now() + timedelta(days=30)})
    user = User(uid=uid, api_key=api_keys.create_key(uid, "no profile"), id_token=emulator_id_token(uid, PROJECT_ID))
    subject = new_subject()
    flow = connect(client, user, "x", subject)
    assert flow.callback is not None and flow.callback.status_code < 400, flow.callback
    ref = account_doc(db, user, "x", f"x_{subject}")
    assert ref.get().get("tokens")["kid"] == token_keys.old_kid
    assert not db.collection("users").document(uid).get().exists
    assert uid not in {snap.id for snap in db.collection("users").stream()}  # listing users skips it

    result = token_keys.rotate()
    assert ref.get().get("tokens")["kid"] == token_keys.stack_kid
    assert result.resealed >= 1
    token_keys.retire_old()

    health = client.get(f"/v1/accounts/x_{subject}", headers=user.key_headers).json()["health"]
    assert health["tokensReadable"] is True
    r = _post(client, user, "x", f"x_{subject}", f"still publishing {subject}")
    assert r.status_code == 201, r.text
    assert final_run(client, user, r.json()["postSubmissionId"])["status"] == "succeeded"


def test_the_index_forgets_deleted_documents_and_learns_older_ones(client, token_keys, user, db, receiver):
    from shared.adapters.crypto import encrypt_json
    from shared.services import sealed_index

    hook = register(client, user, receiver.url)
    ref = db.collection("users").document(user.uid).collection("webhooks").document(hook["id"])
    assert ref.path in set(sealed_index.recorded())
    assert client.delete(f"/v1/webhooks/{hook['id']}", headers=user.key_headers).status_code in (200, 204)
    # An endpoint written before the index existed: found by walking its (existing) user.
    older = db.collection("users").document(user.uid).collection("webhooks").document("we_older")
    older.set({"url": receiver.url, "events": ["post.published"], "status": "active", "createdAt": clock.now(),
               "secret": encrypt_json(signing.new_secret(), associated=older.path)})
    result = token_keys.rotate([user.uid])
    assert result.of("webhook", "gone") == 1 and result.of("webhook", "resealed") == 1
    recorded = set(sealed_index.recorded())
    assert ref.path not in recorded and older.path in recorded


def test_an_expired_previous_secret_sealed_with_a_lost_key_is_dropped(client, token_keys, user, db, receiver):
    from shared.adapters.crypto import encrypt_json
    from shared.services.key_rotation import reseal_all

    hook = register(client, user, receiver.url)
    ref = db.collection("users").document(user.uid).collection("webhooks").document(hook["id"])
    lost = {"kid": "lost", **{k: v for k, v in encrypt_json("whsec_x", associated=ref.path).items() if k != "kid"}}
    ref.update({"previousSecret": lost, "previousSecretExpiresAt": clock.now() - timedelta(hours=1)})
    token_keys.rotate()
    data = ref.get().to_dict()
    assert data["previousSecret"] is None and data["secret"]["kid"] == token_keys.stack_kid
    # Still within its overlap, an unreadable previous secret is a failure to report, kept as is.
    ref.update({"previousSecret": lost, "previousSecretExpiresAt": clock.now() + timedelta(hours=1)})
    assert reseal_all([user.uid]).of("webhook", "failed") == 1
    assert ref.get().get("previousSecret") == lost
