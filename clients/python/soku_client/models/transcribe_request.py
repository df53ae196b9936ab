from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="TranscribeRequest")


@_attrs_define
class TranscribeRequest:
    """
    Attributes:
        media_id (str): ID of a media document (from /v1/media)
        language (None | str | Unset): ISO 639-1 code (e.g. en, es, fr); auto-detected if omitted
        model (None | str | Unset): OpenAI model; defaults to "whisper-1"
        duration_seconds (int | None | Unset): Your estimate of the duration; the charge uses the duration Soku measures
    """

    media_id: str
    language: None | str | Unset = UNSET
    model: None | str | Unset = UNSET
    duration_seconds: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        media_id = self.media_id

        language: None | str | Unset
        if isinstance(self.language, Unset):
            language = UNSET
        else:
            language = self.language

        model: None | str | Unset
        if isinstance(self.model, Unset):
            model = UNSET
        else:
            model = self.model

        duration_seconds: int | None | Unset
        if isinstance(self.duration_seconds, Unset):
            duration_seconds = UNSET
        else:
            duration_seconds = self.duration_seconds

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "mediaId": media_id,
            }
        )
        if language is not UNSET:
            field_dict["language"] = language
        if model is not UNSET:
            field_dict["model"] = model
        if duration_seconds is not UNSET:
            field_dict["durationSeconds"] = duration_seconds

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        media_id = d.pop("mediaId")

        def _parse_language(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        language = _parse_language(d.pop("language", UNSET))

        def _parse_model(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        model = _parse_model(d.pop("model", UNSET))

        def _parse_duration_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        duration_seconds = _parse_duration_seconds(d.pop("durationSeconds", UNSET))

        transcribe_request = cls(
            media_id=media_id,
            language=language,
            model=model,
            duration_seconds=duration_seconds,
        )

        return transcribe_request
