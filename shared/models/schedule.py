"""Bodies of an account's posting schedule (`/v1/accounts/{id}/schedule`): the weekly slots a post
sent with `"scheduledTime": "next_slot"` is placed in."""

from __future__ import annotations

import re
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
MAX_SLOTS = 100
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class Slot(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: Day
    time: str = Field(description="`HH:MM`, 24-hour, in the schedule's timezone", examples=["09:30"])

    @field_validator("time")
    @classmethod
    def _time(cls, value: str) -> str:
        if not _TIME.match(value):
            raise ValueError("Expected HH:MM, 24-hour (00:00 to 23:59)")
        return value


class PostingSchedule(BaseModel):
    """An account's weekly posting slots, in its own timezone (a 09:00 slot stays 09:00 across
    daylight saving)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "timezone": "Europe/Berlin",
        "slots": [{"day": "mon", "time": "09:00"}, {"day": "wed", "time": "12:30"}, {"day": "fri", "time": "17:00"}]}]})

    timezone: str = Field(description="An IANA timezone name (`Europe/Berlin`, `America/New_York`, `UTC`)")
    slots: list[Slot] = Field(min_length=1, max_length=MAX_SLOTS)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("Unknown timezone; use an IANA name such as Europe/Berlin") from None
        return value


class ScheduleView(PostingSchedule):
    accountId: str
    platform: str
    nextSlot: str | None = Field(description="The next slot no post has taken (what `next_slot` would get now)")


class NextSlotView(BaseModel):
    accountId: str
    platform: str
    nextSlot: str | None = Field(description="The next free slot, or null when none is free in the next 8 weeks")
