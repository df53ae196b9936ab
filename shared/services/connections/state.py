"""The connect flow's server-side record, and the opaque `state` that names it.

`POST /v1/connections/{platform}/start` creates `oauthFlows/{flowId}`: who
started the flow (`userId`), for which platform, the `redirectUri`, until when
it is good (`SOKU_OAUTH_STATE_TTL`, 10 minutes) and the SHA-256 of a one-time
*begin secret*. Only the caller gets the begin secret, inside the one-time
begin URL (`/oauth/{platform}/begin?flow=<flowId>.<beginSecret>`). A user has at
most MAX_OPEN_FLOWS (20) flows open (started or begun, not expired) at once; one
more is refused with 429 `too_many_open_connections`.

The flow moves `started` → `begun` → `claimed` (or `cancelled`), each step a
Firestore transaction, so each happens once:

- begin (`bind`): a browser confirms on the begin page; Soku stores the
  SHA-256 of a fresh *browser secret* that only that browser holds (an
  HttpOnly, SameSite=Lax cookie), then sends it to the platform;
- callback (`claim`): the platform sends the browser back with the `state`;
  the flow is used up only when the browser's cookie hashes to the stored
  value. Another browser (no cookie, or another flow's) is refused and the
  flow stays as it was.

The `state` is `<flowId>.<HMAC-SHA256(platform, flowId)>`: random, with no
user id, platform or expiry readable in it; the MAC lets a forged or altered
state be refused before any I/O. A Firestore TTL policy on
`oauthFlows.purgeAt` deletes old records.

Where the user names the platform's server (Mastodon), the record also keeps it (`instance`),
vetted at start; the authorize URL, the token exchange and the identity call go there. Where a
platform's kinds of account go through different logins (Instagram: Facebook Login or Instagram
Login), the record keeps the one chosen at start (`accountType`): the begin page's authorize URL
and the callback's exchange use that login's connector.

PKCE: the code verifier is derived from the flow id with the same secret, so
it never travels through the browser and needs no storage.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from google.cloud import firestore

from shared import clock
from shared.adapters import crypto
from shared.adapters.gcp import firestore_client
from shared.config import get_settings
from shared.errors import SokuError
from shared.services.connections.errors import ConnectError

COLLECTION = "oauthFlows"
# Flows a user may have open at once (started or begun, not yet expired): enough for the web
# app's connect buttons clicked many times over, not a way to fill the collection.
MAX_OPEN_FLOWS = 20
VERSION = 2
_PART = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
FLOW_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")  # token_urlsafe(16)
SECRET = re.compile(r"^[A-Za-z0-9_-]{43}$")  # new_secret()'s shape


@dataclass(frozen=True)
class OAuthState:
    flow_id: str
    user_id: str
    platform: str
    redirect_uri: str
    expires_at: datetime
    # The server the account lives on, for platforms where the user names it (Mastodon's
    # `instanceUrl`, vetted at start): its OAuth endpoints are there. None everywhere else, and
    # on flows stored before the field existed.
    instance: str | None = None
    # The account type chosen at start where the platform has several logins (Instagram's
    # `instagram_login`); None: the platform's default login (and flows stored before the field).
    account_type: str | None = None

    @property
    def token(self) -> str:
        """The `state` parameter: opaque, no user id in it."""
        return f"{self.flow_id}.{_mac('state', self.platform, self.flow_id)}"

    @property
    def code_verifier(self) -> str:
        """The PKCE verifier of this flow (43 characters of base64url)."""
        return _b64(hmac.new(_secret(), f"pkce:{self.flow_id}".encode(), hashlib.sha256).digest())

    @property
    def code_challenge(self) -> str:
        return _b64(hashlib.sha256(self.code_verifier.encode()).digest())


@dataclass(frozen=True)
class Flow:
    """A flow record as the begin page and the callback see it."""

    state: OAuthState
    status: str
    data: dict[str, Any]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _secret() -> bytes:
    settings = get_settings()
    if settings.oauth_state_secret:
        return settings.oauth_state_secret.encode()
    # No dedicated secret configured: one derived from the token-encryption key, so a
    # deployment that can seal tokens can always sign states (a missing key fails loudly).
    return crypto.derive_secret("soku oauth state v1")


def _mac(purpose: str, *parts: str) -> str:
    message = ".".join((f"v{VERSION}", purpose, *parts)).encode()
    return _b64(hmac.new(_secret(), message, hashlib.sha256).digest())


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def csrf_token(flow_id: str, browser_nonce: str) -> str:
    """The begin form's anti-CSRF field, bound to the cookie the page set (double submit)."""
    return _mac("csrf", flow_id, browser_nonce)


def _ref(flow_id: str) -> firestore.DocumentReference:
    return firestore_client().collection(COLLECTION).document(flow_id)


def _invalid(message: str = "The sign-in link is invalid. Start connecting again.") -> ConnectError:
    return ConnectError("invalid_state", message)


class TooManyOpenFlowsError(SokuError):
    status = 429
    code = "too_many_open_connections"
    message = "Too many connection flows open"


def _open_flows(user_id: str, now: datetime) -> list[datetime]:
    """When each of the user's open flows (started or begun, not expired) expires, soonest first."""
    query = (firestore_client().collection(COLLECTION)
             .where(filter=firestore.FieldFilter("userId", "==", user_id))
             .where(filter=firestore.FieldFilter("status", "in", ["started", "begun"]))
             .where(filter=firestore.FieldFilter("expiresAt", ">", now))
             .order_by("expiresAt").limit(MAX_OPEN_FLOWS))
    return [snap.get("expiresAt") for snap in query.stream()]


def check_open_flows(user_id: str, now: datetime) -> None:
    """At most MAX_OPEN_FLOWS unfinished, unexpired flows per user: 429 naming the cap, with
    Retry-After until the oldest one expires (a flow lives SOKU_OAUTH_STATE_TTL, 10 minutes)."""
    open_flows = _open_flows(user_id, now)
    if len(open_flows) < MAX_OPEN_FLOWS:
        return
    wait = max(1, math.ceil((open_flows[0] - now).total_seconds()))
    raise TooManyOpenFlowsError(
        f"You have {len(open_flows)} connection flows open, the most allowed ({MAX_OPEN_FLOWS}); finish or "
        f"cancel one, or try again in {wait} seconds when the oldest expires",
        details={"limit": MAX_OPEN_FLOWS, "open": len(open_flows), "retryAfter": wait,
                 "oldestExpiresAt": clock.iso(open_flows[0])},
        headers={"Retry-After": str(wait)})


def issue(user_id: str, platform: str, redirect_uri: str, instance: str | None = None,
          account_type: str | None = None) -> tuple[OAuthState, str]:
    """A new flow record; (its state, the begin secret that only the caller gets). `instance`:
    the user's server, where the platform has one per user (Mastodon), kept as `instance`;
    `account_type`: the login chosen at start (Instagram), kept as `accountType`."""
    now = clock.now()
    check_open_flows(user_id, now)
    expires = now + timedelta(seconds=get_settings().oauth_state_ttl_s)
    state = OAuthState(secrets.token_urlsafe(16), user_id, platform, redirect_uri, expires, instance, account_type)
    begin_secret = new_secret()
    _ref(state.flow_id).create({
        "userId": user_id, "platform": platform, "redirectUri": redirect_uri, "status": "started",
        "beginHash": digest(begin_secret), "createdAt": now, "expiresAt": expires,
        "purgeAt": expires + timedelta(days=1), **({"instance": instance} if instance else {}),
        **({"accountType": account_type} if account_type else {})})
    return state, begin_secret


def split_begin_token(token: str | None) -> tuple[str, str]:
    flow_id, _, begin_secret = (token or "").partition(".")
    if not _PART.match(flow_id) or not _PART.match(begin_secret):
        raise ConnectError("invalid_link", "This connection link is invalid. Start connecting again.")
    return flow_id, begin_secret


def verify(token: str | None, platform: str) -> str:
    """The flow id the state names, or ConnectError(invalid_state). No I/O."""
    flow_id, _, signature = (token or "").partition(".")
    if not _PART.match(flow_id) or not signature or len(token or "") > 256:
        raise _invalid()
    if not hmac.compare_digest(signature, _mac("state", platform, flow_id)):
        # Also a real state of another platform's flow: the platform is part of the MAC.
        raise _invalid()
    return flow_id


def _flow(snap: firestore.DocumentSnapshot, platform: str) -> Flow:
    if not snap.exists:  # never made here, or purged long after it expired
        raise _invalid("The sign-in link is invalid or expired. Start connecting again.")
    data = snap.to_dict() or {}
    if data.get("platform") != platform:
        raise _invalid("The sign-in link was made for another platform.")
    instance, account_type = data.get("instance"), data.get("accountType")
    state = OAuthState(snap.id, str(data["userId"]), platform, str(data["redirectUri"]), data["expiresAt"],
                       instance if isinstance(instance, str) and instance else None,
                       account_type if isinstance(account_type, str) and account_type else None)
    if clock.now() >= state.expires_at:
        raise ConnectError("state_expired", "The sign-in link expired. Start connecting again.", platform=platform)
    return Flow(state, str(data.get("status")), data)


def _check_begin(flow: Flow, begin_secret: str) -> None:
    if not hmac.compare_digest(str(flow.data.get("beginHash") or ""), digest(begin_secret)):
        raise ConnectError("invalid_link", "This connection link is invalid. Start connecting again.")
    if flow.status != "started":
        raise ConnectError("link_already_used", "This connection link was already used. It works once, in "
                           "one browser: start connecting again.", platform=flow.state.platform)


def lookup_begin(flow_id: str, begin_secret: str, platform: str) -> Flow:
    """The flow behind an unused begin link (for the confirmation page); nothing changes."""
    flow = _flow(_ref(flow_id).get(), platform)
    _check_begin(flow, begin_secret)
    return flow


def bind(flow_id: str, begin_secret: str, platform: str, browser_secret: str | None) -> OAuthState:
    """Use the begin link up: bind the flow to the browser holding `browser_secret`, or
    (None) cancel it. Once only: a second confirmation, in any browser, is refused."""
    ref = _ref(flow_id)

    @firestore.transactional
    def run(transaction: firestore.Transaction) -> OAuthState:
        flow = _flow(ref.get(transaction=transaction), platform)
        _check_begin(flow, begin_secret)
        now = clock.now()
        if browser_secret is None:
            transaction.update(ref, {"status": "cancelled", "cancelledAt": now})
        else:
            transaction.update(ref, {"status": "begun", "begunAt": now, "browserHash": digest(browser_secret)})
        return flow.state

    return run(firestore_client().transaction())


def claim(flow_id: str, platform: str, browser_secret: str | None) -> OAuthState:
    """Use the flow up at the callback: only in the browser it was bound to, only once."""
    ref = _ref(flow_id)
    mismatch = ConnectError(
        "browser_mismatch", "This connection was not started in this browser, so nothing was connected. "
        "Finish connecting in the browser where you started it (and confirmed which Soku account the account "
        "joins), or start again here.", platform=platform)

    @firestore.transactional
    def run(transaction: firestore.Transaction) -> OAuthState:
        flow = _flow(ref.get(transaction=transaction), platform)
        if flow.status == "claimed":
            raise ConnectError("state_already_used", "This sign-in link was already used. Start connecting "
                               "again.", platform=platform)
        if flow.status == "cancelled":
            raise ConnectError("cancelled", "This connection was cancelled. Start connecting again.",
                               platform=platform)
        expected = str(flow.data.get("browserHash") or "")
        if flow.status != "begun" or not browser_secret or not expected or \
                not hmac.compare_digest(expected, digest(browser_secret)):
            raise mismatch  # the flow stays as it was: the browser that started it can still finish
        transaction.update(ref, {"status": "claimed", "claimedAt": clock.now()})
        return flow.state

    return run(firestore_client().transaction())
