"""Talking to the user's WordPress site: its URL vetted by the SSRF rules, the one pinned client
every call goes through, and WordPress's REST errors sorted into the connect errors and the
publishing taxonomy.

The site is named by the user (`siteUrl`), so it is a URL a caller gave us, with the risks
`shared/adapters/safe_http.py` guards media fetches against:
- the URL is normalised (scheme, lower-case host, port when not the default, the path of a site
  installed in a folder, e.g. https://example.com/blog) and checked with `safe_http.check_server`:
  every address public, and https, since the application password travels to it in every
  request, unless `SOKU_FETCH_ALLOWLIST` admits it (the tests' local WordPress on loopback);
- every call goes through `client()`, whose transport vets the host again on each request and
  connects to the address it just checked: a DNS answer that changes later cannot turn a stored
  site into a door to our network. Redirects are never followed (a site that redirects its API,
  http to https say, is asked to be connected at the address it redirects to).
The REST API is at `{site}/wp-json/` (developer.wordpress.org/rest-api/key-concepts/#routes--endpoints);
sites without pretty permalinks serve it only at `?rest_route=`, which Soku does not use yet.

Errors (developer.wordpress.org/rest-api/using-the-rest-api/global-parameters/ and every
WP_Error a route returns): a JSON body `{"code", "message", "data": {"status", "params"?}}`:
- 401 `rest_not_logged_in` / `incorrect_password` / `invalid_username`: the application password
  is wrong, revoked, or the site no longer accepts application passwords: reconnect;
- 403 `rest_cannot_create`, `rest_cannot_publish`, `rest_cannot_assign_term`, `rest_cannot_create`
  for media ("Sorry, you are not allowed to ..."): the user lacks a capability: permanent, in
  WordPress's words (the account still works for what it may do);
- 400 `rest_invalid_param` (with `data.params`, field by field), `term_exists`, `empty_content`:
  permanent; 413 a body over the site's limit: `media_too_large`;
- 429 (a security plugin's limit) and 5xx: retryable.
"""

from __future__ import annotations

import functools
from typing import Any

import httpx

from shared.adapters import safe_http
from shared.adapters.log_redaction import redact
from shared.services.connections.base import TIMEOUT as CONNECT_TIMEOUT
from shared.services.connections.errors import ConnectError
from shared.services.publishing.errors import NeedsReconnectError, PermanentError, PublishError, RetryableError
from shared.services.publishing.http import TIMEOUT, retry_after_seconds

HTTPS_REQUIRED = "the site's address must be https (Soku sends it your application password with every request)"


class SiteRefused(PermanentError):
    """A site address Soku will not call: `message` says why, for humans."""

    code = "site_refused"


def normalise(value: Any) -> str:
    """The site's address as Soku stores it: scheme, lower-case host, port when not the default,
    and the folder WordPress is installed in, without a trailing slash; `example.com` alone means
    https://example.com. A `/wp-json` or `/wp-admin` tail, as people paste them, is dropped."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise SiteRefused("the site address is empty")
    origin, path = safe_http.server_root(
        text, "the site address", SiteRefused,
        alone="the site address is the site's URL alone, e.g. https://example.com, without a user, ?query or #fragment")
    for tail in ("/wp-json", "/wp-admin", "/wp-login.php"):
        if path.endswith(tail):
            path = path[: -len(tail)]
    return origin + path


def checked(value: Any) -> str:
    """`normalise`d and vetted now (DNS resolved, every address public, https). SiteRefused."""
    root = normalise(value)
    try:
        safe_http.check_server(root, HTTPS_REQUIRED)
    except safe_http.FetchRefused as refused:
        raise SiteRefused(refused.reason) from None
    return root


def api(root: str, route: str) -> str:
    """`{site}/wp-json/wp/v2/{route}`."""
    return f"{root}/wp-json/wp/v2/{route.lstrip('/')}"


@functools.cache
def client() -> httpx.Client:
    """The one client for WordPress sites: pinned to the addresses checked, no redirects (safe_http)."""
    return safe_http.pinned_client(lambda reason: SiteRefused(f"Soku will not call this site: {reason}"), TIMEOUT)


def auth(username: str, application_password: str) -> httpx.BasicAuth:
    # Application passwords are sent as HTTP Basic credentials (make.wordpress.org/core/2020/11/05/
    # application-passwords-integration-guide/); WordPress ignores the spaces it shows them with.
    return httpx.BasicAuth(username, application_password)


# -- errors ------------------------------------------------------------------------------------

def error_of(response: httpx.Response) -> tuple[str, str]:
    """WordPress's (code, message, with each refused parameter's reason); ("", a snippet) otherwise."""
    try:
        body = response.json()
    except ValueError:
        return "", response.text[:300] or f"HTTP {response.status_code}"
    if not isinstance(body, dict):
        return "", response.text[:300]
    message = str(body.get("message") or body.get("code") or "")
    params = (body.get("data") or {}).get("params") if isinstance(body.get("data"), dict) else None
    if isinstance(params, dict) and params:
        message += " (" + "; ".join(f"{k}: {v}" for k, v in params.items()) + ")"
    return str(body.get("code") or ""), message[:500]


def classify(response: httpx.Response) -> PublishError | None:
    status = response.status_code
    if status < 300:
        return None
    code, message = error_of(response)
    words = f"{message} ({code})" if code else message
    if status == 429:
        return RetryableError(f"The WordPress site is limiting requests: {words}", code="rate_limited",
                              retry_after=retry_after_seconds(response))
    if status == 401:
        return NeedsReconnectError(f"The WordPress site no longer accepts Soku's application password: {words}. "
                                   "Connect the site again with a new application password")
    if status == 403:
        return PermanentError(f"The WordPress site refused: {words}", code="missing_permission")
    if status == 413:
        return PermanentError(f"The WordPress site refused the upload as too large: {words}", code="media_too_large")
    if status >= 500 or status in (408, 425):
        return RetryableError(f"The WordPress site is unavailable ({status}): {words}", code="platform_unavailable")
    if 300 <= status < 400:
        return PermanentError(f"The WordPress site redirects its API to {response.headers.get('location')}: "
                              "connect it again at that address", code="publish_rejected")
    return PermanentError(f"The WordPress site refused the request ({status}): {words}", code="publish_rejected")


def connect_call(method: str, url: str, *, failure: str, **kwargs: Any) -> httpx.Response:
    """One call of the connect flow: the response when it is an answer the caller judges (2xx,
    3xx, 4xx), ConnectError `platform_unavailable` when the site cannot be reached or is failing,
    and `failure` when it is a site Soku will not call."""
    try:
        response = client().request(method, url, timeout=CONNECT_TIMEOUT, **kwargs)
    except SiteRefused as refused:
        raise ConnectError(failure, refused.message, platform="wordpress") from None
    except httpx.HTTPError as exc:
        raise ConnectError("platform_unavailable", f"The WordPress site could not be reached "
                           f"({type(exc).__name__}). Try again in a moment.", platform="wordpress") from None
    if response.status_code == 429 or response.status_code >= 500:
        raise ConnectError("platform_unavailable", f"The WordPress site is not answering right now (HTTP "
                           f"{response.status_code}: {redact(error_of(response)[1])}). Try again in a moment.",
                           platform="wordpress")
    return response


def json_body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
