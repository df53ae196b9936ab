"""The caller's own `media/{id}` documents: read and delete.

Another user's media answers exactly like a missing one (404), so ids cannot
be probed. Deleting removes the object first and the document last: if the
object deletion fails the document is still there to retry from; once the
document is gone, a repeated DELETE is 404 like any unknown id.
"""

from __future__ import annotations

import re
from datetime import datetime

from google.api_core.exceptions import NotFound

from shared import clock
from shared.adapters.gcp import firestore_client, storage_client
from shared.config import get_settings
from shared.errors import NotFoundError

MEDIA_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


def document_view(doc: dict) -> dict:
    view = dict(doc)
    created = view.get("createdAt")
    if isinstance(created, datetime):
        view["createdAt"] = clock.iso(created)
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
