"""Token-key rotation: re-seal everything sealed with `SOKU_TOKEN_KEYS` under the current key.

Rotating: add the new key to `SOKU_TOKEN_KEYS` (`old:…,new:…`), point
`SOKU_TOKEN_KEY_ID` at it (new seals use it at once; old ones stay readable by
their kid), run `python -m shared.services.key_rotation` (idempotent) until it
exits 0, then remove the old key. What it covers is the registry of sealed
fields in shared/services/sealed_index.py: every connected account's tokens,
every webhook endpoint's secret and previous secret, and every publishing run's
checkpoint (a Snapchat upload's media key). Every sealed value found in those
documents is re-sealed with the current key, or dropped (set to null) when it is
no longer needed: a webhook's previous secret whose overlap has ended, an upload
key whose upload is finalized or expired or whose run has succeeded. So after the
rotation nothing still opens with the old key (what a rotation forced by a
compromise needs), and nothing breaks once it is retired.

Finding them. Accounts and webhooks live under `users/{uid}`, which may be a
"missing" document (only subcollections, never written itself): listing `users`
skips those, and the bundled emulator has neither collection-group queries nor
`list_documents`. So the rotation takes the union of
1. the index `sealedDocuments`, written on every connect and endpoint creation,
   and with the first checkpoint of a run that holds a sealed value: complete for
   everything sealed since it exists, on the emulator and on Firestore alike;
2. collection-group queries on `accounts`, `webhooks` and `runs` (those holding a
   sealed value): on Firestore they find what was sealed before the index existed,
   missing parents included (the bundled emulator answers them with nothing); a
   failing one makes the run report itself incomplete (exit code 1) instead of
   passing silently;
3. with `--walk-users` (or for named users), the walk users → 8 platforms →
   accounts, → webhooks, and the user's posts → runs: a backfill for older data
   where collection groups are not available; it cannot see missing parents;
and records in the index whatever it found only through 2 or 3. A document left
with nothing sealed (every value dropped) leaves the index.

Each stale document is re-sealed in a transaction that reads it again, so a
token refresh or a webhook secret rotation at the same moment is never
overwritten with the older value. A run in the middle of an attempt
(`processing`) is left alone, since its attempt saves its own copy of the
checkpoint: it is reported, and the tool exits 1 until a later run finds it
settled. Documents already on the current key with nothing to drop are
recognised from a batched read and not written.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field

from google.cloud import firestore
from google.cloud.firestore_v1.field_path import FieldPath

from shared.adapters.crypto import current_key_id, reseal
from shared.adapters.gcp import firestore_client
from shared.platforms import Platform
from shared.services import sealed_index
from shared.services.publishing.accounts import accounts_collection
from shared.services.sealed_index import ACCOUNT, KINDS, RUN, WEBHOOK

log = logging.getLogger("soku.key_rotation")

# The sealed fields of each kind of document (the registry's; any other sealed value found is re-sealed too).
FIELDS = {name: kind.fields for name, kind in KINDS.items()}
RESEALED, CURRENT, FAILED, GONE, BUSY = "resealed", "current", "failed", "gone", "busy"
BATCH = 200


@dataclass
class Rotation:
    """Documents per outcome; `by_kind[kind][outcome]` splits them by what they are.
    `dropped` counts sealed values removed because nothing needs them any more."""

    resealed: int = 0
    current: int = 0
    failed: int = 0
    busy: int = 0
    dropped: int = 0
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)
    incomplete: list[str] = field(default_factory=list)  # ways of finding documents that failed

    def count(self, kind: str, outcome: str) -> None:
        counts = self.by_kind.setdefault(kind, {})
        counts[outcome] = counts.get(outcome, 0) + 1
        if outcome in (RESEALED, CURRENT, FAILED, BUSY):
            setattr(self, outcome, getattr(self, outcome) + 1)

    def of(self, kind: str, outcome: str) -> int:
        return self.by_kind.get(kind, {}).get(outcome, 0)


def _holds_sealed(data: dict) -> bool:
    return any(sealed_index.sealed_values(data))


def _walk(db: firestore.Client, user_ids: Iterable[str]) -> Iterable[tuple[str, dict]]:
    for uid in user_ids:
        user = db.collection("users").document(uid)
        for platform in Platform:
            for snap in accounts_collection(uid, platform.value).stream():
                yield snap.reference.path, {}
        for snap in user.collection("webhooks").stream():
            yield snap.reference.path, {}
        posts = db.collection("postSubmissions").where(filter=firestore.FieldFilter("userId", "==", uid))
        for post in posts.stream():
            for snap in post.reference.collection("runs").stream():
                data = snap.to_dict() or {}
                if _holds_sealed(data):
                    yield snap.reference.path, data


def _grouped(db: firestore.Client, incomplete: list[str]) -> Iterable[tuple[str, dict]]:
    for group in ("accounts", "webhooks", "runs"):
        try:
            for snap in db.collection_group(group).stream():
                data = (snap.to_dict() or {}) if group == "runs" else {}
                if group != "runs" or _holds_sealed(data):
                    yield snap.reference.path, data
        except Exception as exc:  # noqa: BLE001 - reported: the run may have missed documents
            log.warning("collection-group query on %s failed: %s", group, exc)
            incomplete.append(f"collection group {group}: {type(exc).__name__}")


def sealed_paths(user_ids: list[str] | None = None, walk_users: bool = False,
                 incomplete: list[str] | None = None) -> list[str]:
    """Every document holding sealed secrets (of these users only, when named)."""
    db = firestore_client()
    incomplete = [] if incomplete is None else incomplete
    known = dict(sealed_index.entries())
    walked = (user_ids if user_ids is not None
              else [snap.id for snap in db.collection("users").stream()] if walk_users else [])
    for path, data in [*_grouped(db, incomplete), *_walk(db, walked)]:
        if sealed_index.kind_of(path) and path not in known:
            # sealed before the index existed: recorded now
            known[path] = sealed_index.record(db.document(path), data.get("userId"))
    if user_ids is not None:
        wanted = set(user_ids)
        known = {p: uid for p, uid in known.items() if uid in wanted}
    return sorted(known)


def _drops(kind: str, dotted: str, data: dict) -> bool:
    rule = KINDS[kind].drop.get(dotted)
    return rule is not None and rule(data)


def _stale(kind: str, data: dict, kid: str) -> bool:
    """Something to do: a value sealed with another key, or one to drop."""
    return any(sealed.get("kid") != kid or _drops(kind, ".".join(parts), data)
               for parts, sealed in sealed_index.sealed_values(data))


def _busy(kind: str, data: dict) -> bool:
    """A run in the middle of an attempt: the attempt writes its whole checkpoint back."""
    return kind == RUN and data.get("status") == "processing"


def _reseal(ref: firestore.DocumentReference) -> tuple[str, int]:
    """Re-seal (or drop) one document's sealed values with the current key, in a transaction:
    the outcome and how many values were dropped."""
    kind = sealed_index.kind_of(ref.path)
    spec = KINDS[kind]

    @firestore.transactional
    def run(transaction: firestore.Transaction) -> tuple[str, int]:
        snap = ref.get(transaction=transaction)
        if not snap.exists:
            sealed_index.forget(ref.path, transaction)  # disconnected or deleted since it was recorded
            return GONE, 0
        data = snap.to_dict() or {}
        if _busy(kind, data):
            return BUSY, 0
        update, failed, dropped, kept = {}, False, 0, 0
        for parts, sealed in sealed_index.sealed_values(data):
            dotted, name = ".".join(parts), FieldPath(*parts).to_api_repr()
            if _drops(kind, dotted, data):
                update[name] = None  # nothing needs it any more: nothing to keep, or to re-seal
                dropped += 1
                continue
            try:
                fresh = reseal(sealed, associated=ref.path)
            except Exception as exc:  # noqa: BLE001 - its key is gone
                if dotted in spec.drop_unreadable:
                    update[name] = None  # its owner makes a new one
                    dropped += 1
                    continue
                log.warning("cannot re-seal %s.%s: %s", ref.path, dotted, type(exc).__name__)
                failed, kept = True, kept + 1
                continue
            kept += 1
            if fresh is not None:
                update[name] = fresh
        if update:
            transaction.update(ref, update)
        if not kept:
            sealed_index.forget(ref.path, transaction)  # nothing sealed left in it
        return (FAILED if failed else RESEALED if update else CURRENT), dropped

    return run(firestore_client().transaction())


def reseal_document(ref: firestore.DocumentReference) -> str:
    """Re-seal one document's sealed values with the current key, in a transaction; the outcome."""
    return _reseal(ref)[0]


def reseal_all(user_ids: list[str] | None = None, walk_users: bool = False) -> Rotation:
    """Re-seal every sealed value of the registry's documents (of these users only, when named)
    with the current key, dropping those nothing needs any more."""
    result = Rotation()
    db = firestore_client()
    kid = current_key_id()
    paths = sealed_paths(user_ids, walk_users, result.incomplete)
    for start in range(0, len(paths), BATCH):
        refs = [db.document(p) for p in paths[start:start + BATCH]]
        for snap in db.get_all(refs):
            kind = sealed_index.kind_of(snap.reference.path)
            data = (snap.to_dict() or {}) if snap.exists else {}
            if snap.exists and not _stale(kind, data, kid):
                outcome = CURRENT
            elif snap.exists and _busy(kind, data):
                outcome = BUSY
            else:
                outcome, dropped = _reseal(snap.reference)
                result.dropped += dropped
            result.count(kind, outcome)
    return result


def summary(result: Rotation) -> str:
    lines = [f"re-sealed {result.of(ACCOUNT, RESEALED)} account(s), {result.of(WEBHOOK, RESEALED)} "
             f"webhook endpoint(s) and {result.of(RUN, RESEALED)} publishing run(s); dropped {result.dropped} "
             f"secret(s) no longer needed; {result.current} already current; "
             f"{result.of(ACCOUNT, FAILED)} account(s) unreadable (reconnect those); "
             f"{result.of(WEBHOOK, FAILED)} webhook endpoint(s) unreadable (register those again)"]
    if result.failed > result.of(ACCOUNT, FAILED) + result.of(WEBHOOK, FAILED):
        lines.append(f"{result.failed - result.of(ACCOUNT, FAILED) - result.of(WEBHOOK, FAILED)} other "
                     "document(s) unreadable: see the warnings above")
    if result.busy:
        lines.append(f"BUSY: {result.busy} publishing run(s) in the middle of an attempt were left as they are; "
                     "run again once they have settled, and keep the old key until this exits 0")
    lines += [f"INCOMPLETE: {reason}; run again with --walk-users, and keep the old key until this is "
              "resolved" for reason in result.incomplete]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.services.key_rotation", description=__doc__.split("\n")[0])
    parser.add_argument("--walk-users", action="store_true",
                        help="also walk every users/{uid} document and its posts "
                             "(backfill for data sealed before the index)")
    args = parser.parse_args(argv)
    result = reseal_all(walk_users=args.walk_users)
    print(summary(result))
    return 1 if result.failed or result.busy or result.incomplete else 0


if __name__ == "__main__":
    sys.exit(main())
