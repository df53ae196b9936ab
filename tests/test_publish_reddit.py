"""Reddit publisher against the Reddit sandbox, through the real API and the Cloud Tasks
emulator, on accounts connected through the real connect flow: a self post to the user's
profile, a link post, an image post (leased, uploaded to the S3 form, found in the submitted
listing since Reddit answers it with no id), a gallery; a subreddit that requires flair: with
one it publishes, WITHOUT one it is refused at submission naming the flairs; title and body
rules at submission; a crash after arming making one post (Reddit has no idempotency key: the
user's submitted listing is read); the rate limit's reset honoured; a token refreshed on a 401
(not rotated); delete; metrics; options refused naming the field. What the sandbox STORED is
asserted."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from devstack.sandboxes import reddit as reddit_sandbox
from tests.envelope import assert_error
from tests.posting import SandboxCalls, Target, body, call_task, killed_while_held, stored_run, submit
from tests.test_connect_reddit import connected_account


@pytest.fixture
def connected(client, user) -> tuple[Target, str]:
    account_id, subject = connected_account(client, user)
    return Target("reddit", account_id), subject


def _posts(sandbox, subject: str) -> list[dict]:
    return [p for p in sandbox.posts("reddit") if p["subject"] == subject]


def _sha(db, media_id: str) -> str:
    from shared.adapters.gcp import storage_client
    from shared.config import get_settings

    path = db.collection("media").document(media_id).get().get("objectPath")
    blob = storage_client().bucket(get_settings().media_bucket).blob(path)
    return hashlib.sha256(blob.download_as_bytes()).hexdigest()


def _post(text: str, media: list[str] | None = None, **options) -> dict:
    content: dict = {"mediaIds": media} if media else {}
    if options:
        content["options"] = {"reddit": options}
    return body(["reddit"], text, **content)


def test_a_self_post_with_no_options_goes_on_the_users_profile(client, stack, user, sandbox, connected):
    account, subject = connected
    run = account.final(client, user, submit(client, user, _post("Hello Reddit\nThe body, in **markdown**.")))
    assert run["status"] == "succeeded", run
    [post] = _posts(sandbox, subject)
    assert (post["subreddit"], post["kind"], post["title"], post["selftext"]) == (
        f"u_{subject}", "self", "Hello Reddit", "The body, in **markdown**.")
    assert post["sendreplies"] is True and post["nsfw"] is False and post["resubmit"] == "true"
    assert post["userAgent"].startswith("web:soku-publishing-api:")  # Reddit's API rules
    assert run["result"]["postId"] == post["id"]
    assert run["result"]["url"] == f"{stack.sandboxes.base_url}/reddit/www/r/u_{subject}/comments/{post['id']}/hello_reddit/"
    assert httpx.get(run["result"]["url"]).status_code == 200


def test_a_link_post_with_its_options(client, user, sandbox, connected):
    account, subject = connected
    options = {"subreddit": "sokusandbox", "url": "https://example.com/a", "nsfw": True, "spoiler": True,
               "sendReplies": False}
    run = account.final(client, user, submit(client, user, _post("A link worth reading", **options)))
    assert run["status"] == "succeeded", run
    [post] = _posts(sandbox, subject)
    assert (post["subreddit"], post["kind"], post["title"], post["url"]) == (
        "sokusandbox", "link", "A link worth reading", "https://example.com/a")
    assert post["nsfw"] is True and post["spoiler"] is True and post["sendreplies"] is False


def test_an_image_post_is_leased_uploaded_and_found_in_the_listing(client, stack, user, sandbox, db, stored_media,
                                                                  connected):
    account, subject = connected
    image = stored_media(user, "image", 120_000)
    calls = SandboxCalls(stack, "reddit")
    sid = submit(client, user, _post("Look at this", [image], subreddit="sokusandbox"))
    run = account.final(client, user, sid)
    assert run["status"] == "succeeded", run
    [post] = _posts(sandbox, subject)
    assert post["kind"] == "image" and post["title"] == "Look at this"
    assert [m["sha256"] for m in post["media"]] == [_sha(db, image)]
    assert run["result"]["postId"] == post["id"]  # found in the submitted listing: no id in the answer
    assert calls().count("lease") == 1 and calls().count("upload") == 1 and calls().count("create") == 1
    assert "lookup" in calls()
    assert stored_run(db, sid, account.target)["checkpoint"]["uploads"]["0"]["assetId"] == post["media"][0]["assetId"]


def test_a_gallery_of_three_images_with_a_body(client, user, sandbox, db, stored_media, connected):
    account, subject = connected
    images = [stored_media(user, "image", 40_000), stored_media(user, "image", 50_000, content_type="image/png"),
              stored_media(user, "image", 60_000)]
    run = account.final(client, user, submit(client, user, _post("Three views\nFrom the hill.", images, nsfw=True,
                                                                 sendReplies=False)))
    assert run["status"] == "succeeded", run
    [post] = _posts(sandbox, subject)
    assert post["kind"] == "gallery" and post["selftext"] == "From the hill."
    assert post["nsfw"] is True and post["sendreplies"] is False  # JSON booleans in the gallery's body
    assert [m["sha256"] for m in post["media"]] == [_sha(db, m) for m in images]
    assert run["result"]["postId"] == post["id"]


def test_a_flair_required_subreddit_takes_a_post_with_its_flair(client, user, sandbox, connected):
    account, subject = connected
    run = account.final(client, user, submit(client, user, _post(
        "Which lens?\nFor street photography.", subreddit="flairrequired", flairId=reddit_sandbox.QUESTION_FLAIR)))
    assert run["status"] == "succeeded", run
    [post] = _posts(sandbox, subject)
    assert post["subreddit"] == "flairrequired" and post["flair_id"] == reddit_sandbox.QUESTION_FLAIR


def test_a_flair_required_subreddit_refuses_a_post_without_flair_at_submission_naming_the_choices(
        client, stack, user, sandbox, db, connected):
    from tests.posting import submissions_of

    account, subject = connected
    calls = SandboxCalls(stack, "reddit")
    r = client.post("/v1/posts", json=_post("No flair here", subreddit="flairrequired"), headers=user.key_headers)
    error = assert_error(r, 400, "validation_error")
    [detail] = error["details"]
    assert detail["field"] == "body.post.content.options.reddit.flairId" and detail["code"] == "required"
    assert detail["platform"] == "reddit" and detail["accountId"] == account.account_id
    assert detail["subreddit"] == "flairrequired"
    assert detail["choices"] == [{"id": reddit_sandbox.QUESTION_FLAIR, "text": "Question"},
                                 {"id": reddit_sandbox.NEWS_FLAIR, "text": "News"}]
    assert "Question" in detail["message"] and reddit_sandbox.NEWS_FLAIR in detail["message"]
    assert submissions_of(db, user.uid) == 0 and _posts(sandbox, subject) == []
    assert calls() == ["requirements", "flairs"]

    # Validate says the same, from the cache: Reddit is not asked again within the 5 minutes.
    r = client.post("/v1/posts/validate", json=_post("No flair here", subreddit="flairrequired"),
                    headers=user.key_headers)
    assert assert_error(r, 400, "validation_error")["details"][0]["choices"] == detail["choices"]
    # An unknown flair is refused too, with the choices.
    r = client.post("/v1/posts", json=_post("Bad flair", subreddit="flairrequired", flairId="not-a-flair"),
                    headers=user.key_headers)
    [detail] = assert_error(r, 400, "validation_error")["details"]
    assert detail["code"] == "invalid_choice" and len(detail["choices"]) == 2
    assert calls() == ["requirements", "flairs"]


def test_when_reddit_cannot_be_asked_the_post_is_accepted_and_reddit_refuses_it_at_run_time(
        client, user, sandbox, connected):
    account, subject = connected
    sandbox.fault("reddit", "requirements", "server_error")
    run = account.final(client, user, submit(client, user, _post("No flair, Reddit down", subreddit="flairrequired")))
    assert run["status"] == "failed" and run["result"]["code"] == "flair_required", run
    assert _posts(sandbox, subject) == []


def test_a_subreddit_s_title_and_body_rules_are_checked_at_submission(client, user, connected):
    r = client.post("/v1/posts", json=_post("Short", subreddit="titlerules"), headers=user.key_headers)
    [detail] = assert_error(r, 400, "validation_error")["details"]
    assert detail["field"] == "body.post.content.options.reddit.title" and "15" in detail["message"]
    r = client.post("/v1/posts", json=_post("A title\nand a body", subreddit="linksonly"), headers=user.key_headers)
    [detail] = assert_error(r, 400, "validation_error")["details"]
    assert detail["field"] == "body.post.content.text" and "notAllowed" in detail["message"]
    r = client.post("/v1/posts", json=_post("t" * 301), headers=user.key_headers)
    [detail] = assert_error(r, 400, "validation_error")["details"]
    assert detail["field"] == "body.post.content.options.reddit.title" and "300" in detail["message"]


@pytest.mark.parametrize(("options", "field"), [
    ({"subreddit": "r/with spaces"}, "subreddit"), ({"title": "t" * 301}, "title"), ({"url": "ftp://x.example"}, "url"),
    ({"flairId": "no spaces allowed"}, "flairId"), ({"nsfw": "yes"}, "nsfw"), ({"flair": "x"}, "flair"),
])
def test_wrong_options_are_refused_at_submission_naming_the_field(client, user, connected, options, field):
    r = client.post("/v1/posts", json=_post("bad", **options), headers=user.key_headers)
    error = assert_error(r, 400, "validation_error")
    assert any(d["field"].endswith(f"reddit.{field}") for d in error["details"]), error


def test_a_crash_after_the_submit_was_armed_makes_one_post(client, stack, user, sandbox, db, connected):
    account, subject = connected
    sid = submit(client, user, {**_post("Exactly once\nOn Reddit."), "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": account.target}
    # Reddit makes the post; the answer never reaches the publisher, which dies.
    killed_while_held(sandbox, "reddit", task, lambda: _posts(sandbox, subject), operation="create")
    run = stored_run(db, sid, account.target)
    assert run["status"] == "processing" and run["checkpoint"]["createArmedAt"]
    [made] = _posts(sandbox, subject)

    calls = SandboxCalls(stack, "reddit")
    retry = call_task(client, "publishReddit", task, retry_count=1)  # Cloud Tasks' retry
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    assert "lookup" in calls() and "create" not in calls()  # found in the listing: not sent again
    [post] = _posts(sandbox, subject)  # ONE post
    final = account.run(client, user, sid)
    assert final["status"] == "succeeded" and final["result"]["postId"] == made["id"] == post["id"], final


def test_a_rate_limit_waits_for_the_reset(client, user, sandbox, db, time_travel, connected):
    from tests.posting import wait_out_the_reset

    account, subject = connected
    sandbox.fault("reddit", "create", "rate_limit", reset=120)
    sid = submit(client, user, _post("Patience"))
    parked = wait_out_the_reset(client, db, time_travel, sid)
    assert parked["lastError"]["code"] == "rate_limited", parked
    assert account.final(client, user, sid)["status"] == "succeeded"
    assert len(_posts(sandbox, subject)) == 1


def test_a_ratelimit_error_in_the_answer_body_is_retried(client, user, sandbox, db, time_travel, connected):
    from tests.posting import wait_out_the_reset

    account, subject = connected
    sandbox.fault("reddit", "create", "ratelimit_error")  # 200 with json.errors RATELIMIT "1 minute"
    sid = submit(client, user, _post("Take a break"))
    parked = wait_out_the_reset(client, db, time_travel, sid)
    assert parked["lastError"]["code"] == "rate_limited", parked
    assert account.final(client, user, sid)["status"] == "succeeded"
    assert len(_posts(sandbox, subject)) == 1


def test_a_401_refreshes_the_token_and_keeps_the_permanent_refresh_token(client, user, sandbox, connected):
    from shared.platforms import Platform
    from shared.services.publishing.accounts import load_account

    account, subject = connected
    _, before = load_account(user.uid, Platform.REDDIT, account.account_id)
    sandbox.fault("reddit", "create", "expired_token")
    run = account.final(client, user, submit(client, user, _post("After a refresh")))
    assert run["status"] == "succeeded", run
    _, after = load_account(user.uid, Platform.REDDIT, account.account_id)
    assert after.tokens.access_token != before.tokens.access_token
    assert after.tokens.refresh_token == before.tokens.refresh_token  # Reddit's is permanent
    assert len(_posts(sandbox, subject)) == 1


def test_a_post_is_deleted(client, stack, user, sandbox, connected):
    account, subject = connected
    sid = submit(client, user, _post("Here for a moment"))
    run = account.final(client, user, sid)
    assert run["status"] == "succeeded", run
    r = client.delete(f"/v1/posts/{sid}/runs/{account.target}/published", headers=user.key_headers)
    assert r.status_code == 200 and r.json()["deletion"]["status"] == "deleted", r.text
    assert _posts(sandbox, subject) == []
    gone = httpx.get(f"{stack.sandboxes.base_url}/__sandbox/posts",
                     params={"platform": "reddit", "deleted": "1"}).json()["posts"]
    assert any(p["id"] == run["result"]["postId"] for p in gone)


def test_metrics_are_the_score_and_comments(client, user, sandbox, connected):
    from devstack.sandboxes.insights.common import post_counts_of

    account, subject = connected
    sid = submit(client, user, _post("Count me"))
    assert account.final(client, user, sid)["status"] == "succeeded"
    r = client.get(f"/v1/posts/{sid}/metrics", headers=user.key_headers)
    assert r.status_code == 200, r.text
    [metrics] = [m for m in r.json()["runs"] if m["targetId"] == account.target]
    [post] = _posts(sandbox, subject)
    counts = post_counts_of(post)
    assert metrics["metrics"] == {"views": None, "likes": counts["likes"], "comments": counts["comments"],
                                  "shares": counts["shares"]}, metrics
    assert metrics["platformMetrics"]["upvote_ratio"] == 0.97

    r = client.get(f"/v1/accounts/{account.account_id}/metrics", headers=user.key_headers)
    assert r.status_code == 200, r.text
    assert r.json()["metrics"]["followers"] >= 100, r.json()


def test_the_seeded_demo_account_posts_to_its_profile(client, demo, sandbox):
    from devstack.seed import demo_subject

    target = Target("reddit", "reddit_demo")
    run = target.final(client, demo, submit(client, demo, _post("From the demo account")))
    assert run["status"] == "succeeded", run
    subject = demo_subject(demo.uid, "reddit", "reddit_demo")
    post = next(p for p in _posts(sandbox, subject) if p["id"] == run["result"]["postId"])
    assert post["subreddit"] == f"u_{subject}" and post["title"] == "From the demo account"


def test_the_flairs_endpoint_lists_a_subreddits_flairs_and_keeps_them_a_few_minutes(client, stack, user, connected):
    account, subject = connected
    calls = SandboxCalls(stack, "reddit")
    path = f"/v1/accounts/{account.account_id}/flairs"
    r = client.get(path, params={"subreddit": "flairrequired"}, headers=user.key_headers)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["subreddit"] == "flairrequired" and answer["flairRequired"] is True and answer["cached"] is False
    assert answer["flairs"] == [{"id": reddit_sandbox.QUESTION_FLAIR, "text": "Question", "textEditable": False},
                                {"id": reddit_sandbox.NEWS_FLAIR, "text": "News", "textEditable": False}]
    assert r.headers["cache-control"] == "private, max-age=300"
    again = client.get(path, params={"subreddit": "flairrequired"}, headers=user.key_headers)
    assert again.json()["cached"] is True and calls() == ["requirements", "flairs"]
    # The profile by default: no flair offered (Reddit's 403), none required.
    r = client.get(path, headers=user.key_headers)
    assert r.status_code == 200 and r.json()["subreddit"] == f"u_{subject}" and r.json()["flairs"] == [], r.text
    assert_error(client.get(path, params={"subreddit": "no such"}, headers=user.key_headers), 400, "validation_error")
    # A subreddit Reddit does not have (its 404) is the caller's mistake: 404, naming it.
    error = assert_error(client.get(path, params={"subreddit": "doesnotexist"}, headers=user.key_headers), 404,
                         "subreddit_not_found")
    assert error["details"] == {"subreddit": "doesnotexist"}


def test_flairs_of_another_platform_are_refused(client, demo):
    assert_error(client.get("/v1/accounts/x_main/flairs", headers=demo.key_headers), 422, "flairs_unsupported")


def test_an_answer_with_no_requests_remaining_makes_the_next_call_wait_for_the_reset(
        client, stack, user, sandbox, db, stored_media, connected):
    account, subject = connected
    # The lease succeeds, its answer says X-Ratelimit-Remaining: 0 for 2 more seconds.
    sandbox.fault("reddit", "lease", "spent", reset=2)
    calls = SandboxCalls(stack, "reddit")
    sid = submit(client, user, _post("Spent", [stored_media(user, "image", 8_000)]))
    run = account.final(client, user, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2, run
    # The first attempt stopped before the submit rather than spend a refused request; the second
    # submitted once, the upload checkpointed (leased once).
    assert calls().count("lease") == 1 and calls().count("upload") == 1 and calls().count("create") == 1
    assert len(_posts(sandbox, subject)) == 1
