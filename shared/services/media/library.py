"""The caller's own `media/{id}` documents: read, list, describe (tags, alt text) and delete.

Another user's media answers exactly like a missing one (404), so ids cannot
be probed. Deleting removes the object first and the document last: if the
object deletion fails the document is still there to retry from; once the
document is gone, a repeated DELETE is 404 like any unknown id.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from google.api_core.exceptions import NotFound
from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client, storage_client
from shared.config import get_settings
from shared.errors import NotFoundError

MEDIA_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
USED_BY_CAP = 20  # the newest posts kept in `usedBy`


def kind_of(content_type: str | None) -> str | None:
    major = (content_type or "").split("/", 1)[0].lower()
    return major if major in ("image", "video", "audio") else None


def _uses(stored: Any, skip: str | None = None) -> list[tuple[datetime, str, str]]:
    """(when, post id, map key) of each use in the stored `usedBy` map, newest first."""
    if not isinstance(stored, dict):
        return []
    uses = [(use["at"], use["postSubmissionId"], key) for key, use in stored.items()
            if isinstance(use, dict) and isinstance(use.get("at"), datetime) and use.get("postSubmissionId")
            and use["postSubmissionId"] != skip]
    return sorted(uses, reverse=True)


def used_by(stored: Any) -> list[dict]:
    """`usedBy` as the API shows it: the newest posts first, capped."""
    return [{"postSubmissionId": sid, "at": clock.iso(at)} for at, sid, _ in _uses(stored)[:USED_BY_CAP]]


def use_key(submission_id: str) -> str:
    """The `usedBy` map key of a post: a plain field name (no quoting in a field path, whatever
    the post id holds)."""
    return "p" + hashlib.sha256(submission_id.encode()).hexdigest()[:32]


def use_fields(stored: Any, submission_id: str, at: datetime) -> dict:
    """The update that records a post's use of a media document (in the post's own write batch):
    its entry in the `usedBy` map (post id hash -> {postSubmissionId, at}), and the deletion of
    the oldest entries past the cap, as the post's read of the document found them."""
    fields: dict[str, Any] = {f"usedBy.{use_key(submission_id)}": {"postSubmissionId": submission_id, "at": at}}
    for _, _, old in _uses(stored, skip=submission_id)[USED_BY_CAP - 1:]:
        fields[f"usedBy.{old}"] = firestore.DELETE_FIELD
    return fields


def document_view(doc: dict) -> dict:
    view = dict(doc)
    for name in ("createdAt", "updatedAt"):  # updatedAt: since a PATCH
        if isinstance(view.get(name), datetime):
            view[name] = clock.iso(view[name])
    view["kind"] = view.get("kind") or kind_of(view.get("contentType"))
    view["tags"] = list(view.get("tags") or [])
    view["altText"] = view.get("altText") or None
    view["usedBy"] = used_by(view.get("usedBy"))
    return view


def _own_document(user_id: str, media_id: str) -> dict | None:
    if not MEDIA_ID.match(media_id):
        return None  # not an id we could have issued (and not a valid document id)
    snap = firestore_client().collection("media").document(media_id).get()
    data = snap.to_dict() if snap.exists else None
    if data is None or data.get("userId") != user_id:
        return None
    return data


def get_media(user_id: str, media_id: str) -> dict:
    data = _own_document(user_id, media_id)
    if data is None:
        raise NotFoundError(f"Media {media_id} not found")
    return document_view(data)


def delete_media(user_id: str, media_id: str) -> None:
    data = _own_document(user_id, media_id)
    if data is None:
        raise NotFoundError(f"Media {media_id} not found")
    object_path = data.get("objectPath")
    if object_path:
        try:
            storage_client().bucket(get_settings().media_bucket).blob(object_path).delete()
        except NotFound:
            pass
    firestore_client().collection("media").document(media_id).delete()


def update_media(user_id: str, media_id: str, changes: dict) -> dict:
    """Set `tags` and/or `altText` (already checked and normalised: models/media.py); an empty
    alt text or tag list clears the field. Answers the media view."""
    data = _own_document(user_id, media_id)
    if data is None:
        raise NotFoundError(f"Media {media_id} not found")
    update: dict[str, Any] = {}
    if "tags" in changes:
        update["tags"] = list(changes["tags"] or [])
    if "altText" in changes:
        update["altText"] = changes["altText"] or firestore.DELETE_FIELD
    update["updatedAt"] = clock.now()
    try:
        firestore_client().collection("media").document(media_id).update(update)
    except NotFound:  # deleted since the read
        raise NotFoundError(f"Media {media_id} not found") from None
    data = data | {k: v for k, v in update.items() if v is not firestore.DELETE_FIELD}
    if update.get("altText") is firestore.DELETE_FIELD:
        data.pop("altText", None)
    return document_view(data)
