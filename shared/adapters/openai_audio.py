"""OpenAI's transcription endpoint through the official `openai` client.

The base URL and key are configuration (DESIGN.md, decision 7): production
reaches api.openai.com with the OPENAI_API_KEY secret; tests and `make run`
reach the OpenAI-compatible sandbox (devstack/sandboxes/openai_audio.py) over
the same wire protocol. The client's own retries (429 with retry-after, 5xx,
dropped connections) run first; what still fails becomes `UpstreamError`,
which says whether trying again later may help.
"""

from __future__ import annotations

import functools
import logging
import os
from dataclasses import dataclass

from shared.config import ConfigurationError, get_settings

log = logging.getLogger("soku.openai")


@dataclass
class UpstreamError(Exception):
    message: str
    status: int | None  # the upstream HTTP status; None when no answer came
    retryable: bool
    retry_after: float | None = None

    def __str__(self) -> str:
        return self.message


@functools.cache
def _client(base_url: str, api_key: str, timeout: float, max_retries: int):
    import openai  # imported on first use: deploy discovery never pays for it

    return openai.OpenAI(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=max_retries)


def client():
    settings = get_settings()
    if not settings.openai_api_key:
        raise ConfigurationError("OPENAI_API_KEY is not set: transcription cannot reach OpenAI. "
                                 "Set the secret (firebase functions:secrets:set OPENAI_API_KEY).")
    return _client(settings.openai_base_url, settings.openai_api_key, settings.openai_timeout,
                   settings.openai_max_retries)


def _retry_after(headers) -> float | None:
    try:
        value = headers.get("retry-after") if headers is not None else None
        return float(value) if value else None
    except (TypeError, ValueError):
        return None


def transcribe(path: str, *, model: str, language: str | None = None, prompt: str | None = None) -> str:
    """The text of one audio file (at most the upload limit)."""
    import openai

    kwargs = {"model": model, "response_format": "json"}
    if language:
        kwargs["language"] = language
    if prompt:
        kwargs["prompt"] = prompt  # the previous part's end: keeps context across a split
    try:
        with open(path, "rb") as audio:
            # The name's extension is how OpenAI tells the format.
            result = client().audio.transcriptions.create(
                file=(os.path.basename(path), audio, "audio/mpeg"), **kwargs)
    except openai.APIStatusError as exc:
        status = exc.status_code
        retryable = status in (408, 409, 429) or status >= 500
        if status in (401, 403):
            log.error("OpenAI refused our API key (%s): check the OPENAI_API_KEY secret", status)
        detail = _message(exc)
        raise UpstreamError(f"OpenAI answered {status}: {detail}", status, retryable,
                            _retry_after(exc.response.headers)) from exc
    except openai.APIConnectionError as exc:  # includes timeouts
        raise UpstreamError(f"OpenAI could not be reached: {type(exc).__name__}", None, True) from exc
    text = getattr(result, "text", result)
    return text if isinstance(text, str) else str(text)


def _message(exc) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error") if isinstance(body.get("error"), dict) else body
        if isinstance(inner.get("message"), str):
            return inner["message"][:300]
    return str(exc)[:300]
