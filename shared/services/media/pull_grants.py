"""Media URLs of one publish attempt, which know whether the platform fetched them.

A platform that pulls media by URL (TikTok's PULL_FROM_URL) is asked to publish in one
call, and fetches our URL while it does. If that call's answer is lost, and the platform
offers no lookup, only one thing tells whether it may publish: did it fetch the media?
So each attempt's init names its media by a URL of its own, `<public url>?grant=<token>`:

- the media server records the first fetch of a granted URL (`fetchedAt`), in a
  transaction that refuses a revoked grant (404, as for media that does not exist);
- `revoke_unless_fetched` revokes an attempt's grants in one transaction, unless any was
  fetched: revoked, the platform can never fetch them, so a call that was lost before it
  reached the platform can never publish, and initialising again is safe; fetched, the post
  is being made, which the run must report as such (unconfirmed), not make again.

Both are transactions on the grant document, so a fetch and a revocation never both win.
Grants live in `mediaGrants/{token}` (server-only: firestore.rules denies clients) and
expire by TTL (`expiresAt`).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import could_be_document_id, firestore_client
from shared.errors import NotFoundError

COLLECTION = "mediaGrants"
KEEP = timedelta(days=7)  # longer than any run's attempts, and a platform's slowest pull


def _ref(token: str) -> firestore.DocumentReference:
    return firestore_client().collection(COLLECTION).document(token)


def issue(media_id: str, holder: str) -> str:
    """A new grant on `media_id` for `holder` (the run path and attempt); its token."""
    token = "mg_" + secrets.token_urlsafe(18)
    now = clock.now()
    _ref(token).create({"mediaId": media_id, "holder": holder, "createdAt": now, "fetchedAt": None,
                        "revokedAt": None, "expiresAt": now + KEEP})
    return token


def granted_url(public_url: str, token: str) -> str:
    return f"{public_url}{'&' if '?' in public_url else '?'}grant={token}"


def record_fetch(token: str, media_id: str) -> None:
    """A fetch of `media_id` under `token`: NotFoundError when the grant is unknown, revoked or
    for other media (the answer is the one for missing media: nothing to learn from it).

    Only the first fetch writes: a platform pulls a file by many ranges, and once fetched a
    grant is never revoked, so later fetches are one plain read."""
    if not (token.startswith("mg_") and could_be_document_id(token)):
        raise NotFoundError("Media not found")  # the query is anyone's: never a path we build on
    ref = _ref(token)
    grant = ref.get().to_dict()
    if grant is not None and grant.get("mediaId") == media_id and grant.get("fetchedAt") is not None:
        return

    @firestore.transactional
    def record(transaction: firestore.Transaction) -> bool:
        grant = ref.get(transaction=transaction).to_dict()
        if grant is None or grant.get("revokedAt") is not None or grant.get("mediaId") != media_id:
            return False
        if grant.get("fetchedAt") is None:
            transaction.update(ref, {"fetchedAt": clock.now()})
        return True

    if not record(firestore_client().transaction()):
        raise NotFoundError("Media not found")


def revoke_unless_fetched(tokens: list[str]) -> bool:
    """True when none of `tokens` was ever fetched: they are revoked now, for good. False when
    any was fetched (then none is revoked: the platform may still be pulling)."""
    refs = [_ref(token) for token in tokens]

    @firestore.transactional
    def revoke(transaction: firestore.Transaction) -> bool:
        grants = [ref.get(transaction=transaction).to_dict() or {} for ref in refs]
        if any(grant.get("fetchedAt") is not None for grant in grants):
            return False
        now = clock.now()
        for ref, grant in zip(refs, grants):
            if grant and grant.get("revokedAt") is None:
                transaction.update(ref, {"revokedAt": now})
        return True

    return revoke(firestore_client().transaction())
