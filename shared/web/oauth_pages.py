"""The public connect-flow pages: `/oauth/{platform}/begin` and `/oauth/{platform}/callback`.

The begin page (the `authorizeUrl` that start returns) names the Soku account the
platform account will join. Its Continue button (a POST carrying an anti-CSRF
field bound to a cookie the page set) binds the flow to this browser: a fresh
random secret in an HttpOnly, SameSite=Lax cookie (`__session`, the one name
Firebase Hosting passes on; Secure on https), whose hash goes on the flow record; then it redirects to the platform.
The platform sends the browser back to the callback, which links accounts only
when that cookie matches (see state.py).

A browser lands here, not an API client, so the answer is a redirect to the web
app (`SOKU_OAUTH_RETURN_URL?status=connected&platform=x&accounts=x_1` or
`…?status=error&platform=x&error=<code>&message=…`) or, without one configured,
a small HTML page saying what happened. Like the media downloads it does not go
through `Api.handle` (no API key, no JSON): the state's MAC is checked before
any I/O, so forged requests cost nothing.

These pages are the web layer's: they hold the HTTP (paths, cookies, the form, HTML
and redirects) and call the connect flow's service, shared/services/connections/flow.py.
"""

from __future__ import annotations

import hmac
import logging
import re
from urllib.parse import urlsplit

from flask import Request, Response
from markupsafe import escape

from shared.config import ConfigurationError, get_settings
from shared.errors import MethodNotAllowedError, MisconfiguredError, NotFoundError, SokuError
from shared.platforms import ALIASES, RULES
from shared.services.connections import flow
from shared.services.connections import state as states
from shared.services.connections.base import with_query
from shared.services.connections.errors import ConnectError
from shared.web import routes
from shared.web.request_context import bind, request_id_for
from shared.web.responses import error_response, finish

log = logging.getLogger("soku.connections")

PATH = re.compile(r"^/oauth/(?P<platform>[a-z_]{1,32})/(?P<step>callback|begin)/?$")
ALLOWED = {"callback": ("GET", "HEAD"), "begin": ("GET", "HEAD", "POST")}
# Firebase Hosting strips every cookie but `__session` from requests it forwards to a
# function (firebase.google.com/docs/hosting/manage-cache#using_cookies), so the flows'
# secrets share that one name: `<flowId>.<secret>` entries joined by `~`, scoped to
# `/oauth/<platform>/` (a web app's own `__session` at `/` is left alone; both arrive).
COOKIE = "__session"
MAX_ENTRIES = 4
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{title}</title><style>body{{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:4rem auto;
padding:0 1rem;color:#222}}h1{{font-size:1.4rem}}code{{background:#f3f3f3;padding:0 .3em}}
.who{{border:1px solid #ddd;border-radius:6px;padding:.8rem 1rem}}button{{font:inherit;padding:.4rem 1rem;
margin-right:.5rem}}</style></head>
<body><h1>{title}</h1><p>{message}</p>{extra}{footer}</body></html>
"""
CLOSE = "<p>You can close this window.</p>"


def handle(request: Request) -> Response:
    request_id = request_id_for(request)
    with bind(request, request_id):
        try:
            return _handle(request, request_id)
        except ConfigurationError as exc:  # 503 naming the setting, as the API pipeline answers
            log.error("oauth page %s cannot be served: %s", request.path, exc)
            return finish(error_response(MisconfiguredError.of(exc), request_id), request_id)


def _handle(request: Request, request_id: str) -> Response:
    try:
        match = PATH.match(request.path)
        platform = ALIASES.get(match["platform"]) if match else None
        if match is None or platform is None:
            raise NotFoundError(f"No route for {request.method} {request.path}")
        allowed = ALLOWED[match["step"]]
        if request.method not in allowed:
            allow = ", ".join(m for m in allowed if m != "HEAD")
            raise MethodNotAllowedError(f"Method {request.method} is not allowed on {request.path}; allowed: {allow}",
                                        headers={"Allow": allow})
    except SokuError as error:
        return finish(error_response(error, request_id), request_id)
    if match["step"] == "begin":
        return finish(_begin(request, match["platform"]), request_id)
    return finish(_callback(request, match["platform"], request_id), request_id)


# -- the callback -------------------------------------------------------------------------
def _callback(request: Request, platform: str, request_id: str) -> Response:
    flow_id = None
    try:
        exact = ALIASES[platform]
        if exact.value != platform:
            raise ConnectError("invalid_state", "This is not a connection link Soku made.")
        flow_id = flow.flow_of(exact, request.args)
        connected = flow.complete(platform, request.args, _entries(request).get(flow_id))
    except ConnectError as error:
        log.info("oauth callback for %s refused: %s", platform, error.code)
        response = _failure(platform, error)
        if flow_id and error.code != "browser_mismatch":
            _forget(response, request, flow_id)
        return response
    except Exception:  # noqa: BLE001 - a page, not a stack trace; details go to the log
        log.exception("oauth callback for %s failed (request %s)", platform, request_id)
        error = ConnectError("internal_error", "Soku could not finish connecting the account. Try again.")
        return _failure(platform, error)
    return _forget(_success(connected), request, flow_id)


# -- the begin page -------------------------------------------------------------------------
def _begin(request: Request, platform_value: str) -> Response:
    """`GET` shows whose Soku account the connection joins, with a Continue and a Cancel
    button; `POST` (the button, with the page's anti-CSRF field) binds the flow to this
    browser with a cookie and sends it to the platform, or cancels the flow."""
    token = request.args.get("flow")
    try:
        platform = ALIASES[platform_value]
        if platform.value != platform_value:
            raise ConnectError("invalid_link", "This connection link is invalid. Start connecting again.")
        flow_id, _ = states.split_begin_token(token)
        if request.method == "POST":
            return _confirm(request, platform, token, flow_id)
        pending = flow.pending(platform, token)
    except ConnectError as error:
        log.info("oauth begin for %s refused: %s", platform_value, error.code)
        return _failure(platform_value, error)
    # The form's field is bound to a random value in this browser's cookie (double submit):
    # another site cannot post the form for a visitor, nor read the value.
    nonce = _entries(request).get(flow_id) or states.new_secret()
    display = RULES[platform].display_name
    who = "".join(f"<strong>{escape(v)}</strong><br>" if i == 0 else f"{escape(v)}<br>"
                  for i, v in enumerate(v for v in (pending.display_name, pending.email) if v)) \
        or f"Soku user <code>{escape(pending.user_id)}</code>"
    # Which kind of account, where the start chose one (Instagram without a Facebook Page).
    kind = f"<p>Kind of account: <strong>{escape(pending.account_type)}</strong></p>" if pending.account_type else ""
    extra = (f'<p class="who">{who}</p>{kind}'
             f"<p>Whoever uses that Soku account will be able to post as the {escape(display)} account you "
             "allow next. Continue only if you started this yourself, just now. If someone sent you this link, "
             "cancel.</p>"
             f'<form method="post"><input type="hidden" name="csrf" value="{states.csrf_token(flow_id, nonce)}">'
             f'<button name="decision" value="continue">Continue to {escape(display)}</button>'
             '<button name="decision" value="cancel">Cancel</button></form>')
    response = _page(200, f"Connect a {display} account to Soku",
                     f"The {display} account you sign in to next will be connected to this Soku account:",
                     extra, footer="")
    return _cookie(response, request, platform.value, flow_id, nonce)


def _confirm(request: Request, platform, token: str, flow_id: str) -> Response:
    flow.pending(platform, token)  # a used or cancelled link says so, whatever was posted
    nonce = _entries(request).get(flow_id) or ""
    sent = request.form.get("csrf") or ""
    cross_site = request.headers.get("Sec-Fetch-Site") == "cross-site"
    if cross_site or not nonce or not hmac.compare_digest(sent, states.csrf_token(flow_id, nonce)):
        raise ConnectError("confirmation_failed", "This confirmation did not come from the page Soku showed in "
                           "this browser. Open the connection link again.", platform=platform.value)
    if request.form.get("decision") == "cancel":
        flow.cancel(platform, token)
        response = _failure(platform.value, ConnectError(
            "cancelled", "Nothing was connected, and the link no longer works.", platform=platform.value),
            title="Connection cancelled", status=200)
        return _cookie(response, request, platform.value, flow_id, None)
    browser_secret = states.new_secret()
    state, authorize_url = flow.proceed(platform, token, browser_secret)
    response = _secure(Response(status=303))  # after a POST: the browser GETs the platform's page
    response.headers["Location"] = authorize_url
    return _cookie(response, request, platform.value, flow_id, browser_secret)


def _entries(request: Request) -> dict[str, str]:
    """This browser's flow secrets, by flow id, from every `__session` cookie it sent."""
    found: dict[str, str] = {}
    for value in request.cookies.getlist(COOKIE):
        for entry in value.split("~"):
            flow_id, _, secret = entry.partition(".")
            if states.FLOW_ID.match(flow_id) and states.SECRET.match(secret):
                found.setdefault(flow_id, secret)
    return found


def _cookie(response: Response, request: Request, platform: str, flow_id: str, secret: str | None) -> Response:
    """Set (or, None, drop) this flow's entry in the cookie: HttpOnly, SameSite=Lax (a
    top-level redirect from the platform carries it, another site's form post does not),
    Secure on https, scoped to `/oauth/<platform>/` under the root this browser reaches
    Soku at (Hosting, or the api function's URL), where the begin page and the callback live.
    Other flows' entries stay (the newest few), so two tabs can connect at once."""
    entries = {k: v for k, v in _entries(request).items() if k != flow_id}
    if secret is not None:
        entries[flow_id] = secret
    kept = list(entries.items())[-MAX_ENTRIES:]
    root = urlsplit(routes.public_root(request)).path.rstrip("/")
    https = (request.is_secure or request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip() == "https"
             or get_settings().oauth_redirect_base.startswith("https://"))
    response.set_cookie(COOKIE, "~".join(f"{k}.{v}" for k, v in kept), max_age=get_settings().oauth_state_ttl_s
                        if kept else 0, path=f"{root}/oauth/{platform}/", secure=https, httponly=True,
                        samesite="Lax")
    return response


def _forget(response: Response, request: Request, flow_id: str | None) -> Response:
    """The flow is over: its entry goes from the cookie."""
    if flow_id and flow_id in _entries(request):
        match = PATH.match(request.path)
        _cookie(response, request, match["platform"] if match else "", flow_id, None)
    return response


def _secure(response: Response) -> Response:
    # The page needs no scripts and must not leak the callback URL (its code) or the begin
    # link to anyone; nobody may frame it (a framed Continue button could be clickjacked).
    response.headers["Content-Security-Policy"] = ("default-src 'none'; style-src 'unsafe-inline'; "
                                                   "frame-ancestors 'none'")
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _redirect(params: dict) -> Response:
    response = Response(status=302)
    response.headers["Location"] = with_query(get_settings().oauth_return_url, params)
    return _secure(response)


def _page(status: int, title: str, message: str, extra: str = "", footer: str = CLOSE) -> Response:
    body = PAGE.format(title=escape(title), message=escape(message), extra=extra, footer=footer)
    return _secure(Response(body, status=status, mimetype="text/html"))


def _success(connected: flow.Connected) -> Response:
    ids = [a["accountId"] for a in connected.accounts]
    if get_settings().oauth_return_url:
        return _redirect({"status": "connected", "platform": connected.platform.value, "accounts": ",".join(ids)})
    name = RULES[connected.platform].display_name
    items = "".join(f"<li>{escape(a['displayName'] or a['accountId'])}: <code>{escape(a['accountId'])}</code></li>"
                    for a in connected.accounts)
    return _page(200, f"{name} connected",
                 f"Soku can now post to {len(ids)} {name} account{'s' if len(ids) != 1 else ''}. "
                 "Use the accountId below in post.content.platform.", f"<ul>{items}</ul>")


def _failure(platform: str, error: ConnectError, *, title: str = "Account not connected",
             status: int | None = None) -> Response:
    if get_settings().oauth_return_url:
        return _redirect({"status": "error", "platform": platform, "error": error.code, "message": error.message})
    return _page(status or error.status, title, error.message,
                 f"<p>Error code: <code>{escape(error.code)}</code></p>")
