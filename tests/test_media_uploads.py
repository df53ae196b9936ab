"""Direct uploads end to end: `POST /v1/media` with a multipart file, and upload sessions
(`POST /v1/media/uploads` → PUT to the returned Cloud Storage session URI → complete),
against the real Storage (fake-gcs-server) and Firestore emulators."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import httpx
import pytest
from google.cloud.firestore_v1.base_query import FieldFilter

from shared.adapters.gcp import storage_client
from shared.config import get_settings
from shared.services.media import upload_sessions, uploads
from tests.envelope import assert_error
from tests.media_origin import JPEG_1PX, loopback_only, mp4, png, settings_env  # noqa: F401
from tests.test_firebase_cli import cli  # noqa: F401 - the CLI's emulators, for the last test

ROOT = Path(__file__).resolve().parent.parent
LIMIT = uploads.DIRECT_UPLOAD_MAX_BYTES
PDF = b"%PDF-1.7\n" + b"0" * 5000


def _bucket():
    return storage_client().bucket(get_settings().media_bucket)


def _objects(prefix: str) -> set[str]:
    return {b.name for b in _bucket().list_blobs(prefix=prefix)}


def _media_docs(db, uid: str) -> list[dict]:
    query = db.collection("media").where(filter=FieldFilter("userId", "==", uid))
    return [s.to_dict() for s in query.stream()]


def _multipart(parts: list[tuple[str, str | None, bytes, str]], boundary: str = "soku-test-boundary") -> bytes:
    """A multipart/form-data body by hand: (name, filename, bytes, content type) per part."""
    out = b""
    for name, filename, data, content_type in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        out += (f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
                f"Content-Type: {content_type}\r\n\r\n").encode() + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


def _post_form(client, user, body, boundary: str = "soku-test-boundary") -> httpx.Response:
    return client.post("/v1/media", content=body, timeout=120, headers={
        **user.key_headers, "Content-Type": f"multipart/form-data; boundary={boundary}"})


# -- multipart -----------------------------------------------------------------------


def test_a_multipart_image_is_stored_like_an_ingested_one(client, user, db, stack):
    # curl -F file=@photo.jpg: the part's declared type is wrong on purpose; the bytes decide.
    r = client.post("/v1/media", files={"file": ("photo.jpg", JPEG_1PX, "application/octet-stream")},
                    headers=user.key_headers)
    assert r.status_code == 201, r.text
    assert set(r.json()) == {"id", "url"}
    media_id, url = r.json()["id"], r.json()["url"]
    assert url == f"{stack.base_url}/media/{media_id}.jpg"

    doc = db.collection("media").document(media_id).get().to_dict()
    assert set(doc) == {"id", "userId", "keyHash", "url", "contentType", "objectPath", "downloadToken",
                        "originalUrl", "finalUrl", "ext", "createdAt", "size", "source", "filename", "kind"}
    assert doc["userId"] == user.uid and doc["keyHash"] == hashlib.sha256(user.api_key.encode()).hexdigest()
    assert (doc["contentType"], doc["ext"], doc["size"], doc["url"]) == ("image/jpeg", "jpg", len(JPEG_1PX), url)
    assert (doc["source"], doc["filename"], doc["originalUrl"], doc["finalUrl"]) == ("upload", "photo.jpg", None, None)
    blob = _bucket().get_blob(doc["objectPath"])
    assert blob.content_type == "image/jpeg"
    assert blob.metadata == {"firebaseStorageDownloadTokens": doc["downloadToken"]}

    got = client.get(url)  # the stable URL, no key
    assert got.status_code == 200 and got.content == JPEG_1PX and got.headers["Content-Type"] == "image/jpeg"
    view = client.get(f"/v1/media/{media_id}", headers=user.key_headers)
    assert view.status_code == 200 and view.json()["source"] == "upload"


def test_a_video_up_to_the_limit_is_streamed_in_resumable_chunks(client, user, db, monkeypatch):
    from tests.test_media_ingest import _count_resumable_chunks

    sent = _count_resumable_chunks(monkeypatch)
    overhead = len(_multipart([("file", "clip.mov", b"", "text/plain")]))
    video = mp4(LIMIT - overhead)  # the whole body exactly at the limit
    body = _multipart([("file", "clip.mov", video, "text/plain")])
    assert len(body) == LIMIT
    r = _post_form(client, user, body)
    assert r.status_code == 201, r.text
    doc = db.collection("media").document(r.json()["id"]).get().to_dict()
    assert (doc["contentType"], doc["ext"], doc["size"], doc["filename"]) == ("video/mp4", "mp4", len(video), "clip.mov")
    assert len(sent) >= 3, "the file goes to Storage chunk by chunk, not in one piece at the end"
    got = client.get(r.json()["url"], follow_redirects=True)  # over 10 MiB: a signed URL (media.md)
    assert hashlib.sha256(got.content).digest() == hashlib.sha256(video).digest()


def test_over_the_limit_is_413_and_stores_nothing(client, user, db):
    body = _multipart([("file", "big.mp4", mp4(LIMIT), "video/mp4")])
    before = _objects("media/")
    error = assert_error(_post_form(client, user, body), 413, "payload_too_large")
    assert error["details"] == {"limit": LIMIT, "received": len(body)}
    assert "POST /v1/media/uploads" in error["message"]

    # Chunked (no Content-Length): the cap trips while streaming, after Storage got chunks.
    def chunks():
        for i in range(0, len(body), 1024 * 1024):
            yield body[i:i + 1024 * 1024]

    error = assert_error(_post_form(client, user, chunks()), 413, "payload_too_large")
    assert error["details"] == {"limit": LIMIT}
    assert _objects("media/") == before and _media_docs(db, user.uid) == []


def test_files_we_cannot_publish_and_empty_files_are_refused(client, user, db):
    before = _objects("media/")
    r = client.post("/v1/media", files={"file": ("doc.jpg", PDF, "image/jpeg")}, headers=user.key_headers)
    error = assert_error(r, 400, "upload_failed")
    assert "not an image, video or audio format we can publish" in error["message"]
    r = client.post("/v1/media", files={"file": ("empty.jpg", b"", "image/jpeg")}, headers=user.key_headers)
    assert "the file is empty" in assert_error(r, 400, "upload_failed")["message"]
    assert _objects("media/") == before and _media_docs(db, user.uid) == []


def test_the_form_must_hold_exactly_one_file_part(client, user, db, monkeypatch):
    def refused(parts, code: str) -> str:
        error = assert_error(_post_form(client, user, _multipart(parts)), 400, "validation_error")
        assert error["details"][0]["field"] == "body.file" and error["details"][0]["code"] == code, error
        return error["message"]

    assert "No file" in refused([], "missing")
    assert "'caption'" in refused([("caption", None, b"hello", "text/plain")], "unexpected_part")
    assert "'upload'" in refused([("upload", "a.jpg", JPEG_1PX, "image/jpeg")], "unexpected_part")
    # A second file after a first one big enough that Storage already received chunks of it:
    # the unfinished upload is cancelled, nothing is kept.
    from shared.services.media import ingest
    from tests.test_media_ingest import _count_resumable_chunks

    monkeypatch.setattr(ingest, "UPLOAD_CHUNK", 256 * 1024)
    sent = _count_resumable_chunks(monkeypatch)
    before = _objects("media/")
    assert "found another: 'file'" in refused([("file", "a.mp4", mp4(1024 * 1024), "video/mp4"),
                                               ("file", "b.jpg", JPEG_1PX, "image/jpeg")], "too_many_parts")
    assert len(sent) >= 2, "the refusal should come after chunks were uploaded"
    error = assert_error(_post_form(client, user, _multipart([("file", "a.jpg", JPEG_1PX, "image/jpeg")])[:-30]),
                         400, "validation_error")
    assert "ended before its closing boundary" in error["message"]
    assert _objects("media/") == before and _media_docs(db, user.uid) == []

    # Without a boundary, or not multipart at all: refused before any byte is stored.
    r = client.post("/v1/media", content=b"x", headers={**user.key_headers, "Content-Type": "multipart/form-data"})
    assert_error(r, 400, "validation_error")
    r = client.post("/v1/media", content=JPEG_1PX, headers={**user.key_headers, "Content-Type": "image/jpeg"})
    assert_error(r, 415, "unsupported_media_type")


def test_uploaded_media_is_usable_in_posts(client, demo):
    from tests.posting import body

    r = client.post("/v1/media", files={"file": ("v.mp4", mp4(4096), "video/mp4")}, headers=demo.key_headers)
    assert r.status_code == 201, r.text
    check = client.post("/v1/posts/validate", json=body(["x"], mediaIds=[r.json()["id"]]), headers=demo.key_headers)
    assert check.status_code == 200 and check.json()["mediaType"] == "video", check.text


# -- upload sessions -------------------------------------------------------------------


def _create(client, user, size: int, **extra) -> dict:
    r = client.post("/v1/media/uploads", json={"size": size, **extra}, headers=user.key_headers)
    assert r.status_code == 201, r.text
    return r.json()


def _complete(client, user, upload_id: str) -> httpx.Response:
    return client.post(f"/v1/media/uploads/{upload_id}/complete", headers=user.key_headers)


def test_an_upload_session_end_to_end(client, user, db, stack):
    video = mp4(3 * 1024 * 1024 + 777)
    upload = _create(client, user, len(video), contentType="video/mp4", filename="holiday.mp4")
    assert upload["status"] == "pending" and upload["method"] == "PUT" and upload["size"] == len(video)
    assert upload["mediaId"] is None and upload["expiresAt"].endswith("Z")
    assert re.fullmatch(r"[0-9a-f]{24}", upload["id"])
    # The session URI is the emulator's external address, reachable by the client itself.
    assert upload["uploadUrl"].startswith(stack.env["STORAGE_EMULATOR_HOST"] + "/upload/")

    # Completing before the bytes arrived: 409, and the upload can still be finished.
    assert_error(_complete(client, user, upload["id"]), 409, "upload_incomplete")

    put = httpx.put(upload["uploadUrl"], content=iter([video[:1 << 20], video[1 << 20:]]),
                    headers={"Content-Length": str(len(video))})  # no API key: the URI is the credential
    assert put.status_code in (200, 201), put.text
    assert _objects(f"uploads/{upload['id']}") == {f"uploads/{upload['id']}"}

    r = _complete(client, user, upload["id"])
    assert r.status_code == 200, r.text
    media_id, url = r.json()["id"], r.json()["url"]
    assert url == f"{stack.base_url}/media/{media_id}.mp4"
    doc = db.collection("media").document(media_id).get().to_dict()
    assert (doc["contentType"], doc["size"], doc["source"], doc["filename"], doc["uploadId"], doc["originalUrl"]) == (
        "video/mp4", len(video), "upload", "holiday.mp4", upload["id"], None)
    blob = _bucket().get_blob(doc["objectPath"])
    assert blob.content_type == "video/mp4"
    assert blob.metadata == {"firebaseStorageDownloadTokens": doc["downloadToken"]}
    got = client.get(url)
    assert got.status_code == 200 and hashlib.sha256(got.content).digest() == hashlib.sha256(video).digest()
    assert _objects(f"uploads/{upload['id']}") == set(), "the staging object is dropped"

    status = client.get(f"/v1/media/uploads/{upload['id']}", headers=user.key_headers).json()
    assert (status["status"], status["mediaId"], status["uploadUrl"]) == ("completed", media_id, None)
    # Completing again answers the same media.
    again = _complete(client, user, upload["id"])
    assert again.status_code == 200 and again.json() == r.json()
    assert len(_media_docs(db, user.uid)) == 1


def test_concurrent_completes_answer_the_same_media(client, user, db):
    from concurrent.futures import ThreadPoolExecutor

    video = mp4(2 * 1024 * 1024)
    upload = _create(client, user, len(video))
    assert httpx.put(upload["uploadUrl"], content=video).status_code in (200, 201)
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: _complete(client, user, upload["id"]), range(6)))
    assert [a.status_code for a in answers] == [200] * 6, [a.text for a in answers]
    assert len({(a.json()["id"], a.json()["url"]) for a in answers}) == 1
    docs = _media_docs(db, user.uid)
    assert len(docs) == 1 and _objects("media/" + docs[0]["id"]) == {docs[0]["objectPath"]}
    assert client.get(answers[0].json()["url"]).content == video


def test_a_chunked_put_with_content_range(client, user):
    chunk = 256 * 1024
    image = png(512, 512)
    image += b"\x00" * (3 * chunk + 1000 - len(image))  # trailing bytes: still a PNG by its signature
    upload = _create(client, user, len(image))
    offsets = [0, chunk, 3 * chunk, len(image)]
    for start, end in zip(offsets, offsets[1:]):
        r = httpx.put(upload["uploadUrl"], content=image[start:end],
                      headers={"Content-Range": f"bytes {start}-{end - 1}/{len(image)}"})
        assert r.status_code == (308 if end < len(image) else 200), r.text
    r = _complete(client, user, upload["id"])
    assert r.status_code == 200, r.text
    assert r.json()["url"].endswith(".png") and client.get(r.json()["url"]).content == image


def test_fewer_bytes_than_declared_are_refused_and_nothing_appears(client, user, db):
    upload = _create(client, user, 100_000)
    # Real Cloud Storage keeps such a session open (308) and never makes the object; the
    # emulator finalizes it short. Either way complete refuses and no media appears.
    httpx.put(upload["uploadUrl"], content=mp4(60_000))
    error = assert_error(_complete(client, user, upload["id"]), 400, "upload_failed")
    assert "60000 bytes, not the declared 100000" in error["message"]
    assert _objects(f"uploads/{upload['id']}") == set() and _media_docs(db, user.uid) == []
    status = client.get(f"/v1/media/uploads/{upload['id']}", headers=user.key_headers).json()
    assert status["status"] == "failed" and status["error"]["code"] == "upload_failed"
    assert status["uploadUrl"] is None
    assert_error(_complete(client, user, upload["id"]), 400, "upload_failed")  # the same answer again

    # More bytes than declared: Cloud Storage refuses them; the emulator keeps them, complete does not.
    upload = _create(client, user, 100)
    httpx.put(upload["uploadUrl"], content=JPEG_1PX + b"\x00" * 200)
    error = assert_error(_complete(client, user, upload["id"]), 400, "upload_failed")
    assert f"{len(JPEG_1PX) + 200} bytes, not the declared 100" in error["message"]
    assert _media_docs(db, user.uid) == []


def test_a_type_we_cannot_publish_is_refused_on_complete(client, user, db):
    upload = _create(client, user, len(PDF), contentType="video/mp4")  # the declared type decides nothing
    assert httpx.put(upload["uploadUrl"], content=PDF).status_code in (200, 201)
    error = assert_error(_complete(client, user, upload["id"]), 400, "upload_failed")
    assert "not an image, video or audio format we can publish" in error["message"]
    assert _objects(f"uploads/{upload['id']}") == set() and _media_docs(db, user.uid) == []
    assert client.get(f"/v1/media/uploads/{upload['id']}", headers=user.key_headers).json()["status"] == "failed"


def test_an_upload_not_completed_in_time_expires(client, user, db, time_travel):
    upload = _create(client, user, len(JPEG_1PX))
    assert httpx.put(upload["uploadUrl"], content=JPEG_1PX).status_code in (200, 201)
    time_travel(seconds=upload_sessions.SESSION_LIFETIME.total_seconds() + 1)
    view = client.get(f"/v1/media/uploads/{upload['id']}", headers=user.key_headers).json()
    assert view["status"] == "expired" and view["uploadUrl"] is None
    error = assert_error(_complete(client, user, upload["id"]), 410, "upload_expired")
    assert "create a new upload" in error["message"]
    assert _objects(f"uploads/{upload['id']}") == set() and _media_docs(db, user.uid) == []


def test_uploads_are_private_to_their_owner(client, user, make_user):
    upload = _create(client, user, 10)
    other = make_user()
    for r in (client.get(f"/v1/media/uploads/{upload['id']}", headers=other.key_headers),
              _complete(client, other, upload["id"]),
              client.get("/v1/media/uploads/0123456789abcdef01234567", headers=user.key_headers),
              client.get("/v1/media/uploads/not-an-id", headers=user.key_headers)):
        assert_error(r, 404, "not_found")
    assert_error(client.get(f"/v1/media/uploads/{upload['id']}"), 401, "unauthorized")


def test_upload_request_validation_and_routing(client, user, settings_env):
    for body in ({}, {"size": 0}, {"size": "big"}, {"size": 10, "extra": True},
                 {"size": 10, "contentType": "not a type"}, {"size": 10, "filename": ""}):
        error = assert_error(client.post("/v1/media/uploads", json=body, headers=user.key_headers),
                             400, "validation_error")
        assert error["details"][0]["field"].startswith("body."), error
    settings_env(SOKU_MEDIA_MAX_BYTES=str(1024 * 1024))
    error = assert_error(client.post("/v1/media/uploads", json={"size": 1024 * 1024 + 1}, headers=user.key_headers),
                         400, "validation_error")
    assert error["details"][0] == {"field": "body.size", "message": "The file may be at most 1048576 bytes",
                                   "code": "too_big", "limit": 1048576}
    # `/v1/media/uploads` is never read as a media id.
    for method in ("GET", "DELETE"):
        r = client.request(method, "/v1/media/uploads", headers=user.key_headers)
        assert_error(r, 405, "method_not_allowed")
        assert r.headers["Allow"] == "POST"


def test_staging_objects_and_upload_documents_stay_private_in_the_rules():
    storage_rules = (ROOT / "storage.rules").read_text()
    assert re.findall(r"allow [^;]*;", storage_rules) == ["allow read, write: if false;"]
    firestore_rules = (ROOT / "firestore.rules").read_text()
    assert "match /uploads" not in firestore_rules  # the default deny applies
    assert "match /{document=**} {\n      allow read, write: if false;" in firestore_rules


# -- through the Firebase CLI's Hosting and Functions emulators ------------------------------


def test_uploads_through_the_firebase_clis_hosting_emulator(cli, user):
    """What `make run` serves: Hosting's rewrite forwards a multipart body near the limit whole
    (the CLI's Functions emulator has no smaller cap of its own for Python functions), and a
    session opened through Hosting completes."""
    video = mp4(LIMIT - 1024)
    with httpx.Client(base_url=cli.hosting_url, timeout=120, headers=user.key_headers) as http:
        r = http.post("/v1/media", files={"file": ("clip.mp4", video, "application/octet-stream")})
        assert r.status_code == 201, r.text
        # Over 10 MiB: a redirect to a signed Storage URL (docs/media.md), followed as a platform does.
        assert hashlib.sha256(httpx.get(r.json()["url"], timeout=60, follow_redirects=True).content).digest() == \
            hashlib.sha256(video).digest()
        big = {"file": ("big.mp4", mp4(LIMIT + 1), "video/mp4")}
        over = http.post("/v1/media", files=big)
        if over.status_code == 500 and '"code":"EPIPE"' in over.text:
            # Seen once on a loaded CI machine: the emulators' Node proxy reported its own write
            # error (EPIPE, not our envelope) for this 30 MiB body. Open question (issue note):
            # which hop closed early; asked once more, our 413 must come.
            over = http.post("/v1/media", files=big)
        assert_error(over, 413, "payload_too_large")

        upload = http.post("/v1/media/uploads", json={"size": len(JPEG_1PX)}).json()
        assert httpx.put(upload["uploadUrl"], content=JPEG_1PX).status_code in (200, 201)
        r = http.post(f"/v1/media/uploads/{upload['id']}/complete")
        assert r.status_code == 200, r.text
        assert httpx.get(r.json()["url"], timeout=60).content == JPEG_1PX


def test_a_session_opened_from_a_web_page_takes_its_upload(client, user):
    # A browser's Origin is passed to Cloud Storage when the session opens (so its PUTs get
    # CORS headers for that page); the session must still work end to end.
    image = png(64, 64)
    r = client.post("/v1/media/uploads", json={"size": len(image)},
                    headers=user.key_headers | {"Origin": "https://app.example.com"})
    assert r.status_code == 201, r.text
    assert httpx.put(r.json()["uploadUrl"], content=image,
                     headers={"Origin": "https://app.example.com"}).status_code in (200, 201)
    done = _complete(client, user, r.json()["id"])
    assert done.status_code == 200 and client.get(done.json()["url"]).content == image


def test_a_body_cut_short_of_its_content_length_is_a_400(stack, user, db):
    # A client that goes away mid-upload: the body ends before the Content-Length it declared.
    import json
    import socket
    from urllib.parse import urlsplit

    body = _multipart([("file", "photo.png", png(256, 256), "image/png")])
    sent = body[: len(body) // 2]
    where = urlsplit(stack.base_url)
    head = (f"POST /v1/media HTTP/1.1\r\nHost: {where.netloc}\r\nsoku-api-key: {user.api_key}\r\n"
            f"Content-Type: multipart/form-data; boundary=soku-test-boundary\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    with socket.create_connection((where.hostname, where.port), timeout=30) as conn:
        conn.sendall(head + sent)
        conn.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    assert b" 400 " in status_line, answer[:300]
    error = json.loads(rest.partition(b"\r\n\r\n")[2])["error"]
    assert error["code"] == "validation_error" and "Content-Length" in error["message"], error
    assert _media_docs(db, user.uid) == []


def test_upload_documents_carry_the_field_their_ttl_policy_deletes_them_by(client, user, db):
    import json
    from datetime import datetime

    overrides = json.loads((Path(__file__).resolve().parent.parent / "firestore.indexes.json").read_text())
    ttl_fields = {o["fieldPath"] for o in overrides["fieldOverrides"]
                  if o["collectionGroup"] == "uploads" and o.get("ttl")}
    assert ttl_fields == {"purgeAt"}
    upload = _create(client, user, 1024)
    stored = db.collection("uploads").document(upload["id"]).get().to_dict()
    assert isinstance(stored["purgeAt"], datetime) and stored["purgeAt"] > stored["expiresAt"]
