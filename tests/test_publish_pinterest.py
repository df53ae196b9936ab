"""Pinterest publisher against the Pinterest sandbox, through the real API and the Cloud Tasks
emulator, on accounts connected through the real connect flow: an image Pin with its options, a
carousel, a video uploaded through POST /v5/media and polled; the board chosen or required; a
crash after arming making one Pin (Pinterest has no idempotency key: the board's Pins are
listed); a token refreshed on a 401; delete; metrics. What the sandbox STORED is asserted."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from devstack.sandboxes import pinterest as pinterest_sandbox
from tests.envelope import assert_error
from tests.posting import SandboxCalls, Target, body, call_task, killed_while_held, stored_run, submit
from tests.test_connect_pinterest import connected_account

MIB = 1024 * 1024


@pytest.fixture
def connected(client, user) -> tuple[Target, str]:
    account_id, subject = connected_account(client, user)
    return Target("pinterest", account_id), subject


@pytest.fixture
def account(connected) -> Target:
    return connected[0]


def _pins(sandbox, subject: str) -> list[dict]:
    return [p for p in sandbox.posts("pinterest") if p["subject"] == subject]


def _board(stack, subject: str) -> str:
    [board] = pinterest_sandbox.boards_of(stack.sandboxes.state, subject)
    return board["id"]


def _sha(db, media_id: str) -> str:
    from shared.adapters.gcp import storage_client
    from shared.config import get_settings

    path = db.collection("media").document(media_id).get().get("objectPath")
    blob = storage_client().bucket(get_settings().media_bucket).blob(path)
    return hashlib.sha256(blob.download_as_bytes()).hexdigest()


def _pin(text: str, media: list[str], **options) -> dict:
    content = {"mediaIds": media}
    if options:
        content["options"] = {"pinterest": options}
    return body(["pinterest"], text, **content)


def test_an_image_pin_with_its_options_is_what_pinterest_stores(client, stack, user, sandbox, db, stored_media,
                                                                 connected):
    account, subject = connected
    image = stored_media(user, "image", 150_000)
    options = {"title": "Lemon tart", "link": "https://example.com/recipes/lemon-tart",
               "altText": "A lemon tart on a blue plate", "dominantColor": "#F2D16B"}
    run = account.final(client, user, submit(client, user, _pin("Bright, sharp and easy.", [image], **options)))
    assert run["status"] == "succeeded", run
    [pin] = _pins(sandbox, subject)
    assert pin["board_id"] == _board(stack, subject)  # the account's only board
    assert (pin["description"], pin["title"], pin["link"], pin["alt_text"], pin["dominant_color"]) == (
        "Bright, sharp and easy.", "Lemon tart", "https://example.com/recipes/lemon-tart",
        "A lemon tart on a blue plate", "#F2D16B")
    assert pin["mediaType"] == "image" and [m["sha256"] for m in pin["media"]] == [_sha(db, image)]
    assert run["result"]["postId"] == pin["id"]
    assert run["result"]["url"] == f"{stack.sandboxes.base_url}/pinterest/web/pin/{pin['id']}/"
    assert httpx.get(run["result"]["url"]).status_code == 200


def test_a_carousel_of_three_images(client, stack, user, sandbox, db, stored_media, connected):
    account, subject = connected
    images = [stored_media(user, "image", 60_000), stored_media(user, "image", 70_000, content_type="image/png"),
              stored_media(user, "image", 80_000)]
    run = account.final(client, user, submit(client, user, _pin("Three views", images)))
    assert run["status"] == "succeeded", run
    [pin] = _pins(sandbox, subject)
    assert pin["mediaType"] == "multiple_images"
    assert [m["sha256"] for m in pin["media"]] == [_sha(db, m) for m in images]
    assert [m["contentType"] for m in pin["media"]] == ["image/jpeg", "image/png", "image/jpeg"]


def test_a_video_is_registered_uploaded_polled_then_pinned(client, stack, user, sandbox, db, stored_media,
                                                          connected):
    account, subject = connected
    video = stored_media(user, "video", 2 * MIB)
    calls = SandboxCalls(stack, "pinterest")
    sid = submit(client, user, _pin("A short film", [video], title="Film"))
    run = account.final(client, user, sid)
    assert run["status"] == "succeeded", run
    [pin] = _pins(sandbox, subject)
    [media] = pin["media"]
    assert pin["mediaType"] == "video" and media["sha256"] == _sha(db, video) and media["bytes"] == 2 * MIB
    assert media["contentType"] == "video/mp4" and media["cover"] == 0  # the first frame is the cover
    with stack.sandboxes.state.lock:
        upload = dict(stack.sandboxes.state.media[f"pinterest:{media['mediaId']}"])
    assert upload["status"] == "succeeded" and upload["polls"] == pinterest_sandbox.PROCESSING_POLLS + 1
    assert calls().count("media") == 1 and calls().count("upload") == 1 and calls().count("create") == 1
    checkpoint = stored_run(db, sid, account.target)["checkpoint"]["video"]
    assert checkpoint["mediaId"] == media["mediaId"] and checkpoint["ready"] is True


def test_an_upload_storage_refuses_is_registered_again_on_the_retry(client, stack, user, sandbox, db,
                                                                   stored_media, connected):
    account, subject = connected
    sandbox.fault("pinterest", "upload", "forbidden")  # the signed policy expired, say
    calls = SandboxCalls(stack, "pinterest")
    video = stored_media(user, "video", MIB)
    run = account.final(client, user, submit(client, user, _pin("Second time lucky", [video])))
    assert run["status"] == "succeeded" and run["attemptCount"] == 2, run
    assert calls().count("media") == 2 and calls().count("upload") == 2 and calls().count("create") == 1
    [pin] = _pins(sandbox, subject)
    assert pin["media"][0]["sha256"] == _sha(db, video)


def test_a_video_pinterest_cannot_process_fails_the_run(client, user, sandbox, stored_media, connected):
    account, subject = connected
    sandbox.fault("pinterest", "media", "processing_failed")
    run = account.final(client, user, submit(client, user, _pin("Broken", [stored_media(user, "video", MIB)])))
    assert run["status"] == "failed" and run["result"]["code"] == "media_processing_failed", run
    assert _pins(sandbox, subject) == []


def test_an_account_with_several_boards_must_name_one(client, stack, user, sandbox, stored_media):
    account_id, subject = connected_account(client, user, boards=3)
    account = Target("pinterest", account_id)
    boards = pinterest_sandbox.boards_of(stack.sandboxes.state, subject)
    assert len(boards) == 3
    run = account.final(client, user, submit(client, user, _pin("Where to?", [stored_media(user, "image", 9_000)])))
    assert run["status"] == "failed" and run["result"]["code"] == "board_required", run
    assert "boardId" in run["result"]["message"] and boards[1]["id"] in run["result"]["message"]
    assert _pins(sandbox, subject) == []

    run = account.final(client, user, submit(client, user, _pin("Here", [stored_media(user, "image", 9_000)],
                                                               boardId=boards[1]["id"])))
    assert run["status"] == "succeeded", run
    [pin] = _pins(sandbox, subject)
    assert pin["board_id"] == boards[1]["id"]

    run = account.final(client, user, submit(client, user, _pin("Nowhere", [stored_media(user, "image", 9_000)],
                                                               boardId="999999999")))
    assert run["status"] == "failed" and run["result"]["code"] == "board_not_found", run


@pytest.mark.parametrize(("options", "field"), [
    ({"boardId": "my board"}, "boardId"), ({"title": "t" * 101}, "title"), ({"link": "ftp://x.example"}, "link"),
    ({"altText": "a" * 501}, "altText"), ({"dominantColor": "red"}, "dominantColor"), ({"board": "1"}, "board"),
    ({"title": 5}, "title"),
])
def test_wrong_options_are_refused_at_submission_naming_the_field(client, user, stored_media, account, options,
                                                                  field):
    r = client.post("/v1/posts", json=_pin("bad", [stored_media(user, "image", 5_000)], **options),
                    headers=user.key_headers)
    error = assert_error(r, 400, "validation_error")
    assert any(d["field"].endswith(f"pinterest.{field}") for d in error["details"]), error


def test_a_pin_needs_media_and_a_description_within_800(client, user, stored_media, account):
    r = client.post("/v1/posts", json=body(["pinterest"], "text only"), headers=user.key_headers)
    assert r.status_code == 400, r.text
    assert "Pinterest" in r.text
    r = client.post("/v1/posts", json=_pin("x" * 801, [stored_media(user, "image", 5_000)]),
                    headers=user.key_headers)
    assert r.status_code == 400 and "800" in r.text, r.text


def test_a_crash_after_the_create_was_armed_makes_one_pin(client, stack, user, sandbox, db, stored_media, connected):
    account, subject = connected
    image = stored_media(user, "image", 20_000)
    sid = submit(client, user, {**_pin("Exactly once, on a board", [image], title="Once"),
                                "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": account.target}
    # Pinterest makes the Pin; the answer never reaches the publisher, which dies.
    killed_while_held(sandbox, "pinterest", task, lambda: _pins(sandbox, subject), operation="create")
    run = stored_run(db, sid, account.target)
    assert run["status"] == "processing" and run["checkpoint"]["createArmedAt"]
    [made] = _pins(sandbox, subject)

    calls = SandboxCalls(stack, "pinterest")
    retry = call_task(client, "publishPinterest", task, retry_count=1)  # Cloud Tasks' retry
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    assert "lookup" in calls() and "create" not in calls()  # found on the board: not sent again
    [pin] = _pins(sandbox, subject)  # ONE Pin
    final = account.run(client, user, sid)
    assert final["status"] == "succeeded" and final["result"]["postId"] == made["id"] == pin["id"], final


def test_a_rate_limit_is_retried(client, user, sandbox, db, stored_media, time_travel, connected):
    from tests.posting import wait_out_the_reset

    account, subject = connected
    sandbox.fault("pinterest", "create", "rate_limit", retry_after=30)
    sid = submit(client, user, _pin("Patience", [stored_media(user, "image", 5_000)]))
    parked = wait_out_the_reset(client, db, time_travel, sid)
    assert parked["lastError"]["code"] == "rate_limited", parked
    assert account.final(client, user, sid)["status"] == "succeeded"
    assert len(_pins(sandbox, subject)) == 1


def test_a_401_refreshes_the_token_once_then_succeeds(client, user, sandbox, db, stored_media, connected):
    from shared.platforms import Platform
    from shared.services.publishing.accounts import load_account

    account, subject = connected
    _, before = load_account(user.uid, Platform.PINTEREST, account.account_id)
    sandbox.fault("pinterest", "create", "expired_token")
    run = account.final(client, user, submit(client, user, _pin("After a refresh", [stored_media(user, "image",
                                                                                                   5_000)])))
    assert run["status"] == "succeeded" and run["attemptCount"] == 1, run
    _, after = load_account(user.uid, Platform.PINTEREST, account.account_id)
    assert after.tokens.access_token != before.tokens.access_token
    assert after.tokens.refresh_token != before.tokens.refresh_token  # rotated, and the new one stored
    assert len(_pins(sandbox, subject)) == 1


def test_a_pin_is_deleted_once(client, stack, user, sandbox, stored_media, connected):
    account, subject = connected
    sid = submit(client, user, _pin("Here for a moment", [stored_media(user, "image", 5_000)]))
    run = account.final(client, user, sid)
    assert run["status"] == "succeeded", run
    path = f"/v1/posts/{sid}/runs/{account.target}/published"
    r = client.delete(path, headers=user.key_headers)
    assert r.status_code == 200 and r.json()["deletion"]["status"] == "deleted", r.text
    assert _pins(sandbox, subject) == []
    gone = httpx.get(f"{stack.sandboxes.base_url}/__sandbox/posts",
                     params={"platform": "pinterest", "deleted": "1"}).json()["posts"]
    assert any(p["id"] == run["result"]["postId"] for p in gone)
    calls = SandboxCalls(stack, "pinterest")
    again = client.delete(path, headers=user.key_headers)
    assert again.status_code == 200 and calls() == []  # answered from the run, not asked again


def test_a_pin_deleted_on_pinterest_counts_as_deleted(client, stack, user, sandbox, stored_media, connected):
    account, _ = connected
    sid = submit(client, user, _pin("Deleted in the app", [stored_media(user, "image", 5_000)]))
    run = account.final(client, user, sid)
    stack.sandboxes.state.delete_post("pinterest", lambda p: p["id"] == run["result"]["postId"])
    r = client.delete(f"/v1/posts/{sid}/runs/{account.target}/published", headers=user.key_headers)
    assert r.status_code == 200 and r.json()["deletion"]["alreadyGone"] is True, r.text


def test_metrics_are_the_pin_analytics_and_account_counts(client, user, sandbox, stored_media, connected):
    from devstack.sandboxes.pinterest.insights import figures

    account, subject = connected
    sid = submit(client, user, _pin("Count me", [stored_media(user, "image", 5_000)]))
    assert account.final(client, user, sid)["status"] == "succeeded"
    r = client.get(f"/v1/posts/{sid}/metrics", headers=user.key_headers)
    assert r.status_code == 200, r.text
    [metrics] = [m for m in r.json()["runs"] if m["targetId"] == account.target]
    [pin] = _pins(sandbox, subject)
    values = figures(pin)
    assert metrics["metrics"] == {"views": values["IMPRESSION"], "likes": values["TOTAL_REACTIONS"],
                                  "comments": values["TOTAL_COMMENTS"], "shares": values["SAVE"]}, metrics
    assert metrics["platformMetrics"] == values

    r = client.get(f"/v1/accounts/{account.account_id}/metrics", headers=user.key_headers)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["metrics"]["followers"] >= 100 and answer["metrics"]["posts"] == 1, answer


def test_the_boards_endpoint_lists_the_accounts_boards_and_keeps_them_a_few_minutes(client, stack, user):
    account_id, subject = connected_account(client, user, boards=2)
    calls = SandboxCalls(stack, "pinterest")
    r = client.get(f"/v1/accounts/{account_id}/boards", headers=user.key_headers)
    assert r.status_code == 200, r.text
    answer = r.json()
    expected = [{"id": b["id"], "name": b["name"], "privacy": "PUBLIC"}
                for b in pinterest_sandbox.boards_of(stack.sandboxes.state, subject)]
    assert answer["boards"] == expected and answer["cached"] is False and answer["platform"] == "pinterest"
    assert r.headers["cache-control"] == "private, max-age=300"
    again = client.get(f"/v1/accounts/{account_id}/boards", headers=user.key_headers)
    assert again.json()["boards"] == expected and again.json()["cached"] is True
    assert calls() == ["boards"]  # Pinterest asked once


def test_boards_of_another_platform_or_an_unknown_account_are_refused(client, demo):
    from tests.envelope import assert_error

    assert_error(client.get("/v1/accounts/x_main/boards", headers=demo.key_headers), 422, "boards_unsupported")
    r = client.get("/v1/accounts/nobody_here/boards", headers=demo.key_headers)
    assert r.status_code == 404, r.text


def test_the_seeded_demo_account_pins_to_its_only_board(client, stack, demo, sandbox, stored_media):
    from devstack.seed import demo_subject

    run_target = Target("pinterest", "pinterest_demo")
    sid = submit(client, demo, _pin("From the demo account", [stored_media(demo, "image", 5_000)]))
    run = run_target.final(client, demo, sid)
    assert run["status"] == "succeeded", run
    subject = demo_subject(demo.uid, "pinterest", "pinterest_demo")
    [pin] = _pins(sandbox, subject)
    assert pin["board_id"] == _board(stack, subject) and pin["description"] == "From the demo account"
