"""Token-key rotation: re-seal every connected account's tokens with the current key.

Rotating: add the new key to `SOKU_TOKEN_KEYS` (`old:…,new:…`), point
`SOKU_TOKEN_KEY_ID` at it (new seals use it at once; old ones stay readable by
their kid), run `python -m shared.services.connections.rotation` (idempotent),
then remove the old key. Walks users → the eight platforms → accounts (plain
queries: the bundled emulator has no collection-group queries).
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

from shared.adapters.crypto import reseal
from shared.adapters.gcp import firestore_client
from shared.platforms import Platform

log = logging.getLogger("soku.connections")


@dataclass
class Rotation:
    resealed: int = 0
    current: int = 0
    failed: int = 0


def reseal_account(ref, data: dict) -> bool | None:
    """True if re-sealed, False if already current, None if it could not be (logged, kept)."""
    sealed = data.get("tokens")
    if not sealed:
        return False
    try:
        fresh = reseal(sealed, associated=ref.path)
    except Exception as exc:  # noqa: BLE001 - its key is gone: the account must be reconnected
        log.warning("cannot re-seal %s: %s", ref.path, type(exc).__name__)
        return None
    if fresh is None:
        return False
    ref.update({"tokens": fresh})
    return True


def reseal_all(user_ids: list[str] | None = None) -> Rotation:
    db = firestore_client()
    users = user_ids if user_ids is not None else [snap.id for snap in db.collection("users").stream()]
    result = Rotation()
    for uid in users:
        integrations = db.collection("users").document(uid).collection("integrations")
        for platform in Platform:
            for snap in integrations.document(platform.value).collection("accounts").stream():
                done = reseal_account(snap.reference, snap.to_dict() or {})
                if done is None:
                    result.failed += 1
                elif done:
                    result.resealed += 1
                else:
                    result.current += 1
    return result


def main() -> int:
    result = reseal_all()
    print(f"re-sealed {result.resealed} account(s); {result.current} already current; "
          f"{result.failed} unreadable (reconnect those)")
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main())
