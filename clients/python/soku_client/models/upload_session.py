from __future__ import annotations

from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.upload_session_status import UploadSessionStatus

if TYPE_CHECKING:
    from ..models.upload_error import UploadError


T = TypeVar("T", bound="UploadSession")


@_attrs_define
class UploadSession:
    """An upload session, as `POST /v1/media/uploads` and `GET /v1/media/uploads/{id}` return it.

    Attributes:
        id (str):
        status (UploadSessionStatus):
        size (int):
        content_type (None | str):
        filename (None | str):
        method (Literal['PUT']):
        upload_url (None | str):
        expires_at (str):
        created_at (str):
        media_id (None | str):
        error (None | UploadError):
    """

    id: str
    status: UploadSessionStatus
    size: int
    content_type: None | str
    filename: None | str
    method: Literal["PUT"]
    upload_url: None | str
    expires_at: str
    created_at: str
    media_id: None | str
    error: None | UploadError
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.upload_error import UploadError

        id = self.id

        status = self.status.value

        size = self.size

        content_type: None | str
        content_type = self.content_type

        filename: None | str
        filename = self.filename

        method = self.method

        upload_url: None | str
        upload_url = self.upload_url

        expires_at = self.expires_at

        created_at = self.created_at

        media_id: None | str
        media_id = self.media_id

        error: dict[str, Any] | None
        if isinstance(self.error, UploadError):
            error = self.error.to_dict()
        else:
            error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
                "size": size,
                "contentType": content_type,
                "filename": filename,
                "method": method,
                "uploadUrl": upload_url,
                "expiresAt": expires_at,
                "createdAt": created_at,
                "mediaId": media_id,
                "error": error,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.upload_error import UploadError

        d = dict(src_dict)
        id = d.pop("id")

        status = UploadSessionStatus(d.pop("status"))

        size = d.pop("size")

        def _parse_content_type(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        content_type = _parse_content_type(d.pop("contentType"))

        def _parse_filename(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        filename = _parse_filename(d.pop("filename"))

        method = cast(Literal["PUT"], d.pop("method"))
        if method != "PUT":
            raise ValueError(f"method must match const 'PUT', got '{method}'")

        def _parse_upload_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        upload_url = _parse_upload_url(d.pop("uploadUrl"))

        expires_at = d.pop("expiresAt")

        created_at = d.pop("createdAt")

        def _parse_media_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        media_id = _parse_media_id(d.pop("mediaId"))

        def _parse_error(data: object) -> None | UploadError:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = UploadError.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UploadError, data)

        error = _parse_error(d.pop("error"))

        upload_session = cls(
            id=id,
            status=status,
            size=size,
            content_type=content_type,
            filename=filename,
            method=method,
            upload_url=upload_url,
            expires_at=expires_at,
            created_at=created_at,
            media_id=media_id,
            error=error,
        )

        upload_session.additional_properties = d
        return upload_session

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
