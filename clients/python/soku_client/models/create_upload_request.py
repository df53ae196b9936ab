from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateUploadRequest")


@_attrs_define
class CreateUploadRequest:
    """`POST /v1/media/uploads`: announce a file the client will PUT to Cloud Storage itself.

    Attributes:
        size (int): Exact size in bytes (at most the media cap, 1 GiB by default)
        content_type (None | str | Unset): Informative: the stored type is read from the bytes
        filename (None | str | Unset):
    """

    size: int
    content_type: None | str | Unset = UNSET
    filename: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        size = self.size

        content_type: None | str | Unset
        if isinstance(self.content_type, Unset):
            content_type = UNSET
        else:
            content_type = self.content_type

        filename: None | str | Unset
        if isinstance(self.filename, Unset):
            filename = UNSET
        else:
            filename = self.filename

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "size": size,
            }
        )
        if content_type is not UNSET:
            field_dict["contentType"] = content_type
        if filename is not UNSET:
            field_dict["filename"] = filename

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        size = d.pop("size")

        def _parse_content_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        content_type = _parse_content_type(d.pop("contentType", UNSET))

        def _parse_filename(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        filename = _parse_filename(d.pop("filename", UNSET))

        create_upload_request = cls(
            size=size,
            content_type=content_type,
            filename=filename,
        )

        return create_upload_request
