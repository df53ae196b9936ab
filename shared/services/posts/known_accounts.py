"""Which accounts a user had on a platform when this instance last listed them.

A post that names a bare platform ("x") must know all of the user's accounts there
(exactly one resolves; several are a 400 `missing_account`). Listing them is a query
per platform, the most expensive part of POST /v1/posts (alternating the two in one
run: a bare-platform post's p50 was 5.5 ms above one naming its accounts). So
the ids listed once are remembered here, and the next post reads those accounts by id
in its one `get_all`, together with the platform's integration document. What was
remembered is used only when that same read confirms it is still the whole set:
every remembered account still exists and `connectedCount` (kept by every connect and
disconnect, in any instance: shared/services/connections/store.py) equals their
number. Otherwise the platform is listed again (posts/reads.py). A listing is only
remembered when the count read beside it agrees with it (a user whose accounts were
written without a count is listed every time, as before).

Nothing here is trusted on its own: it only decides which documents to read.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

# Users x platforms remembered by one instance; the least recently used go first.
CAPACITY = 10_000


class KnownAccounts:
    def __init__(self, capacity: int = CAPACITY) -> None:
        self._ids: OrderedDict[tuple[str, str], tuple[str, ...]] = OrderedDict()
        self._lock = threading.Lock()
        self._capacity = capacity

    def get(self, user_id: str, platform: str) -> tuple[str, ...] | None:
        with self._lock:
            ids = self._ids.get((user_id, platform))
            if ids is not None:
                self._ids.move_to_end((user_id, platform))
            return ids

    def remember(self, user_id: str, platform: str, account_ids) -> None:
        ids = tuple(sorted(account_ids))
        if not ids:  # nothing to read by id: the platform is listed again next time
            self.forget(user_id, platform)
            return
        with self._lock:
            self._ids[(user_id, platform)] = ids
            self._ids.move_to_end((user_id, platform))
            while len(self._ids) > self._capacity:
                self._ids.popitem(last=False)

    def forget(self, user_id: str, platform: str) -> None:
        with self._lock:
            self._ids.pop((user_id, platform), None)
