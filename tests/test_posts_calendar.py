"""The calendar (issue 41, item 6): `GET /v1/posts?sort=scheduledTime` lists scheduled posts
earliest first, filtered by `scheduledAfter`/`scheduledBefore`, and pages through posts that
share a scheduled minute without losing or repeating one."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tests.envelope import assert_error
from tests.posting import body


def _at(days: int, minutes: int = 0) -> str:
    base = datetime.now(timezone.utc).replace(second=0, microsecond=0) + timedelta(days=days, minutes=minutes)
    return base.isoformat().replace("+00:00", "Z")


def _schedule(client, user, when: str | None, text: str) -> str:
    payload = body(["x"], text) | ({"scheduledTime": when} if when else {})
    r = client.post("/v1/posts", json=payload, headers=user.key_headers)
    assert r.status_code == 201, r.text
    return r.json()["postSubmissionId"]


def _list(client, user, **params) -> dict:
    r = client.get("/v1/posts", params=params, headers=user.key_headers)
    assert r.status_code == 200, r.text
    return r.json()


def _all_pages(client, user, **params) -> list[str]:
    ids, cursor = [], None
    for _ in range(20):
        page = _list(client, user, **params, **({"cursor": cursor} if cursor else {}))
        ids += [p["id"] for p in page["data"]]
        if not page["hasMore"]:
            return ids
        cursor = page["nextCursor"]
    raise AssertionError("the pages never ended")


def test_the_calendar_is_earliest_first_and_leaves_out_unscheduled_posts(client, demo):
    later = _schedule(client, demo, _at(3), "in three days")
    now = _schedule(client, demo, None, "right away")
    sooner = _schedule(client, demo, _at(1), "tomorrow")
    listed = _list(client, demo, sort="scheduledTime")
    assert [p["id"] for p in listed["data"]] == [sooner, later]
    assert now not in [p["id"] for p in listed["data"]]
    assert [p["id"] for p in _list(client, demo)["data"]] == [sooner, now, later]  # the default: newest first


def test_a_batch_at_one_minute_pages_without_losing_or_repeating_a_post(client, demo):
    first = _schedule(client, demo, _at(1), "before the batch")
    batch = [_schedule(client, demo, _at(2), f"batch {i}") for i in range(7)]
    last = _schedule(client, demo, _at(3), "after the batch")
    for limit in (1, 2, 3, 5):
        ids = _all_pages(client, demo, sort="scheduledTime", limit=limit)
        assert ids[0] == first and ids[-1] == last, limit
        assert sorted(ids[1:-1]) == sorted(batch) and len(ids) == 9, limit


def test_scheduled_after_and_before_bound_the_window(client, demo):
    day1 = _schedule(client, demo, _at(1), "day 1")
    day2 = _schedule(client, demo, _at(2), "day 2")
    _schedule(client, demo, _at(4), "day 4")
    window = _list(client, demo, scheduledAfter=_at(0, 30), scheduledBefore=_at(3))  # implies the calendar sort
    assert [p["id"] for p in window["data"]] == [day1, day2]
    assert [p["id"] for p in _list(client, demo, scheduledAfter=_at(1))["data"]][0] == day2  # strictly after
    assert _all_pages(client, demo, scheduledBefore=_at(3), limit=1) == [day1, day2]


def test_the_calendar_takes_the_status_and_platform_filters(client, demo):
    kept = _schedule(client, demo, _at(1), "kept")
    canceled = _schedule(client, demo, _at(2), "canceled")
    assert client.delete(f"/v1/posts/{canceled}", headers=demo.key_headers).status_code == 200
    assert [p["id"] for p in _list(client, demo, sort="scheduledTime", status="queued")["data"]] == [kept]
    assert [p["id"] for p in _list(client, demo, sort="scheduledTime", status="canceled")["data"]] == [canceled]
    assert [p["id"] for p in _list(client, demo, sort="scheduledTime", platform="x")["data"]] == [kept, canceled]
    assert _list(client, demo, sort="scheduledTime", platform="threads")["data"] == []


def test_filters_of_the_other_sort_and_foreign_cursors_are_refused_by_name(client, demo):
    for params, field in (({"sort": "createdAt", "scheduledAfter": _at(1)}, "query.scheduledAfter"),
                          ({"sort": "scheduledTime", "createdBefore": _at(1)}, "query.createdBefore"),
                          ({"sort": "random"}, "query.sort")):
        error = assert_error(client.get("/v1/posts", params=params, headers=demo.key_headers), 400, "validation_error")
        assert error["details"][0]["field"] == field, params
    for i in range(3):
        _schedule(client, demo, _at(1, i), f"post {i}")
    calendar_cursor = _list(client, demo, sort="scheduledTime", limit=1)["nextCursor"]
    newest_cursor = _list(client, demo, limit=1)["nextCursor"]
    assert_error(client.get("/v1/posts", params={"cursor": calendar_cursor}, headers=demo.key_headers),
                 400, "validation_error")
    assert_error(client.get("/v1/posts", params={"cursor": newest_cursor, "sort": "scheduledTime"},
                            headers=demo.key_headers), 400, "validation_error")
