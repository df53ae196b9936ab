"""ffmpeg: audio extraction, measured duration, silences and splitting.

The binary is the static ffmpeg inside the `imageio-ffmpeg` wheel, pinned in
requirements.txt, so it installs from PyPI wherever the functions' own
dependencies do (Cloud Build, `make test`) and nothing is downloaded at run
time. That wheel has no ffprobe, so durations are measured from the decode
itself: the extraction pass reports how much audio it produced.

Every source becomes one normal form, mono 16 kHz MP3 at `BITRATE`: Whisper
resamples to 16 kHz mono anyway, so nothing it uses is lost, the size per
second is constant (parts can be planned by time) and a video is reduced to
its audio track in the same pass. Silences are detected during that pass too,
so splitting can cut between words.

Untrusted input: every run that reads a caller's file names its demuxer
(`fmt`, chosen from the file's sniffed bytes, never ffmpeg's own probing, so a
file cannot turn itself into a concat script or an HLS playlist that pulls in
other files or URLs) and `-protocol_whitelist file`. `probe()` reads the
container's declared duration in a bounded time before any decoding, and
`extract_audio(max_seconds=…)` stops decoding at that length whatever the
header said (`Extracted.truncated`).
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
from dataclasses import dataclass, field

BITRATE = "48k"
SAMPLE_RATE = 16_000
# Quieter than -35 dBFS for 0.3 s counts as a pause (between sentences, mostly).
SILENCE_NOISE = "-35dB"
SILENCE_MIN_S = 0.3


class FfmpegError(RuntimeError):
    """ffmpeg refused the input. `kind`: no_audio | undecodable | timeout | failed."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


@dataclass
class Extracted:
    path: str
    seconds: float  # decoded audio, measured
    size: int  # bytes of the normalised MP3
    silences: list[tuple[float, float]] = field(default_factory=list)
    truncated: bool = False  # decoding stopped at max_seconds: the source is at least that long


# The demuxers a sniffed type may use (shared/services/media/sniff.py's content types).
DEMUXERS = {
    "audio/mpeg": "mp3", "audio/wav": "wav", "audio/ogg": "ogg",
    "audio/mp4": "mov", "video/mp4": "mov", "video/quicktime": "mov", "video/webm": "matroska",
}


def _input(source: str, fmt: str) -> list[str]:
    if fmt not in DEMUXERS.values():
        raise ValueError(f"no demuxer {fmt!r} for untrusted input")
    return ["-protocol_whitelist", "file", "-f", fmt, "-i", source]


def probe(source: str, fmt: str, *, timeout: float = 15.0) -> float | None:
    """The duration the container declares (seconds), or None when it declares none.

    ffmpeg without an output only opens the input and prints its header; no
    audio is decoded. Raises FfmpegError (undecodable, timeout)."""
    done = _run([*_input(source, fmt)], timeout, loglevel="info")
    stderr = done.stderr.decode(errors="replace")
    found = re.search(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)", stderr)
    if found:
        hours, minutes, seconds = found.groups()
        return int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    if "At least one output file must be specified" not in stderr:  # it could not open the input
        raise FfmpegError(_classify(stderr), stderr.strip()[-500:])
    return None


@functools.cache
def executable() -> str:
    import imageio_ffmpeg  # imported on first use: deploy discovery never pays for it

    return imageio_ffmpeg.get_ffmpeg_exe()


def _run(args: list[str], timeout: float, loglevel: str = "error") -> subprocess.CompletedProcess:
    try:
        return subprocess.run([executable(), "-nostdin", "-hide_banner", "-loglevel", loglevel, *args],
                              capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise FfmpegError("timeout", f"ffmpeg ran longer than {timeout:.0f}s") from exc


def _classify(stderr: str) -> str:
    text = stderr.lower()
    if "matches no streams" in text or "does not contain any stream" in text:
        return "no_audio"
    if any(sign in text for sign in ("invalid data found", "moov atom not found", "could not find codec",
                                     "error opening input", "end of file")):
        return "undecodable"
    return "failed"


def _filter_path(path: str) -> str:
    # Filter option values treat \ : ' , [ ] ; as syntax.
    return re.sub(r"([\\:',\[\];])", r"\\\1", path)


def extract_audio(source: str, dest: str, *, fmt: str, max_seconds: float | None = None,
                  timeout: float = 1800.0) -> Extracted:
    """Decode the first audio track of `source` (demuxer `fmt`) into the normal form at
    `dest`, at most `max_seconds` of it; measure it."""
    silences_file = dest + ".silences"
    limit = ["-t", f"{max_seconds:.3f}"] if max_seconds is not None else []
    done = _run([
        *_input(source, fmt), *limit, "-map", "0:a:0", "-vn", "-sn", "-dn", "-map_metadata", "-1",
        "-af", f"silencedetect=noise={SILENCE_NOISE}:d={SILENCE_MIN_S},"
               f"ametadata=mode=print:file={_filter_path(silences_file)}",
        "-ac", "1", "-ar", str(SAMPLE_RATE), "-c:a", "libmp3lame", "-b:a", BITRATE,
        "-progress", "pipe:1", "-f", "mp3", "-y", dest,
    ], timeout)
    if done.returncode != 0:
        stderr = done.stderr.decode(errors="replace")
        raise FfmpegError(_classify(stderr), stderr.strip()[-500:])
    seconds = 0.0
    for line in done.stdout.decode(errors="replace").splitlines():
        if line.startswith("out_time_us=") and line[12:].strip().lstrip("-").isdigit():
            seconds = max(seconds, int(line[12:]) / 1_000_000)
    if seconds <= 0:
        raise FfmpegError("no_audio", "the audio track holds no samples")
    silences = _read_silences(silences_file, seconds)
    truncated = max_seconds is not None and seconds >= max_seconds - 0.05
    return Extracted(dest, seconds, os.path.getsize(dest), silences, truncated)


def _read_silences(path: str, total: float) -> list[tuple[float, float]]:
    found: list[tuple[float, float]] = []
    start: float | None = None
    try:
        with open(path, encoding="utf-8", errors="replace") as lines:
            for line in lines:
                name, _, value = line.strip().partition("=")
                if name == "lavfi.silence_start":
                    start = max(0.0, float(value))
                elif name == "lavfi.silence_end" and start is not None:
                    found.append((start, float(value)))
                    start = None
    except OSError:
        return []
    if start is not None:
        found.append((start, total))  # silent to the end
    return found


def split(source: str, cuts: list[float], out_dir: str, *, timeout: float = 600.0) -> list[str]:
    """Cut `source` (the normal form) at `cuts` seconds, without re-encoding; the parts in order."""
    pattern = os.path.join(out_dir, "part%04d.mp3")
    done = _run([
        *_input(source, "mp3"), "-map", "0:a", "-c", "copy", "-f", "segment",
        "-segment_times", ",".join(f"{cut:.3f}" for cut in cuts), "-reset_timestamps", "1", "-y", pattern,
    ], timeout)
    if done.returncode != 0:
        stderr = done.stderr.decode(errors="replace")
        raise FfmpegError(_classify(stderr), stderr.strip()[-500:])
    parts = sorted(os.path.join(out_dir, name) for name in os.listdir(out_dir)
                   if name.startswith("part") and name.endswith(".mp3"))
    if len(parts) != len(cuts) + 1:
        raise FfmpegError("failed", f"expected {len(cuts) + 1} parts, ffmpeg wrote {len(parts)}")
    return parts
