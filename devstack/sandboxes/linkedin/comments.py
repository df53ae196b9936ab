"""LinkedIn's Comments API (Community Management, "Comments API": learn.microsoft.com/linkedin/
marketing/community-management/shares/comments-api), as the LinkedIn publisher's first comment
uses it; shaped like the Instagram sandbox's comments (instagram/__init__.py).

- `POST /rest/socialActions/{url-encoded post URN}/comments` with `{actor, object, message:
  {text}}` → 201 with the comment (`id`, `commentUrn` `urn:li:comment:(<post urn>,<id>)`,
  `actor`, `object`, `message`, `created`) and its URN in `x-restli-id`. The actor must be the
  member, or an organization the member administers (`w_member_social` /
  `w_organization_social`: the same rule as posting, so `may_act_as` of __init__.py);
  `object` must be the post the path names.
- `GET /rest/socialActions/{urn}/comments` → `{elements, paging: {start, count, total}}`,
  Rest.li offset paging (`start`, `count`), oldest first [unverified: the page states no order].

Every call takes the `/rest` headers (`rest_checks`: LinkedIn-Version and
X-Restli-Protocol-Version). Refusals use LinkedIn's error body: a post LinkedIn does not have →
404; an actor the member may not act as → 403 ACCESS_DENIED; no text, a text over MAX_COMMENT or
an `object` other than the path's post → 422 [unverified wording]. MAX_COMMENT: 1,250
characters, LinkedIn's comment box (LinkedIn Help; the API page states no figure
[unverified]). Faults: `comment` on POST (`hold` applies: the comment is made, the answer never
comes), `lookup` on GET.
"""

from __future__ import annotations

import time
from typing import Any, Callable

import flask

from devstack.sandboxes.core import SandboxState, hold_if_asked

PLATFORM = "linkedin"
MAX_COMMENT = 1250


def register(bp: flask.Blueprint, state: SandboxState, *, rest_checks: Callable, may_act_as: Callable,
             forbidden: Callable, error: Callable) -> None:
    def post_of(urn: str) -> dict[str, Any] | None:
        return next((p for p in state.posts if p["platform"] == PLATFORM and p.get("urn") == urn), None)

    @bp.route("/rest/socialActions/<path:urn>/comments", methods=["GET", "POST"])
    def comments(urn: str):
        creating = flask.request.method == "POST"
        fault, who, refused = rest_checks("comment" if creating else "lookup")
        if refused is not None:
            return refused
        post = post_of(urn)
        if post is None:
            return error(404, f"Not Found: no post {urn}", "NOT_FOUND")
        if not creating:
            start = int(flask.request.args.get("start", 0))
            count = min(100, int(flask.request.args.get("count", 10)))
            listed = post.setdefault("comments", [])
            return {"elements": listed[start:start + count],
                    "paging": {"start": start, "count": count, "total": len(listed), "links": []}}
        body = flask.request.get_json(force=True, silent=True) or {}
        actor = body.get("actor")
        if not may_act_as(who, actor):
            return forbidden(actor, "partnerApiSocialActions.CREATE")
        text = str(((body.get("message") or {}).get("text")) or "")
        problems = []
        if body.get("object") != urn:
            problems.append(f"object must be {urn}")
        if not text.strip():
            problems.append("message.text is required")
        elif len(text) > MAX_COMMENT:
            problems.append(f"message.text is longer than {MAX_COMMENT} characters")
        if problems:
            return error(422, "; ".join(problems), "UNPROCESSABLE_ENTITY")
        with state.lock:
            comment_id = str(state.next_id())
            at = {"actor": actor, "time": int(time.time() * 1000)}
            comment = {"id": comment_id, "commentUrn": f"urn:li:comment:({urn},{comment_id})", "actor": actor,
                       "object": urn, "message": {"text": text}, "created": at, "lastModified": at}
            post.setdefault("comments", []).append(comment)
        hold_if_asked(fault)
        return comment, 201, {"x-restli-id": comment["commentUrn"]}
