"""Queue slots (issue 41, item 5): an account's weekly posting schedule, and posts sent with
`"scheduledTime": "next_slot"` taking its next free slot, atomically: two posts never take one."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from tests.envelope import assert_error
from tests.posting import body

EVERY_DAY = [{"day": d, "time": t} for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
             for t in ("09:00", "13:30", "18:15")]


def _schedule(client, user, account, schedule, platform="x"):
    return client.put(f"/v1/accounts/{account}/schedule", params={"platform": platform}, json=schedule,
                      headers=user.key_headers)


def _queue(client, user, text, platforms=("x",)):
    return client.post("/v1/posts", json={**body(list(platforms), text), "scheduledTime": "next_slot"},
                       headers=user.key_headers)


def _when(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def test_twenty_concurrent_next_slot_posts_take_twenty_distinct_slots(client, demo):
    r = _schedule(client, demo, "x_main", {"timezone": "Europe/Berlin", "slots": EVERY_DAY})
    assert r.status_code == 200, r.text
    answers = []

    def post(i):
        answers.append(_queue(client, demo, f"queued {i}"))

    threads = [threading.Thread(target=post, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201] * 20, [a.text for a in answers if a.status_code != 201]
    times = [_when(client.get(f"/v1/posts/{a.json()['postSubmissionId']}", headers=demo.key_headers)
                   .json()["scheduledTime"]) for a in answers]
    assert len(set(times)) == 20
    berlin = ZoneInfo("Europe/Berlin")
    assert {t.astimezone(berlin).strftime("%H:%M") for t in times} <= {"09:00", "13:30", "18:15"}
    # They are the 20 earliest slots: no gap was left between them.
    expected_next = client.get("/v1/accounts/x_main/schedule/next", params={"platform": "x"},
                               headers=demo.key_headers).json()["nextSlot"]
    assert _when(expected_next) > max(times)


def test_a_slot_is_in_the_accounts_own_timezone_and_cancelling_frees_it(client, demo):
    schedule = {"timezone": "America/New_York", "slots": [{"day": "wed", "time": "07:45"}]}
    view = _schedule(client, demo, "x_main", schedule).json()
    assert view["timezone"] == "America/New_York" and view["slots"] == schedule["slots"]
    first = _when(view["nextSlot"])
    local = first.astimezone(ZoneInfo("America/New_York"))
    assert (local.strftime("%a %H:%M"), first > datetime.now(timezone.utc)) == ("Wed 07:45", True)
    sid = _queue(client, demo, "the wednesday post").json()["postSubmissionId"]
    assert _when(client.get(f"/v1/posts/{sid}", headers=demo.key_headers).json()["scheduledTime"]) == first
    taken_next = _when(client.get("/v1/accounts/x_main/schedule/next", params={"platform": "x"},
                                  headers=demo.key_headers).json()["nextSlot"])
    assert taken_next - first == timedelta(weeks=1)
    assert client.delete(f"/v1/posts/{sid}", headers=demo.key_headers).status_code == 200
    freed = client.get("/v1/accounts/x_main/schedule/next", params={"platform": "x"}, headers=demo.key_headers)
    assert _when(freed.json()["nextSlot"]) == first


def test_a_post_to_several_accounts_takes_a_slot_free_in_all_of_them(client, demo):
    _schedule(client, demo, "x_main", {"timezone": "UTC", "slots": [{"day": d, "time": "10:00"} for d in
                                                                       ("mon", "tue", "wed", "thu", "fri")]})
    _schedule(client, demo, "threads_main", {"timezone": "UTC", "slots": [{"day": "thu", "time": "10:00"}]},
              platform="threads")
    sid = _queue(client, demo, "both", ("x", "threads")).json()["postSubmissionId"]
    when = _when(client.get(f"/v1/posts/{sid}", headers=demo.key_headers).json()["scheduledTime"])
    assert when.strftime("%a %H:%M") == "Thu 10:00"
    # That Thursday is taken on X too: the next X-only post takes an earlier or later free day.
    other = _when(client.get(f"/v1/posts/{_queue(client, demo, 'x only').json()['postSubmissionId']}",
                             headers=demo.key_headers).json()["scheduledTime"])
    assert other != when


def test_next_slot_without_a_schedule_or_with_a_draft_is_refused_by_name(client, demo):
    error = assert_error(_queue(client, demo, "no schedule yet"), 400, "validation_error")
    assert error["details"][0]["field"] == "body.scheduledTime"
    assert error["details"][0]["code"] == "no_posting_schedule"
    _schedule(client, demo, "x_main", {"timezone": "UTC", "slots": [{"day": "mon", "time": "10:00"}]})
    error = assert_error(client.post("/v1/posts", json={**body(["x"], "draft"), "scheduledTime": "next_slot",
                                                        "draft": True}, headers=demo.key_headers),
                         400, "validation_error")
    assert error["details"][0]["field"] == "body.scheduledTime"


def test_a_bad_schedule_is_refused_naming_the_field(client, demo):
    for schedule, field in (({"timezone": "Mars/Olympus", "slots": [{"day": "mon", "time": "10:00"}]}, "body.timezone"),
                            ({"timezone": "UTC", "slots": [{"day": "mon", "time": "25:00"}]}, "body.slots.0.time"),
                            ({"timezone": "UTC", "slots": [{"day": "someday", "time": "10:00"}]}, "body.slots.0.day"),
                            ({"timezone": "UTC", "slots": []}, "body.slots")):
        error = assert_error(_schedule(client, demo, "x_main", schedule), 400, "validation_error")
        assert error["details"][0]["field"] == field, (schedule, error)
    assert_error(client.get("/v1/accounts/x_main/schedule", params={"platform": "x"}, headers=demo.key_headers),
                 404, "not_found")
