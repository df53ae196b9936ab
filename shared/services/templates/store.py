"""Where a rendered PNG goes, and how a repeat render finds it again.

A render is stored exactly like uploaded media, so everything that works with
media works with it: the object `media/{id}.png` in MEDIA_BUCKET (served by the
`mediaFiles` delivery function at `{MEDIA_PUBLIC_BASE}/{id}.png`, which only
needs the object), a `media/{id}` document (so `GET/DELETE /v1/media/{id}` and
`mediaIds` in posts work), and the spec's `rendered_media/{id}` document with
the template, config and size.

The id is derived from the caller, the template, the config, the size and the
renderer (`rendered_` + 24 hex of a SHA-256), so a repeat render is one read:
if `rendered_media/{id}` and `media/{id}` both exist, their URLs are returned
without rendering. Deleting the media (`DELETE /v1/media/{id}`) removes the
object and `media/{id}`, and the next identical request renders again. Two
identical requests at once write the same object (create-only: the second
upload finds it there) and the same documents (`set`, identical content).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from urllib.parse import quote

from google.api_core.exceptions import PreconditionFailed

from shared import clock
from shared.adapters.gcp import firestore_client, storage_client
from shared.config import get_settings

TOKEN_METADATA_KEY = "firebaseStorageDownloadTokens"
CONTENT_TYPE = "image/png"


def render_id(user_id: str, slug: str, ratio: str | None, config: dict, renderer: str) -> str:
    material = json.dumps([user_id, slug, ratio, config, renderer], sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False)
    return "rendered_" + hashlib.sha256(material.encode()).hexdigest()[:24]


def raw_url(bucket: str, object_path: str, token: str) -> str:
    """The Firebase Storage download URL (the object stays private; the token opens it).
    Against the storage emulator, its JSON-API media URL, which downloads the same bytes."""
    settings = get_settings()
    if settings.storage_emulator_host:
        host = settings.storage_emulator_host.rstrip("/")
        return f"{host}/storage/v1/b/{bucket}/o/{quote(object_path, safe='')}?alt=media"
    return (f"https://firebasestorage.googleapis.com/v0/b/{bucket}/o/{quote(object_path, safe='')}"
            f"?alt=media&token={token}")


def _response(doc: dict) -> dict:
    return {"url": doc["url"], "rawUrl": doc["rawUrl"], "id": doc["id"],
            "width": doc["width"], "height": doc["height"]}


def cached(render_id_: str) -> dict | None:
    db = firestore_client()
    rendered_ref = db.collection("rendered_media").document(render_id_)
    media_ref = db.collection("media").document(render_id_)
    snaps = {snap.reference.path: snap for snap in db.get_all([rendered_ref, media_ref])}
    rendered, media = snaps.get(rendered_ref.path), snaps.get(media_ref.path)
    if rendered is None or media is None or not rendered.exists or not media.exists:
        return None
    return _response(rendered.to_dict())


def save(*, render_id_: str, user_id: str, key_hash: str | None, slug: str, ratio: str | None, config: dict,
         png: bytes, width: int, height: int, renderer: str, source_url: str | None) -> dict:
    settings = get_settings()
    object_path = f"media/{render_id_}.png"
    blob = storage_client().bucket(settings.media_bucket).blob(object_path)
    token = str(uuid.uuid4())
    blob.metadata = {TOKEN_METADATA_KEY: token}
    blob.cache_control = "public, max-age=3600"
    try:
        blob.upload_from_string(png, content_type=CONTENT_TYPE, if_generation_match=0)
    except PreconditionFailed:
        # Already there (an identical request won the race): use its token.
        blob.reload()
        token = (blob.metadata or {}).get(TOKEN_METADATA_KEY, token)
    now = clock.now()
    url = f"{settings.media_public_base}/{render_id_}.png"
    raw = raw_url(settings.media_bucket, object_path, token)
    origin = f"template:{slug}"
    db = firestore_client()
    # media/{id} first: the rendered_media document is what marks a render as cached.
    db.collection("media").document(render_id_).set({
        "id": render_id_, "userId": user_id, "keyHash": key_hash, "url": url, "contentType": CONTENT_TYPE,
        "kind": "image", "objectPath": object_path, "downloadToken": token, "originalUrl": origin,
        "finalUrl": source_url or origin, "ext": "png", "size": len(png), "createdAt": now,
        "source": "template", "renderedMediaId": render_id_,
    })
    doc = {
        "id": render_id_, "userId": user_id, "keyHash": key_hash, "templateSlug": slug, "config": config,
        "aspectRatio": ratio, "width": width, "height": height, "renderer": renderer, "sourceUrl": source_url,
        "url": url, "rawUrl": raw, "objectPath": object_path, "contentType": CONTENT_TYPE, "size": len(png),
        "downloadToken": token, "createdAt": now,
    }
    db.collection("rendered_media").document(render_id_).set(doc)
    return _response(doc)
