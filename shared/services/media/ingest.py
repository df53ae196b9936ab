"""`POST /v1/media`: stream a remote file into `media/<id>.<ext>` and record it.

The body never sits in memory whole: the download (shared/adapters/safe_http)
is read in `READ_CHUNK`s and written through a resumable upload in
`UPLOAD_CHUNK`s, so memory stays at a few chunks whatever the file size. The
first bytes decide the content type and extension before anything is written.
A failure at any point leaves nothing behind: an unfinished resumable upload
is cancelled (no object exists until the last chunk), and an object whose
document could not be written is deleted again.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from typing import Iterator

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


def _read_head(chunks: Iterator[bytes]) -> bytes:
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


def _upload(blob: storage.Blob, detected: Detected, head: bytes, rest: Iterator[bytes]) -> int:
    size = len(head)
    # if_generation_match=0: create only, an id is never written twice.
    with blob.open("wb", chunk_size=UPLOAD_CHUNK, ignore_flush=True,
                   content_type=detected.content_type, if_generation_match=0) as writer:
        writer.write(head)
        for chunk in rest:
            writer.write(chunk)
            size += len(chunk)
    return size


def _discard(blob: storage.Blob | None) -> None:
    if blob is None:
        return
    try:
        blob.delete()
    except NotFound:
        pass
    except Exception:  # noqa: BLE001 - the original failure matters more; log and move on
        log.exception("could not delete %s after a failed ingest", blob.name)


def ingest_remote(user_id: str, key_hash: str | None, url: str) -> dict:
    """Fetch `url` into the media bucket for `user_id`; return the `media/{id}` view.

    Raises UploadFailedError (400 upload_failed) for every refusal: unsafe or
    unreachable URL, too large, too slow, or not a media type we accept.
    """
    settings = get_settings()
    media_id = new_media_id()
    bucket = storage_client().bucket(settings.media_bucket)
    blob: storage.Blob | None = None
    try:
        with safe_http.open_remote(drive.to_direct_download(url)) as remote:
            chunks = remote.iter_bytes(READ_CHUNK)
            head = _read_head(chunks)
            detected = _detect(head, remote, url)
            object_path = f"media/{media_id}.{detected.ext}"
            blob = bucket.blob(object_path)
            token = str(uuid.uuid4())
            # The Firebase download token lets Firebase SDKs fetch the object
            # while it stays private (storage.rules deny direct reads).
            blob.metadata = {TOKEN_METADATA_KEY: token}
            size = _upload(blob, detected, head, chunks)
            final_url = remote.final_url
        doc = {
            "id": media_id,
            "userId": user_id,
            "keyHash": key_hash,
            "url": f"{settings.media_public_base}/{media_id}.{detected.ext}",
            "contentType": detected.content_type,
            "objectPath": object_path,
            "downloadToken": token,
            "originalUrl": url,
            "finalUrl": final_url,
            "ext": detected.ext,
            "size": size,
            "createdAt": clock.now(),
        }
        firestore_client().collection("media").document(media_id).create(doc)
    except safe_http.FetchRefused as refused:
        _discard(blob)
        raise UploadFailedError(f"Media upload failed: {refused.reason}") from None
    except BaseException:
        _discard(blob)
        raise
    log.info("media %s stored: %s, %d bytes, from %s", media_id, detected.content_type, size, final_url)
    return document_view(doc)
