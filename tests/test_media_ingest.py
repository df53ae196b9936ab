"""POST /v1/media end to end: real origins on loopback, the real Storage and Firestore emulators."""

from __future__ import annotations

import gzip
import hashlib

import pytest
from google.cloud.firestore_v1.base_query import FieldFilter

from shared.adapters.gcp import storage_client
from shared.config import get_settings
from shared.services.media import drive, ingest
from tests.envelope import assert_error
from tests.media_origin import JPEG_1PX, loopback_only, mp4, origin, png, settings_env  # noqa: F401
from tests.posting import body


def _bucket():
    return storage_client().bucket(get_settings().media_bucket)


def _stored_objects() -> set[str]:
    return {b.name for b in _bucket().list_blobs(prefix="media/")}


def _media_docs(db, uid: str) -> list[dict]:
    query = db.collection("media").where(filter=FieldFilter("userId", "==", uid))
    return [s.to_dict() for s in query.stream()]


def upload(client, user, url: str):
    return client.post("/v1/media", json={"url": url}, headers=user.key_headers)


def test_image_ingest_end_to_end(client, user, db, origin, stack):
    # Served with a misleading type and no extension: the bytes decide.
    source = origin.add("/download", body=JPEG_1PX, headers={"Content-Type": "application/octet-stream"})
    r = upload(client, user, source)
    assert r.status_code == 201, r.text
    media_id, url = r.json()["id"], r.json()["url"]
    assert set(r.json()) == {"id", "url"}
    assert url == f"{stack.base_url}/media/{media_id}.jpg"

    doc = db.collection("media").document(media_id).get().to_dict()
    assert set(doc) == {"id", "userId", "keyHash", "url", "contentType", "objectPath", "downloadToken",
                        "originalUrl", "finalUrl", "ext", "createdAt", "size", "kind"}
    assert doc["kind"] == "image"  # GET /v1/media?type=
    assert doc["userId"] == user.uid and doc["keyHash"] == hashlib.sha256(user.api_key.encode()).hexdigest()
    assert (doc["contentType"], doc["ext"], doc["size"], doc["url"]) == ("image/jpeg", "jpg", len(JPEG_1PX), url)
    assert doc["objectPath"] == f"media/{media_id}.jpg"
    assert doc["originalUrl"] == doc["finalUrl"] == source

    blob = _bucket().get_blob(doc["objectPath"])
    assert blob.content_type == "image/jpeg" and blob.size == len(JPEG_1PX)
    assert blob.metadata == {"firebaseStorageDownloadTokens": doc["downloadToken"]}
    assert blob.download_as_bytes() == JPEG_1PX

    # The returned URL really downloads, without an API key.
    got = client.get(url)
    assert got.status_code == 200 and got.content == JPEG_1PX
    assert got.headers["Content-Type"] == "image/jpeg"

    view = client.get(f"/v1/media/{media_id}", headers=user.key_headers)
    assert view.status_code == 200
    # The document as stored, with the library's fields before it has any (PATCH /v1/media/{id}).
    assert view.json() == {**doc, "createdAt": view.json()["createdAt"], "tags": [], "altText": None, "usedBy": []}
    assert view.json()["createdAt"].endswith("Z")


def test_video_ingest_streams_in_chunks_end_to_end(client, user, db, origin):
    video = mp4(20 * 1024 * 1024 + 12345)  # several 8 MiB upload chunks and a ragged tail
    # Chunked transfer, no Content-Length, and a wrong declared type.
    source = origin.add("/clip", body=lambda: (video[i:i + 65536] for i in range(0, len(video), 65536)),
                        chunked=True, headers={"Content-Type": "text/plain"})
    r = upload(client, user, source)
    assert r.status_code == 201, r.text
    doc = db.collection("media").document(r.json()["id"]).get().to_dict()
    assert (doc["contentType"], doc["ext"], doc["size"]) == ("video/mp4", "mp4", len(video))
    got = client.get(r.json()["url"], follow_redirects=True)  # over 10 MiB: a signed URL (media.md)
    assert got.status_code == 200 and hashlib.sha256(got.content).digest() == hashlib.sha256(video).digest()


def test_audio_is_accepted_for_transcription(client, user, origin):
    source = origin.add("/episode", body=b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 4000)
    r = upload(client, user, source)
    assert r.status_code == 201, r.text
    assert r.json()["url"].endswith(".mp3")


def test_a_compressed_response_is_stored_decoded(client, user, origin):
    # Content-Length then counts gzip bytes, so the size is treated as unknown.
    image = png(64, 64)
    source = origin.add("/gz.png", body=gzip.compress(image), headers={"Content-Encoding": "gzip"})
    r = upload(client, user, source)
    assert r.status_code == 201, r.text
    assert client.get(r.json()["url"]).content == image


def test_redirects_are_followed_and_recorded(client, user, db, origin):
    origin.add("/real.png", body=png())
    origin.redirect("/share", "/real.png", status=302)
    r = upload(client, user, origin.url("/share"))
    assert r.status_code == 201, r.text
    doc = db.collection("media").document(r.json()["id"]).get().to_dict()
    assert (doc["originalUrl"], doc["finalUrl"], doc["ext"]) == (origin.url("/share"), origin.url("/real.png"), "png")


def test_drive_share_links_are_fetched_as_direct_downloads(client, user, db, origin, monkeypatch):
    # Drive itself is not reachable from tests: its direct-download base points at the origin.
    monkeypatch.setattr(drive, "DIRECT_BASE", origin.url("/download"))
    origin.add("/download", body=JPEG_1PX)
    share = "https://drive.google.com/file/d/1AbCdEfGhIjKlMnOpQrSt/view?usp=sharing"
    r = upload(client, user, share)
    assert r.status_code == 201, r.text
    assert origin.requests[-1].path == "/download?id=1AbCdEfGhIjKlMnOpQrSt&export=download&confirm=t"
    doc = db.collection("media").document(r.json()["id"]).get().to_dict()
    assert doc["originalUrl"] == share and doc["finalUrl"].startswith(origin.url("/download?id="))

    # A file that is not shared publicly: Drive answers with a sign-in page.
    origin.add("/download", body=b"<!DOCTYPE html><html><body>Sign in</body></html>",
               headers={"Content-Type": "text/html; charset=utf-8"})
    r = upload(client, user, share)
    error = assert_error(r, 400, "upload_failed")
    assert "a web page (HTML)" in error["message"] and "Anyone with the link" in error["message"]


def test_media_ids_resolve_in_posts_and_stay_private(client, demo, make_user, origin):
    source = origin.add("/v.mp4", body=mp4(4096))
    media = upload(client, demo, source).json()
    r = client.post("/v1/posts/validate", json=body(["x"], mediaIds=[media["id"]]), headers=demo.key_headers)
    assert r.status_code == 200, r.text
    assert r.json()["mediaType"] == "video"

    other = make_user()
    r = client.post("/v1/posts", json=body(["x"], mediaIds=[media["id"]]), headers=other.key_headers)
    assert_error(r, 404, "not_found")
    assert_error(client.get(f"/v1/media/{media['id']}", headers=other.key_headers), 404, "not_found")


def _assert_refused(client, user, db, url: str, *message_parts: str) -> None:
    before = _stored_objects()
    r = upload(client, user, url)
    error = assert_error(r, 400, "upload_failed")
    for part in message_parts:
        assert part in error["message"], error["message"]
    assert error["message"].startswith("Media upload failed: ")
    assert _stored_objects() == before, "a refused upload must leave no object"
    assert _media_docs(db, user.uid) == [], "a refused upload must leave no document"


@pytest.mark.parametrize("url, why", [
    ("http://10.0.0.1/a.jpg", "10.0.0.1 is a private network address"),
    ("http://169.254.169.254/computeMetadata/v1/instance/", "169.254.169.254 is the cloud metadata address"),
    ("http://[::1]/a.jpg", "::1 is a loopback address"),
    ("http://[fd00::1]/a.jpg", "fd00::1 is a private network address"),
    ("http://metadata.google.internal/", "cloud metadata server"),
    ("ftp://example.com/a.jpg", "only http and https URLs can be fetched, not 'ftp'"),
    ("file:///etc/passwd", "only http and https URLs can be fetched, not 'file'"),
])
def test_unsafe_urls_are_refused_with_nothing_stored(url, why, client, user, db, loopback_only):
    _assert_refused(client, user, db, url, why)
    assert not any(host != "127.0.0.1" for host in loopback_only)


def test_loopback_is_refused_without_the_allow_list(client, user, db, origin, settings_env):
    source = origin.add("/a.jpg", body=JPEG_1PX)
    settings_env(SOKU_FETCH_ALLOWLIST="")
    _assert_refused(client, user, db, source, "127.0.0.1 is a loopback address")
    assert origin.requests == []


@pytest.mark.parametrize("location", ["http://10.0.0.1/x.jpg", "http://169.254.169.254/latest/meta-data/",
                                      "http://[::1]:1/x.jpg", "http://[fd00::1]/x.jpg"])
def test_a_redirect_from_a_public_url_to_a_private_one_is_refused(location, client, user, db, origin):
    # The allow-listed origin stands for the public host.
    origin.redirect("/promo.jpg", location)
    _assert_refused(client, user, db, origin.url("/promo.jpg"), "only public addresses can be fetched")
    assert [r.path for r in origin.requests] == ["/promo.jpg"]


def test_files_we_cannot_publish_are_refused(client, user, db, origin):
    _assert_refused(client, user, db, origin.add("/doc.pdf", body=b"%PDF-1.7\n" + b"0" * 100,
                                                 headers={"Content-Type": "image/jpeg"}),
                    "not an image, video or audio format we can publish", "(the server called it image/jpeg)")
    _assert_refused(client, user, db, origin.add("/empty.jpg", body=b""), "the file is empty")
    _assert_refused(client, user, db, origin.url("/nothing-here.jpg"), "the remote server answered HTTP 404")


def test_size_cap_is_enforced_and_a_partial_upload_leaves_nothing(client, user, db, origin,
                                                                 settings_env, monkeypatch):
    settings_env(SOKU_MEDIA_MAX_BYTES=str(1024 * 1024))
    _assert_refused(client, user, db, origin.add("/declared.mp4", body=mp4(2 * 1024 * 1024)),
                    "the file is 2 MiB, over the 1 MiB limit")
    # No declared length: the cap trips mid-stream, after several resumable
    # chunks were already sent; the unfinished upload must vanish.
    monkeypatch.setattr(ingest, "UPLOAD_CHUNK", 256 * 1024)
    sent = _count_resumable_chunks(monkeypatch)
    video = mp4(2 * 1024 * 1024)
    _assert_refused(client, user, db, origin.add(
        "/endless.mp4", body=lambda: (video[i:i + 65536] for i in range(0, len(video), 65536)), chunked=True),
        "the file is larger than the 1 MiB limit")
    assert len(sent) >= 2, "the refusal should come after chunks were uploaded"


def test_an_origin_that_dies_mid_file_leaves_nothing(client, user, db, origin, monkeypatch):
    # Declared size: the download streams straight into one upload request,
    # which is cancelled when the origin falls short.
    cancelled: list[str] = []
    real_cancel = ingest._cancel
    monkeypatch.setattr(ingest, "_cancel", lambda session: (cancelled.append(session), real_cancel(session)))
    video = mp4(1024 * 1024)
    _assert_refused(client, user, db, origin.add("/cut.mp4", body=video, declared_length=3 * 1024 * 1024),
                    "the download was interrupted")
    assert len(cancelled) == 1

    # Unknown size: resumable chunks were sent before the origin dropped the connection.
    monkeypatch.setattr(ingest, "UPLOAD_CHUNK", 256 * 1024)
    sent = _count_resumable_chunks(monkeypatch)
    _assert_refused(client, user, db, origin.add(
        "/cut-chunked.mp4", body=lambda: (video[i:i + 65536] for i in range(0, len(video), 65536)),
        chunked=True, cut=True), "the download was interrupted")
    assert len(sent) >= 2


def _count_resumable_chunks(monkeypatch) -> list[int]:
    """Record each chunk the resumable upload sends (the gateway runs in this process)."""
    from google.cloud.storage._media.requests import ResumableUpload

    sent: list[int] = []
    original = ResumableUpload.transmit_next_chunk

    def counting(self, *args, **kwargs):
        sent.append(self.bytes_uploaded)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ResumableUpload, "transmit_next_chunk", counting)
    return sent


def test_request_validation(client, user):
    error = assert_error(client.post("/v1/media", json={"url": "not-a-url"}, headers=user.key_headers),
                         400, "validation_error")
    assert error["details"] == [{"field": "body.url", "message": "Invalid URL format",
                                 "code": "invalid_string", "received": "not-a-url"}]
    error = assert_error(client.post("/v1/media", json={}, headers=user.key_headers), 400, "validation_error")
    assert error["details"][0]["field"] == "body.url"
    assert_error(client.post("/v1/media", json={"url": "https://a.example/x.jpg", "extra": 1},
                             headers=user.key_headers), 400, "validation_error")
    assert_error(client.post("/v1/media", json={"url": "https://a.example/x.jpg"}), 401, "unauthorized")
