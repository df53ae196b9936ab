"""Secret Manager secrets: who declares what, and a production instance without them."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
import yaml
from firebase_functions import https_fn

from shared import secrets
from tests import function_process
from shared.adapters.crypto import generate_key
from shared.config import ConfigurationError

ROOT = Path(__file__).resolve().parent.parent

TOKENS, STATE, CLIENTS, OPENAI = ("SOKU_TOKEN_KEYS", "SOKU_OAUTH_STATE_SECRET", "SOKU_OAUTH_CLIENT_SECRETS",
                                  "OPENAI_API_KEY")

# Exactly the secrets each function's code reads (functions without any are absent).
EXPECTED = {
    "account": {TOKENS, CLIENTS},  # token health; revocation at the platform
    "posts": {TOKENS, CLIENTS},  # a preflight asks the platform with the account's tokens (Reddit's flair)
    "connections": {TOKENS, STATE, CLIENTS},  # signs the state; is it configured; seals credentials
    "oauthCallback": {TOKENS, STATE, CLIENTS},  # verifies the state, exchanges the code, seals tokens
    "webhooks": {TOKENS},  # seals endpoint secrets
    "platformWebhooks": {CLIENTS},  # verifies Meta's signed requests with the app secret
    "deliverWebhook": {TOKENS},  # unseals them to sign deliveries
    "transcribe": {OPENAI},
    **{f"publish{p}": {TOKENS, CLIENTS} for p in ("X", "Instagram", "Facebook", "Tiktok", "Youtube",
                                                  "Linkedin", "Snapchat", "GoogleBusiness", "Pinterest", "Reddit")},
    # Threads tokens refresh without the client secret; the others have no OAuth client of Soku's
    # (Mastodon's is per server, sealed in Firestore; WordPress's application password is the user's)
    **{f"publish{p}": {TOKENS} for p in ("Threads", "Telegram", "Discord", "Mastodon", "Bluesky", "Wordpress")},
    # Serves every public route in-process: the union of the HTTP functions' secrets.
    "api": {TOKENS, STATE, CLIENTS, OPENAI},
    # Calls the routes of its tools in-process (functions/mcp.py): those functions' secrets.
    "mcp": {TOKENS, CLIENTS, OPENAI},
}


def test_the_manifest_declares_the_secrets_and_gives_each_function_exactly_its_own():
    from firebase_functions.private import serving

    manifest = yaml.safe_load(serving.functions_as_yaml(serving.get_functions()))
    params = {p["name"]: p["type"] for p in manifest.get("params", [])}
    assert {name: params.get(name) for name in (TOKENS, STATE, CLIENTS, OPENAI)} == dict.fromkeys(
        (TOKENS, STATE, CLIENTS, OPENAI), "secret")
    declared = {fid: {s["key"] for s in e.get("secretEnvironmentVariables") or []}
                for fid, e in manifest["endpoints"].items()}
    assert {fid: keys for fid, keys in declared.items() if keys} == EXPECTED


@pytest.fixture
def production(monkeypatch):
    # Every emulator address too (the suite's stack sets them all, on loopback): with one left,
    # FUNCTIONS_EMULATOR=true below would still count as the local stack.
    emulators = [name for name in os.environ if name.endswith(("_EMULATOR_HOST", "_EMULATOR_HUB"))]
    for var in ("FUNCTIONS_EMULATOR", "SOKU_ENV", TOKENS, "SOKU_TOKEN_KEY_ID", STATE, CLIENTS, OPENAI, *emulators):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("GCLOUD_PROJECT", "soku-prod")
    from shared.config import reset_settings

    reset_settings()
    yield monkeypatch
    monkeypatch.undo()
    reset_settings()


def test_required_secrets_are_checked_only_without_emulators(production):
    with pytest.raises(ConfigurationError, match=OPENAI):
        secrets.check([OPENAI])
    secrets.check([CLIENTS])  # optional: a platform without a client secret is just not offered
    # FUNCTIONS_EMULATOR=true alone is no emulator (a .env file can deploy it): checked.
    production.setenv("FUNCTIONS_EMULATOR", "true")
    with pytest.raises(ConfigurationError, match=OPENAI):
        secrets.check([OPENAI])
    # The Firebase CLI's Functions emulator: its hub and emulators on loopback.
    production.setenv("FIREBASE_EMULATOR_HUB", "127.0.0.1:4400")
    production.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
    secrets.check([OPENAI])
    # ... but not beside a production marker.
    production.setenv("SOKU_ENV", "production")
    with pytest.raises(ConfigurationError, match=OPENAI):
        secrets.check([OPENAI])


def test_a_function_missing_its_secret_answers_503_naming_it_until_configured(production):
    from flask import Flask

    served = []
    function = secrets.checked(https_fn.on_request(secrets=secrets.TRANSCRIBE)(
        lambda request: served.append(request.path) or https_fn.Response("ok")))
    app = Flask(__name__)
    with app.test_request_context("/v1/ai/transcribe", method="POST"):
        from flask import request

        refused = function(request)
        assert refused.status_code == 503 and not served
        assert refused.json["error"]["code"] == "service_misconfigured"
        assert OPENAI in refused.json["error"]["message"]
        production.setenv(OPENAI, "sk-configured")
        assert function(request).status_code == 200 and served == ["/v1/ai/transcribe"]


# -- a real functions-framework instance in production mode -------------------------------

def _serve(target: str, extra_env: dict[str, str]):
    # Production: no emulator variables, no credentials; K_SERVICE as Cloud Run sets it.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(ROOT), "GCLOUD_PROJECT": "soku-prod",
           "K_SERVICE": target.lower(), "PYTHONUNBUFFERED": "1", **extra_env}
    return function_process.serve(target, env, start_timeout=60)


_stop = function_process.stop


def test_a_production_function_without_its_token_keys_refuses_and_names_the_secret():
    process, port = _serve("account", {})
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/v1/me", timeout=30)
    finally:
        output = _stop(process)
    assert response.status_code == 503, response.text
    error = response.json()["error"]
    assert error["code"] == "service_misconfigured" and TOKENS in error["message"]
    assert f"refusing to serve account: Missing secret {TOKENS}" in output


def test_a_production_function_with_its_token_keys_serves():
    process, port = _serve("account", {TOKENS: f"k1:{generate_key()}", "SOKU_TOKEN_KEY_ID": "k1"})
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/v1/me", timeout=30)
    finally:
        output = _stop(process)
    # Past the check: the function itself answers, asking for an API key.
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "unauthorized"
    assert "refusing to serve" not in output


def test_a_production_task_function_checks_its_caller_before_its_secrets():
    """Only a verified Cloud Tasks call may learn that a secret is missing."""
    process, port = _serve("publishX", {})
    try:
        response = httpx.post(f"http://127.0.0.1:{port}/", json={"data": {}}, timeout=30)
    finally:
        output = _stop(process)
    assert response.status_code == 401, response.text
    assert TOKENS not in response.text and "refusing to serve" not in output
