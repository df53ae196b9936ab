"""Manual connections: platforms connected with credentials instead of an OAuth consent page.

Telegram (a bot token and a chat), Discord (a channel's webhook URL) and Bluesky (a handle and an
app password, exchanged for a session at once) are connected with `POST /v1/connections/{platform}`
and a JSON body of credentials. The platform's connector (`shared/platforms/<name>/connector.py`)
declares the body's model (`credentials`) and checks the credentials against the platform before
anything is stored (`verify`): a refused credential is 400 `invalid_credentials` naming the field, a platform
that cannot be reached 502 `platform_unavailable`, and nothing is written. What it returns
is stored as an OAuth connection's accounts are (shared/services/connections/store.py): the
secret sealed as the account's tokens, so health checks, disconnect, the key rotation and
the publishers treat both kinds alike.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel

from shared.errors import SokuError, ValidationError
from shared.platforms import RULES, Platform
from shared.services.connections import store
from shared.services.connections.base import NewAccount, account_id_for
from shared.services.connections.errors import ConnectError
from shared.services.connections.registry import provider_for
from shared.services.publishing.base import Tokens

log = logging.getLogger("soku.connections")


class CredentialsRefusedError(SokuError):
    status = 400
    code = "invalid_credentials"
    message = "The platform refused these credentials"


class PlatformUnavailableError(SokuError):
    status = 502
    code = "platform_unavailable"
    message = "The platform could not be reached; try again in a moment"


class ConnectionKindError(SokuError):
    status = 400
    code = "wrong_connection_kind"
    message = "This platform is connected another way"


def refused(field: str, message: str) -> CredentialsRefusedError:
    """The error a connector raises when the platform refuses one credential: names the field
    (`body.<name>`) so the caller knows which one to fix."""
    return CredentialsRefusedError(message, details=[{"field": f"body.{field}", "code": "refused",
                                                      "message": message}])


@runtime_checkable
class ManualProvider(Protocol):
    """A platform connector for credentials (the OAuth one is shared/services/connections/base.py's
    `Provider`). `revoke` answers False where the platform has nothing to revoke."""

    platform: Platform
    credentials: type[BaseModel]  # the body of POST /v1/connections/{platform}

    def verify(self, credentials: Any) -> list[NewAccount]:
        """Check the credentials against the platform; the accounts they reach, their secrets as
        `Tokens`. Raises `refused(field, message)` or ConnectError (`platform_unavailable`)."""

    def revoke(self, tokens: Tokens, data: dict[str, Any]) -> bool: ...


def is_manual(provider: object) -> bool:
    return isinstance(provider, ManualProvider)


def credentials_model(platform: Platform) -> type[BaseModel]:
    """The body `POST /v1/connections/{platform}` takes; 400 for a platform connected by OAuth,
    naming the route that connects it."""
    provider = provider_for(platform)
    if not is_manual(provider):
        name = RULES[platform].display_name
        raise ConnectionKindError(
            f"{name} accounts are connected through {name}'s consent page: "
            f"POST /v1/connections/{platform.value}/start gives the link to open",
            details={"platform": platform.value, "connection": "oauth"})
    return provider.credentials


def connect(user_id: str, platform: Platform, credentials: BaseModel | dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Verify the credentials (`credentials_model(platform)`, as the route parsed them, or a dict
    of them) with the platform, then store the accounts they reach.

    The answer's body, and whether any account is new (201) rather than updated (200)."""
    if not isinstance(credentials, BaseModel):
        credentials = credentials_model(platform).model_validate(credentials)
    provider = provider_for(platform)
    name = RULES[platform].display_name
    try:
        found = provider.verify(credentials)
    except ConnectError as error:
        if error.code == "platform_unavailable":
            raise PlatformUnavailableError(error.message, details={"platform": platform.value}) from None
        raise CredentialsRefusedError(error.message, details={"platform": platform.value}) from None
    if not found:
        raise CredentialsRefusedError(f"These credentials reach no {name} account Soku can post to")
    for account in found:
        account.account_id = account.account_id or account_id_for(platform, account.platform_user_id)
    stored = store.upsert(user_id, platform, found, [])
    log.info("connected %d %s account(s) by credentials for user %s", len(stored), platform.value, user_id)
    created = any(not account["reconnected"] for account in stored)
    return {"platform": platform.value, "accounts": stored}, created


def invalid(field: str, message: str) -> ValidationError:
    """A credential whose shape is wrong before the platform is asked (a URL on another host):
    the 400 `validation_error` naming the field."""
    return ValidationError(details=[{"field": f"body.{field}", "code": "invalid_value", "message": message}])
