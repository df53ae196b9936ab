"""What a link's `templateId` names, and saved templates (`users/{uid}/templates/{id}`).

A `templateId` is either a built-in template slug (`tweetImage`, `videoThumbnail`,
`quoteCard`, `announcement`) or the id of one of the user's saved templates
(`tmpl_…`): a slug plus defaults for its fields and an aspect ratio. The `tmpl_`
prefix decides which, so a link never silently switches from a deleted saved
template to a built-in one of the same name. The post's text always fills the
template's main text field (the `content` of a tweetImage, the `quote` of a quoteCard).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pydantic
from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.errors import NotFoundError, SokuError, ValidationError
from shared.models.repurpose import CreateSavedTemplateRequest
from shared.services.templates import registry
from shared.validation_details import details_from_pydantic

SAVED_PREFIX = "tmpl_"
MAX_SAVED = 100
# The field the post's text goes into, per built-in template.
TEXT_FIELDS = {"tweetImage": "content", "videoThumbnail": "title", "quoteCard": "quote", "announcement": "headline"}
SAMPLE_TEXT = "Sample post text"


class TemplateLimitError(SokuError):
    status = 400
    code = "template_limit_reached"


@dataclass(frozen=True)
class ResolvedTemplate:
    template_id: str
    slug: str
    config: dict[str, Any]
    aspect_ratio: str | None


def collection(user_id: str) -> firestore.CollectionReference:
    return firestore_client().collection("users").document(user_id).collection("templates")


def text_field(template: registry.Template) -> str:
    known = TEXT_FIELDS.get(template.slug)
    if known:
        return known
    # A template added later: its first required text field, else its first text field.
    fields = [f for f in registry.describe_fields(template.config_model) if f.type in ("string", "text")]
    required = [f for f in fields if f.required]
    return (required or fields)[0].key


def text_limit(template: registry.Template) -> int:
    info = template.config_model.model_fields[text_field(template)]
    return next((m.max_length for m in info.metadata if getattr(m, "max_length", None)), 200)


def check_config(template: registry.Template, config: dict[str, Any] | None, field: str) -> dict[str, Any]:
    """Validate defaults as they will be used: with the post's text in the main field."""
    config = dict(config or {})
    try:
        template.config_model.model_validate(config | {text_field(template): SAMPLE_TEXT})
    except pydantic.ValidationError as exc:
        raise ValidationError(details=details_from_pydantic(exc, field)) from None
    return config


def _builtin(slug: str, field: str) -> registry.Template:
    try:
        return registry.get(slug, field=field)
    except NotFoundError as missing:
        # A 400 on a body field, not a 404 of the route: the request names a thing that is not there.
        raise ValidationError(missing.message, details=[{
            "field": field, "message": missing.message, "code": "invalid_enum_value", "received": slug[:64],
        }]) from None


def create(user_id: str, body: CreateSavedTemplateRequest) -> dict:
    template = _builtin(body.templateSlug, "body.templateSlug")
    config = check_config(template, body.config, "body.config")
    if collection(user_id).count().get()[0][0].value >= MAX_SAVED:
        raise TemplateLimitError(f"You have {MAX_SAVED} saved templates; delete one first")
    now = clock.now()
    doc = {"id": f"{SAVED_PREFIX}{uuid.uuid4().hex[:20]}", "name": body.name, "templateSlug": template.slug,
           "config": config, "aspectRatio": body.aspectRatio, "createdAt": now, "updatedAt": now}
    collection(user_id).document(doc["id"]).create(doc)
    return view(doc)


def view(doc: dict) -> dict:
    return {"id": doc["id"], "name": doc.get("name") or doc["id"], "templateSlug": doc.get("templateSlug"),
            "config": doc.get("config") or {}, "aspectRatio": doc.get("aspectRatio"),
            "createdAt": clock.iso(doc.get("createdAt"))}


def list_saved(user_id: str) -> list[dict]:
    docs = [snap.to_dict() | {"id": snap.id} for snap in collection(user_id).stream()]
    docs.sort(key=lambda d: (d.get("createdAt") is None, d.get("createdAt") or 0, d["id"]))
    return [view(d) for d in docs]


def delete(user_id: str, template_id: str) -> list[str]:
    """Delete one saved template (404 when there is none by this id); answer the links that
    still name it."""
    ref = collection(user_id).document(template_id)
    if not ref.get().exists:
        raise NotFoundError(f"Saved template {template_id} not found")
    ref.delete()
    links = (firestore_client().collection("users").document(user_id).collection("repurposeLinks")
             .where(filter=firestore.FieldFilter("templateId", "==", template_id)).stream())
    return sorted(snap.id for snap in links)


def check_exists(user_id: str, template_id: str) -> None:
    """For link creation: `templateId` must name a template that exists now."""
    if template_id.startswith(SAVED_PREFIX):
        if not collection(user_id).document(template_id).get().exists:
            message = f"No saved template {template_id}; create one with POST /v1/templates/saved"
            raise ValidationError(message, details=[{"field": "body.templateId", "message": message,
                                                     "code": "invalid_enum_value", "received": template_id}])
        return
    _builtin(template_id, "body.templateId")


def resolve(user_id: str, template_id: str) -> ResolvedTemplate | None:
    """The template a link uses now; None when it has gone (deleted, or no longer built in)."""
    if template_id.startswith(SAVED_PREFIX):
        snap = collection(user_id).document(template_id).get()
        data = snap.to_dict() if snap.exists else None
        if data is None or data.get("templateSlug") not in registry.slugs():
            return None
        return ResolvedTemplate(template_id, data["templateSlug"], dict(data.get("config") or {}),
                                data.get("aspectRatio"))
    if template_id not in registry.slugs():
        return None
    return ResolvedTemplate(template_id, template_id, {}, None)
