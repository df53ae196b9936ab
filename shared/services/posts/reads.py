"""What a new post reads from Firestore, in one round trip.

`POST /v1/posts` needs, before it can write: the request's idempotency record,
the media documents it names (`mediaIds`, and our own media URLs), and the
accounts it targets. All of them are read at once: one `get_all` by document id
for the record, the media and every account named by `accountId`. A platform named
without an account needs all of the user's accounts there (one resolves, several
are refused): when this instance has listed them before, they are read by id in
the same `get_all` with the platform's integration document, which confirms the set
is unchanged (posts/known_accounts.py); otherwise, and beside the `get_all`, one
query lists them. One sequential round trip, whatever the post; a second one only
when an account was connected or disconnected since this instance last listed.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from shared.adapters.gcp import could_be_document_id, firestore_client
from shared.models.posts import PostContent
from shared.platforms import Platform
from shared.services.posts.media import media_ids_to_read
from shared.services.posts.known_accounts import KnownAccounts
from shared.services.posts.targets import ACCOUNT_FIELDS, accounts_to_read
from shared.services.publishing.accounts import account_documents, account_ref, integration_ref

_queries = ThreadPoolExecutor(max_workers=8, thread_name_prefix="post-reads")
_known = KnownAccounts()  # this instance's memory of each user's accounts per platform


@dataclass
class PostReads:
    media: dict[str, Any]  # media id -> snapshot
    accounts: dict[Platform, dict[str, dict]]  # platform -> {accountId: document}
    others: dict[str, Any] = field(default_factory=dict)  # path -> snapshot of `also`


def read_for_post(user_id: str, content: PostContent, also: tuple = ()) -> PostReads:
    """Read everything `content` refers to, plus the documents `also` (references)."""
    db = firestore_client()
    named, listed = accounts_to_read(content.platform)
    remembered = {p: ids for p in listed if (ids := _known.get(user_id, p.value)) is not None}
    listing = {platform: _list(user_id, platform)
               for platform in sorted(listed - remembered.keys(), key=lambda p: p.value)}

    media_ids = [m for m in media_ids_to_read(content) if could_be_document_id(m)]
    media_refs = {m: db.collection("media").document(m) for m in media_ids}
    account_refs = {(p, a): account_ref(user_id, p.value, a)
                    for p, a in named if p not in listed and could_be_document_id(a)}
    account_refs |= {(p, a): account_ref(user_id, p.value, a) for p, ids in remembered.items() for a in ids}
    # Every bare platform's connectedCount: it confirms what was remembered, or lets a listing be.
    integration_refs = {p: integration_ref(user_id, p.value) for p in listed}
    refs = list(also) + list(media_refs.values()) + list(account_refs.values()) + list(integration_refs.values())
    found = {snap.reference.path: snap for snap in db.get_all(refs)} if refs else {}

    accounts: dict[Platform, dict[str, dict]] = {platform: {} for platform, _ in named}
    for (platform, account_id), ref in account_refs.items():
        snap = found.get(ref.path)
        if snap is not None and snap.exists:
            accounts.setdefault(platform, {})[account_id] = snap.to_dict() or {}
    counts = {p: _count(found.get(ref.path)) for p, ref in integration_refs.items()}
    for platform, ids in remembered.items():
        if not (counts[platform] == len(ids) and all(a in accounts.get(platform, {}) for a in ids)):
            # Connected or disconnected since: listed after all (a second round trip, this once).
            accounts.pop(platform, None)
            listing[platform] = _list(user_id, platform)
    for platform, future in listing.items():
        accounts[platform] = future.result()
        if counts[platform] == len(accounts[platform]):  # the whole set, as the count says
            _known.remember(user_id, platform.value, accounts[platform])
        else:
            _known.forget(user_id, platform.value)
    return PostReads(
        media={m: found[ref.path] for m, ref in media_refs.items() if ref.path in found},
        accounts=accounts,
        others={ref.path: found.get(ref.path) for ref in also},
    )


def _list(user_id: str, platform: Platform) -> Future:
    # Listed with only what target resolution reads: production Firestore then sends neither
    # the sealed tokens nor the rest (the emulators ignore projections and send it all).
    return _queries.submit(account_documents, user_id, platform.value, ACCOUNT_FIELDS)


def _count(integration) -> int | None:
    """An integration document's connectedCount (None: no document, or no count in it)."""
    if integration is None or not integration.exists:
        return None
    count = (integration.to_dict() or {}).get("connectedCount")
    return count if isinstance(count, int) and not isinstance(count, bool) else None
