"""The MCP server's tools (functions/mcp.py): one table, each tool a REST route.

Each tool names the route it calls in-process with the caller's key, the scope a key needs to
see and call it (shared/services/key_scopes.py), and the pydantic models its input schema is
generated from: the very models the route validates with, so a tool's schema cannot drift
from the REST API's. A tool's arguments are the route's body fields (body_model), its query
parameters (query_model) and its path parameters (path_params), side by side; tools that
create something also take `idempotencyKey`.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Mapping

from pydantic import BaseModel

from shared.models.account import AccountsQuery
from shared.models.media import CreateMediaRequest
from shared.models.metrics import MetricsQuery
from shared.models.post_views import ListPostsQuery
from shared.models.posts import CreatePostRequest
from shared.models.templates import RenderTemplateRequest
from shared.models.transcription import TranscribeRequest
from shared.services.key_scopes import SCOPES

IDEMPOTENCY_ARGUMENT = "idempotencyKey"


@dataclass(frozen=True)
class Variant:
    """One route a tool may call: the first variant whose path parameters are all given wins."""

    method: str
    path: str  # "/v1/posts/{postId}": each {name} is a tool argument

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(part[1:-1] for part in self.path.split("/") if part.startswith("{"))


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    scope: str | None  # None: any key may
    variants: tuple[Variant, ...]
    body_model: type[BaseModel] | None = None
    query_model: type[BaseModel] | None = None
    path_params: Mapping[str, str] = field(default_factory=dict)  # name -> description
    optional_params: frozenset[str] = frozenset()
    creates: bool = False  # sends an Idempotency-Key derived from the call
    read_only: bool = False
    destructive: bool = False

    def input_schema(self) -> dict[str, Any]:
        return _input_schema(self)

    def route_for(self, arguments: Mapping[str, Any]) -> Variant:
        for variant in self.variants:
            if all(isinstance(arguments.get(p), str) and arguments.get(p) for p in variant.params):
                return variant
        return self.variants[-1]


_POST_ID = {"postId": "The post's id: the postSubmissionId publish_post returned"}

TOOLS: tuple[Tool, ...] = (
    Tool("publish_post", "Create a post and publish it to one or more platforms, now or at a scheduled time "
         "(as POST /v1/posts). Returns at once with the postSubmissionId: follow it with get_post. The same "
         "arguments sent again give the same post (an idempotency key is derived from them), never a second one.",
         "posts:write", (Variant("POST", "/v1/posts"),), body_model=CreatePostRequest, creates=True),
    Tool("validate_post", "Check a post as publish_post would, creating nothing (as POST /v1/posts/validate)",
         "posts:write", (Variant("POST", "/v1/posts/validate"),), body_model=CreatePostRequest, read_only=True),
    Tool("get_post", "A post with every run (one per target): its status, and each run's status, result "
         "(the platform's post id and URL) or error (as GET /v1/posts/{postId})",
         "posts:read", (Variant("GET", "/v1/posts/{postId}"),), path_params=_POST_ID, read_only=True),
    Tool("list_posts", "Your posts, newest first; filter by status, platform and time, page with cursor "
         "(as GET /v1/posts)", "posts:read", (Variant("GET", "/v1/posts"),), query_model=ListPostsQuery,
         read_only=True),
    Tool("cancel_post", "Cancel a post before it starts publishing (as DELETE /v1/posts/{postId})",
         "posts:delete", (Variant("DELETE", "/v1/posts/{postId}"),), path_params=_POST_ID, destructive=True),
    Tool("retry_post", "Queue a post's failed runs again (as POST /v1/posts/{postId}/retry)",
         "posts:write", (Variant("POST", "/v1/posts/{postId}/retry"),), path_params=_POST_ID),
    Tool("take_down_post", "Take a published post down at its platforms: one run's (targetId) or every run's "
         "(as DELETE /v1/posts/{postId}/runs/{targetId}/published, POST /v1/posts/{postId}/unpublish)",
         "posts:delete", (Variant("DELETE", "/v1/posts/{postId}/runs/{targetId}/published"),
                          Variant("POST", "/v1/posts/{postId}/unpublish")),
         path_params={**_POST_ID, "targetId": "One run's targetId (get_post lists them); every run's when omitted"},
         optional_params=frozenset({"targetId"}), destructive=True),
    Tool("list_accounts", "Your connected accounts per platform: accountId, name, status (as GET /v1/accounts)",
         "accounts:read", (Variant("GET", "/v1/accounts"),), query_model=AccountsQuery, read_only=True),
    Tool("list_platforms", "Every platform: text limit and how it is counted, post kinds and their media, "
         "options, capabilities (as GET /v1/platforms)", None, (Variant("GET", "/v1/platforms"),), read_only=True),
    Tool("upload_media_from_url", "Store media fetched from a public URL; returns its id and a stable URL to "
         "post (as POST /v1/media)", "media:write", (Variant("POST", "/v1/media"),),
         body_model=CreateMediaRequest, creates=True),
    Tool("transcribe", "Transcribe stored audio or video media, paid in AI credits (as POST /v1/ai/transcribe)",
         "ai:transcribe", (Variant("POST", "/v1/ai/transcribe"),), body_model=TranscribeRequest, creates=True),
    Tool("render_template", "Render a template (GET /v1/templates lists them) to a PNG; returns its hosted URL "
         "(as POST /v1/templates)", "templates:write", (Variant("POST", "/v1/templates"),),
         body_model=RenderTemplateRequest, creates=True),
    Tool("get_post_metrics", "Each run's metrics on its platform: views, likes, comments, shares "
         "(as GET /v1/posts/{postId}/metrics)", "analytics:read",
         (Variant("GET", "/v1/posts/{postId}/metrics"),), query_model=MetricsQuery, path_params=_POST_ID,
         read_only=True),
)
BY_NAME: dict[str, Tool] = {tool.name: tool for tool in TOOLS}
assert all(tool.scope is None or tool.scope in SCOPES for tool in TOOLS), "a tool names an unknown scope"


def _input_schema(tool: Tool) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": {}}
    required: list[str] = []
    for model in (tool.body_model, tool.query_model):
        if model is None:
            continue
        part = copy.deepcopy(model.model_json_schema())
        for key in ("$defs", "definitions"):
            if key in part:
                schema.setdefault(key, {}).update(part[key])
        schema["properties"].update(part.get("properties", {}))
        required += part.get("required", [])
        if model is tool.body_model and part.get("additionalProperties") is False:
            schema["additionalProperties"] = False
        if model is tool.body_model and part.get("description"):
            schema["description"] = part["description"]
    for name, description in tool.path_params.items():
        schema["properties"][name] = {"type": "string", "minLength": 1, "description": description}
        if name not in tool.optional_params:
            required.append(name)
    if tool.creates:
        schema["properties"][IDEMPOTENCY_ARGUMENT] = {
            "type": "string", "minLength": 1, "maxLength": 255,
            "description": "Sent as the Idempotency-Key header; by default one derived from this key, the "
                           "tool and its arguments, so a retried call never creates twice"}
    if required:
        schema["required"] = list(dict.fromkeys(required))
    return schema


def visible(held: frozenset[str]) -> list[Tool]:
    """The tools a key holding `held` may see and call."""
    return [tool for tool in TOOLS if tool.scope is None or tool.scope in held]


def derived_idempotency_key(key_hash: str, tool: str, arguments: Mapping[str, Any]) -> str:
    """The Idempotency-Key of a call that names none: the same key, tool and arguments give
    the same value, so an agent's retry is answered with the first call's result."""
    canonical = json.dumps(arguments, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "mcp-" + hashlib.sha256(f"{key_hash}\n{tool}\n{canonical}".encode()).hexdigest()
