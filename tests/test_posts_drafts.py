"""Drafts and publish-now (issue 41, items 1 and 3): `"draft": true` stores a checked post that
nothing publishes, and `POST /v1/posts/{id}/publish` publishes a draft or a scheduled post now,
exactly once, also when it races the post's own scheduled time."""

from __future__ import annotations

import threading
import uuid
import time

from tests.conftest import wait_for
from tests.envelope import assert_error
from tests.posting import body, call_task, final_run, future, submit


def _post(client, user, sid) -> dict:
    return client.get(f"/v1/posts/{sid}", headers=user.key_headers).json()


def _published_texts(sandbox, text: str) -> list[dict]:
    return [p for p in sandbox.posts("x") if text in (p.get("text") or "")]


def test_a_draft_is_checked_and_stored_and_nothing_publishes_it(client, demo, sandbox, db):
    sid = submit(client, demo, {**body(["x"], "a draft nobody publishes"), "draft": True})
    post = _post(client, demo, sid)
    assert post["status"] == "draft"
    listed = client.get("/v1/posts", params={"status": "draft"}, headers=demo.key_headers).json()["data"]
    assert [p["id"] for p in listed] == [sid]
    stored = db.collection("postSubmissions").document(sid).get().to_dict()
    assert stored["needsDispatch"] is False and "orchestratorTask" not in stored and not stored.get("recoverAt")
    time.sleep(2)  # long enough for a queued post to be published here
    assert _published_texts(sandbox, "a draft nobody publishes") == []
    # A draft is checked as any post is: a text over X's limit is refused, nothing stored.
    assert_error(client.post("/v1/posts", json={**body(["x"], "x" * 300), "draft": True}, headers=demo.key_headers),
                 400, "validation_error")
    assert_error(client.post("/v1/posts", json={**body(["x"], "strict"), "draft": "yes"}, headers=demo.key_headers),
                 400, "validation_error")


def test_publishing_a_draft_publishes_it_once(client, demo, sandbox):
    sid = submit(client, demo, {**body(["x"], "drafted, then published"), "draft": True})
    r = client.post(f"/v1/posts/{sid}/publish", headers=demo.key_headers)
    assert r.status_code == 200, r.text
    assert r.json()["status"] in ("queued", "orchestrating", "dispatched")
    assert final_run(client, demo, sid, "x:x_main")["status"] == "succeeded"
    assert len(_published_texts(sandbox, "drafted, then published")) == 1
    # Once it has started, publishing again is refused with the state.
    again = assert_error(client.post(f"/v1/posts/{sid}/publish", headers=demo.key_headers), 409,
                         "post_not_publishable")
    assert again["details"]["status"] == "dispatched"


def test_a_scheduled_post_published_now_ignores_its_old_schedule(client, demo, sandbox, time_travel):
    sid = submit(client, demo, {**body(["x"], "scheduled, then now"), "scheduledTime": future(days=2)})
    assert client.post(f"/v1/posts/{sid}/publish", headers=demo.key_headers).status_code == 200
    assert final_run(client, demo, sid, "x:x_main")["status"] == "succeeded"
    assert _post(client, demo, sid)["scheduledTime"] is None
    # The old schedule's task fires when its time comes: it finds a newer version and does nothing.
    time_travel(days=3)
    r = call_task(client, "orchestratePost", {"postSubmissionId": sid, "scheduleVersion": 1})
    assert r.status_code == 200, r.text
    time.sleep(1)
    assert len(_published_texts(sandbox, "scheduled, then now")) == 1


def test_publish_now_racing_the_scheduled_time_publishes_once(client, demo, sandbox, time_travel):
    texts = [f"publish-now race {uuid.uuid4().hex[:8]}" for _ in range(4)]
    sids = [submit(client, demo, {**body(["x"], text), "scheduledTime": future(days=1)}) for text in texts]
    time_travel(days=1, minutes=1)  # every post is due: its own task and publish-now race
    answers: list[int] = []

    def publish(sid):
        answers.append(client.post(f"/v1/posts/{sid}/publish", headers=demo.key_headers).status_code)

    def fire(sid):
        call_task(client, "orchestratePost", {"postSubmissionId": sid, "scheduleVersion": 1})

    threads = [threading.Thread(target=f, args=(sid,)) for sid in sids for f in (publish, fire)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(answers) <= {200, 409}
    for sid, text in zip(sids, texts):
        assert final_run(client, demo, sid, "x:x_main")["status"] == "succeeded"
        wait_for(lambda: _published_texts(sandbox, text))
    time.sleep(1)
    assert [len(_published_texts(sandbox, text)) for text in texts] == [1, 1, 1, 1]


def test_a_draft_can_be_cancelled_and_a_cancelled_post_not_published(client, demo, sandbox):
    sid = submit(client, demo, {**body(["x"], "drafted, then dropped"), "draft": True})
    assert client.delete(f"/v1/posts/{sid}", headers=demo.key_headers).json()["status"] == "canceled"
    error = assert_error(client.post(f"/v1/posts/{sid}/publish", headers=demo.key_headers), 409, "post_not_publishable")
    assert error["details"]["status"] == "canceled"
    assert _published_texts(sandbox, "drafted, then dropped") == []


def test_another_users_draft_is_not_found(client, demo, make_user):
    sid = submit(client, demo, {**body(["x"], "mine"), "draft": True})
    assert_error(client.post(f"/v1/posts/{sid}/publish", headers=make_user().key_headers), 404, "not_found")
    assert _post(client, demo, sid)["status"] == "draft"
