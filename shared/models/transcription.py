"""Bodies of `POST /v1/ai/transcribe` and `GET /v1/credits/balance` (spec 004 and 002)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

DEFAULT_MODEL = "whisper-1"
# The transcription models of the pinned `openai` client (its AudioModel type);
# tests/test_transcribe_units.py checks the two lists agree.
MODELS = ("whisper-1", "gpt-transcribe", "gpt-4o-transcribe", "gpt-4o-mini-transcribe",
          "gpt-4o-mini-transcribe-2025-12-15", "gpt-4o-transcribe-diarize")
# ISO 639-1 codes Whisper transcribes (its tokenizer's list, two-letter codes;
# "jw" is Whisper's own code for Javanese).
LANGUAGES = frozenset(
    "af am ar as az ba be bg bn bo br bs ca cs cy da de el en es et eu fa fi fo fr gl gu ha he hi "
    "hr ht hu hy id is it ja jw ka kk km kn ko la lb ln lo lt lv mg mi mk ml mn mr ms mt my ne nl "
    "nn no oc pa pl ps pt ro ru sa sd si sk sl sn so sq sr su sv sw ta te tg th tk tl tr tt uk ur "
    "uz vi yi yo zh".split())


class TranscribeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    mediaId: str = Field(min_length=1, max_length=128, description="ID of a media document (from /v1/media)")
    language: str | None = Field(default=None, description="ISO 639-1 code (e.g. en, es, fr); auto-detected if omitted")
    model: str | None = Field(default=None, description='OpenAI model; defaults to "whisper-1"')
    durationSeconds: int | None = Field(
        default=None, ge=0, le=7 * 24 * 3600,
        description="Your estimate of the duration; the charge uses the duration Soku measures")

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        code = value.lower()
        if code not in LANGUAGES:
            raise PydanticCustomError("literal_error", "Unsupported language: use an ISO 639-1 code "
                                                          "Whisper supports, e.g. en, es, fr")
        return code

    @field_validator("model")
    @classmethod
    def _known_model(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if value not in MODELS:
            raise PydanticCustomError("literal_error", "Unsupported model: use one of {models}",
                                      {"models": ", ".join(MODELS)})
        return value

    @property
    def model_name(self) -> str:
        return self.model or DEFAULT_MODEL


class TranscribeResponse(BaseModel):
    jobId: str = Field(description="Unique identifier for this transcription job")
    transcript: str = Field(description="The full transcribed text")
    creditsDebited: int = Field(description="AI credits charged: 1 per started minute of measured audio")
    likelyLyrics: bool = Field(description="Whether the content appears to be song lyrics")


class BalanceQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=20, ge=1, le=100, description="How many recent ledger entries")


class LedgerEntry(BaseModel):
    id: str
    type: str = Field(description='"debit" (more kinds may follow: grants, refunds)')
    feature: str | None = Field(description='What the credits paid for, e.g. "transcription"')
    amount: int | float = Field(description="Signed change of the balance (negative for a debit)")
    balanceAfter: int | float | None
    jobId: str | None
    mediaId: str | None
    createdAt: str | None


class CreditsBalanceResponse(BaseModel):
    balance: int | float = Field(description="AI credits left (users/{uid}/credits/current.balance)")
    updatedAt: str | None
    ledger: list[LedgerEntry] = Field(description="Recent ledger entries, newest first")
