"""What the Meta fetchers (Facebook, Instagram, Threads) share: insights refusals and the
`{"data": [{"name", "values": [{"value"}] | "total_value": {"value"}}]}` insights shape.

Refusals (developers.facebook.com/docs/graph-api/guides/error-handling):
- code 10 or 200–299: a permission the token lacks → `missing_scope`; except Instagram's
  "(#10) Not enough viewers for the media to show insights" (IG Media Insights reference) →
  `not_enough_viewers`;
- code 100 with subcode 33 ("Object with ID … does not exist, cannot be loaded due to missing
  permissions, or does not support this operation") → `post_not_found`;
- code 100 with subcode 2108006 ("Media posted before business account conversion", IG Media
  Insights reference) or a message saying insights are no longer available (Page Insights keep
  two years, IG stories 24 hours) → `post_too_old`.
"""

from __future__ import annotations

from typing import Any

import httpx

from shared.services.analytics.base import MetricsRefused, Refine, count
from shared.services.publishing.errors import PublishError
from shared.platforms.meta_graph.publishing import as_int, graph_error, graph_message

NOT_FOUND_SUBCODES = {33}
TOO_OLD_SUBCODES = {2108006}
_TOO_OLD_WORDS = ("no longer available", "posted before", "older than")


def refine_for(name: str) -> Refine:
    def refine(response: httpx.Response) -> PublishError | None:
        if response.status_code < 400:
            return None
        error = graph_error(response)
        if error is None:
            return None
        code, subcode = as_int(error.get("code")), as_int(error.get("error_subcode"))
        message = graph_message(error, name)
        lowered = message.lower()
        if code == 10 and "not enough viewers" in lowered:
            return MetricsRefused(f"{name}: {message}", code="not_enough_viewers")
        if code == 10 or (code is not None and 200 <= code <= 299):
            return MetricsRefused(f"{name} refused the insights for lack of permission: {message}",
                                  code="missing_scope")
        if subcode in TOO_OLD_SUBCODES or any(word in lowered for word in _TOO_OLD_WORDS):
            return MetricsRefused(f"{name} no longer has insights for this post: {message}", code="post_too_old")
        if code == 100 and subcode in NOT_FOUND_SUBCODES:
            return MetricsRefused(f"{name} has no such post any more: {message}", code="post_not_found")
        return None

    return refine


def insight_values(body: Any) -> dict[str, int | None]:
    """`{metric name: value}` from an insights answer (lifetime `values[0]` or `total_value`)."""
    out: dict[str, int | None] = {}
    for entry in (body or {}).get("data") or []:
        if not isinstance(entry, dict) or not entry.get("name"):
            continue
        total = entry.get("total_value")
        if isinstance(total, dict):
            out[entry["name"]] = count(total.get("value"))
            continue
        values = entry.get("values") or []
        value = values[-1].get("value") if values and isinstance(values[-1], dict) else None
        # post_reactions_by_type_total and its kind answer an object of counts: keep their sum.
        out[entry["name"]] = sum(count(v) or 0 for v in value.values()) if isinstance(value, dict) else count(value)
    return out
