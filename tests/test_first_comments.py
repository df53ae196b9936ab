"""`options.<platform>.firstComment` on Facebook, LinkedIn and YouTube, through the real API, Cloud
Tasks emulator and each platform's sandbox (Instagram's are in test_publish_instagram.py): the
comment appears under the post once, its outcome is in the run's result, a refused comment
leaves the post published, and a publisher killed between sending the comment and recording it
does not post it twice (publishing/first_comment.py).
"""

from __future__ import annotations

import httpx

from tests.posting import Target, body, call_task, killed_while_held, submit

FB, LI, YT = Target("facebook", "fb_page_42"), Target("linkedin", "li_member", post_key="urn"), \
    Target("youtube", "yt_channel", timeout=45)


def _targets(on: Target) -> list[dict]:
    return [{"platform": on.platform, "accountId": on.account_id}]


def _fb_comments(sandbox, run) -> list[str]:
    return [c["message"] for c in FB.posted(sandbox, run).get("comments") or []]


def _li_comments(sandbox, run) -> list[str]:
    return [c["message"]["text"] for c in LI.posted(sandbox, run).get("comments") or []]


def _yt_video(stack, video_id: str) -> dict:
    with stack.sandboxes.state.lock:
        return dict(stack.sandboxes.state.media[f"yt:video:{video_id}"])


def _yt_comments(stack, video_id: str) -> list[dict]:
    return list(_yt_video(stack, video_id).get("comments") or [])


# -- Facebook ------------------------------------------------------------------------------------

def test_facebook_first_comment_is_posted_by_the_page_under_the_post(client, demo, sandbox):
    sid = submit(client, demo, body(_targets(FB), "Facebook post with a comment",
                                    options={"facebook": {"firstComment": "#more #tags here"}}))
    run = FB.final(client, demo, sid)
    assert run["status"] == "succeeded", run
    post = FB.posted(sandbox, run)
    [comment] = post["comments"]
    assert comment["message"] == "#more #tags here" and comment["from"] == post["subject"]  # by the Page
    assert run["result"]["firstComment"] == {"status": "posted", "commentId": comment["id"]}
    assert "#more #tags here" in httpx.get(run["result"]["url"]).text


def test_facebook_refused_comment_leaves_the_post_published(client, demo, sandbox):
    sandbox.fault("facebook", "comment", "rate_limit", code=368)  # Graph's "deemed abusive" block
    sid = submit(client, demo, body(_targets(FB), "Facebook comment refused",
                                    options={"facebook": {"firstComment": "first!"}}))
    run = FB.final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 1
    assert _fb_comments(sandbox, run) == []
    recorded = run["result"]["firstComment"]
    assert recorded["status"] == "failed" and "(#368)" in recorded["message"], recorded


def test_facebook_comment_sent_but_not_recorded_is_not_posted_twice(client, demo, sandbox, db):
    text = "Facebook: killed while commenting"
    sid = submit(client, demo, {**body(_targets(FB), text, options={"facebook": {"firstComment": "only once"}}),
                                "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": FB.target}
    commented = lambda: [p for p in sandbox.posts("facebook") if p["message"] == text and p.get("comments")]  # noqa: E731
    killed_while_held(sandbox, "facebook", task, commented, operation="comment")
    assert FB.stored_run(db, sid)["checkpoint"]["firstComment"]["armedAt"]
    retry = call_task(client, "publishFacebook", task, retry_count=1)
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    run = FB.run(client, demo, sid)
    [comment] = FB.posted(sandbox, run)["comments"]
    assert run["result"]["firstComment"] == {"status": "posted", "commentId": comment["id"]}


# -- LinkedIn ------------------------------------------------------------------------------------

def test_linkedin_first_comment_is_posted_by_the_author_under_the_post(client, demo, sandbox):
    sid = submit(client, demo, body(_targets(LI), "LinkedIn post with a comment",
                                    options={"linkedin": {"firstComment": "Sources in the comments"}}))
    run = LI.final(client, demo, sid)
    assert run["status"] == "succeeded", run
    post = LI.posted(sandbox, run)
    [comment] = post["comments"]
    assert comment["message"]["text"] == "Sources in the comments" and comment["actor"] == post["author"]
    assert comment["object"] == post["urn"]
    assert run["result"]["firstComment"] == {"status": "posted", "commentId": comment["commentUrn"]}
    assert "Sources in the comments" in httpx.get(run["result"]["url"]).text


def test_linkedin_refused_comment_leaves_the_post_published(client, demo, sandbox):
    sandbox.fault("linkedin", "comment", "rate_limit")
    sid = submit(client, demo, body(_targets(LI), "LinkedIn comment refused",
                                    options={"linkedin": {"firstComment": "first!"}}))
    run = LI.final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 1
    assert _li_comments(sandbox, run) == []
    recorded = run["result"]["firstComment"]
    assert recorded["status"] == "failed" and recorded["code"] == "rate_limited", recorded
    assert "throttle" in recorded["message"]


def test_linkedin_comment_sent_but_not_recorded_is_not_posted_twice(client, demo, sandbox, db):
    text = "LinkedIn: killed while commenting"
    sid = submit(client, demo, {**body(_targets(LI), text, options={"linkedin": {"firstComment": "only once"}}),
                                "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": LI.target}
    commented = lambda: [p for p in sandbox.posts("linkedin") if p["text"] == text and p.get("comments")]  # noqa: E731
    killed_while_held(sandbox, "linkedin", task, commented, operation="comment")
    assert LI.stored_run(db, sid)["checkpoint"]["firstComment"]["armedAt"]
    retry = call_task(client, "publishLinkedin", task, retry_count=1)
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    run = LI.run(client, demo, sid)
    [comment] = LI.posted(sandbox, run)["comments"]
    assert run["result"]["firstComment"] == {"status": "posted", "commentId": comment["commentUrn"]}


# -- YouTube ---------------------------------------------------------------------------------------

def _video(stored_media, demo, text: str, **youtube) -> dict:
    return body(_targets(YT), text, mediaIds=[stored_media(demo, "video", 1024 * 1024)],
                options={"youtube": youtube})


def test_youtube_first_comment_is_posted_by_the_channel_under_the_video(client, stack, demo, stored_media, sandbox):
    sid = submit(client, demo, _video(stored_media, demo, "YouTube video with a comment",
                                      firstComment="Chapters: 0:00 intro"))
    run = YT.final(client, demo, sid)
    assert run["status"] == "succeeded", run
    [comment] = _yt_comments(stack, run["result"]["postId"])
    assert comment["text"] == "Chapters: 0:00 intro" and comment["author"] == YT.posted(sandbox, run)["subject"]
    assert run["result"]["firstComment"] == {"status": "posted", "commentId": comment["id"]}
    assert "Chapters: 0:00 intro" in httpx.get(run["result"]["url"]).text


def test_youtube_comment_on_a_video_made_for_kids_is_refused_and_the_video_stays(client, stack, demo,
                                                                                  stored_media):
    sid = submit(client, demo, _video(stored_media, demo, "YouTube video for kids",
                                      madeForKids=True, firstComment="first!"))
    run = YT.final(client, demo, sid)
    assert run["status"] == "succeeded" and run["attemptCount"] == 1, run
    assert _yt_comments(stack, run["result"]["postId"]) == []
    recorded = run["result"]["firstComment"]
    assert recorded["status"] == "failed" and "has disabled comments" in recorded["message"], recorded


def test_youtube_comment_sent_but_not_recorded_is_not_posted_twice(client, stack, demo, stored_media, sandbox, db):
    text = "YouTube: killed while commenting"
    sid = submit(client, demo, {**_video(stored_media, demo, text, firstComment="only once"),
                                "scheduledTime": "2099-01-01T00:00:00Z"})
    task = {"postSubmissionId": sid, "targetId": YT.target}

    def commented():
        return [p for p in sandbox.posts("youtube") if p.get("description") == text
                and _yt_comments(stack, p["id"])]

    killed_while_held(sandbox, "youtube", task, commented, operation="comment", made_within=60)
    assert YT.stored_run(db, sid)["checkpoint"]["firstComment"]["armedAt"]
    retry = call_task(client, "publishYoutube", task, retry_count=1)
    assert retry.json()["result"]["outcome"] == "succeeded", retry.text
    run = YT.run(client, demo, sid)
    [comment] = _yt_comments(stack, run["result"]["postId"])
    assert run["result"]["firstComment"] == {"status": "posted", "commentId": comment["id"]}
