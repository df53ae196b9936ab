"""Comments under a Page's post (Graph API, `/{object-id}/comments`), as the Facebook publisher's
first comment uses them: shaped like the Instagram sandbox's comments (instagram/__init__.py).

- `POST /{post-id}/comments {message}` with the Page token → `{"id": "<post>_<n>"}`: the Page
  comments as itself (developers.facebook.com/docs/graph-api/reference/object/comments,
  "Publishing": the answer is the new comment's id; a Page token of a Page that may act on the
  post). A post, photo post, video or reel takes the same edge (Meta's Graph specs list
  `comments` on PagePost and AdVideo alike: facebook-business-sdk-codegen api_specs/specs).
- `GET /{post-id}/comments` → the comments, cursor-paged (at most 100 a page, "Paginated
  Results"), oldest first unless `order=reverse_chronological` (the edge's `order` parameter:
  "chronological" is Graph's default), each with `id`, `message`, `created_time` and `from`.

Refusals: no message → code 100 (the reference: `message` or an attachment is required); a
message over MAX_COMMENT → code 100 [unverified: Facebook documents no figure nor its error;
8,000 characters is its comment box's limit]; a post this Page token cannot act on → 403
code 200; an unknown id → code 100 / subcode 33 (`unknown_object`, as Graph answers any node
it does not have). Faults: `comment` on POST (`hold` applies: the comment is made, the
answer never comes), `lookup` on GET; a `rate_limit` with `code=368` is Graph's "deemed
abusive" block, which Facebook answers to comments it takes for spam.
"""

from __future__ import annotations

import time

import flask

from devstack.sandboxes.core import Gate, hold_if_asked
from devstack.sandboxes.meta_graph import bad_version, graph_error, graph_page, params, unknown_object
from devstack.sandboxes.meta_graph import graph_time as _fb_time

MAX_COMMENT = 8000


def register(bp: flask.Blueprint, app, gate: Gate) -> None:
    """`app` is the sandbox's FacebookApp (facebook/__init__.py): its posts and Page tokens."""
    def own_post(operation: str, post_id: str):
        """A fault, then the post, then the Page token for the Page that made it: (fault, post, refusal)."""
        fault, faulted = gate.fault(operation)
        if faulted is not None:
            return fault, None, faulted
        post = app.find_post(post_id)
        if post is None:
            return fault, None, unknown_object(post_id)
        _, refused = app.page_authorized(post["subject"])
        return fault, post, refused

    def row(comment: dict, wanted: set[str]) -> dict:
        out = {"id": comment["id"], "message": comment["message"], "created_time": _fb_time(comment["createdAt"]),
               "from": {"id": comment["from"], "name": f"Page {comment['from']}"}}
        return {k: v for k, v in out.items() if k in wanted | {"id"}}

    @bp.route("/<version>/<post_id>/comments", methods=["GET", "POST"])
    def comments(version: str, post_id: str):
        if (bad := bad_version(version)) is not None:
            return bad
        if flask.request.method == "GET":
            _, post, refused = own_post("lookup", post_id)
            if refused is not None:
                return refused
            wanted = {f.strip() for f in (params().get("fields") or "id,message,created_time").split(",")}
            listed = list(post.setdefault("comments", []))
            if params().get("order") == "reverse_chronological":
                listed.reverse()
            return graph_page(listed, lambda c: row(c, wanted), max_limit=100)
        fault, post, refused = own_post("comment", post_id)
        if refused is not None:
            return refused
        message = str(params().get("message") or "")
        if not message.strip():
            return graph_error(400, 100, "(#100) Missing message or attachment")
        if len(message) > MAX_COMMENT:
            return graph_error(400, 100, f"(#100) The comment is longer than {MAX_COMMENT} characters")
        with app.state.lock:
            comment = {"id": f"{post['id'].split('_')[-1]}_{app.state.next_id()}", "message": message,
                       "from": post["subject"], "createdAt": time.time()}
            post.setdefault("comments", []).append(comment)
        hold_if_asked(fault)
        return {"id": comment["id"]}
