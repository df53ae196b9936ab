"""The stored media that public delivery serves: `media/{id}.{ext}` in the media bucket.

Objects stay private in the bucket; the web layer's handler (shared/web/media_files.py)
answers `GET|HEAD {MEDIA_PUBLIC_BASE}/{id}.{ext}` with ranges and revalidation, and streams
the bytes this module reads: `READ_CHUNK` ranged reads pinned to the object's generation,
so memory per download stays at one chunk.
"""

from __future__ import annotations

import base64
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterator

from google.cloud import storage

from shared.adapters.gcp import storage_client
from shared.config import get_settings
from shared.errors import NotFoundError
from shared.services.media.sniff import EXTENSIONS

log = logging.getLogger("soku.media")

READ_CHUNK = 4 * 1024 * 1024
FILE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}\.([a-z0-9]{2,5})$")


@dataclass(frozen=True)
class StoredMedia:
    """One stored file, as found: its object (generation set) and what a response needs."""

    blob: storage.Blob
    size: int
    etag: str  # quoted, strong
    updated: datetime | None  # UTC
    content_type: str


def _etag(blob: storage.Blob) -> str:
    if blob.md5_hash:
        return '"' + base64.b64decode(blob.md5_hash).hex() + '"'
    return f'"g{blob.generation}"'


def find(file_name: str) -> StoredMedia:
    """The stored file `{id}.{ext}`; NotFoundError for a name that is not one, or no such file."""
    match = FILE_NAME.match(file_name)
    if not match or match.group(1) not in EXTENSIONS:
        raise NotFoundError("Media not found")
    # get_blob sets the generation, so every ranged read is pinned to it.
    blob = storage_client().bucket(get_settings().media_bucket).get_blob(f"media/{file_name}")
    if blob is None or blob.size is None:
        raise NotFoundError("Media not found")
    updated = blob.updated.astimezone(timezone.utc) if blob.updated else None
    return StoredMedia(blob, int(blob.size), _etag(blob), updated,
                       blob.content_type or "application/octet-stream")


def read(media: StoredMedia, start: int, end: int) -> Iterator[bytes]:
    """Bytes `start`..`end` (inclusive), lazily, one `READ_CHUNK` ranged read at a time."""
    blob = media.blob
    offset = start
    try:
        while offset <= end:
            stop = min(end, offset + READ_CHUNK - 1)
            data = blob.download_as_bytes(start=offset, end=stop, checksum=None, raw_download=True)
            if not data:
                break
            yield data
            offset += len(data)
    except Exception:  # noqa: BLE001 - headers are sent; all we can do is cut the response short
        log.exception("delivery of %s stopped at byte %d", blob.name, offset)
        raise
