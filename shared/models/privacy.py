"""Bodies of the privacy routes: Meta's deauthorize and data-deletion callbacks, the deletion
status, and `DELETE /v1/me` (docs/privacy.md)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

_DATE = {"format": "date-time"}


class SignedRequestForm(BaseModel):
    """What Meta posts (`application/x-www-form-urlencoded`)."""

    signed_request: str = Field(description="`<signature>.<payload>`, base64url: HMAC-SHA256 of the payload with "
                                            "the app secret; the payload's `user_id` is the app-scoped user")


class DeauthorizeResponse(BaseModel):
    accountsDeauthorized: int = Field(description="Accounts of this Facebook login now without tokens, "
                                                  "`needs_reconnect`")


class DataDeletionResponse(BaseModel):
    """The answer Meta's Data Deletion Request Callback requires."""

    url: str = Field(description="Where the person can follow their request (no authentication)")
    confirmation_code: str


class DataDeletionStatus(BaseModel):
    confirmationCode: str
    platform: str
    status: str = Field(description="`processing`, `completed` or `failed`")
    message: str = Field(description="The status in a sentence, for the person who asked")
    requestedAt: str | None = Field(default=None, json_schema_extra=_DATE)
    completedAt: str | None = Field(default=None, json_schema_extra=_DATE)
    accountsDeleted: int


class DeleteMeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    confirm: str = Field(description="Your user id (`userId` of `GET /v1/me`): confirms which account is deleted")


class DeleteMeResponse(BaseModel):
    deleted: bool
    userId: str
    accountsDisconnected: int = Field(description="Connected accounts disconnected (revoked at the platform "
                                                  "where it offers that)")
    documentsDeleted: int
    objectsDeleted: int = Field(description="Stored media files deleted")
    authUserDeleted: bool = Field(description="Whether the Firebase Auth user was deleted too")


class TikTokEvent(BaseModel):
    """What TikTok posts to the app's webhook callback URL (JSON, signed: `TikTok-Signature`)."""

    client_key: str
    event: str = Field(description="`authorization.removed` is acted on; other events are acknowledged")
    create_time: int
    user_openid: str
    content: str = Field(description="A JSON string: for `authorization.removed`, `{\"reason\": <int>}`")


class TikTokEventResponse(BaseModel):
    event: str
    handled: bool
    accountsDeauthorized: int
