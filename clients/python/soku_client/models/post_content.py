from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.post_content_media_type_type_0 import PostContentMediaTypeType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.platform_options import PlatformOptions
    from ..models.platform_target import PlatformTarget
    from ..models.thread_part import ThreadPart


T = TypeVar("T", bound="PostContent")


@_attrs_define
class PostContent:
    """
    Attributes:
        platform (list[PlatformTarget | str] | PlatformTarget | str):
        text (None | str | Unset):
        media_type (None | PostContentMediaTypeType0 | Unset):
        video_url (None | str | Unset):
        image_urls (list[str] | None | Unset):
        media_urls (list[str] | None | Unset):
        media_ids (list[str] | None | Unset):
        original_image_url (None | str | Unset):
        original_video_url (None | str | Unset):
        original_image_urls (list[str] | None | Unset):
        original_media_urls (list[str] | None | Unset):
        options (None | PlatformOptions | Unset):
        thread (list[ThreadPart] | None | Unset): Replies that follow the post, in order, making a thread: each answers
            the one before it (X, Threads, Bluesky and Mastodon). The post's own text and media are the thread's first post
    """

    platform: list[PlatformTarget | str] | PlatformTarget | str
    text: None | str | Unset = UNSET
    media_type: None | PostContentMediaTypeType0 | Unset = UNSET
    video_url: None | str | Unset = UNSET
    image_urls: list[str] | None | Unset = UNSET
    media_urls: list[str] | None | Unset = UNSET
    media_ids: list[str] | None | Unset = UNSET
    original_image_url: None | str | Unset = UNSET
    original_video_url: None | str | Unset = UNSET
    original_image_urls: list[str] | None | Unset = UNSET
    original_media_urls: list[str] | None | Unset = UNSET
    options: None | PlatformOptions | Unset = UNSET
    thread: list[ThreadPart] | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.platform_options import PlatformOptions
        from ..models.platform_target import PlatformTarget

        platform: dict[str, Any] | list[dict[str, Any] | str] | str
        if isinstance(self.platform, PlatformTarget):
            platform = self.platform.to_dict()
        elif isinstance(self.platform, list):
            platform = []
            for platform_type_2_item_data in self.platform:
                platform_type_2_item: dict[str, Any] | str
                if isinstance(platform_type_2_item_data, PlatformTarget):
                    platform_type_2_item = platform_type_2_item_data.to_dict()
                else:
                    platform_type_2_item = platform_type_2_item_data
                platform.append(platform_type_2_item)

        else:
            platform = self.platform

        text: None | str | Unset
        if isinstance(self.text, Unset):
            text = UNSET
        else:
            text = self.text

        media_type: None | str | Unset
        if isinstance(self.media_type, Unset):
            media_type = UNSET
        elif isinstance(self.media_type, PostContentMediaTypeType0):
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

        original_image_url: None | str | Unset
        if isinstance(self.original_image_url, Unset):
            original_image_url = UNSET
        else:
            original_image_url = self.original_image_url

        original_video_url: None | str | Unset
        if isinstance(self.original_video_url, Unset):
            original_video_url = UNSET
        else:
            original_video_url = self.original_video_url

        original_image_urls: list[str] | None | Unset
        if isinstance(self.original_image_urls, Unset):
            original_image_urls = UNSET
        elif isinstance(self.original_image_urls, list):
            original_image_urls = self.original_image_urls

        else:
            original_image_urls = self.original_image_urls

        original_media_urls: list[str] | None | Unset
        if isinstance(self.original_media_urls, Unset):
            original_media_urls = UNSET
        elif isinstance(self.original_media_urls, list):
            original_media_urls = self.original_media_urls

        else:
            original_media_urls = self.original_media_urls

        options: dict[str, Any] | None | Unset
        if isinstance(self.options, Unset):
            options = UNSET
        elif isinstance(self.options, PlatformOptions):
            options = self.options.to_dict()
        else:
            options = self.options

        thread: list[dict[str, Any]] | None | Unset
        if isinstance(self.thread, Unset):
            thread = UNSET
        elif isinstance(self.thread, list):
            thread = []
            for thread_type_0_item_data in self.thread:
                thread_type_0_item = thread_type_0_item_data.to_dict()
                thread.append(thread_type_0_item)

        else:
            thread = self.thread

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "platform": platform,
            }
        )
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
        if original_image_url is not UNSET:
            field_dict["originalImageUrl"] = original_image_url
        if original_video_url is not UNSET:
            field_dict["originalVideoUrl"] = original_video_url
        if original_image_urls is not UNSET:
            field_dict["originalImageUrls"] = original_image_urls
        if original_media_urls is not UNSET:
            field_dict["originalMediaUrls"] = original_media_urls
        if options is not UNSET:
            field_dict["options"] = options
        if thread is not UNSET:
            field_dict["thread"] = thread

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.platform_options import PlatformOptions
        from ..models.platform_target import PlatformTarget
        from ..models.thread_part import ThreadPart

        d = dict(src_dict)

        def _parse_platform(
            data: object,
        ) -> list[PlatformTarget | str] | PlatformTarget | str:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                platform_type_1 = PlatformTarget.from_dict(data)

                return platform_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, list):
                    raise TypeError()
                platform_type_2 = []
                _platform_type_2 = data
                for platform_type_2_item_data in _platform_type_2:

                    def _parse_platform_type_2_item(
                        data: object,
                    ) -> PlatformTarget | str:
                        try:
                            if not isinstance(data, dict):
                                raise TypeError()
                            platform_type_2_item_type_1 = PlatformTarget.from_dict(data)

                            return platform_type_2_item_type_1
                        except (TypeError, ValueError, AttributeError, KeyError):
                            pass
                        return cast(PlatformTarget | str, data)

                    platform_type_2_item = _parse_platform_type_2_item(
                        platform_type_2_item_data
                    )

                    platform_type_2.append(platform_type_2_item)

                return platform_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[PlatformTarget | str] | PlatformTarget | str, data)

        platform = _parse_platform(d.pop("platform"))

        def _parse_text(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        text = _parse_text(d.pop("text", UNSET))

        def _parse_media_type(data: object) -> None | PostContentMediaTypeType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                media_type_type_0 = PostContentMediaTypeType0(data)

                return media_type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PostContentMediaTypeType0 | Unset, data)

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

        def _parse_original_image_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        original_image_url = _parse_original_image_url(d.pop("originalImageUrl", UNSET))

        def _parse_original_video_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        original_video_url = _parse_original_video_url(d.pop("originalVideoUrl", UNSET))

        def _parse_original_image_urls(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                original_image_urls_type_0 = cast(list[str], data)

                return original_image_urls_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        original_image_urls = _parse_original_image_urls(
            d.pop("originalImageUrls", UNSET)
        )

        def _parse_original_media_urls(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                original_media_urls_type_0 = cast(list[str], data)

                return original_media_urls_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        original_media_urls = _parse_original_media_urls(
            d.pop("originalMediaUrls", UNSET)
        )

        def _parse_options(data: object) -> None | PlatformOptions | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                options_type_0 = PlatformOptions.from_dict(data)

                return options_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PlatformOptions | Unset, data)

        options = _parse_options(d.pop("options", UNSET))

        def _parse_thread(data: object) -> list[ThreadPart] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                thread_type_0 = []
                _thread_type_0 = data
                for thread_type_0_item_data in _thread_type_0:
                    thread_type_0_item = ThreadPart.from_dict(thread_type_0_item_data)

                    thread_type_0.append(thread_type_0_item)

                return thread_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ThreadPart] | None | Unset, data)

        thread = _parse_thread(d.pop("thread", UNSET))

        post_content = cls(
            platform=platform,
            text=text,
            media_type=media_type,
            video_url=video_url,
            image_urls=image_urls,
            media_urls=media_urls,
            media_ids=media_ids,
            original_image_url=original_image_url,
            original_video_url=original_video_url,
            original_image_urls=original_image_urls,
            original_media_urls=original_media_urls,
            options=options,
            thread=thread,
        )

        return post_content
