"""Batches (issue 41, item 4): `POST /v1/posts/batch` makes up to 100 posts under one
Idempotency-Key, atomically or each on its own; `/batch/validate` checks without storing; the
same batch as CSV."""

from __future__ import annotations

from tests.envelope import assert_error
from tests.posting import future


def _post(text, platforms=("x",), **extra):
    return {"post": {"content": {"text": text, "platform": list(platforms)}}, **extra}


def _batch(client, user, payload, key=None, **params):
    headers = user.key_headers | ({"Idempotency-Key": key} if key else {})
    return client.post("/v1/posts/batch", json=payload, headers=headers, params=params)


def _count_posts(client, user) -> int:
    total, cursor = 0, None
    while True:
        page = client.get("/v1/posts", params={"limit": 100, **({"cursor": cursor} if cursor else {})},
                          headers=user.key_headers).json()
        total += len(page["data"])
        if not page["hasMore"]:
            return total
        cursor = page["nextCursor"]


def test_a_hundred_post_atomic_batch_with_one_invalid_post_stores_nothing_and_replays_the_same(client, demo):
    posts = [_post(f"week post {i}", scheduledTime=future(days=1, minutes=i)) for i in range(100)]
    posts[37] = _post("x" * 300)  # over X's 280
    r = _batch(client, demo, {"posts": posts, "atomic": True}, key="week-1")
    error = assert_error(r, 400, "validation_error")
    assert {d["index"] for d in error["details"]} == {37}
    assert all(d["field"].startswith("body.posts.37.") for d in error["details"])
    assert _count_posts(client, demo) == 0
    again = _batch(client, demo, {"posts": posts, "atomic": True}, key="week-1")
    assert again.status_code == 400 and again.json()["error"]["details"] == error["details"]
    assert _count_posts(client, demo) == 0


def test_an_atomic_batch_makes_every_post_once_and_a_replay_answers_the_same(client, demo):
    posts = [_post(f"series {i}", scheduledTime=future(days=2, minutes=i)) for i in range(12)]
    r = _batch(client, demo, {"posts": posts, "atomic": True}, key="series-1")
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["created"] == 12 and answer["failed"] == 0
    assert [item["index"] for item in answer["results"]] == list(range(12))
    ids = [item["postSubmissionId"] for item in answer["results"]]
    assert len(set(ids)) == 12
    replay = _batch(client, demo, {"posts": posts, "atomic": True}, key="series-1")
    assert replay.json() == answer
    assert _count_posts(client, demo) == 12
    texts = {client.get(f"/v1/posts/{sid}", headers=demo.key_headers).json()["content"]["text"] for sid in ids}
    assert texts == {f"series {i}" for i in range(12)}
    # The same key with other posts is a conflict, not a silent replay.
    assert_error(_batch(client, demo, {"posts": posts[:3], "atomic": True}, key="series-1"), 409,
                 "idempotency_conflict")


def test_without_atomic_each_post_stands_alone(client, demo):
    posts = [_post("fine one"), _post("x" * 300), _post("fine two", ("threads",)),
             {"post": {"content": {"text": "nobody's account", "platform": [{"platform": "x", "accountId": "x_nobody"}]}}}]
    r = _batch(client, demo, {"posts": posts}, key="mixed")
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [item["status"] for item in results] == [201, 400, 201, 400]
    assert results[1]["error"]["code"] == "validation_error"
    assert "x_nobody" in results[3]["error"]["message"] + str(results[3]["error"].get("details"))
    assert r.json()["created"] == 2 and r.json()["failed"] == 2
    assert _count_posts(client, demo) == 2


def test_a_post_that_is_no_post_at_all_refuses_the_whole_batch_by_name(client, demo):
    """What the schema refuses is the request's fault, as for any body: 400, nothing stored."""
    posts = [_post("fine"), {"post": {"content": {"text": "no targets"}}}, [None, None]]
    for path in ("/v1/posts/batch", "/v1/posts/batch/validate"):
        error = assert_error(client.post(path, json={"posts": posts}, headers=demo.key_headers), 400,
                             "validation_error")
        assert {d["index"] for d in error["details"]} == {1, 2}
        assert any(d["field"].startswith("body.posts.1.post.content") for d in error["details"])
        assert any(d["field"] == "body.posts.2" for d in error["details"])
    assert _count_posts(client, demo) == 0


def test_a_batch_interrupted_part_way_is_finished_by_the_same_request_again(client, demo, monkeypatch):
    """A crash after some posts were made (the batch's answer never kept): the retry makes the
    rest, and the ones made before are answered as made, not made twice."""
    from shared.services import idempotency
    from shared.services.posts import batch

    posts = [_post(f"interrupted {i}", scheduledTime=future(days=3, minutes=i)) for i in range(6)]
    real = batch.submission.create_post
    calls = []

    def dies_after_three(*args, **kwargs):
        calls.append(1)
        if len(calls) > 3:
            raise RuntimeError("the instance died")
        return real(*args, **kwargs)

    monkeypatch.setattr(batch.submission, "create_post", dies_after_three)
    monkeypatch.setattr(batch, "PARALLEL", 1)
    first = _batch(client, demo, {"posts": posts}, key="interrupted")
    assert first.status_code == 500
    monkeypatch.setattr(batch.submission, "create_post", real)
    assert idempotency  # the batch's claim was given up: the retry runs afresh
    second = _batch(client, demo, {"posts": posts}, key="interrupted")
    assert second.status_code == 200, second.text
    assert second.json()["created"] == 6
    assert _count_posts(client, demo) == 6


def test_validate_checks_without_storing(client, demo):
    r = client.post("/v1/posts/batch/validate", json={"posts": [_post("ok"), _post("x" * 300)]},
                    headers=demo.key_headers)
    assert r.status_code == 200, r.text
    assert r.json()["valid"] is False
    assert [item["valid"] for item in r.json()["results"]] == [True, False]
    assert _count_posts(client, demo) == 0


def test_a_csv_batch_is_the_same_batch(client, demo):
    when = future(days=4)
    csv = ("text,platforms,scheduledTime,draft\n"
           f"\"From CSV, with a comma\",x threads,{when},\n"
           "Draft from CSV,x,,true\n")
    r = client.post("/v1/posts/batch", content=csv.encode(), params={"atomic": "true"},
                    headers=demo.key_headers | {"Content-Type": "text/csv", "Idempotency-Key": "csv-1"})
    assert r.status_code == 200, r.text
    first, second = r.json()["results"]
    made = client.get(f"/v1/posts/{first['postSubmissionId']}", headers=demo.key_headers).json()
    assert made["content"]["text"] == "From CSV, with a comma" and made["platforms"] == ["threads", "x"]
    assert client.get(f"/v1/posts/{second['postSubmissionId']}", headers=demo.key_headers).json()["status"] == "draft"
    bad = client.post("/v1/posts/batch", content=b"text,channel\nhi,x\n",
                      headers=demo.key_headers | {"Content-Type": "text/csv"})
    error = assert_error(bad, 400, "validation_error")
    assert error["details"][0]["code"] == "unknown_column" and "channel" in error["message"]


def test_batch_shape_errors_name_the_field(client, demo):
    for payload, field in (({"posts": []}, "body.posts"), ({"posts": [_post("a")] * 101}, "body.posts"),
                           ({"posts": [_post("a")], "atomic": "yes"}, "body.atomic"),
                           ({"posts": [_post("a")], "mode": "fast"}, "body.mode")):
        error = assert_error(_batch(client, demo, payload), 400, "validation_error")
        assert error["details"][0]["field"] == field, payload
