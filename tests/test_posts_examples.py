"""Every example request of the spec (004 and 002) against the real stack."""

from __future__ import annotations

import pytest

from tests.envelope import assert_error
from tests.posting import body, future

EXAMPLES_201 = {
    "004 first request": body(["x"], "Hello from the Soku API!"),
    "004 post with automation workflows": {
        **body(["x"], "New content dropping!", videoUrl="https://example.com/video.mp4"),
        "enableRepurposing": True},
    "004 text post to X and Threads": body(["x", "threads"]),
    "004 image post to Instagram": body([{"platform": "instagram", "accountId": "ig_creator_main"}],
                                        "Check out this photo!", imageUrls=["https://example.com/photo.jpg"]),
    "004 video post to TikTok and YouTube": body(
        [{"platform": "tiktok", "accountId": "tt_creator"}, {"platform": "youtube", "accountId": "yt_channel"}],
        "New video is live!", videoUrl="https://example.com/video.mp4"),
    "004 multi-account posting": body(
        [{"platform": "instagram", "accountId": "ig_personal"}, {"platform": "instagram", "accountId": "ig_business"},
         {"platform": "facebook", "accountId": "fb_page_main"}],
        "Exciting announcement!", imageUrls=["https://example.com/image.jpg"]),
    "004 post with rendered image": body(["x", "threads", "linkedin"], "Big news!",
                                         imageUrls=["https://storage.example.com/rendered_abc123.png"]),
    "004 complete workflow": body(
        [{"platform": "tiktok", "accountId": "tt_main"}, {"platform": "youtube", "accountId": "yt_channel"},
         {"platform": "instagram", "accountId": "ig_creator"}],
        "Check out my latest video!", videoUrl="https://example.com/my-video.mp4",
        imageUrls=["https://storage.example.com/thumb.png"]),
    "002 basic post submission": body([{"platform": "x", "accountId": "x_main"}, "threads"], "Hello world"),
    "002 multi-account posting": body(
        [{"platform": "instagram", "accountId": "ig_personal"}, {"platform": "instagram", "accountId": "ig_business"},
         {"platform": "facebook", "accountId": "fb_page_main"}],
        "Exciting announcement!", mediaUrls=["https://example.com/image.jpg"]),
    "002 video post with carousel": body(
        [{"platform": "tiktok", "accountId": "tt_creator"}, {"platform": "instagram", "accountId": "ig_main"}],
        "Check out my latest video!", videoUrl="https://example.com/video.mp4",
        imageUrls=["https://example.com/slide1.jpg", "https://example.com/slide2.jpg",
                   "https://example.com/slide3.jpg"]),
}


@pytest.mark.parametrize("name", list(EXAMPLES_201))
def test_spec_example_is_accepted(client, demo, name):
    r = client.post("/v1/posts", json=EXAMPLES_201[name], headers=demo.key_headers)
    assert r.status_code == 201, r.text
    submission_id = r.json()["postSubmissionId"]
    post = client.get(f"/v1/posts/{submission_id}", headers=demo.key_headers).json()
    platform_field = EXAMPLES_201[name]["post"]["content"]["platform"]
    assert len(post["runs"]) == len(platform_field)


@pytest.mark.parametrize("text", ["Good morning!", "Good morning! ☀️"])
def test_scheduled_examples_with_a_future_time(client, demo, text):
    # The spec's examples use 2025-09-01, now in the past; with a future time they work.
    r = client.post("/v1/posts", json={**body(["x", "threads"], text), "scheduledTime": future(days=2)},
                    headers=demo.key_headers)
    assert r.status_code == 201, r.text


def test_scheduled_example_verbatim_is_in_the_past(client, demo):
    r = client.post("/v1/posts", json={**body(["x", "threads"], "Good morning!"),
                                       "scheduledTime": "2025-09-01T08:00:00Z"}, headers=demo.key_headers)
    assert_error(r, 400, "validation_error", "scheduledTime must be at least 1 minute in the future")


def test_bare_tiktok_with_several_accounts_is_missing_account(client, demo):
    # "Upload media, then post" targets ["tiktok", "youtube"]; the demo has three TikTok accounts.
    r = client.post("/v1/posts", json=body(["tiktok", "youtube"], "Check this out!",
                                           videoUrl="https://storage.example.com/abc.mp4"),
                    headers=demo.key_headers)
    error = assert_error(r, 400, "missing_account", "Multiple TikTok accounts connected. Please specify accountId.")
    assert error["details"]["accounts"]["tiktok"] == ["tt_brand", "tt_creator", "tt_main"]
