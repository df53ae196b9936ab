"""`GET /v1/accounts/{account_id}/flairs?subreddit=…`: the post flairs of a subreddit, for a client's
flair dropdown (`post.content.options.reddit.flairId`), and whether the subreddit requires one.
Only platforms whose publisher lists flairs (`publisher.flairs(account, subreddit)`: Reddit)
have them; for the others the answer is 422 `flairs_unsupported`.

Asked of the platform with the account's own tokens (refreshed as a publish would:
publishing/account_calls.py) and kept 5 minutes in the metrics cache's collection under a key of
its own, as the boards endpoint does (shared/services/boards.py, whose refusals it shares).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from shared import clock
from shared.errors import SokuError
from shared.platforms import Platform
from shared.services.analytics import cache
from shared.services.boards import _refusal
from shared.services.connections import store as connections
from shared.services.publishing.account_calls import with_account
from shared.services.publishing.errors import PublishError
from shared.services.publishing.registry import publisher_for

TTL_S = 300


def _key(user_id: str, platform: str, account_id: str, subreddit: str) -> str:
    parts = ("flairs", user_id, platform, account_id, subreddit.lower())
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def account_flairs(user_id: str, account_id: str, platform: Platform | None = None, subreddit: str | None = None,
                   refresh: bool = False) -> tuple[dict[str, Any], int]:
    """(the answer, seconds it may be kept)."""
    platform, _ = connections.find(user_id, account_id, platform)  # 404 / 409 like GET /v1/accounts/{id}
    publisher = publisher_for(platform)
    if publisher is None or not hasattr(publisher, "flairs"):
        raise SokuError(f"{platform.value} accounts have no post flairs; only Reddit's do",
                        code="flairs_unsupported", status=422)
    key = _key(user_id, platform.value, account_id, subreddit or "~profile")
    entry = cache.read(key, user_id, refresh=refresh)
    if entry is not None:
        return entry.body | {"fetchedAt": clock.iso(entry.fetched_at), "cached": True}, entry.remaining_s(clock.now())

    def ask(p: Any, account: Any) -> dict[str, Any]:
        name = subreddit or p.profile_of(account)
        required = bool(p.post_requirements(account, name).get("is_flair_required"))
        try:
            flairs = p.flairs(account, name)
        except PublishError as error:
            if error.code != "publish_rejected":  # a 403: the subreddit offers no flair to the account
                raise
            flairs = []
        return {"subreddit": name, "flairRequired": required, "flairs": flairs}

    try:
        found = with_account(user_id, platform, account_id, ask)
    except PublishError as error:
        if error.code == "subreddit_not_found":
            # Reddit's 404 for the subreddit named: the caller's mistake, not the platform failing.
            raise SokuError(f"Reddit has no subreddit r/{subreddit}: {error.message}", code="subreddit_not_found",
                            status=404, details={"subreddit": subreddit}) from None
        raise _refusal(platform, error) from None
    body = {"accountId": account_id, "platform": platform.value} | found
    fetched_at = clock.now()
    cache.write(key, user_id, body, fetched_at, TTL_S, platform=platform.value, account_id=account_id)
    return body | {"fetchedAt": clock.iso(fetched_at), "cached": False}, TTL_S
