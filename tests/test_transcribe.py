"""POST /v1/ai/transcribe end to end: stack, storage, ffmpeg, the OpenAI sandbox, credits."""

from __future__ import annotations

from devstack.sandboxes.openai_audio import render
from tests.audio_fixtures import (  # noqa: F401 - fixtures
    LYRICS,
    SPEECH,
    balance_of,
    encode,
    give_credits,
    ledger_of,
    put_media,
    random_speech,
    spoken_seconds,
    uploads,
)
from tests.envelope import assert_error
from tests.media_origin import loopback_only, origin, settings_env  # noqa: F401 - fixtures

ROUTE = "/v1/ai/transcribe"


def test_transcribes_audio_and_charges_one_credit_per_started_minute(client, user, db, put_media, give_credits,
                                                                     uploads, loopback_only):
    give_credits(user, 500)
    words = random_speech(16)
    assert 60 < spoken_seconds(words) < 120  # two started minutes
    media_id = put_media(user, encode(words, "mp3"))
    r = client.post(ROUTE, json={"mediaId": media_id, "language": "en", "durationSeconds": 70},
                    headers=user.key_headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"jobId", "transcript", "creditsDebited", "likelyLyrics"}
    assert body["transcript"] == render(words)
    assert body["creditsDebited"] == 2
    assert body["likelyLyrics"] is False
    assert body["jobId"].startswith("job_")

    assert balance_of(db, user) == 498
    (entry,) = ledger_of(db, user)
    assert entry["id"] == body["jobId"] and entry["amount"] == -2 and entry["feature"] == "transcription"
    assert entry["mediaId"] == media_id and entry["balanceAfter"] == 498

    job = db.collection("users").document(user.uid).collection("aiJobs").document(body["jobId"]).get().to_dict()
    assert job["status"] == "succeeded" and job["creditsDebited"] == 2 and job["model"] == "whisper-1"
    assert 60 < job["durationSeconds"] < 120 and job["declaredDurationSeconds"] == 70
    assert job["startedAt"] <= job["finishedAt"]
    assert {"downloadMs", "extractMs", "transcribeMs", "totalMs"} <= set(job["timings"])
    transcript = db.document(f"media/{media_id}/transcripts/{body['jobId']}").get().to_dict()
    assert transcript["text"] == body["transcript"] and transcript["userId"] == user.uid

    (sent,) = uploads()
    assert sent["model"] == "whisper-1" and sent["language"] == "en" and sent["filename"].endswith(".mp3")
    assert not any(host for host in loopback_only if not host.startswith("127."))


def test_video_is_reduced_to_its_audio_before_upload(client, user, db, put_media, give_credits, uploads):
    give_credits(user, 10)
    video = encode(SPEECH, "mp4")
    media_id = put_media(user, video, "mp4")
    r = client.post(ROUTE, json={"mediaId": media_id, "model": "gpt-4o-mini-transcribe"}, headers=user.key_headers)
    assert r.status_code == 200, r.text
    assert r.json()["transcript"] == render(SPEECH)
    assert r.json()["creditsDebited"] == 1
    (sent,) = uploads()
    assert sent["filename"].endswith(".mp3") and sent["bytes"] < len(video)
    assert sent["model"] == "gpt-4o-mini-transcribe" and sent["language"] is None


def test_song_is_flagged_as_likely_lyrics(client, user, put_media, give_credits):
    give_credits(user, 10)
    media_id = put_media(user, encode(LYRICS, "mp3"))
    r = client.post(ROUTE, json={"mediaId": media_id}, headers=user.key_headers)
    assert r.status_code == 200, r.text
    assert r.json()["transcript"] == render(LYRICS)
    assert r.json()["likelyLyrics"] is True


def test_long_file_is_split_into_parts_sent_in_order_and_joined(client, user, db, put_media, give_credits,
                                                                uploads, settings_env):
    limit = 150_000  # bytes per upload: ~25 s of the normal form
    settings_env(SOKU_TRANSCRIBE_MAX_UPLOAD_BYTES=str(limit))
    give_credits(user, 10)
    words = random_speech(20, seed=11)  # ~2 minutes
    media_id = put_media(user, encode(words, "mp4"), "mp4")
    r = client.post(ROUTE, json={"mediaId": media_id, "language": "en"}, headers=user.key_headers)
    assert r.status_code == 200, r.text
    body = r.json()
    # Every word once, in order: no part lost, duplicated or reordered, no word cut in two.
    assert body["transcript"] == render(words)

    sent = uploads()
    assert len(sent) >= 4
    assert all(part["bytes"] <= limit for part in sent)
    assert " ".join(part["text"] for part in sent) == body["transcript"]
    # Each part after the first is prompted with the end of the one before it.
    assert sent[0]["prompt"] is None
    for before, after in zip(sent, sent[1:]):
        assert after["prompt"] and before["text"].endswith(after["prompt"])

    job = db.collection("users").document(user.uid).collection("aiJobs").document(body["jobId"]).get().to_dict()
    parts = job["parts"]
    assert len(parts) == len(sent) and parts[0]["startSeconds"] == 0
    assert all(a["endSeconds"] == b["startSeconds"] for a, b in zip(parts, parts[1:]))
    assert parts[-1]["endSeconds"] == job["durationSeconds"]
    assert body["creditsDebited"] == -(-job["durationSeconds"] // 60)


def test_upload_through_post_v1_media_then_transcribe(client, user, give_credits, origin, uploads):
    """The spec's flow: upload media by URL, then transcribe it by id."""
    give_credits(user, 5)
    url = origin.add("/podcast.mp3", body=encode(SPEECH, "mp3"), headers={"Content-Type": "audio/mpeg"})
    created = client.post("/v1/media", json={"url": url}, headers=user.key_headers)
    assert created.status_code == 201, created.text
    r = client.post(ROUTE, json={"mediaId": created.json()["id"], "language": "en", "durationSeconds": 180},
                    headers=user.key_headers | {"Idempotency-Key": "transcribe-podcast-ep42"})
    assert r.status_code == 200, r.text
    assert r.json()["transcript"] == render(SPEECH)
    assert r.headers["Idempotency-Key"] == "transcribe-podcast-ep42"
    # Charged for what was measured (~10 s), not for the 180 s the caller declared.
    assert r.json()["creditsDebited"] == 1
    assert len(uploads()) == 1
