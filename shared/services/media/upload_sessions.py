"""Upload sessions: large files go from the client straight to Cloud Storage.

`POST /v1/media/uploads {size}` opens a Cloud Storage resumable upload session for a
private staging object, `uploads/<uploadId>`, and returns its session URI. The URI
carries its own authorization and is pinned to that object and that size, so the
client PUTs its bytes there (whole, or in 256 KiB-multiple chunks with
`Content-Range`, https://cloud.google.com/storage/docs/performing-resumable-uploads)
and the function never touches them: no request size limit, no memory, no timeout of
ours. It is what a V4-signed `x-goog-resumable:start` URL would lead to, without a
signing key or the `iam.signBlob` permission in production.

`POST /v1/media/uploads/{id}/complete` then checks the staged object (present, exactly
the declared size), sniffs its first bytes with one ranged read, copies it server-side
(Cloud Storage rewrite) to `media/<mediaId>.<ext>` with the download token and the
sniffed content type, writes the `media/{id}` document (upload.py's shape) and drops
the staging object. The media id and token are chosen when the upload is created, so
a repeated or concurrent complete lands on the same object and document and answers
the same media.

An upload not completed by `expiresAt` (`SESSION_LIFETIME` after creation; Cloud
Storage itself keeps a session for a week) is refused on complete and its staging
object deleted. Uploads nobody completes are cleaned up by the minute sweep
(`sweep_expired`, a phase of posts/sweep.py with its own budget): once expired, the
session is cancelled and the staging object and the document deleted. The bucket's
lifecycle rule on `uploads/` (docs/deploying.md) stays as a backstop. Opening a
session is held to the caller's quotas (quotas.py).
"""

from __future__ import annotations

import logging
import re
import secrets
import time
import uuid
from datetime import timedelta
from typing import Any

import httpx
from google.api_core.exceptions import AlreadyExists, NotFound, PreconditionFailed
from google.cloud import firestore, storage

from shared import clock
from shared.adapters.gcp import firestore_client, storage_client
from shared.config import get_settings
from shared.errors import ConflictError, NotFoundError, SokuError, ValidationError
from shared.services.media import UploadFailedError, ingest
from shared.services.media.library import document_view
from shared.services.media.sniff import SNIFF_BYTES
from shared.services.media.uploads import clean_filename, detect_or_refuse, media_document

log = logging.getLogger("soku.media")

COLLECTION = "uploads"
STAGING_PREFIX = "uploads/"
# Long enough to push a few GiB over a slow line, short enough that abandoned staging
# data does not linger: the lifecycle rule deletes `uploads/` objects after 2 days.
SESSION_LIFETIME = timedelta(hours=24)
KEPT_AFTER_EXPIRY = timedelta(days=30)
UPLOAD_ID = re.compile(r"^[0-9a-f]{24}$")
SWEEP_PAGE = 50
SWEEP_CANCEL_TIMEOUT_S = 3.0


class UploadExpiredError(SokuError):
    status = 410
    code = "upload_expired"
    message = "This upload expired; create a new one"


def max_upload_bytes() -> int:
    """The media cap (SOKU_MEDIA_MAX_BYTES, 1 GiB by default), as for URL ingest: one limit
    for every stored file, which transcription and the publishers rely on."""
    return get_settings().media_max_bytes


def _bucket() -> storage.Bucket:
    return storage_client().bucket(get_settings().media_bucket)


def _collection():
    return firestore_client().collection(COLLECTION)


def _status(data: dict) -> str:
    if data["status"] == "pending" and clock.now() >= data["expiresAt"]:
        return "expired"
    return data["status"]


def upload_view(data: dict) -> dict:
    """What the caller sees of an upload: the URL to PUT to while it is pending."""
    status = _status(data)
    view = {
        "id": data["id"],
        "status": status,
        "size": data["size"],
        "contentType": data.get("contentType"),
        "filename": data.get("filename"),
        "method": "PUT",
        "uploadUrl": data["sessionUrl"] if status == "pending" else None,
        "expiresAt": clock.iso(data["expiresAt"]),
        "createdAt": clock.iso(data["createdAt"]),
        "mediaId": data["mediaId"] if status == "completed" else None,
        "error": data.get("error") if status == "failed" else None,
    }
    return view


def check_size(size: int) -> None:
    """The media cap, checked before the caller's quotas (a file too big for any quota is a 400)."""
    limit = max_upload_bytes()
    if size > limit:
        message = f"The file may be at most {limit} bytes"
        raise ValidationError(message, details=[{"field": "body.size", "message": message, "code": "too_big",
                                                 "limit": limit}])


def create_upload(user_id: str, key_hash: str | None, size: int, content_type: str | None,
                  filename: str | None, origin: str | None = None) -> dict:
    """Open the session. `origin` is the calling page's Origin header, when a browser calls:
    Cloud Storage answers the session's PUTs with CORS headers for exactly the origin the
    session was opened with (https://cloud.google.com/storage/docs/cross-origin#resumable),
    so a web page can upload straight to it."""
    check_size(size)
    upload_id = secrets.token_hex(12)
    object_path = f"{STAGING_PREFIX}{upload_id}"
    # Pinned to this object (create-only) and this size; the declared type is the staged
    # object's, never the media's: complete sniffs the bytes.
    session = _bucket().blob(object_path).create_resumable_upload_session(
        content_type=content_type or "application/octet-stream", size=size, if_generation_match=0,
        checksum=None, origin=origin if origin and origin.startswith(("https://", "http://")) else None)
    now = clock.now()
    data = {
        "id": upload_id,
        "userId": user_id,
        "keyHash": key_hash,
        "status": "pending",
        "size": size,
        "contentType": content_type,
        "filename": clean_filename(filename),
        "objectPath": object_path,
        "sessionUrl": session,
        "mediaId": ingest.new_media_id(),
        "downloadToken": str(uuid.uuid4()),
        "createdAt": now,
        "expiresAt": now + SESSION_LIFETIME,
        # Firestore's TTL policy (firestore.indexes.json) deletes the document after this: a
        # completed upload answers its media again on a repeated complete until then.
        "purgeAt": now + SESSION_LIFETIME + KEPT_AFTER_EXPIRY,
    }
    _collection().document(upload_id).create(data)
    log.info("upload %s opened: %d bytes", upload_id, size)
    return upload_view(data)


def _own(user_id: str, upload_id: str) -> dict:
    data = None
    if UPLOAD_ID.match(upload_id):
        snap = _collection().document(upload_id).get()
        data = snap.to_dict() if snap.exists else None
    if data is None or data.get("userId") != user_id:
        raise NotFoundError(f"Upload {upload_id} not found")  # another user's: exactly like a missing one
    return data


def get_upload(user_id: str, upload_id: str) -> dict:
    return upload_view(_own(user_id, upload_id))


def _delete_staging(data: dict) -> None:
    try:
        _bucket().blob(data["objectPath"]).delete()
    except NotFound:
        pass


def _received_bytes(data: dict) -> int | None:
    """How many bytes Cloud Storage holds for the session (its status query), or None.

    Not asked of the local emulator: fake-gcs-server takes `Content-Range: bytes */N`
    as the last chunk and finalizes the object with what it has.
    """
    if get_settings().storage_emulator_host:
        return None
    try:
        # https://cloud.google.com/storage/docs/performing-resumable-uploads#status-check
        response = httpx.put(data["sessionUrl"], content=b"", timeout=10.0,
                             headers={"Content-Range": f"bytes */{data['size']}"})
    except httpx.HTTPError:
        return None
    if response.status_code == 308:
        match = re.match(r"bytes=0-(\d+)$", response.headers.get("Range", ""))
        return int(match.group(1)) + 1 if match else 0
    if response.status_code in (200, 201):
        return data["size"]
    return None  # 404/410: the session is gone


def _fail(ref, data: dict, error: UploadFailedError) -> UploadFailedError:
    _delete_staging(data)
    ref.update({"status": "failed", "error": {"code": error.code, "message": error.message},
                "completedAt": clock.now()})
    log.info("upload %s refused: %s", data["id"], error.message)
    return error


def _finish(ref, data: dict, media: dict) -> dict:
    if data["status"] != "completed":
        ref.update({"status": "completed", "completedAt": clock.now()})
    _delete_staging(data)
    return document_view(media)


def complete_upload(user_id: str, upload_id: str, *, again: bool = True, meter: Any = None) -> dict:
    """Turn the staged bytes into media; return the `media/{id}` view (the same one again
    for a repeated call). Refusals: 409 upload_incomplete (bytes missing, try again after
    sending them), 410 upload_expired, 400 upload_failed (size or type; final), 429
    daily_limit_exceeded (`meter`, the daily `mediaBytes`: charged the size once the file
    is checked, before it is copied; refunded when this call does not create the media,
    so a repeated or concurrent complete is charged once; the session stays pending)."""
    data = _own(user_id, upload_id)
    ref = _collection().document(upload_id)
    media_ref = firestore_client().collection("media").document(data["mediaId"])
    status = _status(data)
    if status == "failed":
        raise UploadFailedError(data["error"]["message"])
    if status in ("pending", "completed"):
        snap = media_ref.get()  # also after a previous call stopped short of its bookkeeping
        if snap.exists:
            return _finish(ref, data, snap.to_dict())
        if status == "completed":
            raise NotFoundError(f"Media {data['mediaId']} of upload {upload_id} was deleted")
    if status == "expired":
        _expire(ref, data)
        raise UploadExpiredError(f"Upload {upload_id} expired at {clock.iso(data['expiresAt'])} before it "
                                 f"was completed; create a new upload")

    staged = _bucket().get_blob(data["objectPath"])
    size = data["size"]
    if staged is None and again:
        # A concurrent complete may have finished (or refused) and dropped it since `data`
        # was read: answer from the fresh state, as that call did.
        return complete_upload(user_id, upload_id, again=False, meter=meter)
    if staged is None:
        received = _received_bytes(data)
        said = f"Cloud Storage holds {received} of the {size} bytes" if received is not None else \
            f"the {size} bytes have not all arrived"
        raise ConflictError(f"Upload {upload_id} is not complete: {said}. PUT the rest to uploadUrl, then "
                            f"complete again", code="upload_incomplete",
                            details={"size": size, "received": received})
    if staged.size != size:
        # Cloud Storage never finalizes a session short or long; the local emulator does.
        raise _fail(ref, data, UploadFailedError(
            f"Media upload failed: the uploaded file is {staged.size} bytes, not the declared {size}"))
    charge = None
    try:
        head = staged.download_as_bytes(start=0, end=SNIFF_BYTES - 1, if_generation_match=staged.generation)
        try:
            detected = detect_or_refuse(head)
        except UploadFailedError as refused:
            raise _fail(ref, data, refused) from None
        media = media_document(media_id=data["mediaId"], user_id=user_id, key_hash=data.get("keyHash"),
                               detected=detected, size=size, token=data["downloadToken"],
                               filename=data.get("filename"), upload_id=upload_id)
        charge = meter.charge(size) if meter is not None else None
        _copy(staged, media["objectPath"], detected.content_type, data["downloadToken"])
    except NotFound:
        if charge is not None:
            charge.refund()
        if not again:
            raise
        # The staged object went away under us: a concurrent complete got there first.
        return complete_upload(user_id, upload_id, again=False, meter=meter)
    except BaseException:
        if charge is not None:
            charge.refund()
        raise
    try:
        media_ref.create(media)
    except AlreadyExists:  # a concurrent complete wrote it first (and was charged): the same document
        if charge is not None:
            charge.refund()
        media = media_ref.get().to_dict()
    except BaseException:
        if charge is not None:
            charge.refund()
        raise
    log.info("upload %s completed as media %s: %s, %d bytes", upload_id, data["mediaId"],
             detected.content_type, size)
    return _finish(ref, data, media)


def _copy(staged: storage.Blob, object_path: str, content_type: str, token: str) -> None:
    """Server-side copy (rewrite, in as many calls as Cloud Storage needs for a big object),
    of exactly the generation that was checked, with the media's type and download token."""
    target = staged.bucket.blob(object_path)
    target.content_type = content_type
    target.metadata = {ingest.TOKEN_METADATA_KEY: token}
    rewrite_token = None
    try:
        while True:
            rewrite_token, _, _ = target.rewrite(staged, token=rewrite_token, if_generation_match=0,
                                                 if_source_generation_match=staged.generation)
            if rewrite_token is None:
                return
    except PreconditionFailed:
        return  # the target exists already: a concurrent complete copied the same bytes


def _expire(ref, data: dict, cancel_timeout: float = 10.0) -> None:
    _cancel_session(data, cancel_timeout)
    _delete_staging(data)
    ref.update({"status": "expired"})


def _cancel_session(data: dict, timeout: float) -> None:
    """Cancel the Cloud Storage session, so that no PUT can finalize the staging object after
    it was deleted (a session otherwise lives a week)."""
    try:
        httpx.delete(data["sessionUrl"], timeout=timeout)  # answers 499
    except httpx.HTTPError:
        pass  # it expires by itself


def sweep_expired(deadline: float, page: int = SWEEP_PAGE) -> dict:
    """The sweep's phase (posts/sweep.py): sessions still `pending` past `expiresAt`, oldest
    first, a page at a time until none is left or `deadline` (time.monotonic()) has passed.
    Each one's session is cancelled, its staging object and then its document deleted, so it
    leaves the query: what the budget leaves is the next minute's. `more` says it ran out."""
    counts = {"deleted": 0, "failed": 0, "more": 0}
    while True:
        query = (_collection().where(filter=firestore.FieldFilter("status", "==", "pending"))
                 .where(filter=firestore.FieldFilter("expiresAt", "<=", clock.now()))
                 .order_by("expiresAt").limit(page))
        snaps = list(query.stream())
        page_failed = 0
        for snap in snaps:
            if time.monotonic() >= deadline:
                counts["more"] = 1
                return counts
            data = snap.to_dict() or {}
            try:
                if data.get("sessionUrl"):
                    _cancel_session(data, SWEEP_CANCEL_TIMEOUT_S)
                if data.get("objectPath"):
                    _delete_staging(data)
                snap.reference.delete()
                counts["deleted"] += 1
            except Exception:  # noqa: BLE001 - one bad upload never stops the phase
                page_failed += 1
                counts["failed"] += 1
                log.exception("sweep could not delete expired upload %s; will try again next minute", snap.id)
        if len(snaps) < page or page_failed == len(snaps):
            return counts

