from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.word_press_options_status import WordPressOptionsStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="WordPressOptions")


@_attrs_define
class WordPressOptions:
    """
    Attributes:
        title (None | str | Unset): The post's title (default: the text's first line, cut to 80 characters)
        status (WordPressOptionsStatus | Unset): publish (default), draft, pending (awaiting review) or private.
            Scheduling is Soku's scheduledTime, not WordPress's `future` Default: WordPressOptionsStatus.PUBLISH.
        slug (None | str | Unset): The post's address name (lower-case letters, digits and hyphens)
        excerpt (None | str | Unset): The post's excerpt (plain text)
        categories (list[str] | None | Unset): Category names; each must exist on the site unless createTerms is true
        tags (list[str] | None | Unset): Tag names; each must exist on the site unless createTerms is true
        create_terms (bool | Unset): Create the categories and tags the site does not have yet Default: False.
    """

    title: None | str | Unset = UNSET
    status: WordPressOptionsStatus | Unset = WordPressOptionsStatus.PUBLISH
    slug: None | str | Unset = UNSET
    excerpt: None | str | Unset = UNSET
    categories: list[str] | None | Unset = UNSET
    tags: list[str] | None | Unset = UNSET
    create_terms: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        title: None | str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        slug: None | str | Unset
        if isinstance(self.slug, Unset):
            slug = UNSET
        else:
            slug = self.slug

        excerpt: None | str | Unset
        if isinstance(self.excerpt, Unset):
            excerpt = UNSET
        else:
            excerpt = self.excerpt

        categories: list[str] | None | Unset
        if isinstance(self.categories, Unset):
            categories = UNSET
        elif isinstance(self.categories, list):
            categories = self.categories

        else:
            categories = self.categories

        tags: list[str] | None | Unset
        if isinstance(self.tags, Unset):
            tags = UNSET
        elif isinstance(self.tags, list):
            tags = self.tags

        else:
            tags = self.tags

        create_terms = self.create_terms

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if title is not UNSET:
            field_dict["title"] = title
        if status is not UNSET:
            field_dict["status"] = status
        if slug is not UNSET:
            field_dict["slug"] = slug
        if excerpt is not UNSET:
            field_dict["excerpt"] = excerpt
        if categories is not UNSET:
            field_dict["categories"] = categories
        if tags is not UNSET:
            field_dict["tags"] = tags
        if create_terms is not UNSET:
            field_dict["createTerms"] = create_terms

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))

        _status = d.pop("status", UNSET)
        status: WordPressOptionsStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = WordPressOptionsStatus(_status)

        def _parse_slug(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        slug = _parse_slug(d.pop("slug", UNSET))

        def _parse_excerpt(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        excerpt = _parse_excerpt(d.pop("excerpt", UNSET))

        def _parse_categories(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                categories_type_0 = cast(list[str], data)

                return categories_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        categories = _parse_categories(d.pop("categories", UNSET))

        def _parse_tags(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                tags_type_0 = cast(list[str], data)

                return tags_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        tags = _parse_tags(d.pop("tags", UNSET))

        create_terms = d.pop("createTerms", UNSET)

        word_press_options = cls(
            title=title,
            status=status,
            slug=slug,
            excerpt=excerpt,
            categories=categories,
            tags=tags,
            create_terms=create_terms,
        )

        return word_press_options
