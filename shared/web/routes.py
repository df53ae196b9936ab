"""The public routing table: which HTTP function serves which public path.

One table, two front doors:
- Firebase Hosting, whose rewrites in firebase.json must list exactly these
  entries in this order (tests/test_api_function.py compares them; firebase.json
  is not deployed with the functions, so the code cannot read it in production);
- the `api` function (functions/api.py), reached at
  `https://<region>-<project>.cloudfunctions.net/api`, which routes with this table
  in-process.

First match wins, as in Hosting. Globs follow Hosting: `**` spans segments,
`*` stays inside one segment.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import Request

ROOT = Path(__file__).resolve().parent.parent.parent

# The region every rewrite names (Hosting needs it; the functions deploy there).
REGION = "us-central1"

# (source glob, function id), in Hosting's order: specific before general,
# `/v1/**` → notFound last.
REWRITES: tuple[tuple[str, str], ...] = (
    ("/health", "health"),
    ("/health/**", "health"),
    ("/v1/api-keys", "apiKeys"),
    ("/v1/api-keys/**", "apiKeys"),
    ("/v1/me", "account"),
    ("/v1/accounts", "account"),
    ("/v1/accounts/**", "account"),
    ("/v1/connections/**", "connections"),
    ("/oauth/**", "oauthCallback"),
    ("/webhooks/**", "platformWebhooks"),  # the platforms' own callbacks (Meta's signed requests)
    ("/v1/openapi.json", "openapi"),
    ("/v1/platforms", "openapi"),  # the platform catalog: like the OpenAPI document, public self-description
    ("/v1/platforms/**", "openapi"),
    ("/v1/posts", "posts"),
    ("/v1/posts/**", "posts"),
    ("/v1/repurposeLinks", "repurpose"),
    ("/v1/repurposeLinks/**", "repurpose"),
    ("/v1/templates/saved", "repurpose"),
    ("/v1/templates/saved/**", "repurpose"),
    ("/v1/templates", "templates"),
    ("/v1/templates/**", "templates"),
    ("/v1/media/render-og", "templates"),  # before the media function's /v1/media/**
    ("/v1/media", "media"),
    ("/v1/media/**", "media"),
    ("/media/**", "mediaFiles"),
    ("/v1/webhooks", "webhooks"),
    ("/v1/webhooks/**", "webhooks"),
    ("/v1/ai/**", "transcribe"),
    ("/v1/credits/**", "credits"),
    ("/mcp", "mcp"),  # the MCP server for AI agents (docs/agents.md)
    ("/v1/**", "notFound"),
)

# Hosting matches `source` globs with minimatch (superstatic/lib/utils/patterns.js), whose `*`
# and `**` never match a path segment that starts with a dot: `/v1/posts/**` does not take
# `/v1/posts/.x`, and Hosting would answer such a path with its HTML 404 page. So every `**`
# rewrite has a twin, a regular expression (RE2, which Hosting also takes) that does take dot
# segments, after all the globs and in the same order: such a path reaches the function that
# owns its prefix, which answers in the JSON envelope (`[\s\S]` rather than `.`: a path may hold
# a newline, and Hosting's fallback to JavaScript's RegExp has no `s` flag).
def _dotted_twin(glob: str) -> str:
    # Only the syntax characters escaped: JavaScript's unicode-mode RegExp refuses `\-`.
    prefix = re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", glob[: -len("**")])
    return f"^{prefix}[\\s\\S]*$"


DOTTED_TWINS: tuple[tuple[str, str], ...] = tuple(
    (_dotted_twin(source), function_id) for source, function_id in REWRITES if source.endswith("/**"))


# One path segment that does not start with a dot (minimatch's default, `dot: false`).
_SEGMENT = r"(?!\.)[^/]*"


def glob_to_regex(glob: str) -> re.Pattern[str]:
    """Hosting's glob, as minimatch reads it: `**` spans segments, `*` stays inside one, and
    neither matches a segment that starts with a dot (tests/test_api_function.py checks this
    against the minimatch the Firebase CLI's Hosting emulator uses)."""
    out = ""
    i = 0
    while i < len(glob):
        at_segment_start = i == 0 or glob[i - 1] == "/"
        if glob.startswith("**", i):
            out += f"{_SEGMENT}(?:/{_SEGMENT})*"
            i += 2
        elif glob[i] == "*":
            out += _SEGMENT if at_segment_start else "[^/]*"
            i += 1
        else:
            out += re.escape(glob[i])
            i += 1
    # minimatch ignores one trailing slash of the path (`/v1/posts` takes `/v1/posts/`); a path
    # may hold any character, newlines included.
    return re.compile(f"^{out}/?$", re.S)


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[re.Pattern[str], str], ...]:
    globs = tuple((glob_to_regex(source), function_id) for source, function_id in REWRITES)
    return globs + tuple((re.compile(regex), function_id) for regex, function_id in DOTTED_TWINS)


def function_for(path: str) -> str | None:
    """The id of the function Hosting would send `path` to, or None (no rewrite matches)."""
    for regex, function_id in _compiled():
        if regex.match(path):
            return function_id
    return None


def function_ids() -> list[str]:
    """Every function the table routes to, once each, in first-appearance order."""
    return list(dict.fromkeys(function_id for _, function_id in REWRITES))


@dataclass(frozen=True)
class Rewrite:
    source: str
    regex: re.Pattern[str]
    function_id: str


def load_rewrites(firebase_json: Path = ROOT / "firebase.json") -> list[Rewrite]:
    """firebase.json's Hosting rewrites that name a function, in order: what the local
    gateway routes with and what the OpenAPI generator calls public (both run from the
    repository; firebase.json is not in the deployed bundle)."""
    config = json.loads(firebase_json.read_text())
    rewrites = []
    for entry in config["hosting"]["rewrites"]:
        function = entry.get("function")
        if isinstance(function, dict):
            function = function["functionId"]
        if function and "regex" in entry:
            rewrites.append(Rewrite(entry["regex"], re.compile(entry["regex"], re.S), function))
        elif function:
            rewrites.append(Rewrite(entry["source"], glob_to_regex(entry["source"]), function))
    return rewrites


def hosting_rewrites() -> list[dict]:
    """The table as firebase.json's `hosting.rewrites` spells it."""
    return [{"source": source, "function": {"functionId": function_id, "region": REGION}}
            for source, function_id in REWRITES] + [
        {"regex": regex, "function": {"functionId": function_id, "region": REGION}}
        for regex, function_id in DOTTED_TWINS]


# Set by the `api` function on requests it dispatches (functions/api.py).
PUBLIC_ROOT_KEY = "soku.public_root"


def public_root(request: Request) -> str:
    """The URL under which every public route is reachable for the caller of `request`,
    without a trailing slash: the `api` function's own URL (`…/api`) for requests that
    came through it, else the origin (Hosting serves the routes at its root)."""
    return (request.environ.get(PUBLIC_ROOT_KEY) or request.host_url).rstrip("/")
