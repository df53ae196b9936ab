from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LedgerEntry")


@_attrs_define
class LedgerEntry:
    """
    Attributes:
        id (str):
        type_ (str): "debit" (more kinds may follow: grants, refunds)
        feature (None | str): What the credits paid for, e.g. "transcription"
        amount (float | int): Signed change of the balance (negative for a debit)
        balance_after (float | int | None):
        job_id (None | str):
        media_id (None | str):
        created_at (None | str):
    """

    id: str
    type_: str
    feature: None | str
    amount: float | int
    balance_after: float | int | None
    job_id: None | str
    media_id: None | str
    created_at: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        type_ = self.type_

        feature: None | str
        feature = self.feature

        amount: float | int
        amount = self.amount

        balance_after: float | int | None
        balance_after = self.balance_after

        job_id: None | str
        job_id = self.job_id

        media_id: None | str
        media_id = self.media_id

        created_at: None | str
        created_at = self.created_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "type": type_,
                "feature": feature,
                "amount": amount,
                "balanceAfter": balance_after,
                "jobId": job_id,
                "mediaId": media_id,
                "createdAt": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        type_ = d.pop("type")

        def _parse_feature(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        feature = _parse_feature(d.pop("feature"))

        def _parse_amount(data: object) -> float | int:
            return cast(float | int, data)

        amount = _parse_amount(d.pop("amount"))

        def _parse_balance_after(data: object) -> float | int | None:
            if data is None:
                return data
            return cast(float | int | None, data)

        balance_after = _parse_balance_after(d.pop("balanceAfter"))

        def _parse_job_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        job_id = _parse_job_id(d.pop("jobId"))

        def _parse_media_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        media_id = _parse_media_id(d.pop("mediaId"))

        def _parse_created_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        created_at = _parse_created_at(d.pop("createdAt"))

        ledger_entry = cls(
            id=id,
            type_=type_,
            feature=feature,
            amount=amount,
            balance_after=balance_after,
            job_id=job_id,
            media_id=media_id,
            created_at=created_at,
        )

        ledger_entry.additional_properties = d
        return ledger_entry

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
