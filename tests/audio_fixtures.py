"""Real audio and video files for the transcription tests, made with the product's ffmpeg.

Speech is written in the OpenAI sandbox's test tones (devstack/sandboxes/openai_audio.py):
each word a tone of its own, so the sandbox's transcript of whatever Soku uploads
shows exactly which words arrived, in which order.
"""

from __future__ import annotations

import os
import random
import subprocess
import tempfile
import uuid

import pytest

from devstack.sandboxes import openai_audio
from shared.adapters import ffmpeg

SPEECH = ("welcome to my podcast . today we are discussing how to publish everywhere at once , "
          "with one api call .").split()
LYRICS = ("oh baby baby , oh yeah yeah . la la la la . oh baby baby , oh yeah yeah . "
          "i love you , i love you . la la la la . oh baby baby , oh yeah yeah .").split()


def random_speech(sentences: int, seed: int = 7) -> list[str]:
    """Sentences of 5-9 random words: long, in order, and not repetitive like a song."""
    rng = random.Random(seed)
    vocabulary = [w for w in openai_audio.VOCABULARY if w not in (",", ".")]
    words: list[str] = []
    for _ in range(sentences):
        words += [rng.choice(vocabulary) for _ in range(rng.randint(5, 9))] + ["."]
    return words


def spoken_seconds(words: list[str]) -> float:
    """How long `openai_audio.speak(words)` lasts."""
    a = openai_audio
    return 0.6 + sum(a.WORD_S + (a.SENTENCE_GAP_S if w == "." else a.GAP_S) for w in words)


def _ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg.executable(), "-nostdin", "-y", "-loglevel", "error", *args], check=True, timeout=120)


def encode(words: list[str] | None, fmt: str = "mp3", *, seconds: float | None = None) -> bytes:
    """`words` in tones (or `seconds` of a quiet hum when None) as mp3 | wav | mp4 (H.264 + AAC)
    | mp4-silent (video without an audio track)."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = os.path.join(tmp, "in.wav")
        if fmt == "mp4-silent":
            pass  # no audio at all
        elif words is not None:
            with open(wav, "wb") as f:
                f.write(openai_audio.speak(words))
        else:
            # A low hum rather than digital silence: a real recording is never all zeros.
            _ffmpeg("-f", "lavfi", "-i", f"sine=frequency=120:sample_rate=16000:duration={seconds}",
                    "-af", "volume=0.05", "-ac", "1", wav)
        out = os.path.join(tmp, "out." + ("mp4" if fmt.startswith("mp4") else fmt))
        if fmt == "wav":
            out = wav
        elif fmt == "mp3":
            _ffmpeg("-i", wav, "-c:a", "libmp3lame", "-b:a", "96k", out)
        elif fmt == "mp4":
            _ffmpeg("-i", wav, "-f", "lavfi", "-i", "color=c=navy:s=160x120:r=10", "-shortest",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k", out)
        elif fmt == "mp4-silent":
            _ffmpeg("-f", "lavfi", "-i", "color=c=navy:s=160x120:r=10:d=3", "-c:v", "libx264",
                    "-pix_fmt", "yuv420p", out)
        with open(out, "rb") as f:
            return f.read()


CONTENT_TYPES = {"mp3": "audio/mpeg", "wav": "audio/wav", "mp4": "video/mp4", "jpg": "image/jpeg"}


@pytest.fixture
def put_media(stack, db):
    """Store real bytes and a media document the way POST /v1/media does; returns the id."""
    from shared.adapters.gcp import storage_client
    from shared.config import get_settings

    def _put(user, data: bytes, ext: str = "mp3", content_type: str | None = None, **overrides) -> str:
        media_id = f"m{uuid.uuid4().hex[:16]}"
        path = f"media/{media_id}.{ext}"
        content_type = content_type or CONTENT_TYPES[ext]
        storage_client().bucket(get_settings().media_bucket).blob(path).upload_from_string(
            data, content_type=content_type)
        doc = {"id": media_id, "userId": user.uid, "objectPath": path, "contentType": content_type,
               "url": f"{stack.base_url}/media/{media_id}.{ext}", "ext": ext, "size": len(data)}
        doc.update(overrides)
        db.collection("media").document(media_id).set({k: v for k, v in doc.items() if v is not None})
        return media_id

    return _put


@pytest.fixture
def give_credits(db):
    def _give(user, balance) -> None:
        db.collection("users").document(user.uid).collection("credits").document("current").set(
            {"balance": balance})

    return _give


@pytest.fixture
def uploads(stack):
    """What reached the OpenAI sandbox during this test, in arrival order."""
    state = stack.sandboxes.state
    with state.lock:
        start = len(state.posts)

    def _received() -> list[dict]:
        with state.lock:
            return [p for p in state.posts[start:] if p["platform"] == openai_audio.PLATFORM]

    return _received


def jobs_of(db, user) -> list[dict]:
    """The user's transcription job records (users/{uid}/aiJobs)."""
    return [s.to_dict() for s in db.collection("users").document(user.uid).collection("aiJobs").stream()]


def balance_of(db, user) -> float:
    snap = db.collection("users").document(user.uid).collection("credits").document("current").get()
    return (snap.to_dict() or {}).get("balance", 0) if snap.exists else 0


def ledger_of(db, user) -> list[dict]:
    return [s.to_dict() for s in db.collection("users").document(user.uid).collection("creditLedger").stream()]
