"""The link's template rendered with the post's text: the derived post's card.

Rendering goes through the templates service (so a card is cached, stored and
served exactly like `POST /v1/templates` output: a PNG that is also a media id).
Instagram and TikTok take only JPEG photos (TikTok also WebP), so for them the PNG
is re-encoded once into a JPEG media item of its own (`{renderId}_jpg`), stored
like an upload; the same card for the same platform family is never encoded twice.
"""

from __future__ import annotations

import io
import uuid

from google.api_core.exceptions import PreconditionFailed
from PIL import Image

from shared import clock
from shared.adapters.gcp import firestore_client, storage_client
from shared.config import get_settings
from shared.models.templates import RenderTemplateRequest
from shared.platforms import Platform
from shared.services.templates import service, store

JPEG_ONLY = {Platform.INSTAGRAM, Platform.TIKTOK}
JPEG_QUALITY = 92


def render(user_id: str, key_hash: str | None, slug: str, config: dict, aspect_ratio: str | None,
           platform: Platform) -> str:
    """The media id of the card for this platform. Raises the templates service's SokuErrors."""
    body, _ = service.render_template(user_id, key_hash, RenderTemplateRequest(
        templateSlug=slug, config=config, aspectRatio=aspect_ratio))
    if platform not in JPEG_ONLY:
        return body["id"]
    return _jpeg_copy(user_id, key_hash, body["id"])


def _jpeg_copy(user_id: str, key_hash: str | None, png_id: str) -> str:
    db = firestore_client()
    jpeg_id = f"{png_id}_jpg"
    existing = db.collection("media").document(jpeg_id).get()
    if existing.exists:
        return jpeg_id
    settings = get_settings()
    bucket = storage_client().bucket(settings.media_bucket)
    png_path = db.collection("media").document(png_id).get().get("objectPath")
    with Image.open(io.BytesIO(bucket.blob(png_path).download_as_bytes())) as image:
        out = io.BytesIO()
        # Cards are drawn on an opaque canvas; convert anyway in case a renderer adds alpha.
        image.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    data = out.getvalue()
    object_path = f"media/{jpeg_id}.jpg"
    blob = bucket.blob(object_path)
    token = str(uuid.uuid4())
    blob.metadata = {store.TOKEN_METADATA_KEY: token}
    blob.cache_control = "public, max-age=3600"
    try:
        blob.upload_from_string(data, content_type="image/jpeg", if_generation_match=0)
    except PreconditionFailed:
        blob.reload()  # a concurrent trigger stored it first: keep its token
        token = (blob.metadata or {}).get(store.TOKEN_METADATA_KEY, token)
    db.collection("media").document(jpeg_id).set({
        "id": jpeg_id, "userId": user_id, "keyHash": key_hash, "contentType": "image/jpeg", "kind": "image",
        "url": f"{settings.media_public_base}/{jpeg_id}.jpg", "objectPath": object_path,
        "downloadToken": token, "originalUrl": f"media:{png_id}", "finalUrl": f"media:{png_id}",
        "ext": "jpg", "size": len(data), "createdAt": clock.now(), "source": "repurpose",
        "renderedMediaId": png_id,
    })
    return jpeg_id
