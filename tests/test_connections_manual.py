"""Connecting with credentials (`POST /v1/connections/{platform}`), the way a caller reaches it:
through the Firebase CLI's Hosting and Functions emulators. What holds for every platform that
connects this way: the platform is asked before anything is stored, a refusal names the field
and stores nothing, the stored secret is sealed and never shown, connecting again updates the
same account, `GET /v1/platforms` describes the body, an OAuth platform is refused here (and a
manual one at `/start`) with the route to use, and disconnecting forgets the account.

Each platform's own credentials and refusals are tested beside its publisher
(tests/test_connect_telegram.py, tests/test_connect_discord.py)."""

from __future__ import annotations

import httpx
import pytest

from devstack.sandboxes import discord as discord_sandbox
from shared.adapters.crypto import decrypt_json
from tests.connecting import account_doc
from tests.envelope import assert_error


@pytest.fixture
def front_door(hosting):
    with httpx.Client(base_url=hosting.hosting_url, timeout=60) as http:
        yield http


def _webhook_url(stack, webhook_id: str, token: str) -> str:
    return f"{stack.sandboxes.base_url}/discord/api/webhooks/{webhook_id}/{token}"


def test_credentials_are_checked_then_sealed_and_connecting_again_updates(front_door, stack, user, db):
    webhook_id, token = discord_sandbox.new_webhook(stack.sandboxes.state, name="Launch news")
    url = _webhook_url(stack, webhook_id, token)
    r = front_door.post("/v1/connections/discord", headers=user.key_headers, json={"webhookUrl": url})
    assert r.status_code == 201, r.text
    [account] = r.json()["accounts"]
    assert r.json()["platform"] == "discord" and account["reconnected"] is False
    assert account["displayName"] == "Launch news" and token not in r.text

    # Sealed at rest, bound to the document: the token is not in the stored document.
    ref = account_doc(db, user, "discord", account["accountId"])
    stored = ref.get().to_dict()
    assert token not in str(stored) and decrypt_json(stored["tokens"], associated=ref.path)["accessToken"]
    # The account's health reads it; no answer shows it.
    detail = front_door.get(f"/v1/accounts/{account['accountId']}", headers=user.key_headers)
    assert detail.status_code == 200 and detail.json()["health"]["tokensReadable"] is True
    assert detail.json()["health"]["refreshable"] is False and token not in detail.text

    again = front_door.post("/v1/connections/discord", headers=user.key_headers, json={"webhookUrl": url})
    assert again.status_code == 200, again.text
    assert again.json()["accounts"] == [{**account, "reconnected": True}]

    gone = front_door.delete(f"/v1/accounts/{account['accountId']}", headers=user.key_headers)
    assert gone.status_code == 200, gone.text
    assert gone.json()["revocation"] == "not_supported" and not ref.get().exists


def test_a_refused_credential_names_its_field_and_stores_nothing(front_door, stack, user, db):
    webhook_id, _ = discord_sandbox.new_webhook(stack.sandboxes.state, name="Somewhere")
    r = front_door.post("/v1/connections/discord", headers=user.key_headers,
                        json={"webhookUrl": _webhook_url(stack, webhook_id, "not-the-token")})
    error = assert_error(r, 400, "invalid_credentials")
    assert error["details"][0]["field"] == "body.webhookUrl", error
    assert list(db.collection("users").document(user.uid).collection("integrations")
                .document("discord").collection("accounts").stream()) == []

    missing = front_door.post("/v1/connections/telegram", headers=user.key_headers, json={"chatId": "@news"})
    error = assert_error(missing, 400, "validation_error")
    assert [d["field"] for d in error["details"]] == ["body.botToken"], error


def test_each_kind_of_platform_is_sent_to_its_own_route(front_door, user):
    oauth = front_door.post("/v1/connections/x", headers=user.key_headers, json={"botToken": "x"})
    error = assert_error(oauth, 400, "wrong_connection_kind")
    assert "POST /v1/connections/x/start" in error["message"]

    manual = front_door.post("/v1/connections/telegram/start", headers=user.key_headers)
    error = assert_error(manual, 400, "wrong_connection_kind")
    assert "POST /v1/connections/telegram" in error["message"] and "credentials" in error["message"]

    unknown = front_door.post("/v1/connections/myspace", headers=user.key_headers, json={})
    assert_error(unknown, 400, "validation_error")
    assert_error(front_door.post("/v1/connections/discord", json={"webhookUrl": "https://discord.com/x"}),
                 401, "unauthorized")


def test_the_catalog_describes_the_credentials_body(front_door):
    r = front_door.get("/v1/platforms/telegram")
    assert r.status_code == 200, r.text
    connection = r.json()["connection"]
    assert connection["type"] == "manual" and connection["scopes"] == []
    assert set(connection["fields"]["required"]) == {"botToken", "chatId"}
    # The secret is marked as one: the console types it into a password field.
    assert connection["fields"]["properties"]["botToken"].get("writeOnly") is True
    discord = front_door.get("/v1/platforms/discord").json()["connection"]
    assert discord["type"] == "manual" and discord["fields"]["required"] == ["webhookUrl"]
    x = front_door.get("/v1/platforms/x").json()["connection"]
    assert x["type"] == "oauth" and x.get("fields") is None
