from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Offer")


@_attrs_define
class Offer:
    """LocalPost.offer: couponCode, redeemOnlineUrl, termsConditions (all optional at Google).

    Attributes:
        coupon_code (None | str | Unset):
        redeem_url (None | str | Unset):
        terms (None | str | Unset):
    """

    coupon_code: None | str | Unset = UNSET
    redeem_url: None | str | Unset = UNSET
    terms: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        coupon_code: None | str | Unset
        if isinstance(self.coupon_code, Unset):
            coupon_code = UNSET
        else:
            coupon_code = self.coupon_code

        redeem_url: None | str | Unset
        if isinstance(self.redeem_url, Unset):
            redeem_url = UNSET
        else:
            redeem_url = self.redeem_url

        terms: None | str | Unset
        if isinstance(self.terms, Unset):
            terms = UNSET
        else:
            terms = self.terms

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if coupon_code is not UNSET:
            field_dict["couponCode"] = coupon_code
        if redeem_url is not UNSET:
            field_dict["redeemUrl"] = redeem_url
        if terms is not UNSET:
            field_dict["terms"] = terms

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_coupon_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        coupon_code = _parse_coupon_code(d.pop("couponCode", UNSET))

        def _parse_redeem_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        redeem_url = _parse_redeem_url(d.pop("redeemUrl", UNSET))

        def _parse_terms(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        terms = _parse_terms(d.pop("terms", UNSET))

        offer = cls(
            coupon_code=coupon_code,
            redeem_url=redeem_url,
            terms=terms,
        )

        return offer
