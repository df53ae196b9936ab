"""Google's OAuth token endpoint (`oauth2.googleapis.com/token`) as YouTube and Google Business
Profile publishers refresh through it: what each of its refusals means for the account.

Google answers RFC 6749's error envelope (`{"error", "error_description"}`,
developers.google.com/identity/protocols/oauth2/web-server#offline): `invalid_grant` is the
user's grant gone (revoked, expired, password changed), so the account must be reconnected;
`invalid_client`, `invalid_request` and `unauthorized_client` are Soku's OAuth client, which no
reconnect fixes; a 5xx is Google's to retry.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from shared.services.publishing.errors import NeedsReconnectError, PermanentError, PublishError, RetryableError


def refresh_classifier(whose: str) -> Callable[[httpx.Response], PublishError | None]:
    """The classifier for a refresh's answer; `whose` names what the grant authorizes in messages
    ("the channel's", "the location's")."""

    def classify(response: httpx.Response) -> PublishError | None:
        status = response.status_code
        if status < 300:
            return None
        try:
            body = response.json()
        except ValueError:
            body = {}
        code = body.get("error") if isinstance(body, dict) else None
        description = body.get("error_description") if isinstance(body, dict) else None
        if status >= 500:
            return RetryableError(f"Google's token endpoint is unavailable ({status})", code="platform_unavailable")
        if code == "invalid_grant":
            return NeedsReconnectError(f"Google refused to refresh {whose} authorization: "
                                       f"{description or 'invalid_grant'}")
        return PermanentError(f"Google refused Soku's OAuth client ({status} {code}): "
                              f"{description or response.text[:200]}", code="platform_misconfigured")

    return classify
