"""One call to a platform on behalf of a connected account, outside a publish attempt.

Deleting a published post and reading its metrics both need what a publish
attempt does before its first call: the account's tokens decrypted, refreshed
first when they are about to expire, and refreshed once more when the platform
answers 401. `with_account` does exactly that, with the platform's publisher
supplying `refresh` and `http` so each platform's token rules live in one place.
"""

from __future__ import annotations

from typing import Callable, TypeVar

from shared import clock
from shared.platforms import Platform
from shared.services.publishing import accounts
from shared.services.publishing.base import Account, Publisher
from shared.services.publishing.errors import NeedsReconnectError
from shared.services.publishing.registry import publisher_for

T = TypeVar("T")


def with_account(user_id: str, platform: Platform, account_id: str,
                 call: Callable[[Publisher, Account], T]) -> T:
    """Run `call(publisher, account)` with fresh tokens; store tokens a refresh produced.

    Raises NeedsReconnectError (code `account_disconnected` or `token_expired`)
    when the account is gone or its authorization cannot be renewed; the account
    is then flagged `needs_reconnect`, as a failed publish would flag it.
    """
    publisher = publisher_for(platform)
    if publisher is None:
        raise NeedsReconnectError(f"{platform.value} is not supported", code="platform_unsupported")
    ref, account = accounts.load_account(user_id, platform, account_id)
    try:
        if account.tokens.expiring(clock.now()) and account.tokens.refresh_token:
            account.tokens = publisher.refresh(account)
            accounts.store_tokens(ref, account.tokens)
        try:
            return call(publisher, account)
        except NeedsReconnectError:
            if not account.tokens.refresh_token:
                raise
            account.tokens = publisher.refresh(account)
            accounts.store_tokens(ref, account.tokens)
            return call(publisher, account)
    except NeedsReconnectError as error:
        if error.code not in ("account_disconnected", "platform_unsupported", "missing_scope"):
            accounts.flag_needs_reconnect(ref, error.message)
        raise
