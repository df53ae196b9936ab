"""Bluesky: images as blobs on the account's PDS, then the post as a record of its repository.

Flow (lexicons in bluesky-social/atproto, lexicons/com/atproto/repo/*.json):
1. each image: `com.atproto.repo.uploadBlob` (the bytes, read from Cloud Storage; at most
   2,000,000 each) → a blob reference, its CID the hash of the bytes;
2. each `@handle` of the text: `com.atproto.identity.resolveHandle` → its DID (richtext.py);
3. `com.atproto.repo.createRecord` {repo: DID, collection: app.bsky.feed.post, rkey, record:
   {text, createdAt, facets, langs, embed}} → {uri: at://DID/app.bsky.feed.post/<rkey>, cid}.
The result's postId is the record's `at://` URI; its url the post's page on bsky.app.

Exactly once. A record's key is the caller's to choose (`rkey`; for posts a TID, the post
lexicon's `"key": "tid"`), and a repository holds one record per key. Soku chooses it: the first
attempt of a run picks a TID (atproto.com/specs/tid: microseconds since the epoch, then a 10-bit
clock id) from the moment it prepares the record and a clock id hashed from the run's path, and
keeps it, with the record's `createdAt`, in the run's checkpoint before the create is armed.
Every later attempt of the run creates under that same key, so:
- the lookup of an interrupted create (`find_existing`) is `com.atproto.repo.getRecord` of that
  key: an exact answer, not a search by text in a time window; the PDS commits the record before
  it answers createRecord, so there is no listing lag (`listing_lag_s` 0; a miss still waits out
  CREATE_REACH_S for a create that may still be on its way);
- a second createRecord under the key cannot make a second post: the PDS refuses it (the
  reference PDS 0.5.35 answers 500 InternalServerError, its repository's tree refusing a second
  value at the key), and the create reads the record back when an answer leaves its outcome
  unknown, recording the post it finds there.
Blobs are uploaded again by a retry rather than checkpointed: uploadBlob is content-addressed
(the same bytes give the same CID, nothing is duplicated), and the PDS forgets a blob no record
references after a while, so a reference kept from an earlier attempt could be stale.

Errors: xrpc.py. Delete: `com.atproto.repo.deleteRecord` of the URI's key, after a getRecord
that tells "already gone" apart (deleteRecord answers 200 for a key that holds nothing).
Session: `com.atproto.server.refreshSession` with the refresh JWT → a new access JWT and a new
refresh JWT (rotated: the old one is spent); refused (ExpiredToken, InvalidToken), the account
needs reconnecting with an app password (connector.py says why Soku keeps no password).
"""

from __future__ import annotations

import hashlib
import io
from datetime import datetime, timezone
from typing import Any

import httpx

from shared import clock
from shared.config import get_settings
from shared.platforms import Platform
from shared.platforms.bluesky import linkcard, richtext, xrpc
from shared.platforms.bluesky.manifest import IMAGE_FORMATS, MAX_IMAGE_BYTES, MAX_IMAGES, MAX_TEXT_BYTES
from shared.services.publishing.base import Account, PublishContext, PublishedPost, Tokens
from shared.services.publishing.deletion import PostGone
from shared.services.publishing.errors import NeedsReconnectError, PermanentError, PublishError, RetryableError
from shared.services.publishing.http import PlatformHttp
from shared.services.publishing.media import open_media

POST = "app.bsky.feed.post"
WEB = "https://bsky.app"  # where a post's page is, unless SOKU_BLUESKY_WEB_BASE says otherwise
# atproto.com/specs/tid: "base32-sortable" alphabet.
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def tid(at: datetime, clock_id: int) -> str:
    """A TID (atproto.com/specs/tid): 64 bits, the top one 0, then 53 bits of microseconds since
    the Unix epoch and 10 bits of clock id, as 13 characters of base32-sortable."""
    micros = int(at.timestamp() * 1_000_000) & ((1 << 53) - 1)
    value = (micros << 10) | (clock_id & 0x3FF)
    return "".join(_TID_ALPHABET[(value >> shift) & 31] for shift in range(60, -1, -5))


def record_key(run_path: str, at: datetime) -> str:
    """The run's record key: the moment it first prepared the record, and a clock id from the run's
    path (two runs preparing in the same microsecond still differ, unless their paths collide in
    10 bits)."""
    clock_id = int.from_bytes(hashlib.sha256(run_path.encode()).digest()[:2], "big") & 0x3FF
    return tid(at, clock_id)


def _iso(at: datetime) -> str:
    """The lexicon's `datetime` as Bluesky's clients write it: UTC, milliseconds, `Z`."""
    return at.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _NoSuch(PermanentError):
    """An answer, not a failure: getRecord's RecordNotFound, resolveHandle's HandleNotFound.
    (PlatformHttp raises for every 4xx: its callers catch this one.)"""


def _lookup_classify(response: httpx.Response) -> PublishError | None:
    if response.status_code == 400 and xrpc.error_of(response)[0] == "RecordNotFound":
        return _NoSuch("no such record")
    return xrpc.classify(response)


def _resolve_classify(response: httpx.Response) -> PublishError | None:
    # 400: HandleNotFound on the reference PDS, InvalidRequest "Unable to resolve handle" for a
    # handle outside its domains: the mention stays plain text.
    if response.status_code == 400:
        return _NoSuch("the handle does not resolve")
    return xrpc.classify(response)


class BlueskyPublisher:
    platform = Platform.BLUESKY
    # find_existing reads the record by its key from the repository the create committed to.
    listing_lag_s = 0.0

    # -- plumbing -------------------------------------------------------------------
    @staticmethod
    def _root(account: Account) -> str:
        return xrpc.normalise(account.data.get("pdsUrl"))

    @staticmethod
    def _did(account: Account) -> str:
        return account.data.get("did") or account.platform_user_id

    def http(self, account: Account) -> PlatformHttp:
        return PlatformHttp(xrpc.classify, lambda: {"Authorization": f"Bearer {account.tokens.access_token}"},
                            client=xrpc.client())

    def post_url(self, account: Account, rkey: str) -> str:
        web = get_settings().platform_hosts.get("bluesky_web") or WEB
        return f"{web}/profile/{account.data.get('handle') or self._did(account)}/post/{rkey}"

    def _published(self, account: Account, uri: str, cid: str | None = None) -> PublishedPost:
        # The record's cid goes with it: a reply names its root and parent by uri and cid.
        return PublishedPost(uri, self.post_url(account, uri.rsplit("/", 1)[-1]), {"cid": cid} if cid else None)

    # -- authorization ------------------------------------------------------------
    def refresh(self, account: Account) -> Tokens:
        client = PlatformHttp(_refresh_classify, client=xrpc.client())
        response = client.request("POST", xrpc.url(self._root(account), "com.atproto.server.refreshSession"),
                                  headers={"Authorization": f"Bearer {account.tokens.refresh_token or ''}"})
        body = response.json()
        return Tokens(body["accessJwt"], body.get("refreshJwt") or account.tokens.refresh_token,
                      xrpc.jwt_expiry(body["accessJwt"]))

    # -- publishing -----------------------------------------------------------------
    def publish(self, ctx: PublishContext) -> PublishedPost:
        text = ctx.content.text
        if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
            raise PermanentError(f"Bluesky takes at most {MAX_TEXT_BYTES} bytes of text (UTF-8) besides 300 "
                                 f"graphemes; this text has {len(text.encode('utf-8'))}", code="text_too_long")
        if ctx.content.media_type == "video":
            raise PermanentError("Soku does not publish video to Bluesky", code="invalid_media")
        account, http, root = ctx.account, self.http(ctx.account), self._root(ctx.account)
        options = ctx.content.options or {}
        prepared = ctx.checkpoint.get("record")
        if not prepared:
            # Chosen once per run and saved before anything is created (module docstring).
            now = clock.now()
            prepared = {"rkey": record_key(ctx.run_path, now), "createdAt": _iso(now)}
            ctx.save(record=prepared)
        spans = richtext.detect(text)
        dids = self._resolve(root, {span.value for span in spans if span.kind == "mention"})
        record: dict[str, Any] = {"$type": POST, "text": text, "createdAt": prepared["createdAt"]}
        facets = richtext.facets(spans, dids)
        if facets:
            record["facets"] = facets
        if options.get("langs"):
            record["langs"] = list(options["langs"])
        if ctx.reply_to is not None:
            # A thread's reply: strong refs to the thread's first post and to the post it answers
            # (lexicon app.bsky.feed.post#replyRef; com.atproto.repo.strongRef: uri and cid).
            record["reply"] = {"root": _strong_ref(ctx.reply_to.root), "parent": _strong_ref(ctx.reply_to.parent)}
        images = ctx.content.images[:MAX_IMAGES] if ctx.content.media_type == "image" else []
        if images:
            alts = list(options.get("altTexts") or [])
            record["embed"] = {"$type": "app.bsky.embed.images", "images": [
                # The post's own alt text first; else the media's (PATCH /v1/media/{id}).
                self._image(http, root, item, (alts[index] if index < len(alts) else "") or item.get("altText") or "")
                for index, item in enumerate(images)]}
        elif options.get("linkCard"):
            link = next((span.value for span in spans if span.kind == "link"), None)
            card = linkcard.card(link, lambda data, kind: self._upload(http, root, data, kind)) if link else None
            if card is not None:
                record["embed"] = card
            else:
                ctx.report(linkCard="omitted: " + ("the text has no link" if not link else
                                                   "the page could not be read for a preview"))
        unresolved = sorted({span.value for span in spans if span.kind == "mention"} - set(dids))
        if unresolved:
            ctx.report(unresolvedMentions=[f"@{handle}" for handle in unresolved])
        body = {"repo": self._did(account), "collection": POST, "rkey": prepared["rkey"], "record": record}

        def create() -> PublishedPost:
            try:
                response = http.request("POST", xrpc.url(root, "com.atproto.repo.createRecord"), json=body)
            except RetryableError as error:
                if error.code == "rate_limited":
                    raise
                # The outcome is unknown (a 5xx, a lost answer), or the key already holds a record
                # (a second create under it answers 500): the record at our key is the answer.
                found = self._read(http, root, account, prepared["rkey"])
                if found is not None:
                    return found
                raise
            answer = response.json()
            return self._published(account, answer["uri"], answer.get("cid"))

        return ctx.create_once(create)

    def find_existing(self, ctx: PublishContext, armed_at: datetime) -> PublishedPost | None:
        prepared = ctx.checkpoint.get("record") or {}
        if not prepared.get("rkey"):
            return None  # never prepared: nothing was created under a key of ours
        return self._read(self.http(ctx.account), self._root(ctx.account), ctx.account, prepared["rkey"])

    def _read(self, http: PlatformHttp, root: str, account: Account, rkey: str) -> PublishedPost | None:
        """The post record at `rkey` in the account's repository, or None when there is none."""
        lookup = PlatformHttp(_lookup_classify, http.headers, client=http.client)
        try:
            response = lookup.request("GET", xrpc.url(root, "com.atproto.repo.getRecord"),
                                      params={"repo": self._did(account), "collection": POST, "rkey": rkey})
        except _NoSuch:
            return None
        answer = response.json()
        return self._published(account, answer["uri"], answer.get("cid"))

    def _resolve(self, root: str, handles: set[str]) -> dict[str, str]:
        """handle -> DID for each mention that resolves (`com.atproto.identity.resolveHandle`, no
        auth). A 400 (HandleNotFound, "Unable to resolve handle") leaves that mention plain text;
        rate limits and server errors are the publishing taxonomy's."""
        http = PlatformHttp(_resolve_classify, client=xrpc.client())
        dids = {}
        for handle in sorted(handles):
            try:
                response = http.request("GET", xrpc.url(root, "com.atproto.identity.resolveHandle"),
                                        params={"handle": handle})
            except _NoSuch:
                continue
            did = response.json().get("did")
            if isinstance(did, str) and did.startswith("did:"):
                dids[handle] = did
        return dids

    # -- media ------------------------------------------------------------------------
    def _upload(self, http: PlatformHttp, root: str, data: bytes, content_type: str) -> dict:
        """`com.atproto.repo.uploadBlob` → the blob reference ({$type: blob, ref: {$link: CID},
        mimeType, size}) a record embeds."""
        response = http.request("POST", xrpc.url(root, "com.atproto.repo.uploadBlob"), content=data,
                                headers={"Content-Type": content_type})
        return response.json()["blob"]

    def _image(self, http: PlatformHttp, root: str, item: dict, alt: str) -> dict:
        media = open_media(item)
        if media.content_type not in IMAGE_FORMATS:
            raise PermanentError(f"Bluesky takes {', '.join(IMAGE_FORMATS)} images, not {media.content_type}",
                                 code="invalid_media")
        if media.size > MAX_IMAGE_BYTES:
            raise PermanentError(f"Bluesky takes images of at most {MAX_IMAGE_BYTES:,} bytes "
                                 f"(app.bsky.embed.images); this one is {media.size:,}", code="media_too_large")
        data = media.read(0, media.size)
        image: dict[str, Any] = {"alt": alt, "image": self._upload(http, root, data, media.content_type)}
        ratio = aspect_ratio(data)
        if ratio is not None:
            image["aspectRatio"] = {"width": ratio[0], "height": ratio[1]}
        return image

    # -- taking a post down ---------------------------------------------------------------
    def delete_post(self, account: Account, post_id: str) -> None:
        """`com.atproto.repo.deleteRecord` {repo, collection, rkey} of the post's at:// URI."""
        prefix = f"at://{self._did(account)}/{POST}/"
        if not post_id.startswith(prefix):
            raise PermanentError(f"{post_id} is not a post of this Bluesky account", code="publish_rejected")
        rkey = post_id[len(prefix):]
        http, root = self.http(account), self._root(account)
        if self._read(http, root, account, rkey) is None:
            raise PostGone("Bluesky has no such post (already deleted)")
        http.request("POST", xrpc.url(root, "com.atproto.repo.deleteRecord"),
                     json={"repo": self._did(account), "collection": POST, "rkey": rkey})


def _strong_ref(post: PublishedPost) -> dict[str, str]:
    return {"uri": post.post_id, "cid": (post.ref or {}).get("cid", "")}


def aspect_ratio(data: bytes) -> tuple[int, int] | None:
    """The image's displayed width and height (EXIF orientations 5-8 swap them), for the embed's
    `aspectRatio`, which lets Bluesky's apps lay the post out before the image loads; None when
    the image cannot be read (the embed then goes without one, which the lexicon allows)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if image.getexif().get(0x0112) in (5, 6, 7, 8):
                width, height = height, width
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    return (width, height) if width > 0 and height > 0 else None


def _refresh_classify(response: httpx.Response) -> PublishError | None:
    if response.status_code < 300:
        return None
    name, message = xrpc.error_of(response)
    if response.status_code in (400, 401) and name != "RateLimitExceeded":
        return NeedsReconnectError(f"Bluesky refused to refresh the session ({name or response.status_code}: "
                                   f"{message}); connect the account again with an app password")
    return xrpc.classify(response)


PUBLISHER = BlueskyPublisher  # what the registry (shared/platforms/loader.py) instantiates
