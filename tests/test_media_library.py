"""The media library through the public API, against the emulators: `GET /v1/media` (newest
first, cursor paging, type/tag/date filters), `PATCH /v1/media/{id}` (tags, alt text), `usedBy`
recorded when a post uses the media, and the media's alt text reaching a platform that takes it
(a sandbox Mastodon server: what the server STORED is asserted)."""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from google.cloud.firestore_v1.base_query import FieldFilter

from tests.envelope import assert_error
from tests.media_origin import JPEG_1PX, mp4, png
from tests.posting import Target, body, submit
from tests.test_connect_mastodon import connected_account, mastodon_server  # noqa: F401 - the fixture
from tests.test_connect_pinterest import connected_account as pinterest_account
from tests.test_publish_bluesky import _records as bluesky_records
from tests.test_publish_bluesky import alice, pds  # noqa: F401 - the fixtures

WAV = b"RIFF" + (36).to_bytes(4, "little") + b"WAVEfmt " + b"\x00" * 40


def _upload(client, user, data: bytes = JPEG_1PX, name: str = "photo.jpg") -> dict:
    r = client.post("/v1/media", files={"file": (name, data, "application/octet-stream")},
                    headers=user.key_headers, timeout=60)
    assert r.status_code == 201, r.text
    return r.json()


def _list(client, user, **params):
    return client.get("/v1/media", params=params, headers=user.key_headers)


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [m["id"] for m in response.json()["data"]]


def _field(response, status: int = 400, code: str = "validation_error") -> str:
    error = assert_error(response, status, code)
    return error["details"][0]["field"]


def _stored_order(db, uid: str) -> list[str]:
    """The user's media ids in the library's order, from the documents themselves: createdAt at
    full precision, then id, both descending."""
    snaps = db.collection("media").where(filter=FieldFilter("userId", "==", uid)).stream()
    return [s.id for s in sorted(snaps, key=lambda s: (s.get("createdAt"), s.id), reverse=True)]


def test_25_media_page_newest_first_at_7_a_page_none_lost_or_repeated(client, user, db):
    from shared import clock

    instant = datetime.now(timezone.utc)
    clock.set_clock(lambda: instant)  # the gateway runs in this process: ten media of one instant
    try:
        tied = [_upload(client, user)["id"] for _ in range(10)]
    finally:
        clock.set_clock(None)
    rest = [_upload(client, user, png(), "p.png")["id"] for _ in range(15)]  # in quick succession
    created = set(tied) | set(rest)
    assert len(created) == 25

    pages, cursor = [], None
    while True:
        r = _list(client, user, limit=7, **({"cursor": cursor} if cursor else {}))
        page = r.json()
        pages.append(_ids(r))
        assert (page["nextCursor"] is not None) == page["hasMore"]
        if not page["hasMore"]:
            break
        cursor = page["nextCursor"]
    assert [len(p) for p in pages] == [7, 7, 7, 4]
    listed = [media_id for page in pages for media_id in page]
    assert len(listed) == len(set(listed)) == 25 and set(listed) == created
    assert listed == _stored_order(db, user.uid)
    assert listed[:15] == list(reversed(rest))  # newest first
    assert set(listed[15:]) == set(tied) and listed[15:] == sorted(tied, reverse=True)  # ties by id

    whole = _list(client, user).json()  # default limit 20
    assert len(whole["data"]) == 20 and whole["hasMore"] is True
    item = whole["data"][0]
    assert item == client.get(f"/v1/media/{item['id']}", headers=user.key_headers).json()
    assert item["kind"] == "image" and item["tags"] == [] and item["altText"] is None and item["usedBy"] == []
    assert _ids(_list(client, user, limit=100)) == listed


def test_type_and_creation_time_filters(client, user):
    image = _upload(client, user)["id"]
    video = _upload(client, user, mp4(4096), "v.mp4")["id"]
    time.sleep(0.05)
    between = datetime.now(timezone.utc)
    time.sleep(0.05)
    audio = _upload(client, user, WAV, "a.wav")["id"]
    png_image = _upload(client, user, png(), "p.png")["id"]

    assert _ids(_list(client, user, type="image")) == [png_image, image]
    assert _ids(_list(client, user, type="video")) == [video]
    assert _ids(_list(client, user, type="audio")) == [audio]
    assert _list(client, user, type="audio").json()["data"][0]["contentType"] == "audio/wav"
    stamp = between.isoformat()
    assert _ids(_list(client, user, createdAfter=stamp)) == [png_image, audio]
    assert _ids(_list(client, user, createdBefore=stamp)) == [video, image]
    assert _ids(_list(client, user, createdBefore=stamp, type="image")) == [image]
    # A zone other than UTC means the same instant.
    local = between.astimezone(timezone(timedelta(hours=5, minutes=30))).isoformat()
    assert _ids(_list(client, user, createdAfter=local, type="image")) == [png_image]
    # Paging within a filter keeps the filter.
    first = _list(client, user, type="image", limit=1).json()
    assert [m["id"] for m in first["data"]] == [png_image] and first["hasMore"]
    assert _ids(_list(client, user, type="image", limit=1, cursor=first["nextCursor"])) == [image]


def test_tags_and_alt_text_set_by_patch_and_found_with_tag(client, user):
    one, two, three = (_upload(client, user)["id"] for _ in range(3))
    r = client.patch(f"/v1/media/{one}", json={"tags": ["Launch", "launch", " Summer 2026 ", "été"],
                                              "altText": "A red bicycle"}, headers=user.key_headers)
    assert r.status_code == 200, r.text
    assert r.json()["tags"] == ["launch", "summer 2026", "été"] and r.json()["altText"] == "A red bicycle"
    assert r.json() == client.get(f"/v1/media/{one}", headers=user.key_headers).json()
    assert r.json()["updatedAt"].endswith("Z") and r.json()["updatedAt"] >= r.json()["createdAt"]
    assert client.patch(f"/v1/media/{three}", json={"tags": ["LAUNCH"]},
                        headers=user.key_headers).json()["altText"] is None

    assert _ids(_list(client, user, tag="launch")) == [three, one]
    assert _ids(_list(client, user, tag="LAUNCH", type="image")) == [three, one]
    assert _ids(_list(client, user, tag="Summer 2026")) == [one]
    assert _ids(_list(client, user, tag="ÉTÉ")) == [one]
    assert _ids(_list(client, user, tag="launch", type="video")) == []
    assert two not in _ids(_list(client, user, tag="launch"))

    # Only the fields given change; "" clears the alt text, [] the tags.
    r = client.patch(f"/v1/media/{one}", json={"altText": ""}, headers=user.key_headers)
    assert r.json()["altText"] is None and r.json()["tags"] == ["launch", "summer 2026", "été"]
    r = client.patch(f"/v1/media/{one}", json={"tags": [], "altText": None}, headers=user.key_headers)
    assert r.status_code == 200 and r.json()["tags"] == [] and r.json()["altText"] is None
    assert _ids(_list(client, user, tag="launch")) == [three]


def test_bad_input_is_400_naming_the_field(client, user):
    media_id = _upload(client, user)["id"]

    def patch(payload):
        return client.patch(f"/v1/media/{media_id}", json=payload, headers=user.key_headers)

    assert _field(patch({})) == "body"
    assert _field(patch({"tags": [f"t{i}" for i in range(21)]})) == "body.tags"
    assert _field(patch({"tags": ["ok", "no/slash"]})) == "body.tags.1"
    assert _field(patch({"tags": ["x" * 51]})) == "body.tags.0"
    assert _field(patch({"tags": [""]})) == "body.tags.0"
    assert _field(patch({"altText": "x" * 1001})) == "body.altText"
    assert _field(patch({"alt": "typo"})) == "body.alt"
    assert patch({"tags": ["x" * 50], "altText": "y" * 1000}).status_code == 200

    assert _field(_list(client, user, limit=0)) == "query.limit"
    assert _field(_list(client, user, limit=101)) == "query.limit"
    assert _field(_list(client, user, type="document")) == "query.type"
    assert _field(_list(client, user, createdAfter="2026-01-01T00:00:00")) == "query.createdAfter"
    assert _field(_list(client, user, createdBefore="yesterday")) == "query.createdBefore"
    assert _field(_list(client, user, createdBefore="0001-01-01T00:00:00+01:00")) == "query.createdBefore"
    assert _field(_list(client, user, tag="a/b")) == "query.tag"
    assert _field(_list(client, user, cursor="not-a-cursor")) == "query.cursor"
    r = _list(client, user, pageSize=5)
    assert r.status_code == 400 and "pageSize" in r.text  # unknown parameters are refused


def test_another_users_media_is_404_on_every_route(client, user, make_user):
    mine = _upload(client, user)["id"]
    other = make_user()
    theirs = _upload(client, other)["id"]
    for method, kwargs in (("GET", {}), ("PATCH", {"json": {"tags": ["x"]}}), ("DELETE", {})):
        assert_error(client.request(method, f"/v1/media/{mine}", headers=other.key_headers, **kwargs),
                     404, "not_found")
    assert _ids(_list(client, other)) == [theirs] and _ids(_list(client, user)) == [mine]
    assert client.get(f"/v1/media/{mine}", headers=user.key_headers).json()["tags"] == []  # untouched


@pytest.fixture(scope="module")
def server(mastodon_server) -> str:  # noqa: F811 - the fixture imported above
    return mastodon_server()


def test_the_media_alt_text_reaches_mastodon_and_the_post_is_in_used_by(client, stack, user, server, sandbox):
    account = Target("mastodon", connected_account(client, user, server))
    described = _upload(client, user)["id"]
    plain = _upload(client, user, png(), "p.png")["id"]
    r = client.patch(f"/v1/media/{described}", json={"altText": "Two cats asleep on a keyboard"},
                     headers=user.key_headers)
    assert r.status_code == 200, r.text

    sid = submit(client, user, body(["mastodon"], "Caturday", mediaIds=[described, plain]))
    run = account.final(client, user, sid)
    assert run["status"] == "succeeded", run
    [status] = [p for p in sandbox.posts("mastodon") if p["id"] == run["result"]["postId"]]
    with stack.sandboxes.state.lock:
        stored = [dict(stack.sandboxes.state.media[f"mastodon:{m}"]) for m in status["media"]]
    assert [m["description"] for m in stored] == ["Two cats asleep on a keyboard", None]

    # The alt text travels in the post's content (the publisher read it from there).
    post = client.get(f"/v1/posts/{sid}", headers=user.key_headers).json()
    assert [m.get("altText") for m in post["content"]["media"]] == ["Two cats asleep on a keyboard", None]

    for media_id in (described, plain):
        view = client.get(f"/v1/media/{media_id}", headers=user.key_headers).json()
        assert [u["postSubmissionId"] for u in view["usedBy"]] == [sid]
    second = submit(client, user, body(["mastodon"], "Caturday again", mediaIds=[described]))
    listed = {m["id"]: m for m in _list(client, user).json()["data"]}
    assert [u["postSubmissionId"] for u in listed[described]["usedBy"]] == [second, sid]
    assert [u["postSubmissionId"] for u in listed[plain]["usedBy"]] == [sid]

    # Deleting the media leaves the post's content as it was.
    assert client.delete(f"/v1/media/{described}", headers=user.key_headers).status_code == 200
    after = client.get(f"/v1/posts/{sid}", headers=user.key_headers).json()
    assert after["content"]["media"] == post["content"]["media"]


def test_the_media_alt_text_is_the_bluesky_images_alt_unless_the_post_gives_one(client, user, pds, alice):
    """On the AT Protocol's reference PDS (tests/test_publish_bluesky.py's fixtures): the record's
    images carry the media's alt text; options.bluesky.altTexts wins for the image it names."""
    first, second = _upload(client, user, png(4, 3), "a.png")["id"], _upload(client, user, png(3, 3), "b.png")["id"]
    for media_id, alt in ((first, "A 4×3 test pattern"), (second, "A square one")):
        assert client.patch(f"/v1/media/{media_id}", json={"altText": alt}, headers=user.key_headers).status_code == 200
    text = f"Alt text from the library {uuid.uuid4().hex[:6]}"
    sid = submit(client, user, body([{"platform": "bluesky", "accountId": alice.account_id}], text,
                                     mediaIds=[first, second], options={"bluesky": {"altTexts": ["", "Given here"]}}))
    run = alice.final(client, user, sid)
    assert run["status"] == "succeeded", run
    [record] = [r for r in bluesky_records(pds) if r["value"]["text"] == text]
    assert [image["alt"] for image in record["value"]["embed"]["images"]] == ["A 4×3 test pattern", "Given here"]


def test_the_media_alt_text_is_the_pins_alt_text_cut_to_500_characters(client, user, sandbox):
    account_id, subject = pinterest_account(client, user)
    long_alt = "A lemon tart on a blue plate, dusted with sugar. " * 15  # 735 characters
    image = _upload(client, user)["id"]
    assert client.patch(f"/v1/media/{image}", json={"altText": long_alt}, headers=user.key_headers).status_code == 200
    run = Target("pinterest", account_id).final(client, user, submit(client, user, body(
        ["pinterest"], "Bright, sharp and easy.", mediaIds=[image])))
    assert run["status"] == "succeeded", run
    [pin] = [p for p in sandbox.posts("pinterest") if p["subject"] == subject]
    assert pin["alt_text"] == long_alt[:500]


def test_the_media_alt_text_is_set_on_the_x_media_before_the_tweet(client, demo, sandbox):
    """X takes an image's alt text through POST /2/media/metadata (held to X's OpenAPI document
    by the contract check): the tweet's first image carries it, the second has none."""
    described, plain = _upload(client, demo)["id"], _upload(client, demo, png(), "p.png")["id"]
    r = client.patch(f"/v1/media/{described}", json={"altText": "A chart of the year's sales"},
                     headers=demo.key_headers)
    assert r.status_code == 200, r.text
    text = f"Alt text on X {uuid.uuid4().hex[:6]}"
    run = Target("x", "x_main").final(client, demo, submit(client, demo, body(["x"], text,
                                                                             mediaIds=[described, plain])))
    assert run["status"] == "succeeded", run
    [tweet] = [p for p in sandbox.posts("x") if p["id"] == run["result"]["postId"]]
    assert tweet["altTexts"] == ["A chart of the year's sales", None]


def _described_and_plain(client, user, alt: str) -> tuple[str, str]:
    """Two JPEG media of the library, the first with `alt` as its alt text."""
    described, plain = _upload(client, user)["id"], _upload(client, user)["id"]
    r = client.patch(f"/v1/media/{described}", json={"altText": alt}, headers=user.key_headers)
    assert r.status_code == 200, r.text
    return described, plain


def test_the_media_alt_text_is_the_alt_text_of_each_instagram_image_container(client, demo, sandbox):
    """Instagram takes `alt_text` on an image container (the pinned Graph spec lists it on
    POST /{ig-user-id}/media): a carousel's described item carries it, the other none, and a
    single image's container carries its own."""
    described, plain = _described_and_plain(client, demo, "Two cups of coffee on a windowsill")
    target = Target("instagram", "ig_main")
    text = f"Alt text on Instagram {uuid.uuid4().hex[:6]}"
    run = target.final(client, demo, submit(client, demo, body(
        [{"platform": "instagram", "accountId": "ig_main"}], text, mediaIds=[described, plain])))
    assert run["status"] == "succeeded", run
    [carousel] = [p for p in sandbox.posts("instagram") if p["id"] == run["result"]["postId"]]
    assert carousel["mediaType"] == "CAROUSEL"
    assert carousel["altTexts"] == ["Two cups of coffee on a windowsill", None]

    run = target.final(client, demo, submit(client, demo, body(
        [{"platform": "instagram", "accountId": "ig_main"}], text + " alone", mediaIds=[described])))
    assert run["status"] == "succeeded", run
    [single] = [p for p in sandbox.posts("instagram") if p["id"] == run["result"]["postId"]]
    assert single["mediaType"] == "IMAGE" and single["altTexts"] == ["Two cups of coffee on a windowsill"]


def test_the_media_alt_text_is_the_alt_text_custom_of_each_facebook_photo(client, demo, sandbox):
    """A Page photo takes `alt_text_custom` (the pinned Graph spec's Page /photos edge): on each
    unpublished photo of a multi-photo post, and on a single published photo."""
    described, plain = _described_and_plain(client, demo, "A red bicycle against a brick wall")
    target = Target("facebook", "fb_page_main")
    text = f"Alt text on Facebook {uuid.uuid4().hex[:6]}"
    run = target.final(client, demo, submit(client, demo, body(
        [{"platform": "facebook", "accountId": "fb_page_main"}], text, mediaIds=[described, plain])))
    assert run["status"] == "succeeded", run
    [post] = [p for p in sandbox.posts("facebook") if p["id"] == run["result"]["postId"]]
    assert post["kind"] == "photos" and post["altTexts"] == ["A red bicycle against a brick wall", None]

    run = target.final(client, demo, submit(client, demo, body(
        [{"platform": "facebook", "accountId": "fb_page_main"}], text + " alone", mediaIds=[described])))
    assert run["status"] == "succeeded", run
    [single] = [p for p in sandbox.posts("facebook") if p["id"] == run["result"]["postId"]]
    assert single["kind"] == "photo" and single["altTexts"] == ["A red bicycle against a brick wall"]


def test_the_media_alt_text_is_the_alt_text_of_each_linkedin_image(client, demo, sandbox):
    """The Posts API takes an image's altText in the post's content: multiImage.images[].altText
    for several images, media.altText for one."""
    described, plain = _described_and_plain(client, demo, "A whiteboard covered in arrows")
    target = Target("linkedin", "li_member", post_key="urn")
    text = f"Alt text on LinkedIn {uuid.uuid4().hex[:6]}"
    run = target.final(client, demo, submit(client, demo, body(
        [{"platform": "linkedin", "accountId": "li_member"}], text, mediaIds=[described, plain])))
    assert run["status"] == "succeeded", run
    [post] = [p for p in sandbox.posts("linkedin") if p["urn"] == run["result"]["postId"]]
    assert len(post["media"]) == 2 and post["altTexts"] == ["A whiteboard covered in arrows", None]

    run = target.final(client, demo, submit(client, demo, body(
        [{"platform": "linkedin", "accountId": "li_member"}], text + " alone", mediaIds=[described])))
    assert run["status"] == "succeeded", run
    [single] = [p for p in sandbox.posts("linkedin") if p["urn"] == run["result"]["postId"]]
    assert len(single["media"]) == 1 and single["altTexts"] == ["A whiteboard covered in arrows"]


def test_the_instagram_and_linkedin_sandboxes_refuse_an_alt_text_past_the_platforms_limit(stack, db, demo):
    """Asked directly (Soku's own altText stops at 1,000 characters, and the publishers cut to the
    platform's limit): an Instagram image container's alt_text past 1,000 characters, or on a reel,
    and a LinkedIn image's altText past 4,086, are refused as the platforms refuse them."""
    import httpx

    from devstack.seed import sandbox_tokens
    from shared.config import get_settings
    from shared.platforms.instagram.graph_publisher import graph_version

    base = stack.sandboxes.base_url
    ig_user = Target("instagram", "ig_main").platform_user_id(db, demo)
    token = sandbox_tokens("instagram", ig_user).access_token
    for alt, media in (("a" * 1001, {"image_url": f"{base}/nowhere.jpg"}),
                       ("A reel", {"media_type": "REELS", "video_url": f"{base}/nowhere.mp4"})):
        r = httpx.post(f"{base}/instagram/{graph_version()}/{ig_user}/media",
                       data={"access_token": token, "alt_text": alt, **media})
        assert r.status_code == 400 and r.json()["error"]["code"] == 100, r.text
        assert "alt" in r.json()["error"]["message"]

    member = Target("linkedin", "li_member").platform_user_id(db, demo)
    r = httpx.post(f"{base}/linkedin/rest/posts", json={
        "author": f"urn:li:person:{member}", "commentary": "Too long a description", "visibility": "PUBLIC",
        "distribution": {"feedDistribution": "MAIN_FEED"}, "lifecycleState": "PUBLISHED",
        "content": {"media": {"id": "urn:li:image:C4Dnowhere", "altText": "a" * 4087}}},
        headers={"Authorization": f"Bearer {sandbox_tokens('linkedin', member).access_token}",
                 "LinkedIn-Version": get_settings().linkedin_version, "X-Restli-Protocol-Version": "2.0.0"})
    assert r.status_code == 422 and "altText of media 0" in r.json()["message"], r.text


def test_an_edit_records_the_post_on_the_media_its_new_content_uses(client, demo):
    first, second = _upload(client, demo)["id"], _upload(client, demo, png(), "p.png")["id"]
    second_alt = client.patch(f"/v1/media/{second}", json={"altText": "A chart"}, headers=demo.key_headers)
    assert second_alt.status_code == 200
    sid = submit(client, demo, {**body(["x"], "draft", mediaIds=[first]), "draft": True})
    r = client.patch(f"/v1/posts/{sid}", json=body(["x"], "draft", mediaIds=[second]), headers=demo.key_headers)
    assert r.status_code == 200, r.text
    assert r.json()["content"]["media"][0]["altText"] == "A chart"
    for media_id in (first, second):  # the first keeps its record: the post did use it
        view = client.get(f"/v1/media/{media_id}", headers=demo.key_headers).json()
        assert [u["postSubmissionId"] for u in view["usedBy"]] == [sid]


def test_used_by_keeps_the_newest_20(db, user):
    from shared.services.media.library import USED_BY_CAP, use_fields, use_key, used_by

    base = datetime(2026, 1, 1, tzinfo=timezone.utc)
    ref = db.collection("media").document(f"cap-{user.uid}")
    ref.set({"userId": user.uid})
    for i in range(USED_BY_CAP + 3):  # each post's write, as the post's read found the document
        ref.update(use_fields(ref.get().to_dict().get("usedBy"), f"post-{i:02d}", base + timedelta(minutes=i)))
    stored = ref.get().to_dict()["usedBy"]
    assert len(stored) == USED_BY_CAP and use_key("post-02") not in stored
    uses = used_by(stored)
    assert [u["postSubmissionId"] for u in uses] == [f"post-{i:02d}" for i in range(USED_BY_CAP + 2, 2, -1)]
    assert uses[0]["at"] == "2026-01-01T00:22:00.000Z"


def test_a_time_filter_takes_iso_8601_only(client, demo):
    """A number is not read as Unix seconds (pydantic would): the filters are documented as ISO
    8601 date-times, so `0.5` is a 400 naming the parameter, on the media and posts lists alike."""
    for path in ("/v1/media?createdBefore=0.5", "/v1/posts?createdAfter=1700000000",
                 "/v1/posts?scheduledBefore=12"):
        r = client.get(path, headers=demo.key_headers)
        assert r.status_code == 400, (path, r.text)
        assert "ISO 8601" in r.json()["error"]["details"][0]["message"], r.text
    assert client.get("/v1/media?createdBefore=2099-01-01T00:00:00Z", headers=demo.key_headers).status_code == 200
