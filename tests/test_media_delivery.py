"""Delivery of stored media at MEDIA_PUBLIC_BASE: headers, HEAD, ranges, caching; read and delete."""

from __future__ import annotations

import hashlib
import random

import pytest

from shared.adapters.gcp import storage_client
from shared.config import get_settings, reset_settings
from shared.services.media import delivery, delivery_budget
from tests.conftest import PROJECT_ID, REGION
from tests.envelope import assert_error
from tests.media_origin import JPEG_1PX, loopback_only, mp4, origin  # noqa: F401

VIDEO_SIZE = 9 * 1024 * 1024 + 333


@pytest.fixture(scope="module")
def video() -> bytes:
    return mp4(VIDEO_SIZE)


@pytest.fixture
def settings_env(monkeypatch):
    """Change settings for the in-process gateway; restored afterwards."""

    def _set(**env: str) -> None:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        reset_settings()

    yield _set
    monkeypatch.undo()
    reset_settings()


@pytest.fixture
def stored(client, user, origin, video) -> dict:
    r = client.post("/v1/media", json={"url": origin.add("/v.mp4", body=video)}, headers=user.key_headers)
    assert r.status_code == 201, r.text
    return r.json()


def test_get_streams_the_whole_file_with_its_headers(client, stored, video):
    r = client.get(stored["url"])
    assert r.status_code == 200
    assert r.content == video
    assert r.headers["Content-Type"] == "video/mp4"
    assert r.headers["Content-Length"] == str(len(video))
    assert r.headers["ETag"] == f'"{hashlib.md5(video).hexdigest()}"'
    assert r.headers["Accept-Ranges"] == "bytes"
    # Immutable: Hosting's CDN (and every cache) serves repeats without the function.
    assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert r.headers["Last-Modified"].endswith("GMT")
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_head_answers_the_same_headers_without_a_body(client, stored, video):
    r = client.head(stored["url"])
    assert r.status_code == 200 and r.content == b""
    assert r.headers["Content-Length"] == str(len(video))
    assert r.headers["Content-Type"] == "video/mp4"
    assert r.headers["ETag"] == client.get(stored["url"]).headers["ETag"]
    ranged = client.head(stored["url"], headers={"Range": "bytes=10-19"})
    assert ranged.status_code == 206 and ranged.headers["Content-Length"] == "10"


@pytest.mark.parametrize("header, first, last", [
    ("bytes=0-0", 0, 0), ("bytes=0-99", 0, 99), ("bytes=1000-", 1000, VIDEO_SIZE - 1),
    ("bytes=-500", VIDEO_SIZE - 500, VIDEO_SIZE - 1),
    ("bytes=4194000-4194999", 4194000, 4194999),  # across a 4 MiB read-chunk boundary
    ("bytes=100-99999999", 100, VIDEO_SIZE - 1),
])
def test_range_requests_return_exact_bytes(client, stored, video, header, first, last):
    r = client.get(stored["url"], headers={"Range": header})
    assert r.status_code == 206
    assert r.content == video[first:last + 1]
    assert r.headers["Content-Range"] == f"bytes {first}-{last}/{VIDEO_SIZE}"
    assert r.headers["Content-Length"] == str(last - first + 1)
    assert r.headers["Content-Type"] == "video/mp4"


def test_a_player_pulling_by_ranges_reassembles_the_file(client, stored, video, monkeypatch):
    monkeypatch.setattr(delivery, "READ_CHUNK", 256 * 1024)  # many reads per response
    rng = random.Random(7)
    offset, parts = 0, []
    while offset < len(video):
        size = rng.randint(100_000, 3_000_000)
        r = client.get(stored["url"], headers={"Range": f"bytes={offset}-{offset + size - 1}"})
        assert r.status_code == 206
        parts.append(r.content)
        offset += len(r.content)
    assert b"".join(parts) == video


def test_delivery_is_not_rate_limited_like_the_api(client, stored, video):
    # One platform, one address, a video pulled by many small ranges.
    for i in range(60):
        r = client.get(stored["url"], headers={"Range": f"bytes={i * 1000}-{i * 1000 + 999}"})
        assert r.status_code == 206, r.text
        assert r.content == video[i * 1000:i * 1000 + 1000]


def test_unsatisfiable_and_ignored_ranges(client, stored, video):
    r = client.get(stored["url"], headers={"Range": f"bytes={VIDEO_SIZE}-"})
    assert_error(r, 416, "range_not_satisfiable")
    assert r.headers["Content-Range"] == f"bytes */{VIDEO_SIZE}"
    # A malformed header, or one invalid range among several: ignored, the whole file.
    for header in ("bytes=oops", "bytes=0-1,6-5"):
        r = client.get(stored["url"], headers={"Range": header})
        assert r.status_code == 200 and len(r.content) == VIDEO_SIZE


def _parts(response) -> list[tuple[str, str, bytes]]:
    """(Content-Type, Content-Range, bytes) of each part of a multipart/byteranges answer."""
    media_type, _, boundary = response.headers["Content-Type"].partition("; boundary=")
    assert media_type == "multipart/byteranges" and boundary
    body = response.content
    assert body.startswith(f"\r\n--{boundary}\r\n".encode()) and body.endswith(f"\r\n--{boundary}--\r\n".encode())
    parts = []
    for chunk in body[:-len(f"\r\n--{boundary}--\r\n")].split(f"\r\n--{boundary}\r\n".encode())[1:]:
        head, _, data = chunk.partition(b"\r\n\r\n")
        fields = dict(line.split(": ", 1) for line in head.decode().split("\r\n"))
        parts.append((fields["Content-Type"], fields["Content-Range"], data))
    return parts


def test_several_ranges_answer_exactly_those_bytes_never_the_whole_file(client, stored, video):
    """Issue 36: `bytes=0-0,2-2` used to answer the whole file (200): 2 bytes asked, 9 MiB sent."""
    r = client.get(stored["url"], headers={"Range": "bytes=5000000-5000009,0-0,-4"})
    assert r.status_code == 206
    assert int(r.headers["Content-Length"]) == len(r.content) < 1000
    assert _parts(r) == [
        ("video/mp4", f"bytes 5000000-5000009/{VIDEO_SIZE}", video[5000000:5000010]),  # in the order asked
        ("video/mp4", f"bytes 0-0/{VIDEO_SIZE}", video[:1]),
        ("video/mp4", f"bytes {VIDEO_SIZE - 4}-{VIDEO_SIZE - 1}/{VIDEO_SIZE}", video[-4:]),
    ]
    head = client.head(stored["url"], headers={"Range": "bytes=5000000-5000009,0-0,-4"})
    assert head.status_code == 206 and head.headers["Content-Length"] == r.headers["Content-Length"]
    # A range past the end among others is dropped; one range left is a plain 206.
    r = client.get(stored["url"], headers={"Range": f"bytes=10-19,{VIDEO_SIZE}-"})
    assert r.status_code == 206 and r.headers["Content-Range"] == f"bytes 10-19/{VIDEO_SIZE}"
    assert r.content == video[10:20]


@pytest.mark.parametrize("header, reason", [
    ("bytes=" + ",".join(f"{i * 10}-{i * 10}" for i in range(9)), "too_many_ranges"),  # more than 8
    ("bytes=0-,0-", "overlapping_ranges"),  # the whole file twice
    ("bytes=0-99,0-99", "overlapping_ranges"),  # a duplicate
    ("bytes=0-4194304,4194304-", "overlapping_ranges"),  # one shared byte
    ("bytes=100-200,-" + str(VIDEO_SIZE), "overlapping_ranges"),  # a suffix covering another
])
def test_excessive_or_overlapping_ranges_are_416(client, stored, video, header, reason):
    r = client.get(stored["url"], headers={"Range": header})
    error = assert_error(r, 416, "range_not_satisfiable")
    assert error["details"]["reason"] == reason
    assert r.headers["Content-Range"] == f"bytes */{VIDEO_SIZE}"
    assert len(r.content) < 2000
    # Eight disjoint ranges are served.
    eight = client.get(stored["url"], headers={"Range": "bytes=" + ",".join(f"{i * 10}-{i * 10}" for i in range(8))})
    assert eight.status_code == 206 and [p[2] for p in _parts(eight)] == [video[i * 10:i * 10 + 1] for i in range(8)]


def test_conditional_requests(client, stored):
    first = client.get(stored["url"], headers={"Range": "bytes=0-0"})
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    r = client.get(stored["url"], headers={"If-None-Match": etag})
    assert r.status_code == 304 and r.content == b"" and r.headers["ETag"] == etag
    assert client.get(stored["url"], headers={"If-None-Match": f"W/{etag}"}).status_code == 304
    assert client.get(stored["url"], headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(stored["url"], headers={"If-None-Match": '"other"'}).status_code == 200
    # If-Range: the range only while the file is the one the client has.
    assert client.get(stored["url"], headers={"Range": "bytes=0-9", "If-Range": etag}).status_code == 206
    assert client.get(stored["url"], headers={"Range": "bytes=0-9", "If-Range": '"stale"'}).status_code == 200


def test_served_at_the_functions_own_url_too(client, stored, video):
    # The production default MEDIA_PUBLIC_BASE is the function's URL (no /media prefix).
    name = stored["url"].rsplit("/", 1)[1]
    r = client.get(f"/{PROJECT_ID}/{REGION}/mediaFiles/{name}", headers={"Range": "bytes=0-15"})
    assert r.status_code == 206 and r.content == video[:16]


@pytest.mark.parametrize("path", ["/media/0000000000deadbeef.jpg", "/media/nothing", "/media/x.exe",
                                  "/media/..%2F..%2Fetc%2Fpasswd", "/media/a.jpg.jpg", "/media/"])
def test_unknown_files_are_404(client, path):
    assert_error(client.get(path), 404, "not_found")


def test_an_attempts_own_url_is_served_until_revoked_and_records_its_first_fetch(client, stored, video, db):
    """A pull by URL names the media by a grant of its own (media/pull_grants.py): served, and
    its first fetch recorded; a revoked grant, one for other media, an unknown or malformed
    token all answer exactly as missing media does (never a 500)."""
    from shared.services.media import pull_grants

    token = pull_grants.issue(stored["id"], "postSubmissions/s/runs/t")
    url = pull_grants.granted_url(stored["url"], token)
    assert client.get(url, headers={"Range": "bytes=0-15"}).content == video[:16]
    granted = client.get(url)
    assert granted.content == video  # a second fetch of a fetched grant is served too
    # Never kept by a cache: every fetch must reach us (recorded; refused once revoked).
    assert granted.headers["Cache-Control"] == "private, no-store"
    assert db.collection("mediaGrants").document(token).get().get("fetchedAt") is not None
    assert not pull_grants.revoke_unless_fetched([token])  # fetched: never revoked

    unfetched = pull_grants.issue(stored["id"], "postSubmissions/s/runs/t")
    assert pull_grants.revoke_unless_fetched([unfetched])
    other = pull_grants.issue("someothermedia", "postSubmissions/s/runs/t")
    for bad in (unfetched, other, "mg_unknown", "mg_a/b", "mg_..", "__x__"):
        assert_error(client.get(pull_grants.granted_url(stored["url"], bad)), 404, "not_found")


def test_only_get_and_head(client, stored):
    r = client.post(stored["url"], json={})
    assert_error(r, 405, "method_not_allowed")
    assert r.headers["Allow"] == "GET, HEAD"


def test_wrong_extension_is_404(client, stored):
    assert_error(client.get(stored["url"].rsplit(".", 1)[0] + ".jpg"), 404, "not_found")


def test_get_and_delete_media(client, user, make_user, stored, db):
    media_id = stored["id"]
    doc = client.get(f"/v1/media/{media_id}", headers=user.key_headers).json()
    bucket = storage_client().bucket(get_settings().media_bucket)
    assert bucket.get_blob(doc["objectPath"]) is not None

    # Someone else cannot see or delete it.
    other = make_user()
    assert_error(client.get(f"/v1/media/{media_id}", headers=other.key_headers), 404, "not_found")
    assert_error(client.delete(f"/v1/media/{media_id}", headers=other.key_headers), 404, "not_found")
    assert client.get(stored["url"], headers={"Range": "bytes=0-0"}).status_code == 206

    r = client.delete(f"/v1/media/{media_id}", headers=user.key_headers)
    assert r.status_code == 200 and r.json() == {"deleted": True}
    assert bucket.get_blob(doc["objectPath"]) is None
    assert not db.collection("media").document(media_id).get().exists
    assert_error(client.get(stored["url"]), 404, "not_found")
    assert client.head(stored["url"]).status_code == 404
    assert_error(client.get(f"/v1/media/{media_id}", headers=user.key_headers), 404, "not_found")
    # Gone now: 404 like an id that never existed.
    for again in (media_id, "never-existed", "..."):
        assert_error(client.delete(f"/v1/media/{again}", headers=user.key_headers), 404, "not_found")


def test_media_routes_need_an_api_key(client, stored):
    assert_error(client.get(f"/v1/media/{stored['id']}"), 401, "unauthorized")
    assert_error(client.delete(f"/v1/media/{stored['id']}"), 401, "unauthorized")
    assert_error(client.put("/v1/media", json={}), 405, "method_not_allowed")


MIB = 1024 * 1024


def _mib(client, url: str, n: int, **headers: str):
    return client.get(url, headers={"Range": f"bytes={n * MIB}-{(n + 1) * MIB - 1}", **headers})


def test_a_client_is_sent_at_most_its_byte_budget_per_window(client, stored, video, settings_env):
    """Issue 36: a loop of GETs on a big file ran up egress without bound. Now each client
    address may be sent SOKU_MEDIA_DELIVERY_BUDGET bytes per window; past it, 429."""
    settings_env(SOKU_MEDIA_DELIVERY_BUDGET=str(3 * MIB))
    for n in range(3):  # exactly the budget
        r = _mib(client, stored["url"], n)
        assert r.status_code == 206 and r.content == video[n * MIB:(n + 1) * MIB]
    r = client.get(stored["url"], headers={"Range": "bytes=0-0"})
    error = assert_error(r, 429, "rate_limit_exceeded")
    assert 0 < int(r.headers["Retry-After"]) <= 3600
    assert r.headers["Cache-Control"] == "no-store"
    assert error["details"] | {"retryAfter": 0, "resetAt": ""} == {
        "scope": "mediaDelivery", "limit": 3 * MIB, "used": 3 * MIB, "requested": 1, "client": "ip",
        "retryAfter": 0, "resetAt": ""}
    # HEAD and 304 send no body and cost nothing; another address has a budget of its own.
    head = client.head(stored["url"])
    assert head.status_code == 200
    assert client.get(stored["url"], headers={"If-None-Match": head.headers["ETag"]}).status_code == 304
    other = client.get(stored["url"], headers={"Range": "bytes=0-0", "X-Forwarded-For": "198.51.100.77"})
    assert other.status_code == 206


def test_the_whole_file_past_the_budget_is_refused_but_a_range_that_fits_is_served(client, stored, video,
                                                                                 settings_env):
    settings_env(SOKU_MEDIA_DELIVERY_BUDGET=str(2 * MIB))
    r = client.get(stored["url"])  # 9 MiB: more than the whole budget
    assert_error(r, 429, "rate_limit_exceeded")
    assert r.json()["error"]["details"]["requested"] == VIDEO_SIZE
    assert _mib(client, stored["url"], 0).status_code == 206  # nothing was charged for the refusal
    assert _mib(client, stored["url"], 1).status_code == 206
    assert_error(_mib(client, stored["url"], 2), 429, "rate_limit_exceeded")


def test_the_budget_holds_across_instances(client, stored, settings_env):
    """Counted in Firestore, not only in the instance: a fresh instance knows what was sent."""
    settings_env(SOKU_MEDIA_DELIVERY_BUDGET=str(2 * MIB))
    assert _mib(client, stored["url"], 0).status_code == 206
    assert _mib(client, stored["url"], 1).status_code == 206
    delivery_budget._ledger.clear()  # what another instance, or a restarted one, knows
    assert_error(client.get(stored["url"], headers={"Range": "bytes=0-0"}), 429, "rate_limit_exceeded")


def test_a_valid_grant_has_a_budget_of_its_own(client, stored, video, settings_env):
    """A platform's pull by URL (a grant) is counted under its grant, not the address it
    shares with every other pull of that platform; a grant's budget is the same ceiling."""
    from shared.services.media import pull_grants

    settings_env(SOKU_MEDIA_DELIVERY_BUDGET=str(2 * MIB))
    assert _mib(client, stored["url"], 0).status_code == 206
    assert _mib(client, stored["url"], 1).status_code == 206
    assert_error(_mib(client, stored["url"], 2), 429, "rate_limit_exceeded")  # the address is spent
    url = pull_grants.granted_url(stored["url"], pull_grants.issue(stored["id"], "postSubmissions/s/runs/t"))
    assert _mib(client, url, 2).content == video[2 * MIB:3 * MIB]
    assert _mib(client, url, 3).content == video[3 * MIB:4 * MIB]
    r = _mib(client, url, 4)
    assert_error(r, 429, "rate_limit_exceeded")
    assert r.json()["error"]["details"]["client"] == "grant"
    # An unknown grant is no way around the budget: 404 before any byte.
    assert_error(_mib(client, pull_grants.granted_url(stored["url"], "mg_unknown"), 0), 404, "not_found")


def test_without_firestore_the_budget_is_counted_in_the_instance(client, stored, settings_env, monkeypatch):
    """An outage does not open delivery up: the instance counts alone, and refuses past the budget."""
    def down(*args, **kwargs):
        raise TimeoutError("Firestore is unreachable")

    settings_env(SOKU_MEDIA_DELIVERY_BUDGET=str(2 * MIB))
    monkeypatch.setattr(delivery_budget, "_commit_and_read", down)
    assert _mib(client, stored["url"], 0).status_code == 206
    assert _mib(client, stored["url"], 1).status_code == 206
    assert_error(_mib(client, stored["url"], 2), 429, "rate_limit_exceeded")


def test_files_above_the_cdn_limit_redirect_to_a_short_lived_signed_url(client, stored, video, settings_env):
    """Above SOKU_MEDIA_REDIRECT_BYTES (default 10 MiB, what a CDN caches) a GET is a 302 to a
    V4 signed URL of the object: Cloud Storage serves the bytes, not the function."""
    from urllib.parse import parse_qs, urlsplit

    settings_env(SOKU_MEDIA_REDIRECT_BYTES=str(MIB), SOKU_MEDIA_SIGNED_URL_TTL="300")
    r = client.get(stored["url"], headers={"Range": "bytes=100-199"})
    assert r.status_code == 302 and r.content == b""
    assert r.headers["Cache-Control"] == "private, no-store"  # the URL expires: no cache may keep it
    location = urlsplit(r.headers["Location"])
    assert f"{location.scheme}://{location.netloc}" == get_settings().storage_emulator_host.rstrip("/")
    assert location.path == f"/{get_settings().media_bucket}/media/{stored['url'].rsplit('/', 1)[1]}"
    query = parse_qs(location.query)
    assert query["X-Goog-Algorithm"] == ["GOOG4-RSA-SHA256"] and query["X-Goog-Expires"] == ["300"]
    assert query["X-Goog-Signature"][0] and "generation" in query
    # The client follows it, with its Range.
    followed = client.get(r.headers["Location"], headers={"Range": "bytes=100-199"})
    assert followed.status_code == 206 and followed.content == video[100:200]
    assert client.get(r.headers["Location"]).content == video
    # One signature serves many requests (a player's ranges): the same URL while it is young.
    assert client.get(stored["url"], headers={"Range": "bytes=0-0"}).headers["Location"] == r.headers["Location"]

    # Not redirected: HEAD (no body), several ranges (Storage would answer the whole file), and a
    # pull grant (TikTok pulls only from a verified URL prefix, and each fetch must be recorded).
    assert client.head(stored["url"]).status_code == 200
    assert client.get(stored["url"], headers={"Range": "bytes=0-0,5-5"}).status_code == 206
    from shared.services.media import pull_grants
    url = pull_grants.granted_url(stored["url"], pull_grants.issue(stored["id"], "postSubmissions/s/runs/t"))
    assert client.get(url, headers={"Range": "bytes=0-9"}).content == video[:10]
    # Below the threshold the function serves the file itself.
    settings_env(SOKU_MEDIA_REDIRECT_BYTES=str(VIDEO_SIZE))
    assert client.get(stored["url"], headers={"Range": "bytes=0-9"}).status_code == 206


def test_a_redirect_spends_the_budget_like_the_bytes_it_leads_to(client, stored, settings_env):
    settings_env(SOKU_MEDIA_REDIRECT_BYTES=str(MIB), SOKU_MEDIA_DELIVERY_BUDGET=str(2 * MIB))
    assert _mib(client, stored["url"], 0).status_code == 302
    assert _mib(client, stored["url"], 1).status_code == 302
    assert_error(_mib(client, stored["url"], 2), 429, "rate_limit_exceeded")


def test_the_storage_emulator_does_not_check_signatures(client, stored, video, settings_env):
    """The local gap, held by a test: fake-gcs-server serves a signed URL whatever its signature,
    so locally only the redirect's shape is checked; Cloud Storage checks the signature and the
    expiry. If this fails, the emulator has started checking: make it a positive test."""
    settings_env(SOKU_MEDIA_REDIRECT_BYTES=str(MIB))
    location = client.get(stored["url"]).headers["Location"]
    forged = location.replace("X-Goog-Signature=", "X-Goog-Signature=00")
    assert client.get(forged, headers={"Range": "bytes=0-9"}).content == video[:10]


def test_through_the_clis_hosting_the_caching_headers_and_the_redirect_pass_unchanged(hosting, video):
    """The path a platform takes through Hosting's /media/** rewrite: the immutable
    Cache-Control reaches it as the function set it (the emulator only fills in a missing one),
    and a file above 10 MiB (the default SOKU_MEDIA_REDIRECT_BYTES) is a 302 whose Location,
    another origin, Hosting leaves alone."""
    import httpx

    bucket = storage_client().bucket(get_settings().media_bucket)
    small, large = "hostingsmall01.mp4", "hostinglarge01.mp4"
    bucket.blob(f"media/{small}").upload_from_string(video[:2 * MIB], content_type="video/mp4")
    bucket.blob(f"media/{large}").upload_from_string(video + video[:2 * MIB], content_type="video/mp4")
    r = httpx.get(f"{hosting.hosting_url}/media/{small}", headers={"Range": "bytes=0-9"}, timeout=30)
    assert r.status_code == 206 and r.content == video[:10]
    assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable" and "set-cookie" not in r.headers
    r = httpx.get(f"{hosting.hosting_url}/media/{large}", timeout=30)
    assert r.status_code == 302 and r.headers["Cache-Control"] == "private, no-store"
    assert r.headers["Location"].startswith(f"{get_settings().storage_emulator_host.rstrip('/')}/")
    assert httpx.get(r.headers["Location"], headers={"Range": "bytes=0-9"}, timeout=30).content == video[:10]
