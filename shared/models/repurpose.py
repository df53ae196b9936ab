"""Bodies of the repurpose routes: links (spec 002 `/v1/repurposeLinks`), saved templates
(`/v1/templates/saved`, what a link's `templateId` may name) and a link's trigger history.

A link says: when a post sent with `enableRepurposing: true` publishes, make a derived
post of it for this account, `delayHours` later, through this template. Unknown fields
are refused (a typo such as `delayHour` is a 400 naming it, not a silent default).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from shared.models.posts import PlatformName
from shared.models.templates import AspectRatio
from shared.models.account import PlatformAlias

LinkType = Literal["text", "image", "video"]
# Usable as a Firestore document id: no "/", and not starting with a dot (so never "." or "..").
DOC_ID = r"^[A-Za-z0-9_:@\-][A-Za-z0-9_.:@\-]{0,127}$"
# 30 days: delays past the Cloud Tasks horizon are fine (the minute sweep enqueues them).
MAX_DELAY_HOURS = 720


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- links ------------------------------------------------------------------------------------

class LinkSettings(_Strict):
    delayHours: StrictInt = Field(
        default=0, ge=0, le=MAX_DELAY_HOURS,
        description="Hours between the source post publishing and the derived post (0: about a minute later)")


class CreateRepurposeLinkRequest(_Strict):
    platform: PlatformName = Field(description="Platform of the account the derived posts go to")
    accountId: str | None = Field(
        default=None, min_length=1, max_length=128, pattern=r"^[^/]+$",
        description="Required when several accounts are connected on the platform")
    type: LinkType = Field(description="Which source posts trigger the link: text, image or video posts")
    templateId: str = Field(
        min_length=1, max_length=128, pattern=DOC_ID,
        description="A built-in template slug (`tweetImage`, …) or the id of a saved template (`tmpl_…`)")
    settings: LinkSettings | None = None


class CreateRepurposeLinkResponse(BaseModel):
    id: str


class LastTrigger(BaseModel):
    at: str | None = Field(default=None, json_schema_extra={"format": "date-time"})
    status: Literal["created", "skipped"]
    sourcePostSubmissionId: str
    derivedPostSubmissionId: str | None = None
    reason: dict[str, Any] | None = None


class RepurposeLink(BaseModel):
    id: str
    platform: str
    accountId: str
    type: LinkType
    templateId: str
    settings: dict[str, Any] = Field(description="`delayHours`")
    createdAt: str | None = Field(default=None, json_schema_extra={"format": "date-time"})
    updatedAt: str | None = Field(default=None, json_schema_extra={"format": "date-time"})
    lastTrigger: LastTrigger | None = Field(default=None, description="What the link last did, if anything")


class RepurposeLinkList(BaseModel):
    links: list[RepurposeLink]


class ListRepurposeLinksQuery(BaseModel):
    platform: PlatformAlias | None = Field(default=None, description="Only links to this platform")
    accountId: str | None = Field(default=None, min_length=1, max_length=128,
                                  description="Only links to this account")
    type: LinkType | None = Field(default=None, description="Only links of this type")


class DeletedResponse(BaseModel):
    deleted: bool


class RepurposeTrigger(BaseModel):
    """One source post meeting one link: the derived post it made, or why it made none."""

    id: str
    linkId: str
    status: Literal["pending", "created", "skipped"]
    sourcePostSubmissionId: str
    sourceTargetId: str | None = None
    derivedPostSubmissionId: str | None = None
    scheduledTime: str | None = Field(default=None, json_schema_extra={"format": "date-time"})
    cardMediaId: str | None = Field(default=None, description="The rendered template, as a media id")
    reason: dict[str, Any] | None = Field(default=None, description="`code` and `message` of a skip")
    createdAt: str | None = Field(default=None, json_schema_extra={"format": "date-time"})
    updatedAt: str | None = Field(default=None, json_schema_extra={"format": "date-time"})


class RepurposeTriggerList(BaseModel):
    triggers: list[RepurposeTrigger]


# -- saved templates ---------------------------------------------------------------------------

class CreateSavedTemplateRequest(_Strict):
    name: str = Field(min_length=1, max_length=100, description="Your name for it, e.g. 'Brand card'")
    templateSlug: str = Field(min_length=1, max_length=64, description="The built-in template it configures")
    config: dict[str, Any] | None = Field(
        default=None, description="Defaults for the template's fields (GET /v1/templates); the post's "
                                  "text fills the main text field")
    aspectRatio: AspectRatio | None = Field(
        default=None, description="1:1, 4:5 or 9:16; when omitted, chosen for the target platform")


class SavedTemplate(BaseModel):
    id: str
    name: str
    templateSlug: str
    config: dict[str, Any]
    aspectRatio: str | None = None
    createdAt: str | None = Field(default=None, json_schema_extra={"format": "date-time"})


class SavedTemplateList(BaseModel):
    templates: list[SavedTemplate]


class DeletedTemplateResponse(BaseModel):
    deleted: bool
    referencedBy: list[str] = Field(
        description="Links still naming this template: they skip (and record why) until changed")
