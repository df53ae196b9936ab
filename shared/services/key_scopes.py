"""What an API key may do: its scopes (issue 40).

A key holds a set of scopes; a call outside them is refused with 403 `insufficient_scope`
naming the scope it needs. A key stored before scopes existed holds all of them, and so
does a key created without naming any: nothing a user already runs stops working.

The REST routes, the OpenAPI document (each operation's scope) and the MCP server's tools
all read this one table, so what a key may do is said once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# scope -> what it allows, as the console and the docs describe it.
SCOPES: dict[str, str] = {
    "posts:read": "Read posts, their runs and the calendar",
    "posts:write": "Create, validate, edit, schedule, publish and retry posts",
    "posts:delete": "Cancel posts and take published posts down",
    "media:read": "List and read media",
    "media:write": "Upload media, and set its tags and alt text",
    "accounts:read": "List connected accounts, their health, metrics and schedules",
    "accounts:manage": "Connect, disconnect and configure accounts",
    "webhooks:manage": "Create, change, test and delete webhook endpoints",
    "templates:write": "Render images and save templates",
    "ai:transcribe": "Transcribe audio and video (spends AI credits)",
    "analytics:read": "Read post and account metrics",
    "keys:manage": "Create, list, revoke and rotate API keys (never wider than this key)",
}
ALL_SCOPES: frozenset[str] = frozenset(SCOPES)


def scopes_of(key_document: Mapping[str, Any]) -> frozenset[str]:
    """The scopes a stored key holds: its `scopes`, or all of them where it names none."""
    stored = key_document.get("scopes")
    if stored is None:
        return ALL_SCOPES
    return frozenset(stored) & ALL_SCOPES


def allows(held: Iterable[str] | None, needed: str | None) -> bool:
    """Whether a key holding `held` (None: every scope) may do what needs `needed` (None: any key may)."""
    return needed is None or held is None or needed in set(held)


def unknown(requested: Iterable[str]) -> list[str]:
    """The requested scopes that do not exist, in the order given."""
    return [scope for scope in requested if scope not in SCOPES]


def ordered(scopes: Iterable[str]) -> list[str]:
    """Scopes in the table's order (how they are stored, listed and shown)."""
    held = set(scopes)
    return [scope for scope in SCOPES if scope in held]


# What a key is for: a person's own scripts and integrations, or an AI agent acting for them
# (the console and the list show it; it grants nothing by itself).
KINDS: tuple[str, ...] = ("personal", "agent")
