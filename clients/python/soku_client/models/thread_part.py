from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.thread_part_media_type_type_0 import ThreadPartMediaTypeType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="ThreadPart")


@_attrs_define
class ThreadPart:
    """One reply of a thread (`post.content.thread`): its text and its own media, taken as a post's
    are (`mediaType` inferred when left out).

        Attributes:
            text (None | str | Unset):
            media_type (None | ThreadPartMediaTypeType0 | Unset):
            video_url (None | str | Unset):
            image_urls (list[str] | None | Unset):
            media_urls (list[str] | None | Unset):
            media_ids (list[str] | None | Unset):
    """

    text: None | str | Unset = UNSET
    media_type: None | ThreadPartMediaTypeType0 | Unset = UNSET
    video_url: None | str | Unset = UNSET
    image_urls: list[str] | None | Unset = UNSET
    media_urls: list[str] | None | Unset = UNSET
    media_ids: list[str] | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        text: None | str | Unset
        if isinstance(self.text, Unset):
            text = UNSET
        else:
            text = self.text

        media_type: None | str | Unset
        if isinstance(self.media_type, Unset):
            media_type = UNSET
        elif isinstance(self.media_type, ThreadPartMediaTypeType0):
            media_type = self.media_type.value
        else:
            media_type = self.media_type

        video_url: None | str | Unset
        if isinstance(self.video_url, Unset):
            video_url = UNSET
        else:
            video_url = self.video_url

        image_urls: list[str] | None | Unset
        if isinstance(self.image_urls, Unset):
            image_urls = UNSET
        elif isinstance(self.image_urls, list):
            image_urls = self.image_urls

        else:
            image_urls = self.image_urls

        media_urls: list[str] | None | Unset
        if isinstance(self.media_urls, Unset):
            media_urls = UNSET
        elif isinstance(self.media_urls, list):
            media_urls = self.media_urls

        else:
            media_urls = self.media_urls

        media_ids: list[str] | None | Unset
        if isinstance(self.media_ids, Unset):
            media_ids = UNSET
        elif isinstance(self.media_ids, list):
            media_ids = self.media_ids

        else:
            media_ids = self.media_ids

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if text is not UNSET:
            field_dict["text"] = text
        if media_type is not UNSET:
            field_dict["mediaType"] = media_type
        if video_url is not UNSET:
            field_dict["videoUrl"] = video_url
        if image_urls is not UNSET:
            field_dict["imageUrls"] = image_urls
        if media_urls is not UNSET:
            field_dict["mediaUrls"] = media_urls
        if media_ids is not UNSET:
            field_dict["mediaIds"] = media_ids

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_text(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        text = _parse_text(d.pop("text", UNSET))

        def _parse_media_type(data: object) -> None | ThreadPartMediaTypeType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                media_type_type_0 = ThreadPartMediaTypeType0(data)

                return media_type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ThreadPartMediaTypeType0 | Unset, data)

        media_type = _parse_media_type(d.pop("mediaType", UNSET))

        def _parse_video_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        video_url = _parse_video_url(d.pop("videoUrl", UNSET))

        def _parse_image_urls(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                image_urls_type_0 = cast(list[str], data)

                return image_urls_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        image_urls = _parse_image_urls(d.pop("imageUrls", UNSET))

        def _parse_media_urls(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                media_urls_type_0 = cast(list[str], data)

                return media_urls_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        media_urls = _parse_media_urls(d.pop("mediaUrls", UNSET))

        def _parse_media_ids(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                media_ids_type_0 = cast(list[str], data)

                return media_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        media_ids = _parse_media_ids(d.pop("mediaIds", UNSET))

        thread_part = cls(
            text=text,
            media_type=media_type,
            video_url=video_url,
            image_urls=image_urls,
            media_urls=media_urls,
            media_ids=media_ids,
        )

        return thread_part
