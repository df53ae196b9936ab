"""Images a template config names: an avatar, a background or a logo, given as a
URL or as one of the caller's media ids.

URLs go through shared/adapters/safe_http (the media rules: public addresses
only, pinned connections, redirects re-checked, a byte cap and timeouts);
media ids are read from the bucket, and only the caller's own. Decoding is
guarded against decompression bombs by a pixel cap checked from the header
before the pixels are decoded (also Pillow's own `Image.MAX_IMAGE_PIXELS`, for
every other decoder in the process), and images are reduced to the working size
(JPEG: decoded at a reduced scale) before EXIF orientation is applied, so no
full-size copy is made.

Memory under concurrency: each decode first takes its cost (the decoded pixels
as Pillow stores them, plus the working-size copies) from one process-wide
budget, `DECODE_BUDGET_BYTES`, and waits while the decodes in flight hold it.
So however many requests an instance serves at once (templates: concurrency 4;
repurpose cards; the `api` function), the pixels being decoded never take more
than the budget: 320 MiB, against the templates function's 1 GiB, leaves room
for the interpreter, fonts and the render canvases (bench/image_decode_memory.py
prints the peak RSS). The largest image allowed costs 239 MiB, so it always fits;
a decode that cannot start within `DECODE_WAIT_S` is a 503 with Retry-After.
"""

from __future__ import annotations

import io
import threading
import time
from contextlib import contextmanager
from typing import Iterator

from google.api_core.exceptions import NotFound
from PIL import Image, ImageOps, UnidentifiedImageError

from shared.adapters import safe_http
from shared.adapters.gcp import firestore_client, storage_client
from shared.config import get_settings
from shared.errors import ServiceUnavailableError
from shared.services.templates import ImageUnavailableError

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000  # e.g. 8000x5000; bigger is refused before decoding
# Pillow's own guard, for any other decoder in the process: it warns above this and
# refuses above twice this (DecompressionBombError) when an image is opened.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
FETCH_TIMEOUT = 15.0
FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
# Decoded images are reduced to this longest side: no card needs more.
WORKING_SIZE = 2048
# Bytes per pixel in Pillow's memory (RGB is stored in 4 bytes, like RGBA).
_BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16L": 2, "I;16B": 2, "I;16N": 2}
# The working-size copies made after the decode: the reduced image, the upright one, RGBA.
WORKING_BYTES = 3 * WORKING_SIZE * WORKING_SIZE * 4
DECODE_BUDGET_BYTES = 320 * 1024 * 1024
DECODE_WAIT_S = 20.0


def decode_cost(mode: str, width: int, height: int) -> int:
    """Peak bytes of decoding one image of this size: its pixels, a quarter more for
    the reduction's intermediate step, and the working-size copies."""
    pixels = width * height * _BYTES_PER_PIXEL.get(mode, 4)
    return pixels + pixels // 4 + WORKING_BYTES


class DecodeBudget:
    """A counting semaphore over bytes: decodes in flight never hold more than `total`."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.in_use = 0
        self.peak = 0  # the most ever held at once (the tests read it)
        self._cond = threading.Condition()

    @contextmanager
    def hold(self, cost: int, wait_s: float | None = None) -> Iterator[None]:
        cost = min(cost, self.total)  # one decode alone always fits (MAX_PIXELS keeps it under)
        deadline = time.monotonic() + (DECODE_WAIT_S if wait_s is None else wait_s)
        with self._cond:
            while self.in_use + cost > self.total:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ServiceUnavailableError(
                        "Too many large images are being decoded right now; retry in a few seconds",
                        headers={"Retry-After": "5"})
                self._cond.wait(left)
            self.in_use += cost
            self.peak = max(self.peak, self.in_use)
        try:
            yield
        finally:
            with self._cond:
                self.in_use -= cost
                self._cond.notify_all()


budget = DecodeBudget(DECODE_BUDGET_BYTES)
assert decode_cost("RGBA", MAX_PIXELS, 1) <= DECODE_BUDGET_BYTES, "the largest image must fit the budget"


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
        with budget.hold(decode_cost(image.mode, *image.size)):  # the size as it will be decoded
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
