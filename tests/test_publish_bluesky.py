"""Bluesky publisher against the AT Protocol's reference PDS itself (devstack/bluesky), through the
real API and the Cloud Tasks emulator: what is asserted is what the PDS stored (listRecords,
getRecord, getBlob), not what a sandbox recorded.

Needs Node.js >= 22 for the PDS: devstack.bluesky.install() brings it; where it cannot, these
tests skip and say why."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.server
import json
import os
import signal
import struct
import subprocess
import sys
import threading
import uuid
import zlib
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from shared.adapters.crypto import decrypt_json
from tests.conftest import wait_for
from tests.posting import Target, body, call_task, stored_run, submit
from tests.test_connect_bluesky import ALICE, BOB, claims, connect, start_pds

POST = "app.bsky.feed.post"
# @atproto/dev-env's JWT secret (dist/const.js JWT_SECRET): the local PDS signs its sessions with
# it, so a test can make an access JWT that the PDS itself finds expired.
DEV_JWT_SECRET = "jwt-secret"


@pytest.fixture(scope="module")
def pds():
    local, made = start_pds()
    yield made
    assert local.stop() == 0, f"the PDS did not close cleanly:\n{local.log_tail()}"


@pytest.fixture
def alice(client, user, pds) -> Target:
    """The user's Bluesky account, connected through POST /v1/connections/bluesky."""
    r = connect(client, user, pds)
    assert r.status_code in (200, 201), r.text
    [account] = r.json()["accounts"]
    return Target("bluesky", account["accountId"])


def _png(width: int, height: int, seed: int = 0) -> bytes:
    """A real RGB PNG, made here (no file, no imaging library)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"".join(bytes(((x + seed) * 40 % 256, y * 60 % 256, 200)) for x in range(width))
                    for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def _store_image(stack, db, user, data: bytes, content_type: str = "image/png") -> str:
    """Real image bytes in the storage emulator with their media document, as uploads leave them."""
    from shared.adapters.gcp import storage_client
    from shared.config import get_settings

    media_id = f"m{uuid.uuid4().hex[:16]}"
    ext = content_type.split("/")[1]
    path = f"media/{media_id}.{ext}"
    storage_client().bucket(get_settings().media_bucket).blob(path).upload_from_string(data, content_type=content_type)
    db.collection("media").document(media_id).set({
        "id": media_id, "userId": user.uid, "objectPath": path, "contentType": content_type,
        "url": f"{stack.base_url}/media/{media_id}.{ext}", "ext": ext, "size": len(data)})
    return media_id


def _records(pds, handle: str = ALICE) -> list[dict]:
    """Every post record in the account's repository, as the PDS lists it."""
    r = pds.xrpc("com.atproto.repo.listRecords", params={"repo": pds.did(handle), "collection": POST, "limit": 100})
    assert r.status_code == 200, r.text
    return r.json()["records"]


def _with_text(pds, text: str) -> list[dict]:
    return [record for record in _records(pds) if record["value"]["text"] == text]


def _bluesky(text: str, target: Target, **content) -> dict:
    return body([{"platform": "bluesky", "accountId": target.account_id}], text, **content)


def _expired(access_jwt: str) -> str:
    """The session's access JWT with its `exp` two years gone, signed as the local PDS signs them
    (HS256 with dev-env's secret, header `typ: at+jwt`: @atproto/pds createAccessToken)."""
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).rstrip(b"=").decode()

    payload = claims(access_jwt) | {"iat": 1_700_000_000, "exp": 1_700_007_200}
    signed = f"{part({'typ': 'at+jwt', 'alg': 'HS256'})}.{part(payload)}"
    signature = hmac.new(DEV_JWT_SECRET.encode(), signed.encode(), hashlib.sha256).digest()
    return f"{signed}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def _span(text: str, facet: dict) -> str:
    index = facet["index"]
    return text.encode("utf-8")[index["byteStart"]:index["byteEnd"]].decode("utf-8")


def test_text_is_counted_in_graphemes_at_submission(client, user, alice):
    family = "👨‍👩‍👧"  # one grapheme, five code points
    ok = client.post("/v1/posts", headers=user.key_headers,
                     json={**_bluesky(family * 100 + "a" * 200, alice), "scheduledTime": "2099-01-01T00:00:00Z"})
    assert ok.status_code == 201, ok.text
    r = client.post("/v1/posts", headers=user.key_headers, json=_bluesky("e\u0301" * 301, alice))
    assert r.status_code == 400, r.text
    [problem] = [d for d in r.json()["error"]["details"] if d.get("platform") == "bluesky"]
    assert problem["message"] == "Bluesky allows at most 300 graphemes; this text has 301"


def test_video_is_refused_at_submission(client, user, alice, stored_media):
    r = client.post("/v1/posts", headers=user.key_headers,
                    json=_bluesky("a video", alice, mediaIds=[stored_media(user, "video", 100_000)]))
    assert r.status_code == 400, r.text
    [problem] = [d for d in r.json()["error"]["details"] if d.get("platform") == "bluesky"]
    assert problem["message"] == "Bluesky does not accept video posts"


def test_a_post_with_a_link_a_mention_a_tag_and_two_images_is_stored_on_the_pds(client, stack, user, db, pds,
                                                                                 alice):
    first, second = _png(8, 6, seed=1), _png(3, 5, seed=2)
    media = [_store_image(stack, db, user, first), _store_image(stack, db, user, second)]
    url = "https://example.com/soku?launch=1"
    text = (f"Café ☕ — hello @{BOB} and @carol.test: read {url}, #launch 🚀 {uuid.uuid4().hex[:6]}")
    sid = submit(client, user, _bluesky(text, alice, mediaIds=media, options={"bluesky": {
        "langs": ["en", "fr"], "altTexts": ["an 8×6 test pattern", "a 3×5 one"]}}))
    run = alice.final(client, user, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 1, repr(run)

    # Exactly one record, at the key the run chose, under the URI the run recorded.
    [stored] = _with_text(pds, text)
    rkey = stored_run(db, sid, alice.target)["checkpoint"]["record"]["rkey"]
    did = pds.did(ALICE)
    assert stored["uri"] == run["result"]["postId"] == f"at://{did}/{POST}/{rkey}"
    assert run["result"]["url"] == f"https://bsky.app/profile/{ALICE}/post/{rkey}"
    # The handle that does not resolve stays plain text, and the result says so.
    assert run["result"]["unresolvedMentions"] == ["@carol.test"]

    value = stored["value"]
    assert value["$type"] == POST and value["langs"] == ["en", "fr"]
    assert datetime.fromisoformat(value["createdAt"].replace("Z", "+00:00")) <= datetime.now(timezone.utc)
    # Facets: UTF-8 byte ranges (the text has multi-byte characters before each of them).
    features = [(_span(text, facet), facet["features"]) for facet in value["facets"]]
    assert features == [
        (f"@{BOB}", [{"$type": "app.bsky.richtext.facet#mention", "did": pds.did(BOB)}]),
        (url, [{"$type": "app.bsky.richtext.facet#link", "uri": url}]),
        ("#launch", [{"$type": "app.bsky.richtext.facet#tag", "tag": "launch"}]),
    ]
    assert value["facets"][0]["index"]["byteStart"] > text.index("@bob")  # bytes, not characters

    # Both images, as blobs the PDS holds: the same bytes, with alt text and aspect ratio.
    embed = value["embed"]
    assert embed["$type"] == "app.bsky.embed.images"
    assert [(i["alt"], i["aspectRatio"], i["image"]["mimeType"], i["image"]["size"]) for i in embed["images"]] == [
        ("an 8×6 test pattern", {"width": 8, "height": 6}, "image/png", len(first)),
        ("a 3×5 one", {"width": 3, "height": 5}, "image/png", len(second))]
    for image, data in zip(embed["images"], (first, second)):
        r = pds.xrpc("com.atproto.sync.getBlob", params={"did": did, "cid": image["image"]["ref"]["$link"]})
        assert r.status_code == 200 and r.content == data, r.text


def test_a_crash_after_the_create_leaves_exactly_one_record(client, stack, user, db, pds, alice):
    """The publisher dies right after the PDS answered createRecord (crash point `create_sent`:
    os._exit, nothing after the call recorded); Cloud Tasks' retry finds the record at the run's
    key (getRecord) and records it: one post on the PDS, not two."""
    from devstack.emulators import free_port, port_open
    from shared.crashpoints import EXIT_CODE

    text = f"exactly once {uuid.uuid4().hex[:8]}"
    sid = submit(client, user, {**_bluesky(text, alice), "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": alice.target}
    port = free_port()
    crashing = subprocess.Popen([sys.executable, "-m", "devstack.serve_gateway", str(port)],
                                env=os.environ | {"SOKU_CRASHPOINTS": "create_sent=1"},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: port_open(port), timeout=20)
        with httpx.Client(timeout=30) as other, pytest.raises(httpx.TransportError):
            call_task(other, "publishBluesky", task, base_url=f"http://127.0.0.1:{port}")
        assert crashing.wait(timeout=10) == EXIT_CODE
    finally:
        if crashing.poll() is None:
            crashing.send_signal(signal.SIGKILL)
            crashing.wait()
    run = stored_run(db, sid, alice.target)
    assert run["status"] == "processing" and run["checkpoint"]["createArmedAt"] and not run.get("result")
    rkey = run["checkpoint"]["record"]["rkey"]
    [made] = _with_text(pds, text)  # the PDS made the post; Soku never heard
    assert made["uri"].endswith(f"/{rkey}")

    retry = call_task(client, "publishBluesky", task, retry_count=1)  # Cloud Tasks' retry
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    final = alice.run(client, user, sid)
    assert final["status"] == "succeeded" and final["attemptCount"] == 2
    assert final["result"]["postId"] == made["uri"]
    assert [record["uri"] for record in _with_text(pds, text)] == [made["uri"]]


def test_a_second_create_under_the_runs_key_records_the_post_already_there(pds, client, user, db, alice):
    """Should a create go out again under the run's key (its first answer lost, the lookup run
    before the PDS had committed it), the PDS refuses a second record at that key, and the
    publisher records the one there: the guarantee does not rest on the lookup alone."""
    from shared.platforms import Platform
    from shared.services.publishing.accounts import load_account
    from shared.services.publishing.base import PostContent, PublishContext
    from shared.platforms.bluesky.publisher import PUBLISHER

    publisher = PUBLISHER()
    _, account = load_account(user.uid, Platform.BLUESKY, alice.account_id)
    text = f"one key, one post {uuid.uuid4().hex[:8]}"
    saved: list[dict] = []

    def attempt(checkpoint: dict) -> PublishContext:
        return PublishContext(account, PostContent(text, "text", []), checkpoint, lambda c: saved.append(dict(c)),
                              publisher, run_path=f"postSubmissions/direct-{uuid.uuid4().hex}/runs/{alice.target}")

    first = publisher.publish(attempt({}))
    rkey = saved[-1]["record"]["rkey"]
    # The same run again, with nothing armed: its create goes out under the same key.
    again = publisher.publish(attempt({"record": saved[-1]["record"]}))
    assert again == first and first.post_id.endswith(f"/{rkey}")
    assert [record["uri"] for record in _with_text(pds, text)] == [first.post_id]
    # The PDS's own answer to that second create: refused, not a second record.
    session = pds.session(ALICE)
    r = pds.xrpc("com.atproto.repo.createRecord", token=session["accessJwt"], json={
        "repo": pds.did(ALICE), "collection": POST, "rkey": rkey,
        "record": {"$type": POST, "text": text, "createdAt": "2026-01-01T00:00:00.000Z"}})
    assert r.status_code >= 400, r.text
    assert len(_with_text(pds, text)) == 1


def test_deleting_the_post_removes_the_record(client, user, db, pds, alice):
    text = f"to be taken down {uuid.uuid4().hex[:8]}"
    sid = submit(client, user, _bluesky(text, alice))
    run = alice.final(client, user, sid)
    assert run["status"] == "succeeded", run
    [record] = _with_text(pds, text)
    path = f"/v1/posts/{sid}/runs/{alice.target}/published"
    r = client.delete(path, headers=user.key_headers)
    assert r.status_code == 200, r.text
    assert r.json()["deletion"]["status"] == "deleted" and "alreadyGone" not in r.json()["deletion"]
    assert _with_text(pds, text) == []
    rkey = record["uri"].rsplit("/", 1)[1]
    r = pds.xrpc("com.atproto.repo.getRecord", params={"repo": pds.did(ALICE), "collection": POST, "rkey": rkey})
    assert r.status_code == 400 and r.json()["error"] == "RecordNotFound", r.text


def _seal(db, user, target: Target, access: str, refresh: str, expires_at: datetime) -> None:
    from shared.services.publishing.accounts import seal_tokens
    from shared.services.publishing.base import Tokens

    ref = target.account(db, user)
    ref.update({"tokens": seal_tokens(ref, Tokens(access, refresh, expires_at))})


def _tokens(db, user, target: Target) -> dict:
    ref = target.account(db, user)
    return decrypt_json(ref.get().to_dict()["tokens"], associated=ref.path)


def test_an_expired_access_jwt_is_refreshed(client, user, db, pds, alice):
    """The PDS itself answers ExpiredToken (an access JWT past its `exp`, signed with the local
    PDS's key); the runner refreshes the session (refreshSession, the refresh JWT rotated) and
    the post goes out in the same attempt."""
    before = _tokens(db, user, alice)
    expired = _expired(before["accessToken"])
    r = pds.xrpc("com.atproto.server.getSession", token=expired)
    assert r.status_code == 400 and r.json()["error"] == "ExpiredToken", r.text
    # Stored as if still valid, so no refresh happens before the PDS is asked.
    _seal(db, user, alice, expired, before["refreshToken"], datetime.now(timezone.utc) + timedelta(hours=1))

    text = f"after a refresh {uuid.uuid4().hex[:8]}"
    run = alice.final(client, user, submit(client, user, _bluesky(text, alice)))
    assert run["status"] == "succeeded" and run["attemptCount"] == 1, repr(run)
    assert len(_with_text(pds, text)) == 1
    after = _tokens(db, user, alice)
    # A new access JWT (it may equal the first one, byte for byte, when made within the same second).
    assert after["accessToken"] != expired
    assert after["refreshToken"] != before["refreshToken"]  # rotated
    assert claims(after["accessToken"])["sub"] == pds.did(ALICE)
    assert after["expiresAt"] == datetime.fromtimestamp(claims(after["accessToken"])["exp"], timezone.utc).isoformat()


def test_a_session_that_cannot_be_refreshed_needs_reconnecting(client, user, db, pds, alice):
    before = _tokens(db, user, alice)
    # The session is ended at the PDS (as revoking the app password does): its refresh JWT is dead.
    r = pds.xrpc("com.atproto.server.deleteSession", token=before["refreshToken"], post=True)
    assert r.status_code == 200, r.text
    expired = _expired(before["accessToken"])
    _seal(db, user, alice, expired, before["refreshToken"], datetime.now(timezone.utc) + timedelta(hours=1))

    text = f"never sent {uuid.uuid4().hex[:8]}"
    run = alice.final(client, user, submit(client, user, _bluesky(text, alice)))
    assert run["status"] == "failed" and run["result"]["code"] == "token_expired", repr(run)
    assert "app password" in run["result"]["message"], run["result"]
    assert alice.account(db, user).get().get("status") == "needs_reconnect"
    assert _with_text(pds, text) == []


def test_a_link_card_is_made_from_the_pages_open_graph_tags(client, stack, user, db, pds, alice):
    thumb = _png(12, 7, seed=3)

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            if self.path.startswith("/card.png"):
                payload, kind = thumb, "image/png"
            else:
                payload = (b'<html><head><title>fallback</title><meta property="og:title" content="Soku &amp; '
                           b'Bluesky"><meta property="og:description" content="Posts everywhere">'
                           b'<meta property="og:image" content="/card.png"></head><body></body></html>')
                kind = "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/launch"
        text = f"Read {url} {uuid.uuid4().hex[:6]}"
        run = alice.final(client, user, submit(client, user, _bluesky(text, alice,
                                                                      options={"bluesky": {"linkCard": True}})))
    finally:
        server.shutdown()
    assert run["status"] == "succeeded", run
    [record] = _with_text(pds, text)
    embed = record["value"]["embed"]
    assert embed["$type"] == "app.bsky.embed.external"
    card = embed["external"]
    assert (card["uri"], card["title"], card["description"]) == (url, "Soku & Bluesky", "Posts everywhere")
    r = pds.xrpc("com.atproto.sync.getBlob", params={"did": pds.did(ALICE), "cid": card["thumb"]["ref"]["$link"]})
    assert r.status_code == 200 and r.content == thumb


def test_rate_limits_honour_the_reset_and_refusals_are_sorted():
    """XRPC's answers as the PDS gives them, sorted (xrpc.classify): the reset time of a 429 is
    the retry-after; ExpiredToken refreshes; InvalidToken reconnects; InvalidRequest is permanent."""
    from shared import clock
    from shared.platforms.bluesky.xrpc import classify
    from shared.services.publishing.errors import NeedsReconnectError, PermanentError, RetryableError

    reset = int(clock.now().timestamp()) + 120
    limited = classify(httpx.Response(429, headers={"ratelimit-limit": "5000", "ratelimit-remaining": "0",
                                                    "ratelimit-reset": str(reset)},
                                      json={"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}))
    assert isinstance(limited, RetryableError) and limited.code == "rate_limited"
    assert 110 <= limited.retry_after <= 120
    expired = classify(httpx.Response(400, json={"error": "ExpiredToken", "message": "Token has expired"}))
    assert isinstance(expired, NeedsReconnectError) and expired.code == "token_expired"
    invalid = classify(httpx.Response(400, json={"error": "InvalidToken", "message": "Token could not be verified"}))
    assert isinstance(invalid, NeedsReconnectError)
    refused = classify(httpx.Response(400, json={"error": "InvalidRequest", "message": "Invalid app.bsky.feed.post "
                                                 "record: Record/text must not be longer than 300 graphemes"}))
    assert isinstance(refused, PermanentError) and "300 graphemes" in refused.message
    assert isinstance(classify(httpx.Response(502, text="bad gateway")), RetryableError)


def test_a_thread_is_stored_as_replies_with_root_and_parent_refs(client, user, pds, alice):
    """`post.content.thread` on the PDS: each reply's record carries `reply: {root, parent}`,
    strong refs (uri and cid) the PDS validated against the lexicon; the alt texts of the
    first post's images stay with it."""
    tag = uuid.uuid4().hex[:8]
    texts = [f"bsky thread {tag} 1/3", f"bsky thread {tag} 2/3", f"bsky thread {tag} 3/3"]
    sid = submit(client, user, _bluesky(texts[0], alice, thread=[{"text": t} for t in texts[1:]]))
    run = alice.final(client, user, sid)
    assert run["status"] == "succeeded", run
    records = {record["value"]["text"]: record for record in _records(pds) if record["value"]["text"] in texts}
    root, first, second = (records[t] for t in texts)
    assert "reply" not in root["value"]
    ref = lambda record: {"uri": record["uri"], "cid": record["cid"]}  # noqa: E731
    assert first["value"]["reply"] == {"root": ref(root), "parent": ref(root)}
    assert second["value"]["reply"] == {"root": ref(root), "parent": ref(first)}
    assert run["result"]["postId"] == root["uri"]
    assert [part["postId"] for part in run["result"]["thread"]] == [first["uri"], second["uri"]]
