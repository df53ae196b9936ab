"""The media a transcription reads: the caller's own `media/{id}` document and its file.

The checks follow the spec's error table: an id that is not the caller's (or
not an id at all) is MEDIA_NOT_FOUND, exactly like a missing one, so ids
cannot be probed; a document without `contentType` or `objectPath` is
MEDIA_INVALID; a content type other than audio/* or video/* is
UNSUPPORTED_MEDIA_TYPE. The content type was read from the file's bytes at
upload (shared/services/media/sniff.py); the copied file is sniffed again
anyway (`inspect`), and only what its bytes are picks ffmpeg's demuxer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from google.api_core.exceptions import NotFound

from shared.adapters import ffmpeg
from shared.adapters.gcp import firestore_client, storage_client
from shared.config import get_settings
from shared.services.media import sniff
from shared.services.media.library import MEDIA_ID
from shared.services.transcription import MediaInvalidError, MediaNotFoundError, UnsupportedMediaError

REQUIRED = ("contentType", "objectPath")


@dataclass(frozen=True)
class Media:
    id: str
    content_type: str
    object_path: str
    ext: str
    size: int | None = None  # as recorded at upload


def load(user_id: str, media_id: str) -> Media:
    data = None
    if MEDIA_ID.match(media_id):
        snap = firestore_client().collection("media").document(media_id).get()
        data = snap.to_dict() if snap.exists else None
    if data is None or data.get("userId") != user_id:
        raise MediaNotFoundError(f"Media {media_id} not found", details={"mediaId": media_id})
    missing = [name for name in REQUIRED if not isinstance(data.get(name), str) or not data.get(name)]
    if missing:
        raise MediaInvalidError(f"Media document is missing required fields: {', '.join(missing)}",
                                details={"mediaId": media_id, "missing": missing})
    content_type = data["contentType"].split(";")[0].strip().lower()
    if content_type.split("/", 1)[0] not in ("audio", "video"):
        raise UnsupportedMediaError(
            f"Only audio and video media can be transcribed; media {media_id} is {content_type}",
            details={"mediaId": media_id, "contentType": content_type})
    ext = data.get("ext") if isinstance(data.get("ext"), str) else data["objectPath"].rpartition(".")[2]
    size = data.get("size") if isinstance(data.get("size"), int) and not isinstance(data.get("size"), bool) else None
    return Media(media_id, content_type, data["objectPath"], ext or "bin", size)


def _too_large(media: Media, size: int) -> MediaInvalidError:
    limit = get_settings().media_max_bytes
    return MediaInvalidError(f"Media {media.id} is {size} bytes; at most {limit} bytes can be transcribed",
                             details={"mediaId": media.id, "reason": "too_large", "limit": limit})


def check_size(media: Media) -> None:
    """Before the copy: the size recorded at upload against the cap."""
    if media.size is not None and media.size > get_settings().media_max_bytes:
        raise _too_large(media, media.size)


@dataclass(frozen=True)
class Inspected:
    fmt: str  # ffmpeg's demuxer for these bytes
    declared_seconds: float | None  # what the container says; None when it says nothing


def inspect(media: Media, path: str, size: int) -> Inspected:
    """What the copied file really is and how long it says it is, before any decoding.

    The demuxer comes from the file's first bytes: a file that is a playlist or a
    concat script, whatever its name or content type, is refused here and never
    reaches a demuxer that would follow it. The declared duration is the header's
    (ffmpeg opens the input and stops, in bounded time); it can lie, which is why
    the extraction is bounded too (service.py)."""
    if size > get_settings().media_max_bytes:
        raise _too_large(media, size)
    with open(path, "rb") as f:
        head = f.read(sniff.SNIFF_BYTES)
    detected = sniff.sniff(head)
    fmt = ffmpeg.DEMUXERS.get(detected.content_type) if detected else None
    if fmt is None:
        what = (f"a {detected.content_type} file" if detected
                else sniff.describe_unknown(head, None).split(";")[0].replace("the file is ", ""))
        raise MediaInvalidError(f"The stored file of media {media.id} is not audio or video we can read: it is {what}",
                                details={"mediaId": media.id, "reason": "unrecognized"})
    try:
        seconds = ffmpeg.probe(path, fmt)
    except ffmpeg.FfmpegError as exc:
        raise MediaInvalidError("The media file could not be decoded as audio or video",
                                details={"mediaId": media.id, "reason": "undecodable"}) from exc
    limit = get_settings().transcribe_max_seconds
    if seconds is not None and seconds > limit:
        raise too_long(media, limit)
    return Inspected(fmt, seconds)


def too_long(media: Media, limit: float) -> MediaInvalidError:
    return MediaInvalidError(f"Media {media.id} is longer than {limit:g} seconds, the most that can be transcribed",
                             details={"mediaId": media.id, "reason": "too_long", "limitSeconds": limit})


def download(media: Media, path: str) -> int:
    """Copy the stored file to `path` (streamed to disk, never whole in memory); its size."""
    blob = storage_client().bucket(get_settings().media_bucket).blob(media.object_path)
    try:
        blob.download_to_filename(path)
    except NotFound:
        raise MediaInvalidError(f"The stored file of media {media.id} is missing",
                                details={"mediaId": media.id, "reason": "file_missing"}) from None
    return os.path.getsize(path)
