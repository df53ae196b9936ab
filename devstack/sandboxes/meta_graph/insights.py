"""What the Meta insights sandboxes (Facebook, Instagram, Threads) share: the token, the Graph
refusals insights add, and the insights row shape.

Insights rows follow the reference pages' examples: `{"name", "period": "lifetime", "values":
[{"value"}], "title", "description", "id": "<object>/insights/<name>/lifetime"}` (IG Media Insights,
Page Insights); Threads' user `followers_count` comes as `total_value: {value}` (Threads Insights).
Refusals in Graph's envelope (developers.facebook.com/docs/graph-api/guides/error-handling):
- `missing_scope`: `(#10) Application does not have permission for this action` (code 10);
- `too_old`: code 100 + subcode 2108006, Instagram's "Media Posted Before Business Account
  Conversion" (IG Media Insights reference), or for Pages and Threads a code 100 saying the
  insights are no longer available (Page Insights: "Only the last two years of insights data is
  available");
- `not_found` (and a post never recorded or deleted): code 100 + subcode 33, "Unsupported get
  request. Object with ID … does not exist" (`unknown_object`).
"""

from __future__ import annotations

from typing import Any, Callable

import flask

from devstack.sandboxes import meta_graph as graph
from devstack.sandboxes.core import Answer, Gate, SandboxState, answer


def callers_post(gate: Gate, operation: str, post: dict[str, Any] | None,
                 object_id: str) -> tuple[dict[str, Any] | None, flask.Response | None]:
    """A metrics read of one post on Graph: (the caller's post, None), or (None, the answer):
    the gate's refusal (token, injected fault), or Graph's unknown object for a post that is
    not there, is another account's, or the `not_found` fault."""
    fault, who, refused = gate(operation)
    if refused is not None:
        return None, refused
    if post is None or post["subject"] != who or (fault is not None and fault.kind == "not_found"):
        return None, graph.unknown_object(object_id)
    return post, None


def raw_token() -> str | None:
    header = flask.request.headers.get("Authorization")
    if header:
        return header.split(" ", 1)[-1].strip()
    return flask.request.args.get("access_token")


def authorizer(state: SandboxState, platform: str) -> Callable[[], tuple[str | None, Any]]:
    def authorized():
        token = raw_token()
        who = state.subject_of(platform, f"OAuth {token}") if token else None
        if who is not None:
            return who, None
        if not token:
            return None, graph.graph_error(400, 104, "An access token is required to request this resource.")
        parts = token.split(".")
        if (platform, parts[2] if len(parts) > 2 else "") in state.revoked:
            return None, graph.revoked_error()
        return None, graph.expired_error()

    return authorized


def answers(*, too_old: Callable[[], flask.Response], usage_type: str, rate_code: int = 4) -> dict[str, Answer]:
    return graph.fault_answers(default_rate_code=rate_code, usage_type=usage_type) | {
        "missing_scope": answer(lambda: graph.graph_error(
            400, 10, "(#10) Application does not have permission for this action")),
        "too_old": answer(too_old),
    }


def no_longer_available(what: str) -> flask.Response:
    return graph.graph_error(400, 100, f"(#100) Insights are no longer available for this {what}: "
                                       "insights data is kept for two years")


def rows(object_id: str, values: dict[str, int], *, total: bool = False) -> dict[str, Any]:
    data = []
    for name, value in values.items():
        row: dict[str, Any] = {"name": name, "period": "lifetime", "title": name.replace("_", " ").title(),
                               "description": f"Sandbox {name}", "id": f"{object_id}/insights/{name}/lifetime"}
        if total:
            row["total_value"] = {"value": value}
        else:
            row["values"] = [{"value": value}]
        data.append(row)
    return {"data": data}


def wanted_metrics(known: dict[str, int]) -> tuple[dict[str, int] | None, flask.Response | None]:
    """The `metric` parameter's metrics, or Graph's answer to an unknown one (code 100)."""
    names = [m for m in (flask.request.args.get("metric") or "").split(",") if m]
    if not names:
        return None, graph.graph_error(400, 100, "(#100) The value must be a valid insights metric",
                                       subcode=1504028)
    unknown = [m for m in names if m not in known]
    if unknown:
        return None, graph.graph_error(400, 100, f"(#100) metric[0] must be one of the following values: "
                                                 f"{', '.join(known)}")
    return {m: known[m] for m in names}, None
