"""Media given by URL: fetched into our bucket once, before fan-out; own URLs adopted."""

from __future__ import annotations

from tests.conftest import wait_for
from tests.media_origin import JPEG_1PX, mp4, origin  # noqa: F401 - fixture
from tests.posting import body


def _post(client, user, sid):
    return client.get(f"/v1/posts/{sid}", headers=user.key_headers).json()


def _finished(client, user, sid):
    post = _post(client, user, sid)
    return post if post["runs"] and all(r["status"] in ("succeeded", "failed") for r in post["runs"]) else None


def test_remote_video_is_fetched_once_and_published_everywhere(client, demo, origin, sandbox, db):
    url = origin.add("/clip.mp4", body=mp4(300_000))
    r = client.post("/v1/posts", json=body(["x", "threads"], "remote clip", videoUrl=url), headers=demo.key_headers)
    sid = r.json()["postSubmissionId"]
    post = wait_for(lambda: _finished(client, demo, sid), timeout=30)
    assert {run["status"] for run in post["runs"]} == {"succeeded"}, post["runs"]
    assert len([s for s in origin.requests if s.path == "/clip.mp4"]) == 1  # once, not once per platform
    media = db.collection("postSubmissions").document(sid).get().get("content")["media"]
    assert media[0]["url"] == url and media[0]["mediaId"]


def test_unfetchable_media_fails_every_run_with_the_reason(client, demo, origin):
    url = origin.add("/gone.jpg", status=404, body=b"not here")
    r = client.post("/v1/posts", json=body(["x", "threads"], "missing image", imageUrls=[url]),
                    headers=demo.key_headers)
    post = wait_for(lambda: _finished(client, demo, r.json()["postSubmissionId"]), timeout=30)
    for run in post["runs"]:
        assert run["status"] == "failed" and run["attemptCount"] == 0  # no publisher ever ran
        assert run["result"]["code"] == "media_unavailable"
        assert url in run["result"]["message"] and "404" in run["result"]["message"]


def test_own_media_urls_are_used_without_fetching_again(client, demo, origin, db):
    source = origin.add("/photo.jpg", body=JPEG_1PX)
    uploaded = client.post("/v1/media", json={"url": source}, headers=demo.key_headers).json()
    fetches = len(origin.requests)
    r = client.post("/v1/posts", json=body(["x"], "own url", imageUrls=[uploaded["url"]]), headers=demo.key_headers)
    sid = r.json()["postSubmissionId"]
    media = db.collection("postSubmissions").document(sid).get().get("content")["media"]
    assert media == [{"url": uploaded["url"], "kind": "image", "source": "imageUrls", "mediaId": uploaded["id"]}]
    post = wait_for(lambda: _finished(client, demo, sid), timeout=30)
    assert post["runs"][0]["status"] == "succeeded", post["runs"]
    assert len(origin.requests) == fetches


def test_someone_elses_media_url_is_not_found(client, demo, make_user, origin):
    source = origin.add("/p.jpg", body=JPEG_1PX)
    uploaded = client.post("/v1/media", json={"url": source}, headers=demo.key_headers).json()
    from devstack.seed import seed_demo_user

    other = make_user()
    seed_demo_user(other.uid)
    r = client.post("/v1/posts", json=body(["x"], "not mine", imageUrls=[uploaded["url"]]), headers=other.key_headers)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
