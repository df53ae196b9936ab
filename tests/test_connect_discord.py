"""Connecting a Discord channel by its webhook URL (`POST /v1/connections/discord`) against the
Discord sandbox: the URL is checked before anything is fetched (only the configured Discord
host, a webhook's path), the webhook is asked before anything is stored, and what is stored is
the webhook's id, channel and server, its token sealed."""

from __future__ import annotations

import pytest

from devstack.sandboxes import discord as discord_sandbox
from shared.adapters.crypto import decrypt_json
from tests.connecting import account_doc
from tests.envelope import assert_error
from tests.posting import SandboxCalls


def _url(stack, webhook_id: str, token: str, version: str = "") -> str:
    return f"{stack.sandboxes.base_url}/discord/api/{version}webhooks/{webhook_id}/{token}"


def _connect(client, user, url: str):
    return client.post("/v1/connections/discord", headers=user.key_headers, json={"webhookUrl": url})


def _accounts(db, user) -> list:
    return list(db.collection("users").document(user.uid).collection("integrations").document("discord")
                .collection("accounts").stream())


def test_a_webhook_url_is_verified_then_stored_sealed(client, stack, user, db):
    webhook_id, token = discord_sandbox.new_webhook(stack.sandboxes.state, name="Release notes")
    calls = SandboxCalls(stack, "discord")
    first = _connect(client, user, _url(stack, webhook_id, token))
    assert first.status_code == 201, first.text
    answer = first.json()
    assert answer == {"platform": "discord", "accounts": [
        {"accountId": f"discord_{webhook_id}", "displayName": "Release notes", "reconnected": False}]}
    assert token not in str(answer) and calls() == ["webhook"]  # asked Discord once, on the sandbox's host

    hook = discord_sandbox.webhooks(stack.sandboxes.state)[webhook_id]
    ref = account_doc(db, user, "discord", f"discord_{webhook_id}")
    stored = ref.get().to_dict()
    assert (stored["platformUserId"], stored["webhookId"], stored["channelId"], stored["guildId"]) == (
        webhook_id, webhook_id, hook["channel_id"], hook["guild_id"])
    assert stored["grantId"] == f"discord:{webhook_id}" and stored["status"] == "connected"
    assert token not in str(stored)  # the token is the webhook's whole authorization: sealed only
    assert decrypt_json(stored["tokens"], associated=ref.path)["accessToken"] == token

    # Through the route: the API version segment Discord's own links may carry is the same
    # webhook, connected again.
    again = _connect(client, user, _url(stack, webhook_id, token, version="v10/"))
    assert again.status_code == 200, again.text
    assert again.json() == {"platform": "discord", "accounts": [
        {"accountId": f"discord_{webhook_id}", "displayName": "Release notes", "reconnected": True}]}
    assert token not in again.text and calls() == ["webhook", "webhook"]
    assert len(_accounts(db, user)) == 1


@pytest.mark.parametrize("url", [
    "https://evil.example/api/webhooks/1300000000000000001/token",
    "http://169.254.169.254/api/webhooks/1300000000000000001/token",  # the metadata server
    "https://discord.com/api/webhooks/1300000000000000001/token",  # Discord itself: not this stack's host
    "https://discord.com.evil.example/api/webhooks/1300000000000000001/token",
    "{sandbox}@evil.example/discord/api/webhooks/1300000000000000001/token",  # credentials hiding the host
    "{sandbox}/discord/api/channels/1300000000000000001/messages",  # the host, but not a webhook
    "{sandbox}/discord/api/webhooks/1300000000000000001/token?wait=true",
    "{sandbox}/discord/api/webhooks/not-a-snowflake/token",
    "not a url at all",
])
def test_a_url_that_is_not_a_discord_webhook_is_refused_before_any_request(client, stack, user, db, url):
    calls = SandboxCalls(stack, "discord")
    r = _connect(client, user, url.replace("{sandbox}", stack.sandboxes.base_url))
    error = assert_error(r, 400, "validation_error")
    assert [d["field"] for d in error["details"]] == ["body.webhookUrl"], error
    assert "discord.com/api/webhooks/<id>/<token>" in error["details"][0]["message"]
    assert calls() == [] and _accounts(db, user) == []  # nothing fetched, nothing stored


def test_a_deleted_webhook_or_a_wrong_token_is_refused_naming_the_field(client, stack, user, db):
    webhook_id, token = discord_sandbox.new_webhook(stack.sandboxes.state)
    wrong = assert_error(_connect(client, user, _url(stack, webhook_id, "not-its-token")), 400, "invalid_credentials")
    assert wrong["details"][0]["field"] == "body.webhookUrl" and "Invalid Webhook Token" in wrong["message"]

    stack.sandboxes.state.media["discord:webhooks"].pop(webhook_id)  # a server admin deleted it
    deleted = assert_error(_connect(client, user, _url(stack, webhook_id, token)), 400, "invalid_credentials")
    assert deleted["details"] == [{"field": "body.webhookUrl", "code": "refused", "message": deleted["message"]}]
    assert "Unknown Webhook" in deleted["message"] and "copy the URL again" in deleted["message"]
    assert token not in str(deleted)
    assert _accounts(db, user) == []


def test_discord_unavailable_is_a_502_and_stores_nothing(client, stack, user, db, sandbox):
    webhook_id, token = discord_sandbox.new_webhook(stack.sandboxes.state)
    sandbox.fault("discord", "webhook", "rate_limit", retry_after=30)
    error = assert_error(_connect(client, user, _url(stack, webhook_id, token)), 502, "platform_unavailable")
    assert "Discord" in error["message"]
    sandbox.fault("discord", "webhook", "server_error")
    assert_error(_connect(client, user, _url(stack, webhook_id, token)), 502, "platform_unavailable")
    assert _accounts(db, user) == []


def test_the_body_is_the_webhook_url_only(client, user):
    missing = assert_error(client.post("/v1/connections/discord", headers=user.key_headers, json={}),
                           400, "validation_error")
    assert [d["field"] for d in missing["details"]] == ["body.webhookUrl"], missing
    extra = client.post("/v1/connections/discord", headers=user.key_headers,
                        json={"webhookUrl": "https://discord.com/api/webhooks/1/t", "botToken": "x"})
    assert_error(extra, 400, "validation_error")


def test_production_accepts_discords_own_webhook_urls_only(monkeypatch):
    """Deployed (`discord_api` is https://discord.com): Discord's hosts, https, no port."""
    from shared.adapters import safe_http
    from shared.errors import ValidationError
    from shared.platforms.discord import connector

    monkeypatch.setattr(connector, "host", lambda name: "https://discord.com")
    monkeypatch.setattr(safe_http, "resolve", lambda host, port: ["162.159.135.232"])  # Discord's, offline
    hook, token = "1300000000000000001", "AbC-def_123"
    for host in ("discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com", "DISCORD.com"):
        for path in (f"/api/webhooks/{hook}/{token}", f"/api/v10/webhooks/{hook}/{token}/"):
            assert connector.parse_webhook_url(f"https://{host}{path}") == (hook, token)
    assert connector.webhook_api(hook, token) == f"https://discord.com/api/v10/webhooks/{hook}/{token}"
    for url in (f"http://discord.com/api/webhooks/{hook}/{token}",  # not https
                f"https://discord.com:8443/api/webhooks/{hook}/{token}",
                f"https://user:pw@discord.com/api/webhooks/{hook}/{token}",
                f"https://evil.discord.com.example/api/webhooks/{hook}/{token}",
                f"https://discord.gg/api/webhooks/{hook}/{token}",
                f"https://discord.com/api/webhooks/{hook}",
                f"https://discord.com/api/webhooks/{hook}/{token}/slack"):
        with pytest.raises(ValidationError) as refused:
            connector.parse_webhook_url(url)
        assert refused.value.details[0]["field"] == "body.webhookUrl", url
