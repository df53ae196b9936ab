"""The repurpose automation end to end: a post sent with `enableRepurposing: true` really
publishes (Cloud Tasks emulator, publisher, platform sandbox), the `repurposePost` task
runs, and each matching link makes a scheduled derived post through its template, which
then really publishes too when its time comes (the orchestrator task is delivered by hand,
as Cloud Tasks would at the scheduled time)."""

from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta

import httpx
from PIL import Image

from shared import clock
from tests.conftest import wait_for
from tests.envelope import assert_error
from tests.posting import body, call_task

LINKS = "/v1/repurposeLinks"


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _text(label: str) -> str:
    return f"{label} {uuid.uuid4().hex[:8]}: we just shipped repurposing 🚀"


def _link(client, user, platform, account, type_, template="tweetImage", delay=0) -> str:
    r = client.post(LINKS, headers=user.key_headers, json={
        "platform": platform, "accountId": account, "type": type_, "templateId": template,
        "settings": {"delayHours": delay}})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _submit(client, user, payload) -> str:
    r = client.post("/v1/posts", json=payload, headers=user.key_headers)
    assert r.status_code == 201, r.text
    return r.json()["postSubmissionId"]


def _post(client, user, sid) -> dict:
    r = client.get(f"/v1/posts/{sid}", headers=user.key_headers)
    assert r.status_code == 200, r.text
    return r.json()


def _finished_runs(client, user, sid, timeout=30) -> list[dict]:
    def done():
        runs = _post(client, user, sid)["runs"]
        return runs if all(r["status"] in ("succeeded", "failed") for r in runs) else None
    return wait_for(done, timeout=timeout)


def _triggers(client, user, link_id) -> list[dict]:
    r = client.get(f"{LINKS}/{link_id}/triggers", headers=user.key_headers)
    assert r.status_code == 200, r.text
    return r.json()["triggers"]


def _settled(client, user, link_id, sid, timeout=30) -> dict:
    """The link's trigger for this source post, once it has created a post or skipped."""
    def find():
        return next((t for t in _triggers(client, user, link_id)
                     if t["sourcePostSubmissionId"] == sid and t["status"] != "pending"), None)
    return wait_for(find, timeout=timeout)


def _publish_now(client, user, sid) -> dict:
    """Deliver the derived post's orchestrator task as Cloud Tasks does at its time: the
    time has come (its stored time moves back), then the task arrives."""
    from shared.adapters.gcp import firestore_client

    firestore_client().collection("postSubmissions").document(sid).update(
        {"scheduledTime": clock.now() - timedelta(seconds=1)})
    out = call_task(client, "orchestratePost", {"postSubmissionId": sid, "scheduleVersion": 1})
    assert out.status_code == 200 and out.json()["result"]["outcome"] == "dispatched", out.text
    runs = _finished_runs(client, user, sid, timeout=60)
    assert len(runs) == 1
    return runs[0]


def _image(client, url) -> Image.Image:
    served = client.get(url)
    assert served.status_code == 200
    image = Image.open(io.BytesIO(served.content))
    image.load()
    return image


# -- the derived post ----------------------------------------------------------------------------

def test_text_post_becomes_a_scheduled_image_post_after_the_delay(client, demo, db):
    link_id = _link(client, demo, "instagram", "acct-a", "text", "tweetImage", delay=3)
    text = _text("Launch day")
    sid = _submit(client, demo, body(["x"], text) | {"enableRepurposing": True})
    [source_run] = _finished_runs(client, demo, sid)
    assert source_run["status"] == "succeeded", source_run

    trigger = _settled(client, demo, link_id, sid)
    assert trigger["status"] == "created" and trigger["sourceTargetId"] == "x:x_main"
    derived_id = trigger["derivedPostSubmissionId"]
    derived = _post(client, demo, derived_id)

    # Scheduled exactly delayHours after the source run succeeded, for the link's account.
    assert _when(derived["scheduledTime"]) - _when(source_run["finishedAt"]) == timedelta(hours=3)
    assert trigger["scheduledTime"] == derived["scheduledTime"]
    assert derived["status"] == "queued" and derived["enableRepurposing"] is False
    assert [(t["platform"], t["accountId"]) for t in derived["targets"]] == [("instagram", "acct-a")]
    assert [r["status"] for r in derived["runs"]] == ["queued"]
    # The text rendered into the link's template: a JPEG (Instagram takes no PNG), square for Instagram.
    content = derived["content"]
    assert content["mediaType"] == "image" and content["text"] == text
    assert [m["mediaId"] for m in content["media"]] == [trigger["cardMediaId"]]
    card = _image(client, content["media"][0]["url"])
    assert card.format == "JPEG" and card.size == (1080, 1080)
    media = client.get(f"/v1/media/{trigger['cardMediaId']}", headers=demo.key_headers)
    assert media.status_code == 200 and media.json()["contentType"] == "image/jpeg"  # media like an upload
    png_id = trigger["cardMediaId"].removesuffix("_jpg")
    rendered = db.collection("rendered_media").document(png_id).get().to_dict()
    assert rendered["templateSlug"] == "tweetImage" and rendered["config"]["content"] == text
    assert rendered["config"]["name"] == "@soku_demo"  # who posted it: the source X account
    assert _image(client, rendered["url"]).format == "PNG"

    # Visible, attributed and cancellable like any other post.
    assert derived_id in [p["id"] for p in client.get("/v1/posts", headers=demo.key_headers).json()["data"]]
    stored = db.collection("postSubmissions").document(derived_id).get().to_dict()
    assert stored["source"] == "repurpose"
    assert stored["repurpose"] == {"linkId": link_id, "triggerId": trigger["id"], "templateId": "tweetImage",
                                   "sourcePostSubmissionId": sid, "sourceTargetId": "x:x_main"}
    link = client.get(LINKS, params={"accountId": "acct-a"}, headers=demo.key_headers).json()["links"][0]
    assert link["lastTrigger"]["status"] == "created" and link["lastTrigger"]["derivedPostSubmissionId"] == derived_id
    canceled = client.delete(f"/v1/posts/{derived_id}", headers=demo.key_headers)
    assert canceled.status_code == 200 and canceled.json()["status"] == "canceled"


def test_derived_post_publishes_and_never_triggers_links_again(client, demo, sandbox):
    text_link = _link(client, demo, "instagram", "acct-a", "text", "tweetImage", delay=0)
    # An image link: the derived post is an image post, so it would match if derived posts triggered.
    image_link = _link(client, demo, "instagram", "acct-b", "image", "quoteCard", delay=0)
    text = _text("No loops")
    sid = _submit(client, demo, body(["x"], text) | {"enableRepurposing": True})
    [source_run] = _finished_runs(client, demo, sid)
    trigger = _settled(client, demo, text_link, sid)
    derived_id = trigger["derivedPostSubmissionId"]
    derived = _post(client, demo, derived_id)
    # delayHours 0: as soon as the scheduling rules allow (at least a minute ahead).
    lead = _when(derived["scheduledTime"]) - _when(source_run["finishedAt"])
    assert timedelta(seconds=60) < lead < timedelta(seconds=120), lead

    run = _publish_now(client, demo, derived_id)
    assert run["status"] == "succeeded", run
    published = next(p for p in sandbox.posts("instagram") if p["id"] == run["result"]["postId"])
    assert published["caption"] == text and published["mediaType"] == "IMAGE"
    assert [m["contentType"] for m in published["media"]] == ["image/jpeg"]
    assert published["media"][0]["url"].endswith(f"/{trigger['cardMediaId']}.jpg")

    # The derived post published; nothing came of it: no loop, even with a matching link.
    again = call_task(client, "repurposePost", {"postSubmissionId": derived_id, "targetId": "instagram:acct-a"})
    assert again.json()["result"] == {"outcome": "not_enabled"}
    assert _triggers(client, demo, image_link) == []
    assert [t["sourcePostSubmissionId"] for t in _triggers(client, demo, text_link)] == [sid]
    posts = client.get("/v1/posts", headers=demo.key_headers).json()["data"]
    assert sorted(p["id"] for p in posts) == sorted([sid, derived_id])


def test_posts_without_the_flag_trigger_nothing(client, demo):
    link_id = _link(client, demo, "instagram", "acct-a", "text", delay=1)  # not published during the suite
    plain = _submit(client, demo, body(["x"], _text("Plain")))
    assert _finished_runs(client, demo, plain)[0]["status"] == "succeeded"
    flagged = _submit(client, demo, body(["x"], _text("Flagged")) | {"enableRepurposing": True})
    assert _finished_runs(client, demo, flagged)[0]["status"] == "succeeded"
    _settled(client, demo, link_id, flagged)  # the flagged one did trigger, after the plain one

    replay = call_task(client, "repurposePost", {"postSubmissionId": plain, "targetId": "x:x_main"})
    assert replay.json()["result"] == {"outcome": "not_enabled"}
    assert [t["sourcePostSubmissionId"] for t in _triggers(client, demo, link_id)] == [flagged]
    posts = client.get("/v1/posts", headers=demo.key_headers).json()["data"]
    assert len(posts) == 3  # plain, flagged, and the one derived from flagged


def test_a_link_whose_template_has_gone_is_skipped_and_the_skip_recorded(client, demo):
    saved = client.post("/v1/templates/saved", headers=demo.key_headers, json={
        "name": "Launch card", "templateSlug": "announcement", "config": {"label": "New"}}).json()
    gone = _link(client, demo, "instagram", "acct-a", "text", saved["id"])
    kept = _link(client, demo, "linkedin", "li_member", "text", "quoteCard", delay=1)
    deleted = client.delete(f"/v1/templates/saved/{saved['id']}", headers=demo.key_headers)
    assert deleted.json()["referencedBy"] == [gone]

    sid = _submit(client, demo, body(["x"], _text("Template gone")) | {"enableRepurposing": True})
    trigger = _settled(client, demo, gone, sid)
    assert trigger["status"] == "skipped" and trigger["derivedPostSubmissionId"] is None
    assert trigger["reason"]["code"] == "template_missing" and saved["id"] in trigger["reason"]["message"]
    link = next(x for x in client.get(LINKS, headers=demo.key_headers).json()["links"] if x["id"] == gone)
    assert link["lastTrigger"]["status"] == "skipped"
    assert link["lastTrigger"]["reason"]["code"] == "template_missing"
    # Other links still work, and nothing was posted to the skipped link's account.
    assert _settled(client, demo, kept, sid)["status"] == "created"
    posts = client.get("/v1/posts", headers=demo.key_headers).json()["data"]
    assert sorted(p["platforms"][0] for p in posts) == ["linkedin", "x"]


def test_accounts_that_cannot_take_it_are_skipped_with_the_reason(client, demo, db):
    same = _link(client, demo, "x", "x_main", "text")  # the post itself goes to x_main
    off = _link(client, demo, "instagram", "acct-b", "text")
    (db.collection("users").document(demo.uid).collection("integrations").document("instagram")
     .collection("accounts").document("acct-b").update({"repurposeEnabled": False}))

    sid = _submit(client, demo, body(["x"], _text("Skips")) | {"enableRepurposing": True})
    assert _settled(client, demo, same, sid)["reason"]["code"] == "already_targeted"
    skipped = _settled(client, demo, off, sid)
    assert skipped["reason"] == {"code": "repurpose_disabled",
                                 "message": "Repurposing is turned off for instagram:acct-b"}
    assert len(client.get("/v1/posts", headers=demo.key_headers).json()["data"]) == 1


def test_once_per_post_and_link_whatever_runs_and_deliveries(client, demo):
    link_id = _link(client, demo, "instagram", "acct-a", "text", delay=2)
    sid = _submit(client, demo, body(["x", "threads"], _text("Twice")) | {"enableRepurposing": True})
    assert {r["status"] for r in _finished_runs(client, demo, sid)} == {"succeeded"}
    first = _settled(client, demo, link_id, sid)
    # Both runs' tasks, delivered again (Cloud Tasks is at-least-once): no second derived post.
    for target in ("x:x_main", "threads:threads_main", "x:x_main"):
        out = call_task(client, "repurposePost", {"postSubmissionId": sid, "targetId": target})
        assert out.json()["result"] == {"outcome": "processed", "links": {link_id: "already_triggered"}}
    assert [t["id"] for t in _triggers(client, demo, link_id)] == [first["id"]]
    posts = client.get("/v1/posts", headers=demo.key_headers).json()["data"]
    assert sorted(p["id"] for p in posts) == sorted([sid, first["derivedPostSubmissionId"]])


def test_a_failed_run_triggers_nothing(client, demo, sandbox):
    link_id = _link(client, demo, "instagram", "acct-a", "text")
    sandbox.fault("x", "create", "duplicate")
    sid = _submit(client, demo, body(["x"], _text("Refused")) | {"enableRepurposing": True})
    assert _finished_runs(client, demo, sid)[0]["status"] == "failed"
    out = call_task(client, "repurposePost", {"postSubmissionId": sid, "targetId": "x:x_main"})
    assert out.json()["result"] == {"outcome": "run_not_succeeded"}
    assert _triggers(client, demo, link_id) == []


# -- media rules per link type -------------------------------------------------------------------

def test_image_post_keeps_its_images_with_the_card_first(client, demo, stored_media):
    images = [stored_media(demo, "image", 30_000), stored_media(demo, "image", 40_000)]
    carousel = _link(client, demo, "facebook", "fb_page_42", "image", "quoteCard", delay=1)
    single = _link(client, demo, "snapchat", "snap_profile", "image", "quoteCard", delay=1)
    text = _text("Photos")
    sid = _submit(client, demo, body(["x"], text, mediaIds=images) | {"enableRepurposing": True})

    to_facebook = _settled(client, demo, carousel, sid)
    post = _post(client, demo, to_facebook["derivedPostSubmissionId"])
    assert post["content"]["mediaType"] == "image"
    assert [m["mediaId"] for m in post["content"]["media"]] == [to_facebook["cardMediaId"], *images]
    assert _image(client, post["content"]["media"][0]["url"]).format == "PNG"  # Facebook takes PNG
    # Snapchat takes one image: the source's, unchanged; the caption is cut to Snapchat's 160.
    to_snapchat = _settled(client, demo, single, sid)
    post = _post(client, demo, to_snapchat["derivedPostSubmissionId"])
    assert [m["mediaId"] for m in post["content"]["media"]] == images[:1]
    assert post["content"]["text"] == text


def test_long_text_is_shortened_for_the_target(client, demo):
    link_id = _link(client, demo, "x", "x_main", "text", "quoteCard", delay=1)
    text = "Long form. " + " ".join(f"word{i}" for i in range(300))  # ~2,300 characters
    sid = _submit(client, demo, body(["linkedin"], text) | {"enableRepurposing": True})
    trigger = _settled(client, demo, link_id, sid)
    assert trigger["status"] == "created", trigger
    caption = _post(client, demo, trigger["derivedPostSubmissionId"])["content"]["text"]
    assert caption.endswith("…") and len(caption) <= 280 and text.startswith(caption[:-1])


def test_video_post_gets_the_card_as_its_youtube_thumbnail(client, demo, stored_media, sandbox):
    link_id = _link(client, demo, "youtube", "yt_channel", "video", "videoThumbnail", delay=0)
    video = stored_media(demo, "video", 1024 * 1024 + 7)
    text = _text("Episode 12")
    sid = _submit(client, demo, body(["x"], text, mediaIds=[video]) | {"enableRepurposing": True})
    trigger = _settled(client, demo, link_id, sid, timeout=60)
    derived = _post(client, demo, trigger["derivedPostSubmissionId"])
    assert derived["content"]["mediaType"] == "video"
    assert [m["mediaId"] for m in derived["content"]["media"]] == [video, trigger["cardMediaId"]]

    run = _publish_now(client, demo, derived["id"])
    assert run["status"] == "succeeded", run
    assert run["result"]["thumbnail"] == {"status": "set", "mediaId": trigger["cardMediaId"]}
    uploaded = next(p for p in sandbox.posts("youtube") if p["id"] == run["result"]["postId"])
    assert uploaded["thumbnail"]["type"] == "image/png"
    assert "custom thumbnail" in httpx.get(run["result"]["url"]).text


def test_triggers_route_needs_the_links_owner(client, demo, user):
    link_id = _link(client, demo, "instagram", "acct-a", "text")
    assert_error(client.get(f"{LINKS}/{link_id}/triggers", headers=user.key_headers), 404, "not_found")
    assert _triggers(client, demo, link_id) == []
