"""Images a template config names: an avatar, a background or a logo, given as a
URL or as one of the caller's media ids.

URLs go through shared/adapters/safe_http (the media rules: public addresses
only, pinned connections, redirects re-checked, a byte cap and timeouts);
media ids are read from the bucket, and only the caller's own. Decoding is
guarded against decompression bombs by a pixel cap checked before the pixels
are decoded, and images are reduced to the working size (JPEG: decoded at a
reduced scale) before EXIF orientation is applied, so no full-size copy is made.
"""

from __future__ import annotations

import io

from google.api_core.exceptions import NotFound
from PIL import Image, ImageOps, UnidentifiedImageError

from shared.adapters import safe_http
from shared.adapters.gcp import firestore_client, storage_client
from shared.config import get_settings
from shared.services.templates import ImageUnavailableError

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000  # e.g. 8000x5000; bigger is refused before decoding
FETCH_TIMEOUT = 15.0
FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
# Decoded images are reduced to this longest side: no card needs more.
WORKING_SIZE = 2048


def _field(role: str, kind: str) -> str:
    return f"body.config.{role}{'Url' if kind == 'url' else 'MediaId'}"


def _refuse(role: str, kind: str, reason: str) -> ImageUnavailableError:
    field = _field(role, kind)
    return ImageUnavailableError(f"{field.removeprefix('body.config.')}: {reason}",
                                 details=[{"field": field, "message": reason, "code": "image_unavailable"}])


def fetch_url(url: str) -> bytes:
    """The bytes at `url`, fetched with the media rules. Raises safe_http.FetchRefused."""
    with safe_http.open_remote(url, max_bytes=MAX_BYTES, timeout=FETCH_TIMEOUT) as remote:
        return b"".join(remote.iter_bytes(256 * 1024))


def own_media(user_id: str, media_id: str) -> dict | None:
    snap = firestore_client().collection("media").document(media_id).get()
    data = snap.to_dict() if snap.exists else None
    return data if data is not None and data.get("userId") == user_id else None


def _read_media(user_id: str, media_id: str, role: str) -> bytes:
    doc = own_media(user_id, media_id)
    if doc is None:
        raise _refuse(role, "mediaId", f"media {media_id} not found")
    if not str(doc.get("contentType", "")).startswith("image/"):
        raise _refuse(role, "mediaId", f"media {media_id} is {doc.get('contentType') or 'not an image'}, not an image")
    if int(doc.get("size") or 0) > MAX_BYTES:
        raise _refuse(role, "mediaId", f"media {media_id} is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    try:
        return storage_client().bucket(get_settings().media_bucket).blob(doc["objectPath"]).download_as_bytes()
    except NotFound:
        raise _refuse(role, "mediaId", f"media {media_id} has no stored file") from None


def decode(data: bytes, role: str, kind: str) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in FORMATS:
            raise _refuse(role, kind, f"{image.format or 'this'} images are not supported (PNG, JPEG, WebP, GIF)")
        if image.width * image.height > MAX_PIXELS:
            raise _refuse(role, kind, f"the image is {image.width}x{image.height}, over {MAX_PIXELS:,} pixels")
        # Reduce first, then turn upright: the transpose copies the pixels it is given,
        # so it must only ever see the working-size image, never the full-size one.
        # The bound is square, so reducing before a 90° turn gives the same size after.
        image.draft("RGB", (WORKING_SIZE, WORKING_SIZE))  # JPEG: decode at a reduced scale, much faster
        image.thumbnail((WORKING_SIZE, WORKING_SIZE))  # in place; keeps the EXIF orientation
        image = ImageOps.exif_transpose(image)
        return image.convert("RGBA")
    except ImageUnavailableError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise _refuse(role, kind, "the file is not an image we can read") from None


def load(user_id: str, sources: dict[str, tuple[str, str]]) -> dict[str, Image.Image]:
    """Role -> decoded image for every (kind, value) source of the config."""
    images = {}
    for role, (kind, value) in sources.items():
        if kind == "url":
            try:
                data = fetch_url(value)
            except safe_http.FetchRefused as refused:
                raise _refuse(role, kind, refused.reason) from None
        else:
            data = _read_media(user_id, value, role)
        images[role] = decode(data, role, kind)
    return images


def media_urls(user_id: str, sources: dict[str, tuple[str, str]]) -> dict[str, str]:
    """For remote rendering: each media id as its public URL (the web app cannot
    read our bucket), after the same ownership check."""
    out = {}
    for role, (kind, value) in sources.items():
        if kind != "mediaId":
            continue
        doc = own_media(user_id, value)
        if doc is None:
            raise _refuse(role, kind, f"media {value} not found")
        if not str(doc.get("contentType", "")).startswith("image/"):
            raise _refuse(role, kind, f"media {value} is not an image")
        out[role] = doc["url"]
    return out
