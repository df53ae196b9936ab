"""Token-key rotation: re-seal everything sealed with `SOKU_TOKEN_KEYS` under the current key.

Rotating: add the new key to `SOKU_TOKEN_KEYS` (`old:…,new:…`), point
`SOKU_TOKEN_KEY_ID` at it (new seals use it at once; old ones stay readable by
their kid), run `python -m shared.services.key_rotation` (idempotent), then
remove the old key. What gets re-sealed: every connected account's tokens and
every webhook endpoint's secret and previous secret (shared/services/sealed_index.py).

Finding them. The documents live under `users/{uid}`, which may be a "missing"
document (only subcollections, never written itself): listing `users` skips
those, and the bundled emulator has neither collection-group queries nor
`list_documents`. So the rotation takes the union of
1. the index `sealedDocuments`, written on every connect and endpoint creation:
   complete for everything sealed since it exists, on the emulator and on
   Firestore alike, whether or not `users/{uid}` exists;
2. collection-group queries on `accounts` and `webhooks`: on Firestore they find
   what was sealed before the index existed, missing parents included (the
   bundled emulator answers them with nothing); a failing one makes the run
   report itself incomplete (exit code 1) instead of passing silently;
3. with `--walk-users` (or for named users), the walk users → 8 platforms →
   accounts, and → webhooks: a backfill for older data where collection groups
   are not available; it cannot see missing parents;
and records in the index whatever it found only through 2 or 3.

Each stale document is re-sealed in a transaction that reads it again, so a
token refresh or a webhook secret rotation at the same moment is never
overwritten with the older value. Documents already on the current key are
recognised from a batched read and not written.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field

from google.cloud import firestore

from shared import clock
from shared.adapters.crypto import current_key_id, reseal
from shared.adapters.gcp import firestore_client
from shared.platforms import Platform
from shared.services import sealed_index
from shared.services.publishing.accounts import accounts_collection
from shared.services.sealed_index import ACCOUNT, WEBHOOK

log = logging.getLogger("soku.key_rotation")

# The sealed fields of each kind of document.
FIELDS = {ACCOUNT: ("tokens",), WEBHOOK: ("secret", "previousSecret")}
RESEALED, CURRENT, FAILED, GONE = "resealed", "current", "failed", "gone"
BATCH = 200


@dataclass
class Rotation:
    """Documents per outcome; `by_kind[kind][outcome]` splits them by what they are."""

    resealed: int = 0
    current: int = 0
    failed: int = 0
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)
    incomplete: list[str] = field(default_factory=list)  # ways of finding documents that failed

    def count(self, kind: str, outcome: str) -> None:
        counts = self.by_kind.setdefault(kind, {})
        counts[outcome] = counts.get(outcome, 0) + 1
        if outcome in (RESEALED, CURRENT, FAILED):
            setattr(self, outcome, getattr(self, outcome) + 1)

    def of(self, kind: str, outcome: str) -> int:
        return self.by_kind.get(kind, {}).get(outcome, 0)


def _walk(db: firestore.Client, user_ids: Iterable[str]) -> Iterable[str]:
    for uid in user_ids:
        user = db.collection("users").document(uid)
        for platform in Platform:
            for snap in accounts_collection(uid, platform.value).stream():
                yield snap.reference.path
        for snap in user.collection("webhooks").stream():
            yield snap.reference.path


def _grouped(db: firestore.Client, incomplete: list[str]) -> Iterable[str]:
    for group in ("accounts", "webhooks"):
        try:
            for snap in db.collection_group(group).stream():
                yield snap.reference.path
        except Exception as exc:  # noqa: BLE001 - reported: the run may have missed documents
            log.warning("collection-group query on %s failed: %s", group, exc)
            incomplete.append(f"collection group {group}: {type(exc).__name__}")


def sealed_paths(user_ids: list[str] | None = None, walk_users: bool = False,
                 incomplete: list[str] | None = None) -> list[str]:
    """Every document holding sealed secrets (of these users only, when named)."""
    db = firestore_client()
    incomplete = [] if incomplete is None else incomplete
    known = set(sealed_index.recorded())
    walked = (user_ids if user_ids is not None
              else [snap.id for snap in db.collection("users").stream()] if walk_users else [])
    for path in [*_grouped(db, incomplete), *_walk(db, walked)]:
        if sealed_index.kind_of(path) and path not in known:
            sealed_index.record(db.document(path))  # sealed before the index existed: recorded now
            known.add(path)
    if user_ids is not None:
        wanted = set(user_ids)
        known = {p for p in known if p.split("/")[1] in wanted}
    return sorted(known)


def _stale(kind: str, data: dict, kid: str) -> bool:
    return any(isinstance(data.get(name), dict) and data[name].get("kid") != kid for name in FIELDS[kind])


def _previous_expired(data: dict) -> bool:
    until = data.get("previousSecretExpiresAt")
    return not until or until <= clock.now()


def reseal_document(ref: firestore.DocumentReference) -> str:
    """Re-seal one document's sealed fields with the current key, in a transaction; the outcome."""
    kind = sealed_index.kind_of(ref.path)

    @firestore.transactional
    def run(transaction: firestore.Transaction) -> str:
        snap = ref.get(transaction=transaction)
        if not snap.exists:
            return GONE
        data = snap.to_dict() or {}
        update, failed = {}, False
        for name in FIELDS[kind]:
            sealed = data.get(name)
            if not sealed:
                continue
            try:
                fresh = reseal(sealed, associated=ref.path)
            except Exception as exc:  # noqa: BLE001 - its key is gone
                if name == "previousSecret" and _previous_expired(data):
                    update[name] = None  # it signs nothing any more: nothing to keep
                    continue
                log.warning("cannot re-seal %s.%s: %s", ref.path, name, type(exc).__name__)
                failed = True
                continue
            if fresh is not None:
                update[name] = fresh
        if update:
            transaction.update(ref, update)
        return FAILED if failed else RESEALED if update else CURRENT

    return run(firestore_client().transaction())


def reseal_all(user_ids: list[str] | None = None, walk_users: bool = False) -> Rotation:
    """Re-seal every account's tokens and every webhook endpoint's secrets (of these users
    only, when named) with the current key."""
    result = Rotation()
    db = firestore_client()
    kid = current_key_id()
    paths = sealed_paths(user_ids, walk_users, result.incomplete)
    for start in range(0, len(paths), BATCH):
        refs = [db.document(p) for p in paths[start:start + BATCH]]
        for snap in db.get_all(refs):
            path = snap.reference.path
            kind = sealed_index.kind_of(path)
            if not snap.exists:
                outcome = GONE
            elif not _stale(kind, snap.to_dict() or {}, kid):
                outcome = CURRENT
            else:
                outcome = reseal_document(snap.reference)
            if outcome == GONE:  # disconnected or deleted since it was recorded
                sealed_index.forget(path)
            result.count(kind, outcome)
    return result


def summary(result: Rotation) -> str:
    lines = [f"re-sealed {result.of(ACCOUNT, RESEALED)} account(s) and {result.of(WEBHOOK, RESEALED)} "
             f"webhook endpoint(s); {result.current} already current; "
             f"{result.of(ACCOUNT, FAILED)} account(s) unreadable (reconnect those); "
             f"{result.of(WEBHOOK, FAILED)} webhook endpoint(s) unreadable (register those again)"]
    lines += [f"INCOMPLETE: {reason}; run again with --walk-users, and keep the old key until this is "
              "resolved" for reason in result.incomplete]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.services.key_rotation", description=__doc__.split("\n")[0])
    parser.add_argument("--walk-users", action="store_true",
                        help="also walk every users/{uid} document (backfill for data sealed before the index)")
    args = parser.parse_args(argv)
    result = reseal_all(walk_users=args.walk_users)
    print(summary(result))
    return 1 if result.failed or result.incomplete else 0


if __name__ == "__main__":
    sys.exit(main())
