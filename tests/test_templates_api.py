"""POST /v1/templates and its alias POST /v1/media/render-og, GET /v1/templates:
through the gateway, against the emulators; images from a real loopback origin."""

from __future__ import annotations

import base64
import io
import json

from PIL import Image

from shared.adapters.gcp import storage_client
from shared.config import get_settings
from tests.conftest import wait_for
from tests.envelope import assert_error
from tests.media_origin import loopback_only, origin, settings_env  # noqa: F401

SPEC_BODY = {"templateSlug": "tweetImage",
             "config": {"title": "Big Announcement", "author": "@mybrand",
                        "content": "We just launched our new product 🚀"}}


def png_of(colour: tuple[int, int, int], size: tuple[int, int] = (200, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("RGB")


def test_the_spec_example_renders_a_png_that_downloads_from_both_urls(client, user, db):
    r = client.post("/v1/templates", json=SPEC_BODY, headers=user.key_headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"url", "rawUrl", "id", "width", "height"}
    assert body["id"].startswith("rendered_") and (body["width"], body["height"]) == (1200, 630)
    assert body["url"] == f"{get_settings().media_public_base}/{body['id']}.png"

    served = client.get(body["url"])
    assert served.status_code == 200 and served.headers["Content-Type"] == "image/png"
    assert decode(served.content).size == (1200, 630)
    raw = client.get(body["rawUrl"])
    assert raw.status_code == 200 and raw.content == served.content

    rendered = db.collection("rendered_media").document(body["id"]).get().to_dict()
    assert rendered["userId"] == user.uid and rendered["templateSlug"] == "tweetImage"
    assert rendered["config"] == SPEC_BODY["config"] and rendered["renderer"] == "local"
    assert rendered["aspectRatio"] is None and rendered["size"] == len(served.content)
    # It is media like any upload: readable, deletable, postable by id.
    media = client.get(f"/v1/media/{body['id']}", headers=user.key_headers)
    assert media.status_code == 200, media.text
    assert media.json()["contentType"] == "image/png" and media.json()["url"] == body["url"]


def test_alias_route_renders_the_requested_aspect_ratio(client, user):
    for ratio, size in (("9:16", (1080, 1920)), ("4:5", (1080, 1350)), ("1:1", (1080, 1080))):
        r = client.post("/v1/media/render-og", json=SPEC_BODY | {"aspectRatio": ratio}, headers=user.key_headers)
        assert r.status_code == 200, r.text
        assert (r.json()["width"], r.json()["height"]) == size
        assert decode(client.get(r.json()["url"]).content).size == size


def test_the_same_request_twice_returns_the_cached_image(client, user, make_user):
    first = client.post("/v1/templates", json=SPEC_BODY, headers=user.key_headers)
    again = client.post("/v1/media/render-og", json=SPEC_BODY, headers=user.key_headers)
    assert first.headers["X-Soku-Render-Cache"] == "miss" and again.headers["X-Soku-Render-Cache"] == "hit"
    assert again.json() == first.json()
    changed = client.post("/v1/templates", json={**SPEC_BODY, "config": {**SPEC_BODY["config"], "theme": "light"}},
                          headers=user.key_headers)
    assert changed.json()["id"] != first.json()["id"]
    # Another user's identical request is their own render, not a pointer to this user's file.
    other = make_user()
    theirs = client.post("/v1/templates", json=SPEC_BODY, headers=other.key_headers)
    assert theirs.json()["id"] != first.json()["id"]


def test_deleting_the_media_makes_the_next_request_render_again(client, user):
    first = client.post("/v1/templates", json=SPEC_BODY, headers=user.key_headers).json()
    assert client.delete(f"/v1/media/{first['id']}", headers=user.key_headers).status_code == 200
    assert client.get(first["url"]).status_code == 404
    again = client.post("/v1/templates", json=SPEC_BODY, headers=user.key_headers)
    assert again.headers["X-Soku-Render-Cache"] == "miss"
    assert client.get(again.json()["url"]).status_code == 200


def test_unknown_slug_is_404_listing_the_templates(client, user):
    r = client.post("/v1/templates", json={"templateSlug": "nope"}, headers=user.key_headers)
    error = assert_error(r, 404, "not_found")
    assert error["details"]["available"] == ["tweetImage", "videoThumbnail", "quoteCard", "announcement"]
    assert "tweetImage" in error["message"]


def test_bad_requests_get_the_error_envelope(client, user):
    cases = [
        ({"config": {}}, "body.templateSlug"),
        ({"templateSlug": "tweetImage", "config": {"content": "hi"}, "aspectRatio": "16:9"}, "body.aspectRatio"),
        ({"templateSlug": "tweetImage", "config": {"content": "hi", "titel": "x"}}, "body.config.titel"),
        ({"templateSlug": "tweetImage", "config": "title"}, "body.config"),
        ({"templateSlug": "videoThumbnail", "config": {}}, "body.config.title"),
        ({"templateSlug": "tweetImage", "config": {"content": "hi"}, "extra": 1}, "body.extra"),
    ]
    for body, field in cases:
        error = assert_error(client.post("/v1/templates", json=body, headers=user.key_headers), 400, "validation_error")
        assert field in [d["field"] for d in error["details"]], (body, error)


def test_rendering_needs_a_key_and_a_subscription(client, make_user):
    assert_error(client.post("/v1/templates", json=SPEC_BODY), 401, "unauthorized")
    unsubscribed = make_user(status=None)
    assert_error(client.post("/v1/templates", json=SPEC_BODY, headers=unsubscribed.key_headers), 403, "forbidden")


def test_templates_are_listed_with_their_fields_without_a_key(client):
    r = client.get("/v1/templates")
    assert r.status_code == 200, r.text
    templates = {t["slug"]: t for t in r.json()["templates"]}
    assert list(templates) == ["tweetImage", "videoThumbnail", "quoteCard", "announcement"]
    fields = {f["key"]: f for f in templates["tweetImage"]["fields"]}
    assert {"title", "author", "content", "avatarUrl", "avatarMediaId", "theme", "accentColor"} <= set(fields)
    assert fields["content"]["type"] == "text" and fields["content"]["maxLength"] == 1000
    one = client.get("/v1/templates/quoteCard")
    assert one.status_code == 200 and one.json()["slug"] == "quoteCard"
    assert_error(client.get("/v1/templates/nope"), 404, "not_found")
    assert_error(client.delete("/v1/templates"), 405, "method_not_allowed")


def _avatar_pixel(png: bytes) -> tuple[int, int, int]:
    """The colour at the centre of tweetImage's avatar (OG size), from its layout."""
    image = decode(png)
    # Card margin 71, padding 58, avatar 98 px at 1200 px wide; the card is centred vertically.
    column = image.crop((129, 0, 227, 630))
    for y in range(0, 630, 2):
        r, g, b = column.getpixel((49, y))
        if (r, g, b) == (255, 0, 0) or (r > 240 and g < 20 and b < 20):
            return r, g, b
    return image.getpixel((178, 315))


def test_avatar_by_url_is_fetched_from_the_origin_and_drawn(client, user, origin):
    url = origin.add("/me.png", body=png_of((255, 0, 0)), headers={"Content-Type": "image/png"})
    body = {"templateSlug": "tweetImage", "config": {"content": "Hello", "author": "@me", "avatarUrl": url}}
    r = client.post("/v1/templates", json=body, headers=user.key_headers)
    assert r.status_code == 200, r.text
    assert [s.path for s in origin.requests] == ["/me.png"]
    assert _avatar_pixel(client.get(r.json()["url"]).content) == (255, 0, 0)


def test_avatar_urls_follow_the_media_fetch_rules(client, user, origin, settings_env):
    url = origin.add("/me.png", body=png_of((255, 0, 0)))
    settings_env(SOKU_FETCH_ALLOWLIST="")  # loopback is then what it is in production: refused
    r = client.post("/v1/templates", json={"templateSlug": "tweetImage",
                                           "config": {"content": "x", "avatarUrl": url}}, headers=user.key_headers)
    error = assert_error(r, 400, "image_unavailable")
    assert error["details"][0]["field"] == "body.config.avatarUrl"
    assert "loopback" in error["message"]
    assert origin.requests == []


def test_an_image_that_is_not_an_image_is_refused(client, user, origin):
    url = origin.add("/page.png", body=b"<html>not an image</html>", headers={"Content-Type": "image/png"})
    r = client.post("/v1/templates", json={"templateSlug": "videoThumbnail",
                                           "config": {"title": "x", "backgroundUrl": url}}, headers=user.key_headers)
    assert_error(r, 400, "image_unavailable")


def _store_png(db, user, colour) -> str:
    import uuid

    media_id = f"m{uuid.uuid4().hex[:16]}"
    path = f"media/{media_id}.png"
    data = png_of(colour)
    storage_client().bucket(get_settings().media_bucket).blob(path).upload_from_string(data, content_type="image/png")
    db.collection("media").document(media_id).set({
        "id": media_id, "userId": user.uid, "objectPath": path, "contentType": "image/png",
        "url": f"{get_settings().media_public_base}/{media_id}.png", "ext": "png", "size": len(data)})
    return media_id


def test_avatar_by_media_id_reads_the_callers_own_upload(client, user, make_user, db):
    media_id = _store_png(db, user, (255, 0, 0))
    body = {"templateSlug": "tweetImage", "config": {"content": "Hello", "avatarMediaId": media_id}}
    r = client.post("/v1/templates", json=body, headers=user.key_headers)
    assert r.status_code == 200, r.text
    assert _avatar_pixel(client.get(r.json()["url"]).content) == (255, 0, 0)
    stranger = make_user()
    error = assert_error(client.post("/v1/templates", json=body, headers=stranger.key_headers), 400,
                         "image_unavailable")
    assert error["details"][0]["field"] == "body.config.avatarMediaId"


def test_a_rendered_image_can_be_posted(client, demo, sandbox):
    rendered = client.post("/v1/templates", json=SPEC_BODY, headers=demo.key_headers).json()
    r = client.post("/v1/posts", headers=demo.key_headers, json={
        "post": {"content": {"text": "Big news!", "imageUrls": [rendered["url"]], "platform": ["x"]}}})
    assert r.status_code == 201, r.text
    post_id = r.json()["postSubmissionId"]

    def done():
        view = client.get(f"/v1/posts/{post_id}", headers=demo.key_headers).json()
        runs = view.get("runs") or []
        return runs if runs and all(run["status"] in ("succeeded", "failed") for run in runs) else None

    runs = wait_for(done, timeout=30)
    assert [run["status"] for run in runs] == ["succeeded"], runs


# -- remote rendering (the spec's web app /og routes) ---------------------------------------

def test_remote_rendering_fetches_the_web_apps_og_route(client, user, origin, settings_env, db):
    card = png_of((0, 128, 255), (1200, 630))
    origin.add("/og/tweetImage", body=card, headers={"Content-Type": "image/png"})
    media_id = _store_png(db, user, (255, 0, 0))
    settings_env(SOKU_OG_RENDER_BASE=origin.url(""))
    config = {**SPEC_BODY["config"], "avatarMediaId": media_id}
    r = client.post("/v1/templates", json={"templateSlug": "tweetImage", "config": config, "aspectRatio": "1:1"},
                    headers=user.key_headers)
    assert r.status_code == 200, r.text
    assert client.get(r.json()["url"]).content == card
    assert (r.json()["width"], r.json()["height"]) == (1200, 630)
    (seen,) = origin.requests
    from urllib.parse import parse_qs, urlsplit

    query = parse_qs(urlsplit(seen.path).query)
    sent = json.loads(base64.b64decode(query["config"][0]))
    assert query["aspectRatio"] == ["1:1"]
    # Media ids become their public URLs: the web app cannot read our bucket.
    assert sent == {**SPEC_BODY["config"], "avatarUrl": f"{get_settings().media_public_base}/{media_id}.png"}
    assert db.collection("rendered_media").document(r.json()["id"]).get().to_dict()["renderer"] == "remote"


def test_remote_rendering_failures_are_502(client, user, origin, settings_env):
    origin.add("/og/tweetImage", body=b"<html>oops</html>", headers={"Content-Type": "text/html"})
    settings_env(SOKU_OG_RENDER_BASE=origin.url(""))
    error = assert_error(client.post("/v1/templates", json=SPEC_BODY, headers=user.key_headers), 502, "render_failed")
    assert "not a PNG" in error["message"]
    origin.routes.clear()  # the web app does not know the template: 404
    error = assert_error(client.post("/v1/templates", json=SPEC_BODY, headers=user.key_headers), 502, "render_failed")
    assert "404" in error["message"]
