"""The Secret Manager secrets of the bundle, declared once, and the start-up check.

Each function lists in `secrets=[...]` exactly the secrets its code reads; Cloud
Functions then exposes each as an environment variable of the same name, which
shared/config.py reads like any other setting. Declaring a `SecretParam` puts it
in the manifest the Firebase CLI deploys from.

How `firebase deploy` treats them (firebase-tools lib/deploy/functions/params.js
`resolveParams`/`ensureSecret` and validate.js `secretsAreValid`): *every* declared
secret param must exist in Secret Manager with an enabled latest version before
anything deploys; a non-interactive deploy fails on the first one missing, an
interactive one prompts for a value (never empty). So a declared secret can never
be "optional" at deploy time. Hence:

- SOKU_TOKEN_KEYS (AES-256 keys sealing platform tokens and webhook secrets):
  required; nothing that stores or reads a connected account works without it.
  SOKU_TOKEN_KEY_ID, the kid new encryptions use, is not secret: plain environment.
- SOKU_OAUTH_STATE_SECRET (signs the OAuth `state`): required. It must exist to
  deploy anyway, and keeping it apart from the token keys lets those rotate
  without invalidating flows in progress. (Without emulators the start-up check
  refuses before state.py could fall back to a secret derived from the token key;
  the fallback remains for the local stack.)
- OPENAI_API_KEY: required by `transcribe`, the only function that reads it.
- SOKU_OAUTH_CLIENT_SECRETS: the OAuth client secrets of *all* platforms as one JSON
  object, {"x": "…", "linkedin": "…"}. One secret rather than eight
  SOKU_<PLATFORM>_CLIENT_SECRET secrets, because a platform the operator never
  configured would otherwise still need a placeholder secret for every deploy to
  pass. It must exist (`{}` when no platform is configured) but may be empty of
  platforms: a platform without a secret answers 503 platform_not_configured when
  someone tries to connect it. SOKU_<PLATFORM>_CLIENT_SECRET environment variables
  still work (and win) for the local stack and tests.

Start-up check: in production (no emulator), a function's first request verifies
that the required secrets among those it declares are present, and builds the
settings (so a malformed value is caught too). Failing that it logs at ERROR and
answers 503 in the error envelope, naming the variable, until the deployment is
fixed; Cloud Tasks keeps retrying task functions meanwhile. Under emulators
(`shared.config.emulated()`: loopback emulator addresses and no production marker, so
never in a deployed function, whatever its `.env` file says) it checks
nothing up front: a setting that turns out missing or contradictory where a request
needs it answers the same 503 from the request pipeline (shared/web/api.py), so what
needs no configuration still answers (`GET /health`, a 401 for a request without a
key) when the Firebase CLI runs the functions by hand (docs/local-stack.md). It is not done at
import: the Firebase CLI imports main.py for discovery with no secrets (10 s
limit), and nothing in the environment reliably tells that import from a serving
instance's, so an import-time check would either break deploys or never run.
"""

from __future__ import annotations

import functools
import logging
import os
from typing import Callable

from firebase_functions.params import SecretParam
from flask import Request, Response

from shared.config import ConfigurationError, emulated, get_settings
from shared.errors import MisconfiguredError

log = logging.getLogger("soku.secrets")

TOKEN_KEYS = SecretParam(
    "SOKU_TOKEN_KEYS",
    description='AES-256 keys sealing platform tokens and webhook secrets: "kid:<base64 32 bytes>,…"',
)
OAUTH_STATE_SECRET = SecretParam(
    "SOKU_OAUTH_STATE_SECRET", description="Random secret signing the OAuth state of account connections",
)
OAUTH_CLIENT_SECRETS = SecretParam(
    "SOKU_OAUTH_CLIENT_SECRETS",
    description='OAuth client secrets per platform, JSON: {"x": "…", "linkedin": "…"} ({} for none)',
)
OPENAI_API_KEY = SecretParam("OPENAI_API_KEY", description="OpenAI API key for transcription")

# Absent or empty in production: the function refuses to serve (see the module docstring).
REQUIRED = frozenset({TOKEN_KEYS.name, OAUTH_STATE_SECRET.name, OPENAI_API_KEY.name})

# What each family of functions reads, for their `secrets=[...]`.
PUBLISHER = [TOKEN_KEYS, OAUTH_CLIENT_SECRETS]  # sealed tokens; client secrets to refresh them
# Platforms whose tokens refresh without Soku's client secret (Threads), or that have none
# (Telegram, Discord, Mastodon, Bluesky): the manifest's `refresh_uses_client_secret` is False.
TOKENS_ONLY_PUBLISHER = [TOKEN_KEYS]
ACCOUNT = [TOKEN_KEYS, OAUTH_CLIENT_SECRETS]  # token health; revocation at the platform
# POST /v1/posts asks a platform's own rules with the account's tokens where its package has a
# preflight (a subreddit's required flair: shared/services/posts/preflight.py), refreshing them
# as a publish would: the sealed tokens and the client secrets to refresh them.
POSTS = [TOKEN_KEYS, OAUTH_CLIENT_SECRETS]
# signs the state; is the platform configured; seals what it stores (credentials connected by
# POST /v1/connections/{platform}, a Mastodon server's app secret)
CONNECT_START = [TOKEN_KEYS, OAUTH_STATE_SECRET, OAUTH_CLIENT_SECRETS]
OAUTH_CALLBACK = [TOKEN_KEYS, OAUTH_STATE_SECRET, OAUTH_CLIENT_SECRETS]  # verify, exchange, seal
WEBHOOKS = [TOKEN_KEYS]  # endpoint signing secrets are sealed with the token keys
TRANSCRIBE = [OPENAI_API_KEY]
PLATFORM_WEBHOOKS = [OAUTH_CLIENT_SECRETS]  # Meta's signed requests are signed with the app secret


def declared_secrets(function: Callable) -> list[str]:
    """The secret names in a decorated function's `secrets=[...]` (its deploy manifest)."""
    endpoint = getattr(function, "__firebase_endpoint__", None)
    entries = getattr(endpoint, "secretEnvironmentVariables", None)
    return [entry["key"] for entry in entries] if isinstance(entries, list) else []


def check(names: list[str]) -> None:
    """Outside emulators: raise ConfigurationError naming the first required secret missing,
    then build the settings, which names any malformed variable. Under emulators: nothing
    (the pipeline answers a ConfigurationError where a request meets it)."""
    if emulated():
        return
    missing = [name for name in names if name in REQUIRED and not os.environ.get(name, "").strip()]
    if missing:
        raise ConfigurationError(
            f"Missing secret {', '.join(missing)}: set it with `firebase functions:secrets:set "
            f"{missing[0]}` and deploy again")
    get_settings()


def checked(function: Callable[[Request], Response]) -> Callable[[Request], Response]:
    """Wrap a decorated function so its first request runs `check` on the secrets it declares."""
    names = declared_secrets(function)
    ready = False

    @functools.wraps(function)
    def guarded(request: Request) -> Response:
        nonlocal ready
        if not ready:
            try:
                check(names)
            except ConfigurationError as error:
                from shared.web.api import request_id_for
                from shared.web.responses import error_response, finish

                log.error("refusing to serve %s: %s", function.__name__, error)
                request_id = request_id_for(request)
                return finish(error_response(MisconfiguredError.of(error), request_id), request_id)
            ready = True
        return function(request)

    return guarded  # functools.wraps copied what Firebase discovers functions by (their __dict__)
