"""Results services return instead of HTTP responses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class IdempotentResult:
    """What an idempotent call (`POST /v1/posts`, `POST /v1/ai/transcribe`) answers, the
    first time or replayed: the body, its status, and the Idempotency-Key it ran under
    (the caller's, or one derived from the body). The web layer sends the key back as the
    `Idempotency-Key` header (shared/web/responses.idempotent_reply)."""

    body: Any
    status: int
    idempotency_key: str
