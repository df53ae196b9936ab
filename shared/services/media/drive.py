"""Google Drive share links -> direct download links (the spec's POST /v1/media note).

A Drive "share" link (`/file/d/<id>/view`, `/open?id=<id>`, `/uc?id=<id>`)
answers with an HTML viewer page, not the file. The direct form is
`drive.usercontent.google.com/download?id=<id>&export=download`, which is
where `drive.google.com/uc?export=download` redirects today; `confirm=t` skips
the "can't scan this file for viruses" interstitial Drive shows for large
files. `resourcekey` (older link-shared files) is carried over.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

DIRECT_BASE = "https://drive.usercontent.google.com/download"
_DRIVE_HOSTS = {"drive.google.com", "docs.google.com"}
_FILE_PATH = re.compile(r"^/file/(?:u/\d+/)?d/([A-Za-z0-9_-]{10,})(?:/|$)")
_ID = re.compile(r"^[A-Za-z0-9_-]{10,}$")


def drive_file_id(url: str) -> str | None:
    """The Drive file id of a Drive share/download link, or None for any other URL."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    query = parse_qs(parts.query)
    if host in _DRIVE_HOSTS:
        match = _FILE_PATH.match(parts.path)
        if match:
            return match.group(1)
        if parts.path in ("/open", "/uc", "/file/open") or parts.path.startswith("/uc"):
            file_id = (query.get("id") or [""])[0]
            return file_id if _ID.match(file_id) else None
    if host == "drive.usercontent.google.com" and parts.path in ("/download", "/uc"):
        file_id = (query.get("id") or [""])[0]
        return file_id if _ID.match(file_id) else None
    return None


def to_direct_download(url: str) -> str:
    """The URL to fetch: Drive links become direct downloads, anything else is unchanged."""
    file_id = drive_file_id(url)
    if file_id is None:
        return url
    params = {"id": file_id, "export": "download", "confirm": "t"}
    resource_key = (parse_qs(urlsplit(url).query).get("resourcekey") or [""])[0]
    if resource_key:
        params["resourcekey"] = resource_key
    return f"{DIRECT_BASE}?{urlencode(params)}"


def is_drive(url: str) -> bool:
    return drive_file_id(url) is not None
