"""What the Meta sandboxes (Facebook, Instagram, Threads) share: Graph's error envelope, time format
and cursor paging; the errors Graph answers about tokens, versions and objects; and the Meta app's
tokens and Facebook Login routes (Facebook Pages and Instagram)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from typing import Any, Callable
from urllib.parse import urlencode

import flask

from devstack.sandboxes import oauth
from devstack.sandboxes.core import Answer, Fault, Gate, SandboxState, answer, mint_tokens


def graph_error(status: int, code: int, message: str, *, subcode: int | None = None,
                kind: str = "OAuthException", transient: bool = False, user_title: str | None = None,
                user_msg: str | None = None, headers: dict | None = None) -> flask.Response:
    """`{"error": {message, type, code, error_subcode?, is_transient, fbtrace_id, …}}` as Graph sends it."""
    error: dict[str, Any] = {"message": message, "type": kind, "code": code, "is_transient": transient,
                             "fbtrace_id": secrets.token_urlsafe(8)}
    if subcode is not None:
        error["error_subcode"] = subcode
    if user_title:
        error["error_user_title"] = user_title
    if user_msg:
        error["error_user_msg"] = user_msg
    return flask.make_response({"error": error}, status, headers or {})


def graph_time(epoch: float) -> str:
    """Graph's timestamps: `2026-11-25T01:02:03+0000`."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(epoch))


def graph_page(items: list[dict[str, Any]], render: Callable[[dict[str, Any]], dict[str, Any]], *,
               default_limit: int = 25, max_limit: int = 100) -> dict[str, Any]:
    """One page of a cursor-paginated edge, as Graph pages it (developers.facebook.com,
    Graph API "Paginated Results": cursor-based pagination): `limit` objects (capped by the
    edge), `paging.cursors.before/after` opaque strings that point at an object, and
    `paging.next` only while there is more to read. `after` from the request resumes right
    after the object its cursor points at, so objects added meanwhile do not shift pages.
    `items` are in the edge's order (newest first); `render` makes each one's row."""
    args = flask.request.values
    limit = max(1, min(int(args.get("limit") or default_limit), max_limit))
    start = 0
    if args.get("after"):
        try:
            after_id = base64.urlsafe_b64decode(str(args["after"]).encode()).decode()
        except (ValueError, UnicodeDecodeError):
            after_id = None
        ids = [str(item["id"]) for item in items]
        if after_id not in ids:
            return graph_error(400, 100, "(#100) Invalid cursor: the object it pointed at is gone")
        start = ids.index(after_id) + 1
    page = items[start:start + limit]
    body: dict[str, Any] = {"data": [render(item) for item in page]}
    if page:
        body["paging"] = {"cursors": {"before": _cursor(page[0]), "after": _cursor(page[-1])}}
        if start + limit < len(items):
            query = {k: v for k, v in flask.request.args.items() if k != "before"}
            query["after"] = _cursor(page[-1])
            body["paging"]["next"] = f"{flask.request.base_url}?{urlencode(query)}"
    return body


def _cursor(item: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(str(item["id"]).encode()).decode()


# -- the errors Graph answers about tokens, versions and objects -------------------------------
RATE_MESSAGES = {
    4: "(#4) Application request limit reached",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    613: "(#613) Calls to this api have exceeded the rate limit.",
}
_VERSION = re.compile(r"^v\d+\.\d+$")


def expired_error() -> flask.Response:
    now = time.strftime("%A, %d-%b-%y %H:%M:%S PDT", time.gmtime())
    return graph_error(400, 190, f"Error validating access token: Session has expired on {now}. "
                                 f"The current time is {now}.", subcode=463)


def revoked_error() -> flask.Response:
    return graph_error(400, 190, "Error validating access token: The session has been invalidated because "
                                 "the user changed their password or Facebook has changed the session for "
                                 "security reasons.", subcode=460)


def server_error() -> flask.Response:
    return graph_error(500, 2, "An unexpected error has occurred. Please retry your request later.", transient=True)


def unknown_object(node: str, verb: str = "get") -> flask.Response:
    return graph_error(400, 100, f"Unsupported {verb} request. Object with ID '{node}' does not exist, cannot be "
                                 "loaded due to missing permissions, or does not support this operation.",
                       kind="GraphMethodException", subcode=33)


def permission_error() -> flask.Response:
    """A token without the permission a call needs (developers.facebook.com/docs/graph-api/guides/
    error-handling: code 200-299 "API permission"; deleting needs pages_manage_posts / threads_delete)."""
    return graph_error(403, 200, "(#200) The user hasn't authorized the application to perform this action",
                       kind="OAuthException")


def bad_version(version: str) -> flask.Response | None:
    """A path whose first part is no Graph version (`v23.0`)."""
    if _VERSION.match(version):
        return None
    return graph_error(400, 2500, f"Unknown path components: /{version}", kind="OAuthException")


def rate_limited(fault: Fault, *, default_code: int, usage_type: str,
                 messages: dict[int, str] = RATE_MESSAGES) -> flask.Response:
    """A `rate_limit` fault as Graph answers it: the code (`params.code`), its message, and the
    `X-Business-Use-Case-Usage` header with `estimated_time_to_regain_access` (minutes,
    `params.regain_in_minutes`), keyed by the Page in the path (else "0"). Code 368 (abusive,
    where `messages` has it) is not transient and carries subcode 1390008."""
    code = int(fault.params.get("code", default_code))
    minutes = int(fault.params.get("regain_in_minutes", 1))
    usage = {flask.request.view_args.get("page") or "0": [{
        "type": usage_type, "call_count": 100, "total_cputime": 12, "total_time": 20,
        "estimated_time_to_regain_access": minutes}]}
    abusive = code == 368 and code in messages
    return graph_error(400, code, messages.get(code, RATE_MESSAGES[4]), subcode=1390008 if abusive else None,
                       transient=not abusive, headers={"X-Business-Use-Case-Usage": json.dumps(usage)})


def fault_answers(*, default_rate_code: int, usage_type: str,
                  rate_messages: dict[int, str] = RATE_MESSAGES) -> dict[str, Answer]:
    """The answers to the common fault kinds both Graph sandboxes (Facebook, Instagram) share."""
    return {"rate_limit": lambda fault, op: rate_limited(fault, default_code=default_rate_code, usage_type=usage_type,
                                                         messages=rate_messages),
            "server_error": answer(server_error), "expired_token": answer(expired_error),
            "revoked": answer(revoked_error)}


def params() -> dict[str, Any]:
    """A Graph call's parameters, wherever they came (query, form, JSON), without the token."""
    values: dict[str, Any] = flask.request.args.to_dict()
    values.update(flask.request.form.to_dict())
    body = flask.request.get_json(silent=True)
    if isinstance(body, dict):
        values.update(body)
    values.pop("access_token", None)
    return values


# -- Facebook Login and the app's tokens (Facebook Pages, Instagram) ---------------------------
def sign_request(app_secret: str, payload: dict[str, Any]) -> str:
    """A `signed_request` as Meta makes it for the Deauthorize and Data Deletion callbacks:
    base64url (no padding) of the JSON payload, HMAC-SHA256 of that text with the app secret,
    `<signature>.<payload>` (developers.facebook.com/docs/development/create-an-app/app-dashboard/
    data-deletion-callback)."""
    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    body = b64(json.dumps({"algorithm": "HMAC-SHA256", **payload}, separators=(",", ":")).encode())
    return f"{b64(hmac.new(app_secret.encode(), body.encode(), hashlib.sha256).digest())}.{body}"


class MetaApp:
    """One Meta app's tokens and its Facebook Login routes, as the Facebook and Instagram sandboxes
    share them.

    A Page (or Instagram account) token is the sandbox access token `sbx-at.<platform>.<subject>…`;
    the long-lived *user* token it derives from is `sbx-rt.<platform>.<user>…`. A subclass says which
    Pages a user who went through the connect flow manages (`new_pages`) and which of them are token
    subjects (`subjects`)."""

    PAGE_TOKEN_LIFETIME = 60 * 86400  # Page tokens "don't expire"; sandbox tokens need an epoch
    USER_TOKEN_LIFETIME = 60 * 86400

    def __init__(self, state: SandboxState, platform: str, app_id: str, app_secret: str, *,
                 token_in_form: bool = False, exchange_page_tokens: bool = False) -> None:
        self.state, self.platform, self.app_id, self.app_secret = state, platform, app_id, app_secret
        self.token_in_form = token_in_form  # the access_token may come as a form field too
        self.exchange_page_tokens = exchange_page_tokens  # fb_exchange_token takes a Page token too

    def new_pages(self, user: str, count: int) -> list[dict[str, Any]]:
        raise NotImplementedError

    def subjects(self, pages: list[dict[str, Any]]) -> list[str]:
        raise NotImplementedError

    # -- tokens ---------------------------------------------------------------------------
    def raw_token(self) -> str | None:
        header = flask.request.headers.get("Authorization")
        if header:
            return header.split(" ", 1)[-1].strip()
        token = flask.request.args.get("access_token")
        return token or (flask.request.form.get("access_token") if self.token_in_form else None)

    def auth_error(self, token: str | None) -> flask.Response:
        if not token:
            return graph_error(400, 104, "An access token is required to request this resource.")
        parts = token.split(".")
        if len(parts) not in (4, 5) or parts[0] not in ("sbx-at", "sbx-rt") or parts[1] != self.platform:
            return graph_error(400, 190, "Invalid OAuth access token - Cannot parse access token")
        if (self.platform, parts[2]) in self.state.revoked:
            return revoked_error()
        return expired_error()

    def page_subject(self) -> str | None:
        """The Page (or Instagram account) the access token acts for."""
        token = self.raw_token()
        return self.state.subject_of(self.platform, f"OAuth {token}") if token else None

    def user_subject(self, token: str | None = None) -> str | None:
        token = token or self.raw_token()
        parts = (token or "").split(".")
        if len(parts) != 4 or parts[0] != "sbx-rt" or parts[1] != self.platform:
            return None
        if (self.platform, parts[2]) in self.state.revoked or token in self.state.used_refresh:
            return None
        return parts[2]

    def user(self) -> tuple[str | None, flask.Response | None]:
        """(the user of a valid user token, None), else (None, Graph's refusal)."""
        who = self.user_subject()
        return (who, None) if who is not None else (None, self.auth_error(self.raw_token()))

    def user_checks(self, gate: Gate, operation: str, **overrides: Answer):
        """A fault injected for `operation`, then the user token: (fault, user, refusal)."""
        fault, faulted = gate.fault(operation, **overrides)
        if faulted is not None:
            return fault, None, faulted
        return (fault, *self.user())

    def page_token(self, subject: str) -> str:
        return mint_tokens(self.platform, subject, self.PAGE_TOKEN_LIFETIME)[0]

    def managed_pages(self, user: str | None) -> list[dict[str, Any]]:
        with self.state.lock:
            return list(self.state.oauth["pages"].get((self.platform, user), []))

    def find_post(self, post_id: str) -> dict[str, Any] | None:
        return next((p for p in self.state.posts if p["platform"] == self.platform and p["id"] == post_id), None)

    def signed_request(self, user: str, **extra: Any) -> str:
        """What Meta posts to the app's Deauthorize / Data Deletion callbacks when `user` (the
        app-scoped id `/me` answers) removes the app or asks for their data to be deleted."""
        now = int(time.time())
        return sign_request(self.app_secret, {"issued_at": now, "expires": now + 3600, "user_id": user, **extra})

    def user_token(self, user: str) -> str:
        return f"sbx-rt.{self.platform}.{user}.{secrets.token_hex(6)}"

    # -- the connect flow -----------------------------------------------------------------
    def client_refused(self, args) -> flask.Response | None:
        if args.get("client_id") != self.app_id:
            return graph_error(400, 101, "Error validating application. Invalid application ID.")
        if args.get("client_secret") != self.app_secret:
            return graph_error(400, 1, "Error validating client secret.")
        return None

    def exchange_code(self, args) -> flask.Response | dict:
        """The code grant: a user token; the user now manages `sandbox_pages` Pages (default 2)."""
        if (refused := self.client_refused(args)) is not None:
            return refused
        grant, why = oauth.redeem(self.state, self.platform, args.get("code"), client_id=args.get("client_id"),
                                  redirect_uri=args.get("redirect_uri"), code_verifier=args.get("code_verifier"))
        if grant is None:
            return graph_error(400, 100, f"Error validating verification code. {why}", subcode=36007)
        user = grant["subject"]
        pages = self.new_pages(user, int(grant["options"].get("sandbox_pages") or 2))
        with self.state.lock:
            self.state.oauth["pages"][(self.platform, user)] = pages
            for subject in self.subjects(pages):
                self.state.revoked.discard((self.platform, subject))
        return {"access_token": self.user_token(user), "token_type": "bearer", "expires_in": 3600}

    def exchange(self, args) -> flask.Response | dict:
        """`grant_type=fb_exchange_token`: a fresh long-lived user token; Facebook does not
        invalidate the old one."""
        if args.get("grant_type") != "fb_exchange_token":
            return graph_error(400, 100, "Invalid grant_type", kind="OAuthException")
        if (refused := self.client_refused(args)) is not None:
            return refused
        token = args.get("fb_exchange_token")
        subject = self.user_subject(token)
        if subject is None and self.exchange_page_tokens:
            subject = self.state.subject_of(self.platform, f"OAuth {token}" if token else None)
        if subject is None:
            return self.auth_error(token)
        return {"access_token": self.user_token(subject), "token_type": "bearer",
                "expires_in": self.USER_TOKEN_LIFETIME}

    def register_login(self, bp: flask.Blueprint, gate: Gate) -> None:
        """Facebook Login's routes: the dialog (devstack/sandboxes/oauth.py), the token endpoint
        (code grant and fb_exchange_token), `GET /me` and `DELETE /me/permissions` (revokes the
        user and the Pages' subjects)."""

        @bp.get("/web/<version>/dialog/oauth")
        def dialog(version: str):
            return oauth.consent(self.state, self.platform, self.app_id, pkce="optional")

        @bp.get("/<version>/oauth/access_token")
        def access_token(version: str):
            if (bad := bad_version(version)) is not None:
                return bad
            _, faulted = gate.fault("token")
            if faulted is not None:
                return faulted
            args = flask.request.args
            if args.get("code") and not args.get("grant_type"):
                return self.exchange_code(args)
            return self.exchange(args)

        @bp.get("/<version>/me")
        def me(version: str):
            who, refused = self.user()
            if refused is not None:
                return refused
            return {"id": who, "name": f"Sandbox user {who}"}

        @bp.delete("/<version>/me/permissions")
        def revoke_permissions(version: str):
            who, refused = self.user()
            if refused is not None:
                return refused
            oauth.revoke(self.state, self.platform, who, also=tuple(self.subjects(self.managed_pages(who))))
            return {"success": True}


def accounts_page(rows: list[dict[str, Any]], wanted: set[str]) -> dict[str, Any]:
    """`GET /me/accounts`: the Pages (one page of them), each with the fields asked for."""
    return {"data": [{k: v for k, v in row.items() if k in wanted} for row in rows],
            "paging": {"cursors": {"before": "MAZDZD", "after": "MAZDZD"}}}
