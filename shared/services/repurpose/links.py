"""`/v1/repurposeLinks`: create, list, delete (`users/{uid}/repurposeLinks/{id}`).

The target account is resolved as `POST /v1/posts` resolves a target (an omitted
`accountId` is fine with one account connected, `missing_account` with several,
`missing_integrations` when there is none or the id is unknown) and must have
repurposing turned on. A link's id is derived from what it links (account, type,
template), so sending the same link twice is one link: the same settings answer
its id again, other settings are a 409 naming it.
"""

from __future__ import annotations

import hashlib

from google.api_core.exceptions import AlreadyExists
from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.errors import ConflictError, NotFoundError, SokuError, ValidationError
from shared.models.posts import canonical_platform
from shared.models.repurpose import CreateRepurposeLinkRequest, ListRepurposeLinksQuery
from shared.platforms import RULES, Platform
from shared.services.posts.targets import MissingAccountError, MissingIntegrationsError
from shared.services.publishing.accounts import account_documents
from shared.services.repurpose import templates

MAX_LINKS = 100


class RepurposeDisabledError(SokuError):
    status = 400
    code = "repurpose_disabled"


class LinkExistsError(ConflictError):
    code = "repurpose_link_exists"


class LinkLimitError(SokuError):
    status = 400
    code = "repurpose_link_limit_reached"


def collection(user_id: str) -> firestore.CollectionReference:
    return firestore_client().collection("users").document(user_id).collection("repurposeLinks")


def account_docs(user_id: str, platform: Platform) -> dict[str, dict]:
    return account_documents(user_id, platform.value)


def resolve_account(user_id: str, platform: Platform, account_id: str | None) -> tuple[str, dict]:
    accounts = account_docs(user_id, platform)
    name = RULES[platform].display_name
    if account_id is None:
        if not accounts:
            raise MissingIntegrationsError(f"Missing integrations for platforms: {platform.value}",
                                           details={"missing": [platform.value]})
        if len(accounts) > 1:
            ids = sorted(accounts)
            raise MissingAccountError(f"Multiple {name} accounts connected. Please specify accountId.", details={
                "platforms": [platform.value], "accounts": {platform.value: ids},
                "example": {"platform": platform.value, "accountId": ids[0]}})
        account_id = next(iter(accounts))
    elif account_id not in accounts:
        raise MissingIntegrationsError(f"Missing integrations for platforms: {platform.value}:{account_id}",
                                       details={"missing": [f"{platform.value}:{account_id}"]})
    return account_id, accounts[account_id]


def repurpose_enabled(account: dict) -> bool:
    # Connected accounts default to on (connections/store.py); the web app turns it off.
    return account.get("repurposeEnabled", True) is not False


def _check_type(platform: Platform, link_type: str) -> None:
    rules = RULES[platform]
    if link_type in ("text", "image") and not rules.accepts_images:
        what = "renders the text into an image" if link_type == "text" else "posts images"
        message = (f"{rules.display_name} takes only videos, and a {link_type} link {what}; "
                   f"link {rules.display_name} with type video")
        raise ValidationError(message, details=[{"field": "body.type", "message": message,
                                                 "code": "invalid_enum_value", "received": link_type}])
    if link_type == "video" and not rules.accepts_video:
        message = f"{rules.display_name} does not take videos"
        raise ValidationError(message, details=[{"field": "body.type", "message": message,
                                                 "code": "invalid_enum_value", "received": link_type}])


def link_id(user_id: str, platform: str, account_id: str, link_type: str, template_id: str) -> str:
    material = "|".join((user_id, platform, account_id, link_type, template_id))
    return "link_" + hashlib.sha256(material.encode()).hexdigest()[:20]


def create(user_id: str, body: CreateRepurposeLinkRequest) -> dict:
    platform = canonical_platform(body.platform)
    _check_type(platform, body.type)
    account_id, account = resolve_account(user_id, platform, body.accountId)
    if not repurpose_enabled(account):
        raise RepurposeDisabledError(
            f"Repurposing is turned off for {platform.value}:{account_id}; turn it on for the account "
            "before linking it", details={"platform": platform.value, "accountId": account_id})
    templates.check_exists(user_id, body.templateId)
    settings = {"delayHours": body.settings.delayHours if body.settings else 0}
    ref = collection(user_id).document(link_id(user_id, platform.value, account_id, body.type, body.templateId))
    now = clock.now()
    doc = {"id": ref.id, "userId": user_id, "platform": platform.value, "accountId": account_id,
           "type": body.type, "templateId": body.templateId, "settings": settings,
           "createdAt": now, "updatedAt": now}
    if not ref.get().exists and collection(user_id).count().get()[0][0].value >= MAX_LINKS:
        raise LinkLimitError(f"You have {MAX_LINKS} repurpose links; delete one first")
    try:
        ref.create(doc)
    except AlreadyExists:
        existing = ref.get().to_dict() or {}
        if existing.get("settings") != settings:
            raise LinkExistsError(
                f"This link ({body.type} posts to {platform.value}:{account_id} through {body.templateId}) "
                f"already exists as {ref.id} with other settings; delete it first to change them",
                details={"id": ref.id, "settings": existing.get("settings")}) from None
    return {"id": ref.id}


def view(doc: dict) -> dict:
    last = doc.get("lastTrigger")
    return {
        "id": doc["id"], "platform": doc["platform"], "accountId": doc["accountId"], "type": doc["type"],
        "templateId": doc["templateId"], "settings": doc.get("settings") or {"delayHours": 0},
        "createdAt": clock.iso(doc.get("createdAt")), "updatedAt": clock.iso(doc.get("updatedAt")),
        "lastTrigger": None if not last else last | {"at": clock.iso(last.get("at"))},
    }


def list_links(user_id: str, query: ListRepurposeLinksQuery) -> list[dict]:
    ref: firestore.Query = collection(user_id)
    if query.platform:
        ref = ref.where(filter=firestore.FieldFilter("platform", "==", canonical_platform(query.platform).value))
    if query.accountId:
        ref = ref.where(filter=firestore.FieldFilter("accountId", "==", query.accountId))
    if query.type:
        ref = ref.where(filter=firestore.FieldFilter("type", "==", query.type))
    # Equality filters only (no composite index needed); at most MAX_LINKS, sorted here.
    docs = [snap.to_dict() | {"id": snap.id} for snap in ref.stream()]
    docs.sort(key=lambda d: (d.get("createdAt") is None, d.get("createdAt") or 0, d["id"]))
    return [view(d) for d in docs]


def get(user_id: str, link: str) -> dict:
    snap = collection(user_id).document(link).get()
    if not snap.exists:
        raise NotFoundError(f"Repurpose link {link} not found")
    return snap.to_dict() | {"id": snap.id}


def delete(user_id: str, link: str) -> None:
    """Delete one link; 404 when there is none by this id (gone already, never made, or
    another user's: scoped by the path, their ids are simply not in this collection)."""
    ref = collection(user_id).document(link)
    if not ref.get().exists:
        raise NotFoundError(f"Repurpose link {link} not found")
    ref.delete()
