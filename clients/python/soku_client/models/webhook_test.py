from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="WebhookTest")


@_attrs_define
class WebhookTest:
    """The answer of `POST /v1/webhooks/{id}/test`: one signed `ping` event sent now.

    Attributes:
        event_id (str): The ping's id (`evt_ping_…`), also its `webhook-id` header
        delivered (bool): Whether the endpoint answered 2xx
        duration_ms (float): From sending to the answer
        status_code (int | None | Unset): The endpoint's HTTP status (null: no answer)
        error (None | str | Unset): Why it was not delivered: `HTTP <status>: ` and the answer's first 200 bytes, a
            timeout, or a refusal
        answer_excerpt (None | str | Unset): The answer's first bytes (at most 4 KiB)
    """

    event_id: str
    delivered: bool
    duration_ms: float
    status_code: int | None | Unset = UNSET
    error: None | str | Unset = UNSET
    answer_excerpt: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_id = self.event_id

        delivered = self.delivered

        duration_ms = self.duration_ms

        status_code: int | None | Unset
        if isinstance(self.status_code, Unset):
            status_code = UNSET
        else:
            status_code = self.status_code

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        answer_excerpt: None | str | Unset
        if isinstance(self.answer_excerpt, Unset):
            answer_excerpt = UNSET
        else:
            answer_excerpt = self.answer_excerpt

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "eventId": event_id,
                "delivered": delivered,
                "durationMs": duration_ms,
            }
        )
        if status_code is not UNSET:
            field_dict["statusCode"] = status_code
        if error is not UNSET:
            field_dict["error"] = error
        if answer_excerpt is not UNSET:
            field_dict["answerExcerpt"] = answer_excerpt

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        event_id = d.pop("eventId")

        delivered = d.pop("delivered")

        duration_ms = d.pop("durationMs")

        def _parse_status_code(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        status_code = _parse_status_code(d.pop("statusCode", UNSET))

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        def _parse_answer_excerpt(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        answer_excerpt = _parse_answer_excerpt(d.pop("answerExcerpt", UNSET))

        webhook_test = cls(
            event_id=event_id,
            delivered=delivered,
            duration_ms=duration_ms,
            status_code=status_code,
            error=error,
            answer_excerpt=answer_excerpt,
        )

        webhook_test.additional_properties = d
        return webhook_test

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
