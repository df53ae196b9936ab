"""The media a transcription reads: the caller's own `media/{id}` document and its file.

The checks follow the spec's error table: an id that is not the caller's (or
not an id at all) is MEDIA_NOT_FOUND, exactly like a missing one, so ids
cannot be probed; a document without `contentType` or `objectPath` is
MEDIA_INVALID; a content type other than audio/* or video/* is
UNSUPPORTED_MEDIA_TYPE. The content type was read from the file's bytes at
upload (shared/services/media/sniff.py), so it can be trusted here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from google.api_core.exceptions import NotFound

from shared.adapters.gcp import firestore_client, storage_client
from shared.config import get_settings
from shared.services.media.library import MEDIA_ID
from shared.services.transcription import MediaInvalidError, MediaNotFoundError, UnsupportedMediaError

REQUIRED = ("contentType", "objectPath")


@dataclass(frozen=True)
class Media:
    id: str
    content_type: str
    object_path: str
    ext: str


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
    return Media(media_id, content_type, data["objectPath"], ext or "bin")


def download(media: Media, path: str) -> int:
    """Copy the stored file to `path` (streamed to disk, never whole in memory); its size."""
    blob = storage_client().bucket(get_settings().media_bucket).blob(media.object_path)
    try:
        blob.download_to_filename(path)
    except NotFound:
        raise MediaInvalidError(f"The stored file of media {media.id} is missing",
                                details={"mediaId": media.id, "reason": "file_missing"}) from None
    return os.path.getsize(path)
