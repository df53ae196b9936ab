"""AI transcription (`POST /v1/ai/transcribe`): media in, transcript out, credits charged once.

service.py runs a job; media.py checks and fetches the media; parts.py turns it
into uploads under OpenAI's limit; lyrics.py is the `likelyLyrics` heuristic.
The errors below are the spec's codes for this endpoint.
"""

from __future__ import annotations

from shared.errors import SokuError

FEATURE = "transcription"


class MediaNotFoundError(SokuError):
    status = 404
    code = "MEDIA_NOT_FOUND"
    message = "Media not found"


class MediaInvalidError(SokuError):
    status = 400
    code = "MEDIA_INVALID"
    message = "Media document is missing required fields"


class UnsupportedMediaError(SokuError):
    status = 400
    code = "UNSUPPORTED_MEDIA_TYPE"
    message = "Only audio and video media can be transcribed"


class UpstreamFailedError(SokuError):
    """OpenAI failed or could not be reached: nothing was charged; retrying may succeed."""

    status = 502
    code = "upstream_error"
    message = "The transcription service failed"
