"""What a new post reads from Firestore, in one round trip.

`POST /v1/posts` needs, before it can write: the request's idempotency record,
the media documents it names (`mediaIds`, and our own media URLs), and the
accounts it targets. All of them are read at once: one `get_all` by document id
for the record, the media and every account named by `accountId`, and beside it,
in parallel, one query per platform named without an account (its accounts must
be listed to tell one from several). One sequential round trip, whatever the post.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from shared.adapters.gcp import could_be_document_id, firestore_client
from shared.models.posts import PostContent
from shared.platforms import Platform
from shared.services.posts.media import media_ids_to_read
from shared.services.posts.targets import ACCOUNT_FIELDS, accounts_to_read
from shared.services.publishing.accounts import account_documents, account_ref

_queries = ThreadPoolExecutor(max_workers=8, thread_name_prefix="post-reads")


@dataclass
class PostReads:
    media: dict[str, Any]  # media id -> snapshot
    accounts: dict[Platform, dict[str, dict]]  # platform -> {accountId: document}
    others: dict[str, Any] = field(default_factory=dict)  # path -> snapshot of `also`


def read_for_post(user_id: str, content: PostContent, also: tuple = ()) -> PostReads:
    """Read everything `content` refers to, plus the documents `also` (references)."""
    db = firestore_client()
    named, listed = accounts_to_read(content.platform)
    # Listed with only what target resolution reads: production Firestore then sends neither
    # the sealed tokens nor the rest (the emulators ignore projections and send it all).
    listing = {platform: _queries.submit(account_documents, user_id, platform.value, ACCOUNT_FIELDS)
               for platform in sorted(listed, key=lambda p: p.value)}

    media_ids = [m for m in media_ids_to_read(content) if could_be_document_id(m)]
    media_refs = {m: db.collection("media").document(m) for m in media_ids}
    account_refs = {(p, a): account_ref(user_id, p.value, a)
                    for p, a in named if p not in listed and could_be_document_id(a)}
    refs = list(also) + list(media_refs.values()) + list(account_refs.values())
    found = {snap.reference.path: snap for snap in db.get_all(refs)} if refs else {}

    accounts: dict[Platform, dict[str, dict]] = {platform: {} for platform, _ in named}
    for (platform, account_id), ref in account_refs.items():
        snap = found.get(ref.path)
        if snap is not None and snap.exists:
            accounts[platform][account_id] = snap.to_dict() or {}
    for platform, future in listing.items():
        accounts[platform] = future.result()
    return PostReads(
        media={m: found[ref.path] for m, ref in media_refs.items() if ref.path in found},
        accounts=accounts,
        others={ref.path: found.get(ref.path) for ref in also},
    )
