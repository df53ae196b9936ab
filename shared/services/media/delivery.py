"""The stored media that public delivery serves: `media/{id}.{ext}` in the media bucket.

Objects stay private in the bucket; the web layer's handler (shared/web/media_files.py)
answers `GET|HEAD {MEDIA_PUBLIC_BASE}/{id}.{ext}` with ranges and revalidation, and streams
the bytes this module reads: `READ_CHUNK` ranged reads pinned to the object's generation,
so memory per download stays at one chunk.
"""

from __future__ import annotations

import base64
import functools
import logging
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
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


# -- signed URLs (answers too large for Hosting's CDN) ---------------------------------

_signed: dict[tuple[str, int | None], tuple[str, float]] = {}
_signed_lock = threading.Lock()


def signed_url(media: StoredMedia, ttl_s: int) -> str:
    """A V4 signed `GET` URL for the object, pinned to its generation, valid `ttl_s` seconds.

    One URL is reused while more than half its life is left, so a player pulling a file by
    hundreds of ranges costs one signature, not one per range. In production the runtime's
    service account has no private key: the signature is made by IAM's signBlob (the account
    needs `iam.serviceAccounts.signBlob` on itself, roles/iam.serviceAccountTokenCreator).
    Against the storage emulator it is signed with a throwaway key: fake-gcs-server does not
    check signatures (docs/media.md)."""
    blob = media.blob
    key = (blob.name, blob.generation)
    now = time.monotonic()
    with _signed_lock:
        cached = _signed.get(key)
        if cached is not None and cached[1] - now > ttl_s / 2:
            return cached[0]
    settings = get_settings()
    kwargs: dict = {}
    if settings.storage_emulator_host:
        host = settings.storage_emulator_host.rstrip("/")
        kwargs = {"credentials": _emulator_signer(),
                  "api_access_endpoint": host if "://" in host else f"http://{host}"}
    else:
        credentials = storage_client()._credentials
        if not hasattr(credentials, "sign_bytes"):  # Compute Engine / Cloud Run credentials
            import google.auth.transport.requests

            if not credentials.valid:
                credentials.refresh(google.auth.transport.requests.Request())
            kwargs = {"service_account_email": credentials.service_account_email,
                      "access_token": credentials.token}
    url = blob.generate_signed_url(version="v4", method="GET", expiration=timedelta(seconds=ttl_s),
                                   generation=blob.generation, **kwargs)
    with _signed_lock:
        if len(_signed) > 10_000:
            _signed.clear()
        _signed[key] = (url, now + ttl_s)
    return url


@functools.cache
def _emulator_signer():
    """Service-account credentials with a key made here, for URLs the emulator serves unchecked."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from google.oauth2 import service_account

    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    return service_account.Credentials.from_service_account_info({
        "type": "service_account", "client_email": "local-signer@soku.local", "private_key": pem,
        "token_uri": "https://oauth2.googleapis.com/token", "project_id": get_settings().project_id,
    })
