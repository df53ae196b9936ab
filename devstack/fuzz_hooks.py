"""Schemathesis hooks for `make fuzz` (devstack/fuzz.py loads them with SCHEMATHESIS_HOOKS).

Python 3.11's `ast` module keeps one recursion counter per interpreter, not per thread
(CPython gh-106905), so two workers parsing source at once (Hypothesis describes its
filters' lambdas by parsing their module) can fail with "SystemError: AST constructor
recursion depth mismatch", reported as a schemathesis error. One parse at a time avoids it.
"""

from __future__ import annotations

import ast
import threading

_lock = threading.Lock()
_parse = ast.parse


def _serialized_parse(*args, **kwargs):
    with _lock:
        return _parse(*args, **kwargs)


if getattr(ast.parse, "__name__", "") != "_serialized_parse":
    ast.parse = _serialized_parse


# TikTok signs its webhooks (TikTok-Signature: t=<time>,s=HMAC-SHA256(client secret, "<t>.<body>")),
# and an unsigned one is 401 before its body is read. The fuzzer is given the local stack's
# TikTok app secret (SOKU_FUZZ_TIKTOK_SECRET) and signs each positive case's JSON object body
# the way schemathesis sends it, so POST /webhooks/tiktok's handler is fuzzed; negative cases
# and other bodies go unsigned (their 401 is the route's answer to them).
TIKTOK_OPERATION = "POST /webhooks/tiktok"


def _json_bytes(body) -> bytes | None:
    """The bytes schemathesis's requests transport sends for a JSON object body."""
    import json

    if not isinstance(body, dict):
        return None
    try:
        return json.dumps(body, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError):
        return None


def tiktok_signature(secret: str, raw: bytes, stamp: int) -> str:
    import hashlib
    import hmac

    return f"t={stamp},s={hmac.new(secret.encode(), str(stamp).encode() + b'.' + raw, hashlib.sha256).hexdigest()}"


def _register() -> None:
    import os
    import time

    import schemathesis

    secret = os.environ.get("SOKU_FUZZ_TIKTOK_SECRET")
    if not secret:
        return

    @schemathesis.hook
    def before_call(context, case, kwargs):  # noqa: ANN001 - schemathesis's hook signature
        if case.operation.label != TIKTOK_OPERATION:
            return
        meta = case._meta
        if meta is not None and meta.generation.mode.is_negative:
            return
        raw = _json_bytes(case.body)
        if raw is None:
            return
        case.headers = {**(case.headers or {}), "TikTok-Signature": tiktok_signature(secret, raw, int(time.time()))}


def _empty_form_length(case, kwargs) -> None:
    """A form body that encodes to nothing (`{"k": {}}`) leaves requests sending a POST with neither
    Content-Length nor Transfer-Encoding; the Firebase CLI's Hosting emulator then fails to proxy it
    (`[PROXY ERROR] Failed to make request`, a 500 of its own: the function never sees it). Clients
    send `Content-Length: 0`; so does the fuzzer."""
    if case.media_type != "application/x-www-form-urlencoded" or not isinstance(case.body, dict):
        return
    from requests.models import RequestEncodingMixin

    if RequestEncodingMixin._encode_params(case.body) == "":
        case.headers = {**(case.headers or {}), "Content-Length": "0"}


def _register_form_fix() -> None:
    import schemathesis

    @schemathesis.hook("before_call")
    def empty_form_length(context, case, kwargs):  # noqa: ANN001
        _empty_form_length(case, kwargs)


try:
    _register_form_fix()
    _register()
except ImportError:  # imported outside schemathesis (tests)
    pass
