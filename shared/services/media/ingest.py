"""`POST /v1/media`: stream a remote file into `media/<id>.<ext>` and record it.

The body never sits in memory whole: the download (shared/adapters/safe_http)
is read in `READ_CHUNK`s and written through a resumable upload session, in
one streamed PUT when the origin declares the size, else in `UPLOAD_CHUNK`s;
memory stays at a chunk or two whatever the file size. The first bytes decide
the content type and extension before anything is written. A failure at any
point leaves nothing behind: an unfinished resumable upload is cancelled (no
object exists until its last byte), and an object whose document could not be
written is deleted again.
"""

from __future__ import annotations

import base64
import itertools
import logging
import secrets
import uuid
from typing import Any, Iterator

import google_crc32c
import httpx
from google.api_core.exceptions import NotFound
from google.cloud import storage

from shared import clock
from shared.adapters import safe_http
from shared.adapters.gcp import firestore_client, storage_client
from shared.config import get_settings
from shared.services.media import UploadFailedError, drive
from shared.services.media.library import document_view
from shared.services.media.sniff import SNIFF_BYTES, Detected, describe_unknown, sniff

log = logging.getLogger("soku.media")

READ_CHUNK = 1024 * 1024
# A multiple of 256 KiB (the resumable protocol's unit). Bigger chunks mean
# fewer round trips to Cloud Storage; 8 MiB keeps the writer's buffer small.
UPLOAD_CHUNK = 8 * 1024 * 1024
TOKEN_METADATA_KEY = "firebaseStorageDownloadTokens"


def new_media_id() -> str:
    return secrets.token_hex(10)  # 80 random bits: unguessable public URLs


def read_head(chunks: Iterator[bytes]) -> bytes:
    head = b""
    for chunk in chunks:
        head += chunk
        if len(head) >= SNIFF_BYTES:
            break
    return head


def _detect(head: bytes, remote: safe_http.RemoteFile, original_url: str) -> Detected:
    detected = sniff(head)
    if detected is not None:
        return detected
    reason = describe_unknown(head, remote.content_type)
    if drive.is_drive(original_url):
        reason += ". For Google Drive links, share the file with 'Anyone with the link'"
    raise UploadFailedError(f"Media upload failed: {reason}")


def _upload(blob: storage.Blob, detected: Detected, head: bytes, rest: Iterator[bytes],
            length: int | None) -> int:
    if length is not None and length >= len(head):
        return _upload_in_one_stream(blob, detected, head, rest, length)
    return upload_in_chunks(blob, detected, head, rest)


def _upload_in_one_stream(blob: storage.Blob, detected: Detected, head: bytes, rest: Iterator[bytes],
                          length: int) -> int:
    """Known size: one resumable session, one PUT whose body is the download itself.

    One request instead of one per chunk and no buffer beyond the read chunk.
    The object exists only once all `length` bytes arrived; a short or failed
    body leaves the session unfinished and it is cancelled. CRC32C is computed
    on the way and compared with what Cloud Storage stored.
    """
    # if_generation_match=0: create only, an id is never written twice.
    session = blob.create_resumable_upload_session(
        content_type=detected.content_type, size=length, if_generation_match=0, checksum=None)
    crc = google_crc32c.Checksum()
    sent = 0

    def body() -> Iterator[bytes]:
        nonlocal sent
        for piece in itertools.chain((head,), rest):
            crc.update(piece)
            sent += len(piece)
            yield piece

    try:
        # The session URI is its own credential: no auth header is needed.
        with httpx.Client(timeout=httpx.Timeout(120.0, connect=10.0)) as http:
            response = http.put(session, content=body(), headers={
                "Content-Length": str(length), "Content-Type": detected.content_type})
    except httpx.LocalProtocolError:
        _cancel(session)
        raise safe_http.FetchRefused(f"the file ended after {sent} of its declared {length} bytes") from None
    except BaseException:
        _cancel(session)
        raise
    if response.status_code not in (200, 201):
        _cancel(session)
        raise RuntimeError(f"Cloud Storage refused the upload: HTTP {response.status_code} {response.text[:200]}")
    stored_crc = response.json().get("crc32c")
    if stored_crc and stored_crc != base64.b64encode(crc.digest()).decode():
        raise RuntimeError(f"CRC32C mismatch after uploading {blob.name}")  # caller deletes the object
    return sent


def _cancel(session: str) -> None:
    try:
        httpx.delete(session, timeout=10.0)  # answers 499: the session is gone
    except httpx.HTTPError:
        pass  # an unfinished session expires by itself and never becomes an object


def upload_in_chunks(blob: storage.Blob, detected: Detected, head: bytes, rest: Iterator[bytes]) -> int:
    """Unknown size (chunked transfer): the resumable protocol in UPLOAD_CHUNK pieces;
    the writer cancels the session if anything fails before the last chunk."""
    size = len(head)
    with blob.open("wb", chunk_size=UPLOAD_CHUNK, ignore_flush=True,
                   content_type=detected.content_type, if_generation_match=0) as writer:
        writer.write(head)
        for chunk in rest:
            writer.write(chunk)
            size += len(chunk)
    return size


def discard(blob: storage.Blob | None) -> None:
    if blob is None:
        return
    try:
        blob.delete()
    except NotFound:
        pass
    except Exception:  # noqa: BLE001 - the original failure matters more; log and move on
        log.exception("could not delete %s after a failed ingest", blob.name)


def ingest_remote(user_id: str, key_hash: str | None, url: str, meter: Any = None) -> dict:
    """Fetch `url` into the media bucket for `user_id`; return the `media/{id}` view.

    Raises UploadFailedError (400 upload_failed) for every refusal: unsafe or
    unreachable URL, too large, too slow, or not a media type we accept. `meter`
    (budgets.Meter, the daily `mediaBytes`): a declared size over what is left is
    refused before the download, and the stored size is charged before the document
    is written (refunded if that write fails).
    """
    settings = get_settings()
    media_id = new_media_id()
    bucket = storage_client().bucket(settings.media_bucket)
    blob: storage.Blob | None = None
    charge = None
    try:
        with safe_http.open_remote(drive.to_direct_download(url)) as remote:
            if meter is not None and remote.content_length:
                meter.check(remote.content_length)
            chunks = remote.iter_bytes(READ_CHUNK)
            head = read_head(chunks)
            detected = _detect(head, remote, url)
            object_path = f"media/{media_id}.{detected.ext}"
            blob = bucket.blob(object_path)
            token = str(uuid.uuid4())
            # The Firebase download token lets Firebase SDKs fetch the object
            # while it stays private (storage.rules deny direct reads).
            blob.metadata = {TOKEN_METADATA_KEY: token}
            size = _upload(blob, detected, head, chunks, remote.content_length)
            final_url = remote.final_url
        doc = {
            "id": media_id,
            "userId": user_id,
            "keyHash": key_hash,
            "url": f"{settings.media_public_base}/{media_id}.{detected.ext}",
            "contentType": detected.content_type,
            "kind": detected.kind,  # GET /v1/media?type=
            "objectPath": object_path,
            "downloadToken": token,
            "originalUrl": url,
            "finalUrl": final_url,
            "ext": detected.ext,
            "size": size,
            "createdAt": clock.now(),
        }
        charge = meter.charge(size) if meter is not None else None
        firestore_client().collection("media").document(media_id).create(doc)
    except safe_http.FetchRefused as refused:
        discard(blob)
        raise UploadFailedError(f"Media upload failed: {refused.reason}") from None
    except BaseException:
        if charge is not None:
            charge.refund()
        discard(blob)
        raise
    log.info("media %s stored: %s, %d bytes, from %s", media_id, detected.content_type, size, final_url)
    return document_view(doc)
