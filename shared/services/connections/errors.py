"""Why a connection could not be made: one code per cause, shown to the user.

The callback is a browser page, not a JSON API call, so these are not
`SokuError`s: the callback turns them into a page (or a redirect to the web
app with `error=<code>`). Messages never contain a token or a secret.
"""

from __future__ import annotations

# code -> HTTP status of the page the callback answers with it
STATUS = {
    "invalid_state": 400,
    "state_expired": 400,
    "state_already_used": 409,
    "browser_mismatch": 403,
    "cancelled": 409,
    "invalid_link": 400,
    "link_already_used": 409,
    "confirmation_failed": 403,
    "access_denied": 403,
    "authorization_failed": 400,
    "missing_code": 400,
    "token_exchange_failed": 400,
    "identity_failed": 502,
    "no_accounts": 422,
    "platform_unavailable": 502,
    "not_configured": 503,
    "internal_error": 500,
}


class ConnectError(Exception):
    def __init__(self, code: str, message: str, *, platform: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.platform = platform

    @property
    def status(self) -> int:
        return STATUS.get(self.code, 400)
