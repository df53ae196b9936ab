"""Media a platform pulls from a URL (Instagram and Threads containers, TikTok's PULL_FROM_URL):
one copy of the crawler the sandboxes download it with, as the platforms do."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx


def fetch_media(url: str, cap: int, accepted: str | set[str], *,
                fingerprint: bool = False) -> tuple[dict[str, Any] | None, str | None]:
    """GET the media like the platform's crawler does: (what arrived, None), or (None, why it could
    not). `accepted` is a content-type prefix (`"video/"`) or the set of types taken; more than
    `cap` bytes, or fewer than the declared Content-Length, is a failure. With `fingerprint`, what
    arrived also has its `sha256` and first 16 bytes (`head`, in hex)."""
    try:
        with httpx.stream("GET", url, timeout=30, follow_redirects=True) as response:
            if response.status_code != 200:
                return None, f"HTTP {response.status_code}"
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            digest, received, head = hashlib.sha256(), 0, b""
            for chunk in response.iter_bytes(1024 * 1024):
                if len(head) < 16:
                    head += chunk[: 16 - len(head)]
                digest.update(chunk)
                received += len(chunk)
                if received > cap:
                    return None, f"larger than {cap} bytes"
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"
    if isinstance(accepted, str) and not content_type.startswith(accepted):
        return None, f"content type {content_type or 'missing'} is not {accepted}*"
    if not isinstance(accepted, str) and content_type not in accepted:
        return None, f"content type {content_type or 'missing'} is not accepted"
    declared = response.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) != received:
        return None, f"received {received} of {declared} bytes"
    fetched: dict[str, Any] = {"url": url, "bytes": received, "contentType": content_type}
    if fingerprint:
        fetched.update(sha256=digest.hexdigest(), head=head.hex())
    return fetched, None
