"""The platform side of the connect flow, shared by every sandbox: a consent page
that consents at once, single-use authorization codes, PKCE, revocation.

`consent()` serves a platform's authorize URL: it checks the client id and the
`redirect_uri`, then redirects straight back to `redirect_uri` with `code` and
`state`, as if the user had clicked "Allow". A test (or you, in a browser)
steers it with parameters appended to the authorize URL:

- `sandbox_user=<id>`: who consents (the platform user / token subject;
  default `demo`), so a test can connect an account of its own;
- `sandbox_deny=1`: the user says no: `error=access_denied` goes back instead
  (a fault `(platform, "authorize")` of kind `denied` does the same);
- `sandbox_pages=<n>` (Facebook, Instagram): how many Pages the user manages.

`redeem()` is the authorization-code grant of each platform's token endpoint:
a code works once, for 10 minutes, only with the client id and redirect_uri it
was issued for, and when its authorization request carried a PKCE challenge
(required on X; taken on Google, Meta and Snap) only with the verifier whose
S256 hash was the challenge. Redeeming a code grants the subject again if it had been revoked.
`revoke()` records the revocation (`GET /__sandbox/oauth/revocations`) and
makes every token of the subject invalid.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time
from typing import Any
from urllib.parse import urlencode

import flask
from markupsafe import escape

from devstack.sandboxes.core import SandboxState

CODE_TTL_S = 600
DEFAULT_SUBJECT = "demo"
_SUBJECT = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _with_query(url: str, params: dict[str, Any]) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode({k: v for k, v in params.items() if v is not None})}"


def _page(status: int, title: str, message: str) -> flask.Response:
    body = f"<html><body><h1>{escape(title)}</h1><p>{escape(message)}</p></body></html>"
    return flask.make_response(body, status, {"Content-Type": "text/html; charset=utf-8"})


def consent(state: SandboxState, platform: str, expected_client_id: str, *, client_param: str = "client_id",
            pkce: str = "none") -> flask.Response:
    """The authorize endpoint: an error page for a bad client, else a redirect with a code.

    `pkce` is what the real platform does with PKCE on its web flow: `required` (X: no
    code without an S256 challenge), `optional` (Google, Meta, Snap, TikTok: a challenge, when
    sent, binds the code to its verifier) or `none` (LinkedIn's web flow, Threads': the
    parameters are not part of the flow and are ignored)."""
    args = flask.request.args
    if args.get(client_param) != expected_client_id:
        return _page(400, "Invalid client", f"{client_param} {args.get(client_param)!r} is not a registered app")
    redirect_uri = args.get("redirect_uri") or ""
    if not redirect_uri.startswith(("http://", "https://")):
        return _page(400, "Invalid redirect_uri", "redirect_uri must be an absolute http(s) URL")
    if args.get("response_type", "code") != "code":
        return _page(400, "Unsupported response_type", "Only response_type=code is supported")
    fault = state.take_fault(platform, "authorize")
    if args.get("sandbox_deny") or (fault is not None and fault.kind == "denied"):
        return flask.redirect(_with_query(redirect_uri, {
            "error": "access_denied", "error_description": "The user denied your request", "state": args.get("state")}))
    subject = args.get("sandbox_user") or DEFAULT_SUBJECT
    if not _SUBJECT.match(subject):
        return _page(400, "Invalid sandbox_user", "sandbox_user is 1-64 of A-Z a-z 0-9 _ -")
    challenge = args.get("code_challenge") if pkce in ("required", "optional") else None
    if pkce == "required" and not challenge:
        return _page(400, "PKCE required", "code_challenge with code_challenge_method=S256 is required")
    if challenge and args.get("code_challenge_method") != "S256":
        return _page(400, "Unsupported code_challenge_method", "code_challenge_method must be S256")
    code = secrets.token_urlsafe(24)
    with state.lock:
        state.oauth["codes"][code] = {
            "platform": platform, "subject": subject, "clientId": expected_client_id, "redirectUri": redirect_uri,
            "challenge": challenge, "scope": args.get("scope") or "", "expires": time.time() + CODE_TTL_S,
            "options": {k: v for k, v in args.items() if k.startswith("sandbox_")}}
    return flask.redirect(_with_query(redirect_uri, {"code": code, "state": args.get("state")}))


def redeem(state: SandboxState, platform: str, code: str | None, *, client_id: str | None,
           redirect_uri: str | None, code_verifier: str | None = None) -> tuple[dict | None, str | None]:
    """(the code's grant, None) or (None, why it is refused)."""
    with state.lock:
        entry = state.oauth["codes"].pop(code or "", None)  # single use, even when refused below
    if entry is None or entry["platform"] != platform:
        return None, "The authorization code is invalid or was already used"
    if time.time() > entry["expires"]:
        return None, "The authorization code has expired"
    if client_id != entry["clientId"]:
        return None, "The authorization code was issued to another client"
    if redirect_uri != entry["redirectUri"]:
        return None, "redirect_uri does not match the one of the authorization request"
    if entry["challenge"]:
        digest = base64.urlsafe_b64encode(hashlib.sha256((code_verifier or "").encode()).digest()).rstrip(b"=")
        if not code_verifier or digest.decode() != entry["challenge"]:
            return None, "code_verifier does not match the code_challenge"
    with state.lock:
        state.revoked.discard((platform, entry["subject"]))  # a new grant
    return entry, None


def revoke(state: SandboxState, platform: str, subject: str, *, also: tuple[str, ...] = ()) -> None:
    """The grant is gone: every token of `subject` (and of `also`, e.g. its Pages) stops working."""
    with state.lock:
        for who in (subject, *also):
            state.revoked.add((platform, who))
        state.oauth["revocations"].append({"platform": platform, "subject": subject, "also": list(also),
                                           "at": time.time()})


def subject_of_token(platform: str, token: str | None) -> str | None:
    """The subject of any sandbox token of this platform (access or refresh), valid or not."""
    parts = (token or "").split(".")
    if len(parts) in (4, 5) and parts[0] in ("sbx-at", "sbx-rt") and parts[1] == platform:
        return parts[2]
    return None
