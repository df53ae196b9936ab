"""The scope each API-key route needs (issue 40): the one table, "METHOD /path-template" -> scope.

Every route an API key may call is here (`Api.route` refuses to register one that is not, and
tests/test_openapi.py checks every API-key operation of openapi.json against this table). A
call outside the key's scopes answers 403 `insufficient_scope` naming the scope; the OpenAPI
document marks each operation with its scope (`security: [{"ApiKey": [scope]}]`,
`x-soku-scope`). The scopes themselves are shared/services/key_scopes.py.

`None`: any valid key may call it. Only `GET /v1/me`: it says who the key is and what it may
do (its scopes and kind), which a client needs to learn before anything else, and it is the
connection test of integrations (Zapier); it reads nothing beyond the caller's own account.

Routes that a Firebase ID token (the console's signed-in user) may also call need the scope
from a key only: a signed-in user holds every scope.
"""

from __future__ import annotations

from shared.services.key_scopes import SCOPES

ANY_KEY = None

ROUTE_SCOPES: dict[str, str | None] = {
    # account
    "GET /v1/me": ANY_KEY,
    # The MCP server (functions/mcp.py): any key reaches it; each tool holds the key to the scope
    # of the route it calls (shared/web/mcp_tools.py), and tools/list shows only those it may call.
    "POST /mcp": ANY_KEY,
    "GET /v1/accounts": "accounts:read",
    "GET /v1/accounts/{account_id}": "accounts:read",
    "DELETE /v1/accounts/{account_id}": "accounts:manage",
    "GET /v1/accounts/{account_id}/capabilities": "accounts:read",
    "GET /v1/accounts/{account_id}/metrics": "analytics:read",
    "PUT /v1/accounts/{account_id}/schedule": "accounts:manage",
    "GET /v1/accounts/{account_id}/schedule": "accounts:read",
    "GET /v1/accounts/{account_id}/schedule/next": "accounts:read",
    "GET /v1/accounts/{account_id}/boards": "accounts:read",
    "GET /v1/accounts/{account_id}/flairs": "accounts:read",
    "GET /v1/credits/balance": "accounts:read",
    # connections
    "POST /v1/connections/{platform}/start": "accounts:manage",
    "POST /v1/connections/{platform}": "accounts:manage",
    # api keys
    "POST /v1/api-keys": "keys:manage",
    "GET /v1/api-keys": "keys:manage",
    "DELETE /v1/api-keys/{key_id}": "keys:manage",
    "POST /v1/api-keys/{key_id}/rotate": "keys:manage",
    # posts
    "POST /v1/posts": "posts:write",
    "POST /v1/posts/validate": "posts:write",
    "POST /v1/posts/batch": "posts:write",
    "POST /v1/posts/batch/validate": "posts:write",
    "GET /v1/posts": "posts:read",
    "GET /v1/posts/{post_id}": "posts:read",
    "PATCH /v1/posts/{post_id}": "posts:write",
    "POST /v1/posts/{post_id}/publish": "posts:write",
    "POST /v1/posts/{post_id}/retry": "posts:write",
    "DELETE /v1/posts/{post_id}": "posts:delete",
    "POST /v1/posts/{post_id}/unpublish": "posts:delete",
    "DELETE /v1/posts/{post_id}/runs/{target_id}/published": "posts:delete",
    "GET /v1/posts/{post_id}/metrics": "analytics:read",
    # repurpose links: they make posts from published ones
    "GET /v1/repurposeLinks": "posts:read",
    "GET /v1/repurposeLinks/{link_id}/triggers": "posts:read",
    "POST /v1/repurposeLinks": "posts:write",
    "DELETE /v1/repurposeLinks/{link_id}": "posts:write",
    # templates
    "POST /v1/templates": "templates:write",
    "POST /v1/media/render-og": "templates:write",
    "GET /v1/templates/saved": "templates:write",
    "POST /v1/templates/saved": "templates:write",
    "DELETE /v1/templates/saved/{template_id}": "templates:write",
    # media
    "GET /v1/media": "media:read",
    "GET /v1/media/{media_id}": "media:read",
    "POST /v1/media": "media:write",
    "PATCH /v1/media/{media_id}": "media:write",
    "DELETE /v1/media/{media_id}": "media:write",
    "POST /v1/media/uploads": "media:write",
    "GET /v1/media/uploads/{upload_id}": "media:write",
    "POST /v1/media/uploads/{upload_id}/complete": "media:write",
    # ai
    "POST /v1/ai/transcribe": "ai:transcribe",
    # webhooks
    "GET /v1/webhooks": "webhooks:manage",
    "POST /v1/webhooks": "webhooks:manage",
    "GET /v1/webhooks/{webhook_id}": "webhooks:manage",
    "PATCH /v1/webhooks/{webhook_id}": "webhooks:manage",
    "DELETE /v1/webhooks/{webhook_id}": "webhooks:manage",
    "POST /v1/webhooks/{webhook_id}/test": "webhooks:manage",
    "GET /v1/webhooks/{webhook_id}/deliveries": "webhooks:manage",
    "POST /v1/webhooks/{webhook_id}/rotate-secret": "webhooks:manage",
}

_unknown = {scope for scope in ROUTE_SCOPES.values() if scope is not None and scope not in SCOPES}
if _unknown:  # a typo would lock every key out of the route: fail at import
    raise ValueError(f"route_scopes names scopes key_scopes does not define: {sorted(_unknown)}")


class UndeclaredScope(LookupError):
    """An API-key route registered without a scope in ROUTE_SCOPES."""


def scope_for(endpoint: str) -> str | None:
    """The scope `METHOD /path-template` needs from a key (None: any key); UndeclaredScope when
    the table does not name the route."""
    try:
        return ROUTE_SCOPES[endpoint]
    except KeyError:
        raise UndeclaredScope(f"{endpoint} takes an API key but shared/web/route_scopes.py names no scope "
                              f"for it: add it to ROUTE_SCOPES") from None
