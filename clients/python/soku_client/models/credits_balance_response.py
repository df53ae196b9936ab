from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.ledger_entry import LedgerEntry


T = TypeVar("T", bound="CreditsBalanceResponse")


@_attrs_define
class CreditsBalanceResponse:
    """
    Attributes:
        balance (float | int): AI credits left (users/{uid}/credits/current.balance)
        updated_at (None | str):
        ledger (list[LedgerEntry]): Recent ledger entries, newest first
    """

    balance: float | int
    updated_at: None | str
    ledger: list[LedgerEntry]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        balance: float | int
        balance = self.balance

        updated_at: None | str
        updated_at = self.updated_at

        ledger = []
        for ledger_item_data in self.ledger:
            ledger_item = ledger_item_data.to_dict()
            ledger.append(ledger_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "balance": balance,
                "updatedAt": updated_at,
                "ledger": ledger,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.ledger_entry import LedgerEntry

        d = dict(src_dict)

        def _parse_balance(data: object) -> float | int:
            return cast(float | int, data)

        balance = _parse_balance(d.pop("balance"))

        def _parse_updated_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        updated_at = _parse_updated_at(d.pop("updatedAt"))

        ledger = []
        _ledger = d.pop("ledger")
        for ledger_item_data in _ledger:
            ledger_item = LedgerEntry.from_dict(ledger_item_data)

            ledger.append(ledger_item)

        credits_balance_response = cls(
            balance=balance,
            updated_at=updated_at,
            ledger=ledger,
        )

        credits_balance_response.additional_properties = d
        return credits_balance_response

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
