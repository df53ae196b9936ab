"""OpenAI audio sandbox: `POST /v1/audio/transcriptions`, the same wire protocol as OpenAI's.

A multipart upload with `file`, `model`, and optionally `language`, `prompt`,
`response_format` (`json`, `text`, `verbose_json`) and `temperature`; bearer
API key; OpenAI's error envelope `{error: {message, type, param, code}}` with
its statuses (401 bad key, 400 bad file or language, 404 unknown model, 413
over the 25 MB upload limit, 429 rate limit, 500). The official `openai`
client talks to it unchanged once its base URL points here.

It cannot recognise speech (no model runs offline), so it is deterministic
and honest instead: it decodes the uploaded audio with the same ffmpeg the
product uses and "hears" *test tones*. A word of `VOCABULARY` is a 0.35 s
sine at its own frequency; words are separated by silence. Whatever audio
survives Soku's extraction (video to audio, resampling, MP3 encoding) and
splitting still carries those tones, so the transcript the sandbox returns
for each part is exactly the words in that part, in order: a test can check
that nothing was lost, duplicated or reordered across parts. Audio without
test tones (real speech, via `make run`) gets a transcript that says so.

Fault operation: `transcribe` (kinds `rate_limit`, `server_error`,
`expired_token` → 401, `hold` → the answer comes late). Every request that
reaches the model is recorded as a "post" of platform `openai`.
"""

from __future__ import annotations

import io
import math
import os
import subprocess
import tempfile
import wave
from array import array

import flask

from devstack.sandboxes.core import SandboxState, hold_if_asked

PLATFORM = "openai"
API_KEY = "sk-soku-sandbox-not-a-real-key"
MAX_UPLOAD_BYTES = 26_214_400  # OpenAI's 25 MB limit, as its 413 message states it
FORMATS = ("flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm")
MODELS = ("whisper-1", "gpt-transcribe", "gpt-4o-transcribe", "gpt-4o-mini-transcribe",
          "gpt-4o-mini-transcribe-2025-12-15", "gpt-4o-transcribe-diarize")
# ISO-639-1 codes Whisper transcribes (its tokenizer's list, two-letter codes).
LANGUAGES = frozenset(
    "af am ar as az ba be bg bn bo br bs ca cs cy da de el en es et eu fa fi fo fr gl gu ha he hi "
    "hr ht hu hy id is it ja jw ka kk km kn ko la lb ln lo lt lv mg mi mk ml mn mr ms mt my ne nl "
    "nn no oc pa pl ps pt ro ru sa sd si sk sl sn so sq sr su sv sw ta te tg th tk tl tr tt uk ur "
    "uz vi yi yo zh".split())

# -- test tones -----------------------------------------------------------------------

VOCABULARY = (
    ",", ".", "welcome", "to", "my", "podcast", "today", "we", "are", "discussing", "how",
    "publish", "everywhere", "at", "once", "with", "one", "api", "call", "the", "and", "is",
    "this", "episode", "about", "social", "media", "oh", "baby", "yeah", "la", "love", "you",
    "i", "me", "zero", "two", "three", "four", "five",
)
BASE_HZ, STEP_HZ = 500.0, 45.0
SAMPLE_RATE = 16_000
WORD_S, GAP_S, SENTENCE_GAP_S = 0.35, 0.15, 0.6
_MIN_WORD_S = 0.15  # shorter bursts are codec artefacts, not words
_VOICED = 4000  # peak amplitude (of 32767) above which a 10 ms frame holds a tone


def frequency(word: str) -> float:
    return BASE_HZ + STEP_HZ * VOCABULARY.index(word)


def _tone(freq: float, seconds: float, amplitude: float = 0.5) -> bytes:
    n = int(seconds * SAMPLE_RATE)
    fade = int(0.005 * SAMPLE_RATE)  # 5 ms ramps: no clicks, so silences stay silent
    samples = array("h", (
        int(32767 * amplitude * min(1.0, i / fade, (n - 1 - i) / fade) * math.sin(2 * math.pi * freq * i / SAMPLE_RATE))
        for i in range(n)
    ))
    return samples.tobytes()


def speak(words: list[str], lead_s: float = 0.3, tail_s: float = 0.3) -> bytes:
    """A WAV file (16 kHz mono) saying `words` in test tones, for fixtures and benchmarks."""
    silence = lambda s: bytes(2 * int(s * SAMPLE_RATE))  # noqa: E731
    tones = {w: _tone(frequency(w), WORD_S) for w in set(words)}
    # A sentence ends in a longer pause, as speech does: where splitting prefers to cut.
    pcm = silence(lead_s) + b"".join(tones[w] + silence(SENTENCE_GAP_S if w == "." else GAP_S)
                                     for w in words) + silence(tail_s)
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(pcm)
    return out.getvalue()


def render(words: list[str]) -> str:
    """How a transcript of `words` reads: sentences capitalised, punctuation attached."""
    text, start = "", True
    for word in words:
        if word in (",", "."):
            text += word
            start = word == "."
            continue
        text += (" " if text else "") + (word.capitalize() if start else word)
        start = False
    return text


def _pcm(path: str) -> array:
    import imageio_ffmpeg

    done = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-i", path,
         "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "s16le", "-"],
        capture_output=True, timeout=300,
    )
    if done.returncode != 0:
        raise ValueError(done.stderr.decode(errors="replace")[-300:])
    return array("h", done.stdout[: len(done.stdout) // 2 * 2])


def hear(samples: array) -> list[tuple[str, float]]:
    """The test-tone words in decoded audio, with their start times."""
    frame = SAMPLE_RATE // 100
    voiced = [max(samples[i:i + frame], default=0) > _VOICED for i in range(0, len(samples), frame)]
    words, i = [], 0
    while i < len(voiced):
        if not voiced[i]:
            i += 1
            continue
        j = i
        while j < len(voiced) and voiced[j]:
            j += 1
        start, end = i * frame + frame * 2, j * frame - frame * 2  # skip the ramps
        if (j - i) * frame >= _MIN_WORD_S * SAMPLE_RATE and end > start:
            run = samples[start:end]
            # A pure tone crosses zero upwards once per period.
            ups = sum(1 for a, b in zip(run, run[1:]) if a < 0 <= b)
            hz = ups * SAMPLE_RATE / len(run)
            index = round((hz - BASE_HZ) / STEP_HZ)
            if 0 <= index < len(VOCABULARY) and abs(hz - frequency(VOCABULARY[index])) < STEP_HZ / 3:
                words.append((VOCABULARY[index], i * frame / SAMPLE_RATE))
        i = j
    return words


# -- the API ------------------------------------------------------------------------------

def _error(status: int, message: str, kind: str = "invalid_request_error", code: str | None = None,
           param: str | None = None, headers: dict | None = None):
    body = {"error": {"message": message, "type": kind, "param": param, "code": code}}
    return flask.make_response(body, status, headers or {})


def blueprint(state: SandboxState) -> flask.Blueprint:
    bp = flask.Blueprint("openai_audio", __name__, url_prefix="/openai")

    @bp.post("/v1/audio/transcriptions")
    def transcriptions():
        auth = flask.request.headers.get("Authorization", "")
        if auth != f"Bearer {API_KEY}":
            return _error(401, "Incorrect API key provided.", code="invalid_api_key")
        fault = state.take_fault(PLATFORM, "transcribe")
        if fault is not None and fault.kind == "rate_limit":
            return _error(429, "Rate limit reached for requests", kind="requests", code="rate_limit_exceeded",
                          headers={"retry-after": str(fault.params.get("retryAfter", 1))})
        if fault is not None and fault.kind == "server_error":
            return _error(500, "The server had an error while processing your request. Sorry about that!",
                          kind="server_error")
        if fault is not None and fault.kind == "expired_token":
            return _error(401, "Incorrect API key provided.", code="invalid_api_key")
        if (flask.request.content_length or 0) > MAX_UPLOAD_BYTES + 64 * 1024:
            return _error(413, f"Maximum content size limit ({MAX_UPLOAD_BYTES}) exceeded "
                               f"({flask.request.content_length} bytes read)")
        form, upload = flask.request.form, flask.request.files.get("file")
        model = form.get("model")
        if not model:
            return _error(400, "you must provide a model parameter", param="model")
        if model not in MODELS:
            return _error(404, f"The model `{model}` does not exist or you do not have access to it.",
                          code="model_not_found")
        if upload is None:
            return _error(400, "Missing required parameter: 'file'.", param="file")
        ext = os.path.splitext(upload.filename or "")[1].lstrip(".").lower()
        if ext not in FORMATS:
            return _error(400, f"Invalid file format. Supported formats: {list(FORMATS)}", param="file")
        language = form.get("language")
        if language and language not in LANGUAGES:
            return _error(400, f"Invalid language '{language}'. Language parameter must be specified in "
                               f"ISO-639-1 format.", param="language")
        response_format = form.get("response_format", "json")
        if response_format not in ("json", "text", "verbose_json"):
            return _error(400, f"response_format '{response_format}' is not supported by this sandbox",
                          param="response_format")
        data = upload.read()
        if len(data) > MAX_UPLOAD_BYTES:
            return _error(413, f"Maximum content size limit ({MAX_UPLOAD_BYTES}) exceeded ({len(data)} bytes read)")
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, f"upload.{ext}")
            with open(path, "wb") as f:
                f.write(data)
            try:
                samples = _pcm(path)
            except ValueError:
                return _error(400, "The audio file could not be decoded or its format is not supported.")
        seconds = len(samples) / SAMPLE_RATE
        heard = hear(samples)
        text = render([w for w, _ in heard]) if heard else (
            f"(Soku's local transcription sandbox received {seconds:.1f} seconds of audio. It recognises "
            f"only Soku's test tones, not speech; set OPENAI_API_KEY to transcribe with OpenAI.)")
        state.record_post(PLATFORM, "transcriptions", model=model, language=language,
                          prompt=form.get("prompt"), filename=upload.filename, bytes=len(data),
                          seconds=round(seconds, 3), text=text, responseFormat=response_format)
        hold_if_asked(fault)
        if response_format == "text":
            return flask.Response(text + "\n", mimetype="text/plain")
        if response_format == "verbose_json":
            return {"task": "transcribe", "language": language or "english", "duration": seconds, "text": text,
                    "segments": [{"id": n, "start": at, "end": at + WORD_S, "text": w}
                                 for n, (w, at) in enumerate(heard)]}
        return {"text": text, "usage": {"type": "duration", "seconds": math.ceil(seconds)}}

    return bp
