"""One call to a platform on behalf of a connected account, outside a publish attempt.

Deleting a published post and reading its metrics both need what a publish
attempt does before its first call: the account's tokens decrypted, refreshed
first when they are about to expire, and refreshed once more when the platform
answers 401. `with_account` does exactly that, with the platform's publisher
supplying `refresh` and `http` so each platform's token rules live in one place.

These calls happen while a caller waits on the API, so each platform call is cut
at CALL_TIMEOUT (a publisher's may wait minutes): the request answers inside its
function's 60 s even when the platform hangs.
"""

from __future__ import annotations

from typing import Callable, TypeVar

import httpx

from shared.platforms import Platform
from shared.services.publishing import accounts
from shared.services.publishing.base import Account, Publisher
from shared.services.publishing.errors import NeedsReconnectError
from shared.services.publishing.http import call_timeout
from shared.services.publishing.registry import publisher_for

T = TypeVar("T")
CALL_TIMEOUT = httpx.Timeout(connect=5.0, read=15.0, write=15.0, pool=5.0)
# Refusals that say nothing about the account's authorization: it is not flagged for them.
_NOT_THE_ACCOUNTS_FAULT = ("account_disconnected", "platform_unsupported", "missing_scope")


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
    with call_timeout(CALL_TIMEOUT):
        ref, account = accounts.load_account(user_id, platform, account_id)
        try:
            # Single-flight refreshes (accounts.refresh_tokens): a post's metrics are read in
            # parallel, a publish may be running, and refresh tokens are often single-use.
            if accounts.due_for_refresh(publisher, account):
                accounts.refresh_tokens(ref, account, publisher)
            try:
                return call(publisher, account)
            except NeedsReconnectError:
                if not account.tokens.refresh_token:
                    raise
                accounts.refresh_tokens(ref, account, publisher)
                return call(publisher, account)
        except NeedsReconnectError as error:
            if error.code not in _NOT_THE_ACCOUNTS_FAULT:
                accounts.flag_needs_reconnect(ref, account.tokens, error.message, account.display_name)
            raise

