"""The pieces of transcription on their own: part planning, the lyrics heuristic, ffmpeg, the sandbox."""

from __future__ import annotations

import os
import typing

import httpx
import pytest

from devstack.sandboxes import openai_audio as sandbox_audio
from shared.adapters import ffmpeg
from shared.models.transcription import LANGUAGES, MODELS
from shared.services.transcription.lyrics import likely_lyrics, signals
from shared.services.transcription.parts import plan_cuts
from tests.audio_fixtures import SPEECH, encode

# -- planning parts ------------------------------------------------------------------------


def test_audio_under_the_limits_is_one_part():
    assert plan_cuts(600, 3_000_000, 24_000_000, 1200, []) == []


def test_cuts_fall_in_the_longest_pause_of_each_window():
    # 100 s, 600 kB, limit 150 kB -> budget 23.75 s; windows (11.9, 23.75], …
    silences = [(5.0, 5.5), (18.0, 18.4), (20.0, 21.0), (30.0, 30.6), (41.0, 42.0), (60.0, 60.5)]
    cuts = plan_cuts(100, 600_000, 150_000, 1200, silences)
    assert cuts[:3] == [20.5, 41.5, 60.25]
    bounds = [0, *cuts, 100]
    assert all(0 < b - a <= 23.75 for a, b in zip(bounds, bounds[1:]))


def test_without_pauses_cuts_fall_at_the_budget():
    assert plan_cuts(100, 600_000, 150_000, 1200, []) == [23.75, 47.5, 71.25, 95.0]


def test_a_part_is_also_bounded_in_time():
    cuts = plan_cuts(3000, 18_000_000, 24_000_000, 1200, [])
    assert cuts == [1200, 2400]


# -- the lyrics heuristic ------------------------------------------------------------------

PODCAST = (
    "Welcome back to the show. Today we're talking with a founder who built a scheduling tool for "
    "small businesses, and we'll get into pricing, hiring your first engineer, and what she would do "
    "differently. One of the things I wanted to ask you about is how you found your first customers, "
    "because a lot of people listening are at exactly that stage right now."
)
INTERVIEW_WITH_TIC = (
    "So, you know, we started in a garage, you know, like everyone. And then, you know, the first "
    "customer called us on a Sunday and asked whether we could ship by Monday, and we said yes."
)
SONG = (
    "I've been waiting all night for you, baby. Oh, oh, don't you let me go. "
    "Hold me closer, hold me tight, oh baby don't you let me go. "
    "Hold me closer, hold me tight, oh baby don't you let me go. "
    "Na na na na, na na na na, hey hey hey, goodbye."
)
SUNG_WITH_NOTES = "♪ Happy birthday to you ♪"


@pytest.mark.parametrize("text,expected", [
    (PODCAST, False), (INTERVIEW_WITH_TIC, False), (SONG, True), (SUNG_WITH_NOTES, True),
    ("Oh yeah, la la la.", False),  # too short to tell
    ("", False),
])
def test_likely_lyrics(text, expected):
    assert likely_lyrics(text) is expected


def test_signals_measure_repetition_and_vocables():
    found = signals(SONG)
    assert found.repetition >= 0.5 and found.vocables >= 0.1
    assert signals(PODCAST).repetition < 0.1


# -- ffmpeg ------------------------------------------------------------------------------------


def test_extraction_measures_the_decoded_duration_and_finds_pauses(tmp_path):
    source = tmp_path / "speech.mp4"
    source.write_bytes(encode(SPEECH, "mp4"))
    audio = ffmpeg.extract_audio(str(source), str(tmp_path / "audio.mp3"), fmt="mov")
    expected = 0.6 + sum(0.35 + (0.6 if w == "." else 0.15) for w in SPEECH)
    assert audio.seconds == pytest.approx(expected, abs=0.1)
    assert audio.size == os.path.getsize(tmp_path / "audio.mp3")
    assert len([s for s in audio.silences if s[1] - s[0] >= 0.5]) >= 2  # the sentence ends


def test_splitting_keeps_every_sample_in_order(tmp_path):
    source = tmp_path / "speech.wav"
    source.write_bytes(encode(SPEECH, "wav"))
    audio = ffmpeg.extract_audio(str(source), str(tmp_path / "audio.mp3"), fmt="wav")
    out = tmp_path / "parts"
    out.mkdir()
    paths = ffmpeg.split(audio.path, [3.0, 7.0], str(out))
    assert len(paths) == 3
    lengths = [ffmpeg.extract_audio(p, str(tmp_path / f"re{i}.mp3"), fmt="mp3").seconds for i, p in enumerate(paths)]
    assert sum(lengths) == pytest.approx(audio.seconds, abs=0.2)
    assert lengths[0] == pytest.approx(3.0, abs=0.1)


def test_no_audio_track_is_reported_as_such(tmp_path):
    source = tmp_path / "silent.mp4"
    source.write_bytes(encode(None, "mp4-silent"))
    with pytest.raises(ffmpeg.FfmpegError) as raised:
        ffmpeg.extract_audio(str(source), str(tmp_path / "audio.mp3"), fmt="mov")
    assert raised.value.kind == "no_audio"


# -- the request model and the OpenAI sandbox ------------------------------------------------


def test_models_are_the_pinned_clients_transcription_models():
    from openai.types.audio_model import AudioModel

    assert set(MODELS) == set(typing.get_args(AudioModel)) == set(sandbox_audio.MODELS)
    assert LANGUAGES == sandbox_audio.LANGUAGES


def test_sandbox_hears_tones_through_lossy_encoding():
    import array
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "a.mp4")
        with open(path, "wb") as f:
            f.write(encode(SPEECH, "mp4"))
        raw = subprocess.run([ffmpeg.executable(), "-loglevel", "error", "-i", path, "-ac", "1", "-ar", "16000",
                              "-f", "s16le", "-"], capture_output=True, check=True).stdout
    heard = sandbox_audio.hear(array.array("h", raw))
    assert [w for w, _ in heard] == SPEECH


def _client(stack, key=sandbox_audio.API_KEY, **kwargs):
    import openai

    return openai.OpenAI(api_key=key, base_url=f"{stack.sandboxes.base_url}/openai/v1", max_retries=0, **kwargs)


def test_sandbox_speaks_openais_protocol_to_the_official_client(stack, tmp_path):
    import openai

    path = tmp_path / "speech.mp3"
    path.write_bytes(encode(SPEECH, "mp3"))
    with open(path, "rb") as f:
        text = _client(stack).audio.transcriptions.create(model="whisper-1", file=f, response_format="text")
    assert text.strip() == sandbox_audio.render(SPEECH)
    with open(path, "rb") as f:
        verbose = _client(stack).audio.transcriptions.create(model="whisper-1", file=f, language="en",
                                                             response_format="verbose_json")
    assert verbose.language == "en" and len(verbose.segments) == len(SPEECH)
    with pytest.raises(openai.AuthenticationError):
        with open(path, "rb") as f:
            _client(stack, key="sk-nope").audio.transcriptions.create(model="whisper-1", file=f)
    with pytest.raises(openai.NotFoundError):
        with open(path, "rb") as f:
            _client(stack).audio.transcriptions.create(model="whisper-9", file=f)
    with pytest.raises(openai.BadRequestError, match="Invalid file format"):
        _client(stack).audio.transcriptions.create(model="whisper-1", file=("notes.txt", b"hello", "text/plain"))


def test_sandbox_refuses_uploads_over_25_mb(stack):
    r = httpx.post(f"{stack.sandboxes.base_url}/openai/v1/audio/transcriptions",
                   headers={"Authorization": f"Bearer {sandbox_audio.API_KEY}"},
                   data={"model": "whisper-1"},
                   files={"file": ("big.mp3", b"\xff\xfb" + bytes(sandbox_audio.MAX_UPLOAD_BYTES + 100 * 1024))})
    assert r.status_code == 413
    assert "Maximum content size limit (26214400) exceeded" in r.json()["error"]["message"]


def test_make_run_keeps_a_real_openai_key_and_otherwise_uses_the_sandbox(stack):
    sandboxes = stack.sandboxes
    local = sandboxes.env_for_local_run({})
    assert local["SOKU_OPENAI_BASE_URL"] == f"{sandboxes.base_url}/openai/v1"
    assert local["OPENAI_API_KEY"] == sandbox_audio.API_KEY
    real = sandboxes.env_for_local_run({"OPENAI_API_KEY": "sk-real-key"})
    assert "SOKU_OPENAI_BASE_URL" not in real and "OPENAI_API_KEY" not in real
    assert real["SOKU_X_API_BASE"] == local["SOKU_X_API_BASE"]  # the platforms stay sandboxed
