"""Reading a post's media from Cloud Storage in ranges, never whole.

Every media item a publisher uploads is an object in our bucket (uploads via
`POST /v1/media`, or remote URLs materialized there before fan-out), so
uploads can resume at any byte offset and memory stays flat: at most one
chunk is held at a time.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Iterator

from google.cloud import storage

from shared.adapters.gcp import firestore_client, storage_client
from shared.config import get_settings
from shared.services.publishing.errors import PermanentError

DEFAULT_CHUNK = 4 * 1024 * 1024


@dataclass
class StoredMedia:
    blob: storage.Blob
    size: int
    content_type: str
    public_url: str  # where platforms that pull by URL can fetch it

    def read(self, start: int, end: int) -> bytes:
        """Bytes [start, end) of the object: one ranged GET."""
        if end <= start:
            return b""
        return self.blob.download_as_bytes(start=start, end=end - 1, checksum=None)

    def chunks(self, chunk_size: int = DEFAULT_CHUNK, start: int = 0) -> Iterator[tuple[int, bytes]]:
        offset = start
        while offset < self.size:
            end = min(self.size, offset + chunk_size)
            yield offset, self.read(offset, end)
            offset = end


class StoredMediaFile(io.RawIOBase):
    """A stored media object as a seekable file, for an HTTP client's multipart body (Telegram's
    sendPhoto, Mastodon's media upload): its size is known (seek/tell, so the part gets a
    Content-Length), and its bytes are fetched `read_bytes` at a time as the body is sent, never
    whole. The encoder reads in small pieces (64 KiB): each is served from the range last fetched."""

    def __init__(self, media: StoredMedia, read_bytes: int = DEFAULT_CHUNK) -> None:
        super().__init__()
        self.media, self.position, self.read_bytes = media, 0, read_bytes
        self._buffer, self._buffer_at = b"", 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.media.size}[whence]
        self.position = max(0, min(self.media.size, base + offset))
        return self.position

    def readinto(self, target) -> int:
        if self.position >= self.media.size:
            return 0
        start = self.position - self._buffer_at
        if not 0 <= start < len(self._buffer):
            self._buffer_at = self.position
            self._buffer = self.media.read(self.position, min(self.media.size, self.position + self.read_bytes))
            start = 0
        chunk = self._buffer[start:start + len(target)]
        target[:len(chunk)] = chunk
        self.position += len(chunk)
        return len(chunk)


def open_media(item: dict) -> StoredMedia:
    media_id = item.get("mediaId")
    if not media_id:
        raise PermanentError(f"Media {item.get('url')} was never stored; it cannot be uploaded",
                             code="media_unavailable")
    snap = firestore_client().collection("media").document(media_id).get()
    if not snap.exists:
        raise PermanentError(f"Media {media_id} was deleted before publishing", code="media_unavailable")
    doc = snap.to_dict()
    blob = storage_client().bucket(get_settings().media_bucket).blob(doc["objectPath"])
    blob.reload()
    if blob.size is None:
        raise PermanentError(f"Media {media_id} has no stored object", code="media_unavailable")
    return StoredMedia(blob, int(blob.size), doc.get("contentType") or blob.content_type or "application/octet-stream",
                       doc.get("url") or item.get("url"))
