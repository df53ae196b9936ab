"""Bring a post's remote media into our bucket once, before fan-out.

Publishers upload from Cloud Storage in ranges (resumable, memory-flat), so
every media item must be an object of ours. Items given as remote URLs are
fetched here, once per submission rather than once per platform, through the
media ingest service and its SSRF rules; the resulting `mediaId` is written
back onto the submission, so a retried orchestrator skips what is already
stored. A URL that cannot be fetched fails every run with the reason.
"""

from __future__ import annotations

import logging

from google.cloud import firestore

from shared import clock
from shared.services.media import UploadFailedError
from shared.services.media.ingest import ingest_remote

log = logging.getLogger("soku.materialize")


class MediaUnavailable(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def materialize_media(ref: firestore.DocumentReference, submission: dict) -> list[dict]:
    content = submission.get("content") or {}
    items = [dict(item) for item in content.get("media") or []]
    if content.get("mediaType") == "text" or all(item.get("mediaId") for item in items):
        return items
    for item in items:
        if item.get("mediaId"):
            continue
        try:
            view = ingest_remote(submission["userId"], submission.get("keyHash"), item["url"])
        except UploadFailedError as refused:
            raise MediaUnavailable(f"Could not fetch {item['url']}: {refused.message}") from None
        item["mediaId"] = view["id"]
        # Written after each item: a crash here never fetches the same item twice.
        ref.update({"content.media": items, "updatedAt": clock.now()})
        log.info("materialized %s as media %s", item["url"], view["id"])
    return items
