"""Meta's Deauthorize and Data Deletion Request callbacks.

Both arrive as a form POST with one field, `signed_request` (signed_request.py), naming the
app-scoped id of the Facebook user who removed the app. Every Soku account that user's
Facebook Login connected (their Pages as `facebook` accounts, the Instagram accounts linked
to them) carries `grantId = meta:<appId>:<userId>` (shared/platforms/meta_graph/login.py),
whichever Soku user connected it; logins.py finds them.

- Deauthorize (the app was removed): the accounts stay, without tokens, `needs_reconnect`
  with `statusReason` saying so, and each gets its `account.needs_reconnect` event through
  the outbox, as a refused token does (publishing/accounts.py). Reconnecting restores them.
- Data deletion (the user asks for their data to be deleted): the accounts, their cached
  metrics, and the index entries naming them are deleted, and the answer is what Meta asks
  for, `{"url": <status URL>, "confirmation_code": <code>}`. The request is kept as
  `dataDeletionRequests/{code}`: status, counts and times, nothing about the person.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import Any

from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.config import get_settings
from shared.errors import NotFoundError
from shared.services import sealed_index
from shared.services.analytics import cache as metrics_cache
from shared.services.connections.base import client_id, client_secret
from shared.services.privacy import logins
from shared.services.privacy.signed_request import SignedRequest, parse
from shared.services.publishing import outbox
from shared.services.publishing.accounts import accounts_collection, integration_ref

log = logging.getLogger("soku.privacy")
DELETIONS = "dataDeletionRequests"


@dataclass(frozen=True)
class Family:
    """A family of Meta apps whose callbacks share one format: Facebook Login's (the Facebook app,
    and the Instagram app when it has its own) and Threads' (its own app, its own user ids)."""

    name: str  # the callbacks' path segment and the grants' prefix
    platforms: tuple[str, ...]  # whose SOKU_<PLATFORM>_CLIENT_ID / _SECRET are its apps
    label: str
    what: str  # what a data deletion deletes, for the person who asked
    platform: str = ""  # the platform a deletion status names (default: the family's name)

    @property
    def deauthorized(self) -> str:
        return (f"The {self.label} user removed Soku's app ({self.label}'s deauthorize callback): "
                "connect the account again to post to it")


META = Family("meta", ("facebook", "instagram"), "Facebook",
              "the Facebook Pages and Instagram accounts connected through your login")
THREADS = Family("threads", ("threads",), "Threads", "the Threads profile connected through your login")
# Instagram Login (an Instagram account without a Facebook Page): its own Instagram app, whose
# Business Login settings name a Deauthorize callback URL and a Data Deletion request URL; its
# grants are `instagram_login:<appId>:<Instagram user id>` (shared/platforms/instagram/
# instagram_login.py) [which id Meta puts in the signed_request's `user_id` for this login is
# not documented: the Instagram account's `user_id` is assumed].
INSTAGRAM_LOGIN = Family("instagram_login", ("instagram_login",), "Instagram",
                         "the Instagram account connected through Instagram Login", platform="instagram")


def meta_apps(family: Family = META) -> dict[str, str]:
    """The family's apps in this deployment: app id -> app secret (Instagram falls back to the
    Facebook app, as its connector does)."""
    apps: dict[str, str] = {}
    for platform in family.platforms:
        fallback = "facebook" if family is META else platform
        app_id = client_id(platform) or client_id(fallback)
        secret = client_secret(platform) or client_secret(fallback)
        if app_id and secret:
            apps.setdefault(app_id, secret)
    return apps


def status_root(request_root: str) -> str:
    """Where the status page is public: the Hosting origin when configured (behind Hosting a
    function sees its own host), else the root the callback came through."""
    return get_settings().oauth_redirect_base.rstrip("/") or request_root


def verify(signed_request: str | None, family: Family = META) -> SignedRequest:
    return parse(signed_request, meta_apps(family))


def _grant(request: SignedRequest, family: Family) -> str:
    return f"{family.name}:{request.app_id}:{request.user_id}"


def _recount(user_id: str, platform: str) -> None:
    count = accounts_collection(user_id, platform).count().get()[0][0].value
    integration_ref(user_id, platform).set({"platform": platform, "connectedCount": count,
                                            "updatedAt": clock.now()}, merge=True)


def deauthorize(request: SignedRequest, family: Family = META) -> dict[str, Any]:
    """Strip the tokens of every account this login connected and flag it needs_reconnect."""
    flagged = deauthorize_login(_grant(request, family), family.deauthorized)
    log.info("%s deauthorize: %d account(s) flagged needs_reconnect", family.label, flagged)
    return {"accountsDeauthorized": flagged}


def deauthorize_login(grant_id: str, reason: str) -> int:
    """Every account of the login `grant_id` loses its tokens and turns needs_reconnect for
    `reason`, with its account.needs_reconnect event through the outbox. How many."""
    flagged = 0
    for snap in logins.accounts_of(grant_id):
        ref = snap.reference

        @firestore.transactional
        def flag(transaction: firestore.Transaction) -> list:
            data = ref.get(transaction=transaction).to_dict()
            if data is None:
                return []
            now = clock.now()
            transaction.update(ref, {"status": "needs_reconnect", "statusReason": reason,
                                     "statusChangedAt": now, "tokens": None,  # null, not a deleted field: the
                                     # local emulator ignores field deletes, and every reader takes null as none
                                     "refreshLease": None, "deauthorizedAt": now})
            events = [outbox.account_needs_reconnect(ref.path, {
                "displayName": data.get("displayName"), "statusReason": reason,
                "statusChangedAt": now.isoformat()})]
            outbox.record(transaction, events)
            return events

        outbox.dispatch(flag(firestore_client().transaction()))
        flagged += 1
    return flagged


def _forget_account(snap: firestore.DocumentSnapshot) -> None:
    parts = snap.reference.path.split("/")
    user_id, platform, account_id = parts[1], parts[3], parts[5]
    db = firestore_client()
    for cached in db.collection(metrics_cache.COLLECTION).where(
            filter=firestore.FieldFilter("userId", "==", user_id)).stream():
        # The account's entry and its posts' entries (each names its account).
        data = cached.to_dict() or {}
        if cached.id == metrics_cache.account_key(user_id, platform, account_id) or (
                data.get("accountId") == account_id and data.get("platform") in (platform, None)):
            cached.reference.delete()
    snap.reference.delete()
    sealed_index.forget(snap.reference.path)
    logins.forget(snap.reference.path)
    _recount(user_id, platform)


def request_deletion(request: SignedRequest, public_root: str, family: Family = META) -> dict[str, str]:
    """Delete what this Meta user's login stored; Meta's answer `{url, confirmation_code}`."""
    code = secrets.token_hex(10)
    ref = firestore_client().collection(DELETIONS).document(code)
    now = clock.now()
    ref.create({"code": code, "platform": family.name, "status": "processing", "requestedAt": now,
                "completedAt": None, "accountsDeleted": 0, "sokuUsers": 0})
    try:
        found = logins.accounts_of(_grant(request, family))
        for snap in found:
            _forget_account(snap)
    except Exception:
        ref.update({"status": "failed", "failedAt": clock.now()})
        raise
    ref.update({"status": "completed", "completedAt": clock.now(), "accountsDeleted": len(found),
                "sokuUsers": len({s.reference.path.split("/")[1] for s in found})})
    log.info("%s data deletion %s: %d account(s) deleted", family.label, code, len(found))
    return {"url": f"{public_root}/webhooks/{family.name}/data-deletion/{code}", "confirmation_code": code}


def _message(status: str, family: Family) -> str:
    if status == "completed":
        return (f"Soku has deleted the data it received from {family.label} about you: {family.what}, "
                "their access tokens and cached metrics.")
    if status == "failed":
        return f"Deleting your data did not finish; it is retried when {family.label} sends the request again."
    return f"Your request to delete the data Soku received from {family.label} is being processed."


def deletion_status(code: str, family: Family = META) -> dict[str, Any]:
    snap = firestore_client().collection(DELETIONS).document(code).get()
    data = snap.to_dict() if snap.exists else None
    if not data or data.get("platform", META.name) != family.name:
        raise NotFoundError("No data deletion request with this confirmation code",
                            details={"field": "path.code"})
    status = data.get("status") or "processing"
    return {
        "confirmationCode": code,
        "platform": "facebook" if family is META else (family.platform or family.name),
        "status": status,
        "message": _message(status, family),
        "requestedAt": clock.iso(data["requestedAt"]) if data.get("requestedAt") else None,
        "completedAt": clock.iso(data["completedAt"]) if data.get("completedAt") else None,
        "accountsDeleted": int(data.get("accountsDeleted") or 0),
    }
