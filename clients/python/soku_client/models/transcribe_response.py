from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TranscribeResponse")


@_attrs_define
class TranscribeResponse:
    """
    Attributes:
        job_id (str): Unique identifier for this transcription job
        transcript (str): The full transcribed text
        credits_debited (int): AI credits charged: 1 per started minute of measured audio
        likely_lyrics (bool): Whether the content appears to be song lyrics
    """

    job_id: str
    transcript: str
    credits_debited: int
    likely_lyrics: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        job_id = self.job_id

        transcript = self.transcript

        credits_debited = self.credits_debited

        likely_lyrics = self.likely_lyrics

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "jobId": job_id,
                "transcript": transcript,
                "creditsDebited": credits_debited,
                "likelyLyrics": likely_lyrics,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        job_id = d.pop("jobId")

        transcript = d.pop("transcript")

        credits_debited = d.pop("creditsDebited")

        likely_lyrics = d.pop("likelyLyrics")

        transcribe_response = cls(
            job_id=job_id,
            transcript=transcript,
            credits_debited=credits_debited,
            likely_lyrics=likely_lyrics,
        )

        transcribe_response.additional_properties = d
        return transcribe_response

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
