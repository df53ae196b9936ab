"""What the connector and the publisher share of the Bot API: its URLs and its answers.

"All queries to the Telegram Bot API must be served over HTTPS and need to be presented in this
form: https://api.telegram.org/bot<token>/METHOD_NAME" (core.telegram.org/bots/api#making-requests).
Every answer is one envelope: "a JSON object, which always has a Boolean field 'ok' and may have an
optional String field 'description' ... If 'ok' equals True, the request was successful and the
result of the query can be found in the 'result' field. In case of an unsuccessful request, 'ok'
equals false and the error is explained in the 'description'. An Integer 'error_code' field is also
returned ... Some errors may also have an optional field 'parameters' of the type
ResponseParameters" (`retry_after`, `migrate_to_chat_id`: #responseparameters).

The token is in the URL's path, and httpx logs every request's URL at INFO: the shared log filter
(shared/adapters/log_redaction.py) replaces it with `bot[redacted]` in every record and
traceback; `redact` does the same for the words of an error Soku shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from shared.adapters.log_redaction import redact as redact_secrets
from shared.config import get_settings

# A token as @BotFather issues it: "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11" (#authorizing-your-bot),
# the bot's id, a colon, a secret.
TOKEN_SHAPE = r"\d{1,20}:[A-Za-z0-9_-]{20,100}"


def api_url(token: str, method: str) -> str:
    return f"{get_settings().platform_hosts['telegram_api']}/bot{token}/{method}"


def bot_id(token: str) -> str:
    """The bot's id, which the token starts with (the part before the colon)."""
    return token.split(":", 1)[0]


@dataclass(frozen=True)
class Answer:
    """One Bot API answer, read from its envelope."""

    ok: bool
    result: Any = None
    error_code: int | None = None
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)


def read(response: httpx.Response) -> Answer | None:
    """The envelope of `response`; None when the body is not one (a proxy's page, an empty body)."""
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("ok"), bool):
        return None
    parameters = body.get("parameters") if isinstance(body.get("parameters"), dict) else {}
    code = body.get("error_code")
    return Answer(body["ok"], body.get("result"), code if isinstance(code, int) else None,
                  str(body.get("description") or ""), parameters)


def retry_after(answer: Answer) -> float | None:
    """`parameters.retry_after`: "the number of seconds left to wait before the request can be
    repeated" (#responseparameters)."""
    value = answer.parameters.get("retry_after")
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def redact(text: str) -> str:
    """Telegram's words with any bot token in them removed (the shared log filter's rules)."""
    return redact_secrets(text)
