"""Per-platform options: validated at submission, merged per target, handed to publishers."""

from __future__ import annotations

from tests.envelope import assert_error
from tests.posting import body


def _runs(db, sid):
    return {r.id: r.to_dict() for r in db.collection("postSubmissions").document(sid).collection("runs").stream()}


def test_platform_options_apply_to_every_target_and_targets_override(client, demo, db):
    payload = body(
        [{"platform": "youtube", "accountId": "yt_channel"},
         {"platform": "tiktok", "accountId": "tt_creator", "options": {"privacyLevel": "SELF_ONLY"}},
         {"platform": "tiktok", "accountId": "tt_brand"}],
        "New video", videoUrl="https://example.com/v.mp4",
        options={"youtube": {"title": "My title", "privacy": "unlisted"},
                 "tiktok": {"privacyLevel": "PUBLIC_TO_EVERYONE", "disableDuet": True}})
    payload["scheduledTime"] = "2099-01-01T00:00:00Z"
    r = client.post("/v1/posts", json=payload, headers=demo.key_headers)
    assert r.status_code == 201, r.text
    runs = _runs(db, r.json()["postSubmissionId"])
    assert runs["youtube:yt_channel"]["options"] == {"title": "My title", "privacy": "unlisted", "madeForKids": False}
    assert runs["tiktok:tt_creator"]["options"]["privacyLevel"] == "SELF_ONLY"
    assert runs["tiktok:tt_creator"]["options"]["disableDuet"] is True
    assert runs["tiktok:tt_brand"]["options"]["privacyLevel"] == "PUBLIC_TO_EVERYONE"


def test_unknown_option_is_reported_with_its_path(client, demo):
    r = client.post("/v1/posts", json=body(["x"], "hi", options={"x": {"pollMinutes": 5}}), headers=demo.key_headers)
    error = assert_error(r, 400, "validation_error")
    assert error["details"][0]["field"] == "body.post.content.options.x.pollMinutes"
    assert error["details"][0]["code"] == "unrecognized_keys"


def test_bad_target_option_points_at_the_target(client, demo):
    r = client.post("/v1/posts", json=body(
        ["x", {"platform": "youtube", "accountId": "yt_channel", "options": {"privacy": "friends"}}],
        "hi", videoUrl="https://example.com/v.mp4"), headers=demo.key_headers)
    error = assert_error(r, 400, "validation_error")
    assert error["details"][0]["field"] == "body.post.content.platform.1.options.privacy"
    assert error["details"][0]["code"] == "invalid_enum_value"
    assert error["details"][0]["received"] == "friends"


def test_options_for_an_unknown_platform_are_refused(client, demo):
    r = client.post("/v1/posts", json=body(["x"], "hi", options={"myspace": {}}), headers=demo.key_headers)
    error = assert_error(r, 400, "validation_error")
    assert error["details"][0]["field"] == "body.post.content.options.myspace"


def test_booleans_are_not_guessed_from_numbers_or_strings(client, demo):
    r = client.post("/v1/posts", json={**body(["x"], "strict"), "enableRepurposing": 0}, headers=demo.key_headers)
    error = assert_error(r, 400, "validation_error")
    assert error["details"][0]["field"] == "body.enableRepurposing"
    r = client.post("/v1/posts", json=body([{"platform": "youtube", "accountId": "yt_channel"}], "strict",
                                           videoUrl="https://example.com/v.mp4",
                                           options={"youtube": {"madeForKids": "yes"}}), headers=demo.key_headers)
    error = assert_error(r, 400, "validation_error")
    assert error["details"][0]["field"] == "body.post.content.options.youtube.madeForKids"
