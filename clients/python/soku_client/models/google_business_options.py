from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.google_business_options_topictype import GoogleBusinessOptionsTopictype
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.call_to_action import CallToAction
    from ..models.event import Event
    from ..models.offer import Offer


T = TypeVar("T", bound="GoogleBusinessOptions")


@_attrs_define
class GoogleBusinessOptions:
    """
    Attributes:
        topic_type (GoogleBusinessOptionsTopictype | Unset):  Default: GoogleBusinessOptionsTopictype.STANDARD.
        call_to_action (CallToAction | None | Unset):
        event (Event | None | Unset):
        offer (None | Offer | Unset):
        language_code (None | str | Unset):
    """

    topic_type: GoogleBusinessOptionsTopictype | Unset = (
        GoogleBusinessOptionsTopictype.STANDARD
    )
    call_to_action: CallToAction | None | Unset = UNSET
    event: Event | None | Unset = UNSET
    offer: None | Offer | Unset = UNSET
    language_code: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.call_to_action import CallToAction
        from ..models.event import Event
        from ..models.offer import Offer

        topic_type: str | Unset = UNSET
        if not isinstance(self.topic_type, Unset):
            topic_type = self.topic_type.value

        call_to_action: dict[str, Any] | None | Unset
        if isinstance(self.call_to_action, Unset):
            call_to_action = UNSET
        elif isinstance(self.call_to_action, CallToAction):
            call_to_action = self.call_to_action.to_dict()
        else:
            call_to_action = self.call_to_action

        event: dict[str, Any] | None | Unset
        if isinstance(self.event, Unset):
            event = UNSET
        elif isinstance(self.event, Event):
            event = self.event.to_dict()
        else:
            event = self.event

        offer: dict[str, Any] | None | Unset
        if isinstance(self.offer, Unset):
            offer = UNSET
        elif isinstance(self.offer, Offer):
            offer = self.offer.to_dict()
        else:
            offer = self.offer

        language_code: None | str | Unset
        if isinstance(self.language_code, Unset):
            language_code = UNSET
        else:
            language_code = self.language_code

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if topic_type is not UNSET:
            field_dict["topicType"] = topic_type
        if call_to_action is not UNSET:
            field_dict["callToAction"] = call_to_action
        if event is not UNSET:
            field_dict["event"] = event
        if offer is not UNSET:
            field_dict["offer"] = offer
        if language_code is not UNSET:
            field_dict["languageCode"] = language_code

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.call_to_action import CallToAction
        from ..models.event import Event
        from ..models.offer import Offer

        d = dict(src_dict)
        _topic_type = d.pop("topicType", UNSET)
        topic_type: GoogleBusinessOptionsTopictype | Unset
        if isinstance(_topic_type, Unset):
            topic_type = UNSET
        else:
            topic_type = GoogleBusinessOptionsTopictype(_topic_type)

        def _parse_call_to_action(data: object) -> CallToAction | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                call_to_action_type_0 = CallToAction.from_dict(data)

                return call_to_action_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CallToAction | None | Unset, data)

        call_to_action = _parse_call_to_action(d.pop("callToAction", UNSET))

        def _parse_event(data: object) -> Event | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                event_type_0 = Event.from_dict(data)

                return event_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Event | None | Unset, data)

        event = _parse_event(d.pop("event", UNSET))

        def _parse_offer(data: object) -> None | Offer | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                offer_type_0 = Offer.from_dict(data)

                return offer_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Offer | Unset, data)

        offer = _parse_offer(d.pop("offer", UNSET))

        def _parse_language_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        language_code = _parse_language_code(d.pop("languageCode", UNSET))

        google_business_options = cls(
            topic_type=topic_type,
            call_to_action=call_to_action,
            event=event,
            offer=offer,
            language_code=language_code,
        )

        return google_business_options
