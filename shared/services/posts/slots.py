"""Queue slots: `"scheduledTime": "next_slot"` places a post in its accounts' next free weekly slot.

Each account may have a posting schedule (`postingSchedule` on its document: a timezone and
weekly `HH:MM` slots, PUT /v1/accounts/{id}/schedule). A post asking for `next_slot` gets the
earliest time at least a minute ahead that is a slot of every account it targets and that no
other post holds there. Holding is a document per (account, time), `users/{uid}/slotClaims/…`,
made with `create()` for all the post's accounts in one commit: of two posts racing for one slot
exactly one commits, and the other moves on to the next slot. A claim names its post; the post
keeps its claims (`slotClaims`), and cancelling, rescheduling or publishing it now releases them. A
claim whose post was never written (its request died in between) is taken back after CLAIM_GRACE.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Iterable
from zoneinfo import ZoneInfo

from google.api_core.exceptions import AlreadyExists
from google.cloud import firestore

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.errors import ValidationError
from shared.services.posts.dispatch import SUBMISSIONS
from shared.services.posts.scheduling import MIN_LEAD, NEXT_SLOT
from shared.services.publishing.accounts import account_ref

HORIZON = timedelta(weeks=8)
CLAIM_GRACE = timedelta(minutes=10)
MAX_TRIES = 200
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def slot_times(schedule: dict, after: datetime, until: datetime) -> list[datetime]:
    """Every slot of `schedule` in (after, until], as UTC instants, earliest first. A slot on a
    clock time daylight saving skips is left out that day; one it repeats is the first."""
    zone = ZoneInfo(schedule["timezone"])
    wanted = {(DAYS.index(s["day"]), s["time"]) for s in schedule.get("slots") or []}
    times = set()
    day = after.astimezone(zone).date()
    while True:
        for weekday, hhmm in wanted:
            if day.weekday() != weekday:
                continue
            hour, minute = map(int, hhmm.split(":"))
            local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
            if local.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
                continue  # a time daylight saving skips
            when = local.astimezone(ZoneInfo("UTC"))
            if after < when <= until:
                times.add(when)
        if datetime(day.year, day.month, day.day, tzinfo=zone) > until:
            return sorted(times)
        day += timedelta(days=1)


def _claim_ref(user_id: str, platform: str, account_id: str, when: datetime) -> firestore.DocumentReference:
    key = hashlib.sha256(f"{platform}\n{account_id}\n{when.isoformat()}".encode()).hexdigest()[:40]
    return firestore_client().collection("users").document(user_id).collection("slotClaims").document(key)


def schedules_of(user_id: str, accounts: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict]:
    """(platform, accountId) -> its posting schedule; 400 naming the first account without one."""
    accounts = list(dict.fromkeys(accounts))
    refs = [account_ref(user_id, platform, account_id) for platform, account_id in accounts]
    snaps = {snap.reference.path: snap for snap in firestore_client().get_all(refs, field_paths=["postingSchedule"])}
    found = {}
    for (platform, account_id), ref in zip(accounts, refs):
        snap = snaps.get(ref.path)
        schedule = (snap.to_dict() or {}).get("postingSchedule") if snap is not None and snap.exists else None
        if not schedule:
            raise ValidationError(
                f"The {platform} account {account_id} has no posting schedule, so next_slot has no slot to "
                f"take: PUT /v1/accounts/{account_id}/schedule first",
                details=[{"field": "body.scheduledTime", "code": "no_posting_schedule", "received": NEXT_SLOT,
                          "message": f"set {platform}:{account_id}'s posting schedule, or give a time"}])
        found[(platform, account_id)] = schedule
    return found


def _common_times(schedules: dict[tuple[str, str], dict], after: datetime) -> list[datetime]:
    lists = [set(slot_times(s, after, after + HORIZON)) for s in schedules.values()]
    return sorted(set.intersection(*lists)) if lists else []


def _free(user_id: str, accounts: list[tuple[str, str]], when: datetime, submission_id: str | None) -> bool:
    refs = [_claim_ref(user_id, p, a, when) for p, a in accounts]
    for snap in firestore_client().get_all(refs):
        if snap.exists and not _releasable(snap, submission_id):
            return False
    return True


def _releasable(snap: firestore.DocumentSnapshot, submission_id: str | None) -> bool:
    """Ours already (a retried request), or held by a post that was never written."""
    data = snap.to_dict() or {}
    if submission_id is not None and data.get("postSubmissionId") == submission_id:
        return True
    if clock.now() - data.get("claimedAt", clock.now()) < CLAIM_GRACE:
        return False
    return not firestore_client().collection(SUBMISSIONS).document(data.get("postSubmissionId") or "-").get().exists


def next_free(user_id: str, accounts: list[tuple[str, str]]) -> datetime | None:
    """What next_slot would take now, without taking it."""
    schedules = schedules_of(user_id, accounts)
    for when in _common_times(schedules, clock.now() + MIN_LEAD):
        if _free(user_id, list(schedules), when, None):
            return when
    return None


def claim_next(user_id: str, accounts: list[tuple[str, str]], submission_id: str) -> tuple[datetime, list[str]]:
    """Take the next slot free for every account, for `submission_id`; (its time, the claims' paths)."""
    schedules = schedules_of(user_id, accounts)
    keys = list(schedules)
    db = firestore_client()
    for tries, when in enumerate(_common_times(schedules, clock.now() + MIN_LEAD)):
        if tries >= MAX_TRIES:
            break
        refs = [_claim_ref(user_id, p, a, when) for p, a in keys]
        batch = db.batch()
        for (platform, account_id), ref in zip(keys, refs):
            batch.create(ref, {"postSubmissionId": submission_id, "platform": platform, "accountId": account_id,
                               "slot": when, "claimedAt": clock.now()})
        try:
            batch.commit()
            return when, [ref.path for ref in refs]
        except AlreadyExists:
            pass
        snaps = list(db.get_all(refs))
        if all(not s.exists or _releasable(s, submission_id) for s in snaps):
            if all(s.exists and (s.to_dict() or {}).get("postSubmissionId") == submission_id for s in snaps):
                return when, [ref.path for ref in refs]  # a retried request: taken by this post before
            for snap in snaps:  # a dead request's claim: take it back, then try this slot again
                if snap.exists and (snap.to_dict() or {}).get("postSubmissionId") != submission_id:
                    try:
                        snap.reference.delete(option=db.write_option(last_update_time=snap.update_time))
                    except Exception:  # noqa: BLE001 - someone else took it back first
                        pass
            return claim_next(user_id, accounts, submission_id)
    raise ValidationError(
        "No slot is free in the next 8 weeks for every account of this post: add slots or give a time",
        details=[{"field": "body.scheduledTime", "code": "no_free_slot", "received": NEXT_SLOT,
                  "message": "no common free slot in the next 8 weeks"}])


def release(paths: Iterable[str], submission_id: str) -> None:
    """Give back a post's slots (cancelled, moved or published now): only claims still naming it."""
    db = firestore_client()
    for path in paths or []:
        ref = db.document(path)
        snap = ref.get()
        if snap.exists and (snap.to_dict() or {}).get("postSubmissionId") == submission_id:
            ref.delete()


def put_schedule(ref: firestore.DocumentReference, schedule: dict) -> None:
    ref.update({"postingSchedule": schedule, "postingScheduleUpdatedAt": clock.now()})
