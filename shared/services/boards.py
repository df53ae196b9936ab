"""`GET /v1/accounts/{account_id}/boards`: the boards an account may post to, for a client's board
dropdown. Only platforms whose publisher lists boards (`publisher.boards(account)`: Pinterest)
have them; for the others the answer is 422 `boards_unsupported`.

The list is asked of the platform with the account's own tokens (refreshed as a publish would:
publishing/account_calls.py) and kept 5 minutes in the metrics cache's collection, under a key of
its own (a board made on Pinterest shows within 5 minutes; `?refresh=true` asks again after
one), since every read spends the user's own Pinterest rate limit.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from shared import clock
from shared.errors import SokuError
from shared.platforms import Platform
from shared.services.analytics import cache
from shared.services.connections import store as connections
from shared.services.publishing.account_calls import with_account
from shared.services.publishing.errors import NeedsReconnectError, PublishError, RetryableError
from shared.services.publishing.registry import publisher_for

TTL_S = 300


def _key(user_id: str, platform: str, account_id: str) -> str:
    parts = ("boards", user_id, platform, account_id)
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def _refusal(platform: Platform, error: PublishError) -> SokuError:
    """A platform's refusal as the API answers it (never a 500: it is not our fault)."""
    if isinstance(error, NeedsReconnectError):
        return SokuError(error.message, code="account_needs_reconnect", status=409)
    if isinstance(error, RetryableError) and error.code == "rate_limited":
        headers = {"Retry-After": str(int(error.retry_after))} if error.retry_after else {}
        return SokuError(error.message, code="platform_rate_limited", status=429, headers=headers)
    if isinstance(error, RetryableError):
        return SokuError(error.message, code="platform_unavailable", status=503)
    return SokuError(error.message, code="platform_refused", status=502)


def account_boards(user_id: str, account_id: str, platform: Platform | None = None,
                   refresh: bool = False) -> tuple[dict[str, Any], int]:
    """(the answer, seconds it may be kept)."""
    platform, _ = connections.find(user_id, account_id, platform)  # 404 / 409 like GET /v1/accounts/{id}
    publisher = publisher_for(platform)
    if publisher is None or not hasattr(publisher, "boards"):
        raise SokuError(f"{platform.value} accounts have no boards; only Pinterest's do",
                        code="boards_unsupported", status=422)
    key = _key(user_id, platform.value, account_id)
    entry = cache.read(key, user_id, refresh=refresh)
    if entry is not None:
        return entry.body | {"fetchedAt": clock.iso(entry.fetched_at), "cached": True}, entry.remaining_s(clock.now())
    try:
        boards = with_account(user_id, platform, account_id, lambda p, account: p.boards(account))
    except PublishError as error:
        raise _refusal(platform, error) from None
    body = {"accountId": account_id, "platform": platform.value, "boards": boards}
    fetched_at = clock.now()
    cache.write(key, user_id, body, fetched_at, TTL_S, platform=platform.value, account_id=account_id)
    return body | {"fetchedAt": clock.iso(fetched_at), "cached": False}, TTL_S
