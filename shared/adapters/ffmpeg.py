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


@functools.cache
def executable() -> str:
    import imageio_ffmpeg  # imported on first use: deploy discovery never pays for it

    return imageio_ffmpeg.get_ffmpeg_exe()


def _run(args: list[str], timeout: float) -> subprocess.CompletedProcess:
    try:
        return subprocess.run([executable(), "-nostdin", "-hide_banner", "-loglevel", "error", *args],
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


def extract_audio(source: str, dest: str, *, timeout: float = 1800.0) -> Extracted:
    """Decode the first audio track of `source` into the normal form at `dest`; measure it."""
    silences_file = dest + ".silences"
    done = _run([
        "-i", source, "-map", "0:a:0", "-vn", "-sn", "-dn", "-map_metadata", "-1",
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
    return Extracted(dest, seconds, os.path.getsize(dest), silences)


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
        "-i", source, "-map", "0:a", "-c", "copy", "-f", "segment",
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
