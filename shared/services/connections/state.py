"""The OAuth `state`: signed, expiring, single-use.

`POST /v1/connections/{platform}/start` signs who started the flow, for which
platform, where the platform must send the user back, and until when the
state is good (`SOKU_OAUTH_STATE_TTL`, 10 minutes). Nothing is written then:
the state is `<payload>.<HMAC-SHA256>` (base64url), so a forged or altered one
fails the signature check before any I/O. The callback then claims it by
`create()`-ing `oauthStates/{nonce}`: a replayed state finds the document and
is refused (the emulator enforces `create()` conflicts atomically, DESIGN.md).
A Firestore TTL policy on `oauthStates.expiresAt` may delete old claims.

PKCE (X): the code verifier is derived from the state's nonce with the same
secret, so it never travels through the browser and needs no storage.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from google.api_core.exceptions import AlreadyExists

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.adapters import crypto
from shared.config import get_settings
from shared.services.connections.errors import ConnectError

COLLECTION = "oauthStates"
VERSION = 1


@dataclass(frozen=True)
class OAuthState:
    nonce: str
    user_id: str
    platform: str
    redirect_uri: str
    expires_at: datetime

    @property
    def code_verifier(self) -> str:
        """The PKCE verifier of this flow (43 characters of base64url)."""
        return _b64(hmac.new(_secret(), f"pkce:{self.nonce}".encode(), hashlib.sha256).digest())

    @property
    def code_challenge(self) -> str:
        return _b64(hashlib.sha256(self.code_verifier.encode()).digest())


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _secret() -> bytes:
    settings = get_settings()
    if settings.oauth_state_secret:
        return settings.oauth_state_secret.encode()
    # No dedicated secret configured: one derived from the token-encryption key, so a
    # deployment that can seal tokens can always sign states (a missing key fails loudly).
    return crypto.derive_secret("soku oauth state v1")


def _sign(payload: str) -> str:
    return _b64(hmac.new(_secret(), f"v{VERSION}.{payload}".encode(), hashlib.sha256).digest())


def issue(user_id: str, platform: str, redirect_uri: str) -> tuple[str, OAuthState]:
    expires = clock.now() + timedelta(seconds=get_settings().oauth_state_ttl_s)
    state = OAuthState(secrets.token_urlsafe(18), user_id, platform, redirect_uri, expires)
    payload = _b64(json.dumps({"v": VERSION, "n": state.nonce, "u": user_id, "p": platform,
                               "r": redirect_uri, "e": int(expires.timestamp())},
                              separators=(",", ":")).encode())
    return f"{payload}.{_sign(payload)}", state


def verify(token: str | None, platform: str) -> OAuthState:
    """The signed state, or ConnectError(invalid_state | state_expired). No I/O."""
    payload, _, signature = (token or "").partition(".")
    if not payload or not signature or len(token or "") > 2048:
        raise ConnectError("invalid_state", "The sign-in link is invalid. Start connecting again.")
    if not hmac.compare_digest(signature, _sign(payload)):
        raise ConnectError("invalid_state", "The sign-in link is invalid. Start connecting again.")
    try:
        data = json.loads(_unb64(payload))
        state = OAuthState(str(data["n"]), str(data["u"]), str(data["p"]), str(data["r"]),
                           datetime.fromtimestamp(int(data["e"]), timezone.utc))
    except (ValueError, KeyError, TypeError):
        raise ConnectError("invalid_state", "The sign-in link is invalid. Start connecting again.") from None
    if state.platform != platform:
        raise ConnectError("invalid_state", "The sign-in link was made for another platform.")
    if clock.now() >= state.expires_at:
        raise ConnectError("state_expired", "The sign-in link expired. Start connecting again.",
                           platform=platform)
    return state


def claim(state: OAuthState) -> None:
    """Use the state up: the first callback wins, any later one is refused."""
    ref = firestore_client().collection(COLLECTION).document(state.nonce)
    try:
        ref.create({"userId": state.user_id, "platform": state.platform, "claimedAt": clock.now(),
                    "expiresAt": state.expires_at + timedelta(days=1)})
    except AlreadyExists:
        raise ConnectError("state_already_used", "This sign-in link was already used. Start connecting again.",
                           platform=state.platform) from None
