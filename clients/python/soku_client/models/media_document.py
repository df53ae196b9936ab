from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.media_document_kind_type_0 import MediaDocumentKindType0
from ..models.media_document_source_type_0 import MediaDocumentSourceType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.media_use import MediaUse


T = TypeVar("T", bound="MediaDocument")


@_attrs_define
class MediaDocument:
    """`media/{id}`, as stored and as `GET /v1/media/{id}` returns it.

    Attributes:
        id (str):
        user_id (str):
        key_hash (None | str):
        url (str):
        content_type (str):
        object_path (str):
        download_token (str):
        original_url (None | str):
        final_url (None | str):
        ext (str):
        size (int):
        created_at (None | str):
        source (MediaDocumentSourceType0 | None | Unset):
        filename (None | str | Unset):
        upload_id (None | str | Unset):
        kind (MediaDocumentKindType0 | None | Unset):
        tags (list[str] | Unset): Your labels (PATCH /v1/media/{id}); filter the library with `?tag=`
        alt_text (None | str | Unset): Description of the media for people who cannot see it; sent as alt text to the
            platforms that take one when the post gives none
        updated_at (None | str | Unset):
        used_by (list[MediaUse] | Unset): The newest 20 posts submitted with this media, newest first
    """

    id: str
    user_id: str
    key_hash: None | str
    url: str
    content_type: str
    object_path: str
    download_token: str
    original_url: None | str
    final_url: None | str
    ext: str
    size: int
    created_at: None | str
    source: MediaDocumentSourceType0 | None | Unset = UNSET
    filename: None | str | Unset = UNSET
    upload_id: None | str | Unset = UNSET
    kind: MediaDocumentKindType0 | None | Unset = UNSET
    tags: list[str] | Unset = UNSET
    alt_text: None | str | Unset = UNSET
    updated_at: None | str | Unset = UNSET
    used_by: list[MediaUse] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        user_id = self.user_id

        key_hash: None | str
        key_hash = self.key_hash

        url = self.url

        content_type = self.content_type

        object_path = self.object_path

        download_token = self.download_token

        original_url: None | str
        original_url = self.original_url

        final_url: None | str
        final_url = self.final_url

        ext = self.ext

        size = self.size

        created_at: None | str
        created_at = self.created_at

        source: None | str | Unset
        if isinstance(self.source, Unset):
            source = UNSET
        elif isinstance(self.source, MediaDocumentSourceType0):
            source = self.source.value
        else:
            source = self.source

        filename: None | str | Unset
        if isinstance(self.filename, Unset):
            filename = UNSET
        else:
            filename = self.filename

        upload_id: None | str | Unset
        if isinstance(self.upload_id, Unset):
            upload_id = UNSET
        else:
            upload_id = self.upload_id

        kind: None | str | Unset
        if isinstance(self.kind, Unset):
            kind = UNSET
        elif isinstance(self.kind, MediaDocumentKindType0):
            kind = self.kind.value
        else:
            kind = self.kind

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        alt_text: None | str | Unset
        if isinstance(self.alt_text, Unset):
            alt_text = UNSET
        else:
            alt_text = self.alt_text

        updated_at: None | str | Unset
        if isinstance(self.updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = self.updated_at

        used_by: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.used_by, Unset):
            used_by = []
            for used_by_item_data in self.used_by:
                used_by_item = used_by_item_data.to_dict()
                used_by.append(used_by_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "userId": user_id,
                "keyHash": key_hash,
                "url": url,
                "contentType": content_type,
                "objectPath": object_path,
                "downloadToken": download_token,
                "originalUrl": original_url,
                "finalUrl": final_url,
                "ext": ext,
                "size": size,
                "createdAt": created_at,
            }
        )
        if source is not UNSET:
            field_dict["source"] = source
        if filename is not UNSET:
            field_dict["filename"] = filename
        if upload_id is not UNSET:
            field_dict["uploadId"] = upload_id
        if kind is not UNSET:
            field_dict["kind"] = kind
        if tags is not UNSET:
            field_dict["tags"] = tags
        if alt_text is not UNSET:
            field_dict["altText"] = alt_text
        if updated_at is not UNSET:
            field_dict["updatedAt"] = updated_at
        if used_by is not UNSET:
            field_dict["usedBy"] = used_by

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.media_use import MediaUse

        d = dict(src_dict)
        id = d.pop("id")

        user_id = d.pop("userId")

        def _parse_key_hash(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        key_hash = _parse_key_hash(d.pop("keyHash"))

        url = d.pop("url")

        content_type = d.pop("contentType")

        object_path = d.pop("objectPath")

        download_token = d.pop("downloadToken")

        def _parse_original_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        original_url = _parse_original_url(d.pop("originalUrl"))

        def _parse_final_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        final_url = _parse_final_url(d.pop("finalUrl"))

        ext = d.pop("ext")

        size = d.pop("size")

        def _parse_created_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        created_at = _parse_created_at(d.pop("createdAt"))

        def _parse_source(data: object) -> MediaDocumentSourceType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                source_type_0 = MediaDocumentSourceType0(data)

                return source_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MediaDocumentSourceType0 | None | Unset, data)

        source = _parse_source(d.pop("source", UNSET))

        def _parse_filename(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        filename = _parse_filename(d.pop("filename", UNSET))

        def _parse_upload_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        upload_id = _parse_upload_id(d.pop("uploadId", UNSET))

        def _parse_kind(data: object) -> MediaDocumentKindType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                kind_type_0 = MediaDocumentKindType0(data)

                return kind_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MediaDocumentKindType0 | None | Unset, data)

        kind = _parse_kind(d.pop("kind", UNSET))

        tags = cast(list[str], d.pop("tags", UNSET))

        def _parse_alt_text(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        alt_text = _parse_alt_text(d.pop("altText", UNSET))

        def _parse_updated_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        updated_at = _parse_updated_at(d.pop("updatedAt", UNSET))

        _used_by = d.pop("usedBy", UNSET)
        used_by: list[MediaUse] | Unset = UNSET
        if _used_by is not UNSET:
            used_by = []
            for used_by_item_data in _used_by:
                used_by_item = MediaUse.from_dict(used_by_item_data)

                used_by.append(used_by_item)

        media_document = cls(
            id=id,
            user_id=user_id,
            key_hash=key_hash,
            url=url,
            content_type=content_type,
            object_path=object_path,
            download_token=download_token,
            original_url=original_url,
            final_url=final_url,
            ext=ext,
            size=size,
            created_at=created_at,
            source=source,
            filename=filename,
            upload_id=upload_id,
            kind=kind,
            tags=tags,
            alt_text=alt_text,
            updated_at=updated_at,
            used_by=used_by,
        )

        media_document.additional_properties = d
        return media_document

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
