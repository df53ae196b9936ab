"""From a stored file to the uploads OpenAI accepts, in order.

One ffmpeg pass turns any audio or video into the normal form (mono 16 kHz
MP3, shared/adapters/ffmpeg.py) and measures it. When that is larger than the
upload limit (`transcribe_max_upload_bytes`, under OpenAI's 25 MB) or longer
than `transcribe_max_part_seconds`, it is cut into parts. The normal form has
a constant bitrate, so a byte budget is a time budget. Each cut goes in the
longest pause found in the last quarter of the part's budget, else in its
second half (so a word is not split between two uploads, which would garble
it in both); with no pause there, the cut falls at the budget's end.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from shared.adapters import ffmpeg
from shared.errors import InternalError
from shared.services.transcription import MediaInvalidError

# Parts are planned to this share of the limit: MP3 frames and headers vary a little.
SAFETY = 0.95
# Where a cut is looked for, as shares of the budget: its last quarter, then its second half.
WINDOWS = (0.75, 0.5)


@dataclass(frozen=True)
class Part:
    index: int
    path: str
    start: float
    end: float
    size: int


@dataclass
class Prepared:
    seconds: float
    parts: list[Part]
    truncated: bool = False  # decoding stopped at max_source_seconds: the source is longer


def plan_cuts(seconds: float, size: int, max_bytes: int, max_seconds: float,
              silences: list[tuple[float, float]], safety: float = SAFETY) -> list[float]:
    """Where to cut an audio of `seconds` and `size` bytes so every part fits (pure)."""
    if seconds <= 0 or (size <= max_bytes and seconds <= max_seconds):
        return []
    budget = min(max_seconds, max_bytes * safety * seconds / size)
    cuts: list[float] = []
    position = 0.0
    while seconds - position > budget:
        cut = position + budget
        # The longest pause near the end of the budget, else in its second half: parts stay
        # close to the budget (few uploads) and no word is cut when there is a pause at all.
        for share in WINDOWS:
            low, high = position + budget * share, position + budget
            pauses = [(end - start, (start + end) / 2) for start, end in silences
                      if low <= (start + end) / 2 <= high]
            if pauses:
                cut = max(pauses)[1]
                break
        cuts.append(round(cut, 3))
        position = cut
    return cuts


def prepare(source: str, workdir: str, max_bytes: int, max_seconds: float, *, fmt: str,
            max_source_seconds: float | None = None) -> Prepared:
    """Normalise and measure `source` (demuxer `fmt`), at most `max_source_seconds` of it,
    then split it into parts that fit. A truncated result is not split: its caller refuses it."""
    try:
        audio = ffmpeg.extract_audio(source, os.path.join(workdir, "audio.mp3"), fmt=fmt,
                                     max_seconds=max_source_seconds)
    except ffmpeg.FfmpegError as exc:
        if exc.kind == "no_audio":
            raise MediaInvalidError("The media has no audio track to transcribe",
                                    details={"reason": "no_audio"}) from exc
        if exc.kind == "undecodable":
            raise MediaInvalidError("The media file could not be decoded as audio or video",
                                    details={"reason": "undecodable"}) from exc
        raise
    if audio.truncated:
        return Prepared(audio.seconds, [], truncated=True)
    safety = SAFETY
    for _ in range(3):
        cuts = plan_cuts(audio.seconds, audio.size, max_bytes, max_seconds, audio.silences, safety)
        if not cuts:
            return Prepared(audio.seconds, [Part(0, audio.path, 0.0, audio.seconds, audio.size)])
        out = os.path.join(workdir, f"parts-{safety:.2f}")
        os.makedirs(out)
        paths = ffmpeg.split(audio.path, cuts, out)
        bounds = [0.0, *cuts, audio.seconds]
        parts = [Part(i, p, bounds[i], bounds[i + 1], os.path.getsize(p)) for i, p in enumerate(paths)]
        if all(part.size <= max_bytes for part in parts):
            return Prepared(audio.seconds, parts)
        safety *= 0.85  # a part came out larger than planned: plan smaller ones
    raise InternalError("Could not split the audio into parts under the upload limit")
