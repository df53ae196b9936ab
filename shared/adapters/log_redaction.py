"""Keep OAuth secrets out of log lines.

Some platform calls must carry a secret in the URL (Meta's and Threads' token
exchanges take `client_secret`, `code`, `fb_exchange_token` or `access_token` as
query parameters), httpx logs every request's full URL at INFO, and the connect
flow's own pages are reached with secrets in their query (the callback's `code`
and `state`, the begin link's `flow`). This filter,
installed on the HTTP clients' loggers and on the root handler
(structured_logs.configure), replaces the values of such parameters with
`[redacted]` in the message and in the traceback before any handler formats the
record. Our own code never logs a token on purpose; this guards the libraries
underneath and URLs that callers hand us.
"""

from __future__ import annotations

import logging
import re

# Query / form parameter names whose values are credentials. `state` and `flow` are the connect
# flow's: the state a platform sends back to /oauth/{platform}/callback next to the code, and the
# one-time begin link's token (/oauth/{platform}/begin?flow=…); neither may reach a log.
SECRET_PARAMS = ("access_token", "refresh_token", "client_secret", "code", "code_verifier", "token",
                 "fb_exchange_token", "input_token", "id_token", "assertion", "state", "flow")
# A value already redacted is left alone (redacting twice changes nothing).
_PATTERN = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(SECRET_PARAMS) + r")="
                      r"(?!\[redacted\](?:[&\s\"'#\\]|$))([^&\s\"'#]+)")
# Secrets some platforms put in the URL's path: Telegram's bot token (`/bot<token>/sendMessage`,
# core.telegram.org/bots/api#making-requests) and a Discord webhook's token
# (`/api/v10/webhooks/<id>/<token>`, discord.com/developers/docs/resources/webhook).
_PATH_SECRETS = (
    (re.compile(r"(/bot)(?!\[redacted\])\d+:[A-Za-z0-9_-]+"), r"\1[redacted]"),
    (re.compile(r"(/webhooks/\d+/)(?!\[redacted\])[A-Za-z0-9_.-]+"), r"\1[redacted]"),
)
LOGGERS = ("httpx", "httpcore", "urllib3.connectionpool", "werkzeug")


def redact(text: str) -> str:
    text = _PATTERN.sub(r"\1=[redacted]", text)
    for pattern, replacement in _PATH_SECRETS:
        text = pattern.sub(replacement, text)
    return text


class SecretParamsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a record that cannot format is left to its handler
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        # An exception's text may quote a URL too (httpx errors do): format it once, redacted.
        if record.exc_info and not record.exc_text:
            record.exc_text = _FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FORMATTER = logging.Formatter()
FILTER = SecretParamsFilter()


def install() -> None:
    """Idempotent; cheap enough to run at import time (no I/O)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if FILTER not in logger.filters:
            logger.addFilter(FILTER)
