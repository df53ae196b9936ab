"""Bodies of the webhook routes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

ALL_EVENTS: tuple[str, ...] = ("post.published", "post.failed", "post.unconfirmed", "post.completed",
                               "post.deleted", "account.needs_reconnect")
EventType = Literal[ALL_EVENTS]  # type: ignore[valid-type] - one list: subscribing accepts every event sent


class CreateWebhookRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: HttpUrl = Field(max_length=2048, description="A public https URL (http only for the local stack's "
                                                      "loopback receivers)")
    events: list[EventType] | None = Field(default=None, min_length=1,
                                           description="Defaults to every event type")
    description: str | None = Field(default=None, max_length=200)


class UpdateWebhookRequest(BaseModel):
    """What `PATCH /v1/webhooks/{id}` may change; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"url": "https://hooks.example.com/soku-v2", "events": ["post.failed"]}, {"enabled": True}]})

    url: HttpUrl | None = Field(default=None, max_length=2048, description="A new public https URL, checked as at "
                                                                           "registration")
    events: list[EventType] | None = Field(default=None, min_length=1, description="The events to send from now on")
    description: str | None = Field(default=None, max_length=200, description="An empty string clears it")
    enabled: bool | None = Field(default=None, description=(
        "false stops deliveries (pending ones end `failed`); true re-enables an endpoint disabled by its owner or "
        "after days of failures, starting its failure count afresh"))


class Webhook(BaseModel):
    id: str
    url: str
    events: list[str]
    description: str | None = None
    status: Literal["active", "disabled"]
    disabledReason: str | None = None
    createdAt: str
    failingSince: str | None = None
    lastDeliveryAt: str | None = None
    previousSecretExpiresAt: str | None = Field(
        default=None, description="After a secret rotation: until when the previous secret also signs "
                                  "deliveries (null once it no longer does)")


class CreatedWebhook(Webhook):
    secret: str = Field(description="Signing secret: shown only in this response")


class RotatedWebhook(Webhook):
    secret: str = Field(description="The new signing secret: shown only in this response. The previous "
                                    "secret keeps signing deliveries, next to this one, until "
                                    "previousSecretExpiresAt")


class WebhookList(BaseModel):
    data: list[Webhook]


class Delivery(BaseModel):
    """One event sent to one endpoint, however many attempts it took (not one row per attempt)."""

    id: str
    eventId: str
    eventType: str
    status: Literal["pending", "succeeded", "failed"] = Field(
        description="`pending` while attempts remain, then `succeeded` or `failed`")
    attempts: int = Field(description="How many attempts have been made (at most 6)")
    lastStatusCode: int | None = Field(default=None, description="The last attempt's HTTP status (null: no answer)")
    lastError: str | None = Field(default=None, description="Why the last attempt failed: `HTTP <status>: ` and "
                                                            "the answer's first 200 bytes, a timeout, or a refusal")
    createdAt: str
    updatedAt: str


class DeliveryList(BaseModel):
    data: list[Delivery]


class WebhookTest(BaseModel):
    """The answer of `POST /v1/webhooks/{id}/test`: one signed `ping` event sent now."""

    eventId: str = Field(description="The ping's id (`evt_ping_…`), also its `webhook-id` header")
    delivered: bool = Field(description="Whether the endpoint answered 2xx")
    statusCode: int | None = Field(default=None, description="The endpoint's HTTP status (null: no answer)")
    error: str | None = Field(default=None, description="Why it was not delivered: `HTTP <status>: ` and the answer's "
                                                        "first 200 bytes, a timeout, or a refusal")
    answerExcerpt: str | None = Field(default=None, description="The answer's first bytes (at most 4 KiB)")
    durationMs: float = Field(description="From sending to the answer")


class DeletedWebhook(BaseModel):
    deleted: bool
