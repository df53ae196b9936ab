"""`POST /v1/media` with a file in the body (multipart): stream it into `media/<id>.<ext>`.

The counterpart of ingest.py for bytes the caller sends instead of a URL it names:
the same sniffing (the first bytes decide; the part's declared Content-Type never
does), the same streamed resumable upload in `ingest.UPLOAD_CHUNK`s, the same
document shape (`originalUrl`/`finalUrl` null, `source: "upload"`, the filename as
sent). A refusal at any point, including one that only shows after the file's bytes
(a second part, a body over the limit), leaves no object and no document: the
resumable upload is cancelled before its last chunk.

The size cap is the HTTP request's, not the media cap: Cloud Run (which serves Cloud
Functions 2nd gen) refuses requests over 32 MiB before our code runs, with a bare
413 of its own. `DIRECT_UPLOAD_MAX_BYTES` (30 MiB for the whole body, multipart
headers included) answers first, in our envelope, and leaves room for the request's
headers. Bigger files go through upload sessions (upload_sessions.py).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any, Iterator

from shared import clock
from shared.adapters.gcp import firestore_client, storage_client
from shared.config import get_settings
from shared.services.media import UploadFailedError, ingest
from shared.services.media.library import document_view
from shared.services.media.sniff import Detected, describe_unknown, sniff

log = logging.getLogger("soku.media")

DIRECT_UPLOAD_MAX_BYTES = 30 * 1024 * 1024
MAX_FILENAME = 255


def clean_filename(filename: str | None) -> str | None:
    """The caller's file name, for display only: no path, no control characters, bounded."""
    if not filename:
        return None
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()[:MAX_FILENAME]
    return name or None


def detect_or_refuse(head: bytes) -> Detected:
    detected = sniff(head)
    if detected is None:
        raise UploadFailedError(f"Media upload failed: {describe_unknown(head, None)}")
    return detected


def media_document(*, media_id: str, user_id: str, key_hash: str | None, detected: Detected, size: int,
                   token: str, filename: str | None, upload_id: str | None = None) -> dict:
    """The `media/{id}` document of an uploaded file: ingest's shape, without a source URL."""
    settings = get_settings()
    doc = {
        "id": media_id,
        "userId": user_id,
        "keyHash": key_hash,
        "url": f"{settings.media_public_base}/{media_id}.{detected.ext}",
        "contentType": detected.content_type,
        "kind": detected.kind,  # GET /v1/media?type=
        "objectPath": f"media/{media_id}.{detected.ext}",
        "downloadToken": token,
        "originalUrl": None,
        "finalUrl": None,
        "source": "upload",
        "filename": filename,
        "ext": detected.ext,
        "size": size,
        "createdAt": clock.now(),
    }
    if upload_id is not None:
        doc["uploadId"] = upload_id
    return doc


def store_upload(user_id: str, key_hash: str | None, filename: str | None, chunks: Iterator[bytes],
                 meter: Any = None) -> dict:
    """Store the bytes of `chunks` for `user_id`; return the `media/{id}` view.

    `chunks` may raise (a SokuError from the HTTP layer) at any point: nothing is kept.
    `meter` (budgets.Meter, the daily `mediaBytes`) is charged the stored size before
    the document is written, and refunded if that write fails.
    """
    media_id = ingest.new_media_id()
    bucket = storage_client().bucket(get_settings().media_bucket)
    blob = None
    charge = None
    try:
        head = ingest.read_head(chunks)
        detected = detect_or_refuse(head)
        token = str(uuid.uuid4())
        doc = media_document(media_id=media_id, user_id=user_id, key_hash=key_hash, detected=detected,
                             size=0, token=token, filename=clean_filename(filename))
        blob = bucket.blob(doc["objectPath"])
        blob.metadata = {ingest.TOKEN_METADATA_KEY: token}  # Firebase download token, as ingest
        doc["size"] = ingest.upload_in_chunks(blob, detected, head, chunks)
        charge = meter.charge(doc["size"]) if meter is not None else None
        firestore_client().collection("media").document(media_id).create(doc)
    except BaseException:
        if charge is not None:
            charge.refund()
        ingest.discard(blob)
        raise
    log.info("media %s stored: %s, %d bytes, uploaded", media_id, detected.content_type, doc["size"])
    return document_view(doc)
