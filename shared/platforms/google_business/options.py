"""Options for Google Business Profile local posts (`post.content.options.google_business`).

No location option: a Soku account IS one Business Profile location (connector.py), so the
target's `accountId` picks the location, and `GET /v1/accounts?platform=google_business` is the
list of locations to choose from.

Each field maps onto the v4 LocalPost (developers.google.com/my-business/reference/rest/v4/
accounts.locations.localPosts): `topicType` STANDARD / EVENT / OFFER; `callToAction`
{actionType, url}; `event` {title, schedule}; `offer` {couponCode, redeemOnlineUrl,
termsConditions}; `languageCode`. The LocalPost reference says `event` is "required for topic
types EVENT and OFFER" and `offer` is for OFFER posts only: both are checked here, at submission,
so the error names the field instead of Google refusing the run later.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from shared.models.options_base import Options

_URL = r"^https?://[^\s/$.?#][^\s]*$"
# BCP 47 as Google takes it ("en", "en-US", "pt-BR", "zh-Hant").
_LANGUAGE = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"


class CallToAction(Options):
    """The post's button (LocalPost.callToAction). CALL dials the location's phone number: it takes
    no url (Google: "url: The URL the user will be directed to upon clicking. This field should be
    left unset for Call CTA"); every other action needs one."""

    actionType: Literal["BOOK", "ORDER", "SHOP", "LEARN_MORE", "SIGN_UP", "CALL"]
    url: str | None = Field(default=None, pattern=_URL, max_length=2048, validate_default=True)

    @field_validator("url")
    @classmethod
    def _url_for_action(cls, value: str | None, info: ValidationInfo) -> str | None:
        action = info.data.get("actionType")
        if action == "CALL" and value is not None:
            raise ValueError("a CALL button dials the location's phone number and takes no url")
        if action not in (None, "CALL") and value is None:
            raise ValueError(f"a {action} button needs the url it opens")
        return value


def _instant(value: str) -> datetime:
    """A wall-clock date and time at the location. Google's schedule is a `google.type.Date` and a
    `google.type.TimeOfDay` (v4 TimeInterval), civil types that carry no time zone ("the date and
    time zone are either not significant or are specified elsewhere", TimeOfDay's reference): the
    location's own zone applies, as the Business Profile editor shows it. An offset would suggest
    a conversion that cannot happen, so one is refused rather than silently dropped."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("expected an ISO 8601 date and time at the location, e.g. 2026-12-24T18:00:00") from None
    if parsed.tzinfo is not None:
        raise ValueError("give the location's own clock time without an offset (e.g. 2026-12-24T18:00:00): "
                         "Google reads an event's times in the location's time zone")
    return parsed


class Event(Options):
    """An event's title and period (LocalPost.event: title, schedule {startDate, startTime, endDate,
    endTime}); also an offer's title and validity period."""

    # 58 characters: the posts editor's cap on event titles [unverified: not in the v4 reference].
    title: str = Field(min_length=1, max_length=58)
    startTime: str
    endTime: str

    @field_validator("startTime", "endTime")
    @classmethod
    def _iso(cls, value: str) -> str:
        _instant(value)
        return value

    @field_validator("endTime")
    @classmethod
    def _after_start(cls, value: str, info: ValidationInfo) -> str:
        start = info.data.get("startTime")
        if start is not None and _instant(value) <= _instant(start):
            raise ValueError("endTime must be after startTime")
        return value


class Offer(Options):
    """LocalPost.offer: couponCode, redeemOnlineUrl, termsConditions (all optional at Google)."""

    couponCode: str | None = Field(default=None, min_length=1, max_length=200)
    redeemUrl: str | None = Field(default=None, pattern=_URL, max_length=2048)
    terms: str | None = Field(default=None, min_length=1, max_length=5000)


class GoogleBusinessOptions(Options):
    topicType: Literal["standard", "event", "offer"] = "standard"
    callToAction: CallToAction | None = None
    event: Event | None = Field(default=None, validate_default=True)
    offer: Offer | None = Field(default=None, validate_default=True)
    languageCode: str | None = Field(default=None, pattern=_LANGUAGE, max_length=35)

    @field_validator("event")
    @classmethod
    def _event_for_kind(cls, value: Event | None, info: ValidationInfo) -> Event | None:
        kind = info.data.get("topicType")
        if kind in ("event", "offer") and value is None:
            raise ValueError(f"a topicType {kind} post needs event {{title, startTime, endTime}} "
                             "(Google requires it for EVENT and OFFER posts)")
        if kind == "standard" and value is not None:
            raise ValueError("event is for topicType event or offer")
        return value

    @field_validator("offer")
    @classmethod
    def _offer_for_kind(cls, value: Offer | None, info: ValidationInfo) -> Offer | None:
        if value is not None and info.data.get("topicType") != "offer":
            raise ValueError("offer is for topicType offer only")
        return value


OPTIONS = GoogleBusinessOptions  # post.content.options.google_business (shared/models/options)
