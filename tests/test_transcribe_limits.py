"""Bounded work on untrusted media (issue 19, item 4): the demuxer comes from the file's
bytes, ffmpeg reads local files only, and duration, size and credits are checked before
any audio is decoded. Nothing here charges anything."""

from __future__ import annotations

import pytest

from devstack.sandboxes.openai_audio import render
from shared.adapters import ffmpeg
from tests.audio_fixtures import (  # noqa: F401 - fixtures
    SPEECH,
    balance_of,
    encode,
    give_credits,
    jobs_of,
    ledger_of,
    put_media,
    uploads,
)
from tests.envelope import assert_error
from tests.media_origin import loopback_only, origin, settings_env  # noqa: F401 - fixtures

ROUTE = "/v1/ai/transcribe"


@pytest.fixture
def ffmpeg_runs(monkeypatch):
    """Every ffmpeg command line the product runs (the gateway serves in this process)."""
    seen: list[list[str]] = []
    run = ffmpeg._run

    def spy(args, timeout, *rest, **kwargs):
        seen.append(list(args))
        return run(args, timeout, *rest, **kwargs)

    monkeypatch.setattr(ffmpeg, "_run", spy)
    return seen


def _extractions(runs: list[list[str]]) -> list[list[str]]:
    return [args for args in runs if "-map" in args and "0:a:0" in args]


def _reads_untrusted_input_safely(args: list[str]) -> bool:
    """The input is opened with a named demuxer and the file protocol only."""
    i = args.index("-i")
    before = args[:i]
    return ("-protocol_whitelist" in before and before[before.index("-protocol_whitelist") + 1] == "file"
            and "-f" in before and before[before.index("-f") + 1] in ffmpeg.DEMUXERS.values())


def test_a_file_whose_name_and_type_lie_is_read_as_what_its_bytes_are(
        client, user, db, give_credits, put_media, uploads, ffmpeg_runs):
    """An MP4 (H.264 + AAC) stored as `.mp3`, `audio/mpeg`: ffmpeg gets the MP4 demuxer."""
    give_credits(user, 5)
    media_id = put_media(user, encode(SPEECH, "mp4"), "mp3", content_type="audio/mpeg")
    r = client.post(ROUTE, json={"mediaId": media_id}, headers=user.key_headers)
    assert r.status_code == 200, r.text
    assert r.json()["transcript"] == render(SPEECH)
    assert ffmpeg_runs and all(_reads_untrusted_input_safely(args) for args in ffmpeg_runs), ffmpeg_runs
    (extraction,) = _extractions(ffmpeg_runs)
    assert extraction[extraction.index("-f") + 1] == "mov"  # from the bytes, not the name or type


@pytest.mark.parametrize("kind", ["ffconcat", "hls"])
def test_a_playlist_is_refused_and_nothing_it_names_is_fetched(
        client, user, db, give_credits, put_media, uploads, origin, ffmpeg_runs, kind):
    url = origin.add("/segment.mp3", body=encode(SPEECH, "mp3"))
    if kind == "ffconcat":
        # The concat demuxer would follow these: another file beside the copy, then a URL.
        playlist = f"ffconcat version 1.0\nfile audio.mp3\nfile other.mp3\nfile {url}\n"
    else:
        playlist = f"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n{url}\n#EXT-X-ENDLIST\n"
    give_credits(user, 5)
    media_id = put_media(user, playlist.encode(), "mp3", content_type="audio/mpeg")
    r = client.post(ROUTE, json={"mediaId": media_id}, headers=user.key_headers)
    error = assert_error(r, 400, "MEDIA_INVALID")
    assert error["details"]["reason"] == "unrecognized"
    assert origin.requests == []  # no URL in it was fetched
    assert ffmpeg_runs == []  # ffmpeg never saw it
    assert balance_of(db, user) == 5 and ledger_of(db, user) == [] and uploads() == []


def test_an_hour_of_audio_with_one_credit_is_refused_before_any_decoding(
        client, user, db, give_credits, put_media, uploads, ffmpeg_runs, monkeypatch):
    data = encode(None, "mp3", seconds=600)  # ten minutes of a quiet hum
    give_credits(user, 1)
    media_id = put_media(user, data)
    extractions: list = []
    monkeypatch.setattr(ffmpeg, "extract_audio", lambda *a, **k: extractions.append(a) or pytest.fail("decoded"))
    r = client.post(ROUTE, json={"mediaId": media_id}, headers=user.key_headers)
    error = assert_error(r, 402, "insufficient_credits", "Insufficient AI credits. Required: 10, Available: 1")
    assert error["details"] == {"required": 10, "available": 1, "feature": "transcription"}
    assert extractions == [] and _extractions(ffmpeg_runs) == []  # only the header was read
    assert all(_reads_untrusted_input_safely(args) for args in ffmpeg_runs)
    assert balance_of(db, user) == 1 and ledger_of(db, user) == [] and uploads() == []
    (job,) = jobs_of(db, user)
    assert job["status"] == "failed" and job["error"]["code"] == "insufficient_credits"
    assert "extractMs" not in job["timings"]


def _vbr_liar(tmp_path) -> bytes:
    """An MP3 without a Xing header whose first 10 s are 64 kb/s and the next five minutes
    8 kb/s: ffmpeg estimates its duration from the first frames' bitrate (~48 s, not 310 s)."""
    import subprocess

    exe = ffmpeg.executable()
    loud, quiet = tmp_path / "loud.mp3", tmp_path / "quiet.mp3"
    for path, seconds, rate in ((loud, 10, "64k"), (quiet, 300, "8k")):
        subprocess.run([exe, "-nostdin", "-y", "-loglevel", "error", "-f", "lavfi", "-i",
                        f"sine=frequency=220:sample_rate=8000:duration={seconds}", "-ar", "8000", "-ac", "1",
                        "-c:a", "libmp3lame", "-b:a", rate, "-write_xing", "0", "-id3v2_version", "0",
                        str(path)], check=True, timeout=60)
    return loud.read_bytes() + quiet.read_bytes()


def test_a_header_that_understates_the_duration_buys_no_more_decoding_than_the_balance(
        client, user, db, give_credits, put_media, uploads, tmp_path, monkeypatch):
    data = _vbr_liar(tmp_path)
    source = tmp_path / "liar.mp3"
    source.write_bytes(data)
    assert ffmpeg.probe(str(source), "mp3") < 60  # the header's story
    measured: list[float] = []
    extract = ffmpeg.extract_audio

    def spy(*args, **kwargs):
        out = extract(*args, **kwargs)
        measured.append(out.seconds)
        return out

    monkeypatch.setattr(ffmpeg, "extract_audio", spy)
    give_credits(user, 1)
    media_id = put_media(user, data)
    r = client.post(ROUTE, json={"mediaId": media_id}, headers=user.key_headers)
    error = assert_error(r, 402, "insufficient_credits")
    assert error["details"] == {"required": 2, "available": 1, "feature": "transcription"}
    assert measured and measured[0] <= 61.5  # decoding stopped at what 1 credit pays for (+1 s)
    assert balance_of(db, user) == 1 and ledger_of(db, user) == [] and uploads() == []


def test_media_longer_than_the_cap_is_refused_from_its_header(
        client, user, db, give_credits, put_media, ffmpeg_runs, settings_env):
    settings_env(SOKU_TRANSCRIBE_MAX_SECONDS="30")
    give_credits(user, 100)
    media_id = put_media(user, encode(None, "mp3", seconds=45))
    r = client.post(ROUTE, json={"mediaId": media_id}, headers=user.key_headers)
    error = assert_error(r, 400, "MEDIA_INVALID")
    assert error["details"]["reason"] == "too_long" and error["details"]["limitSeconds"] == 30
    assert _extractions(ffmpeg_runs) == []
    assert balance_of(db, user) == 100 and ledger_of(db, user) == []


def test_media_larger_than_the_cap_is_refused_before_it_is_copied(
        client, user, db, give_credits, put_media, settings_env, monkeypatch):
    from shared.services.transcription import media

    settings_env(SOKU_MEDIA_MAX_BYTES="1000")
    give_credits(user, 100)
    media_id = put_media(user, encode(SPEECH, "mp3"))
    copies: list = []
    monkeypatch.setattr(media, "download", lambda *a: copies.append(a) or pytest.fail("copied"))
    r = client.post(ROUTE, json={"mediaId": media_id}, headers=user.key_headers)
    error = assert_error(r, 400, "MEDIA_INVALID")
    assert error["details"]["reason"] == "too_large" and error["details"]["limit"] == 1000
    assert copies == [] and balance_of(db, user) == 100
