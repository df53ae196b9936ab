"""LinkedIn sandbox: OAuth refresh, Images and Videos upload, Posts (create and finder), comments
under a post (the Comments API, devstack/sandboxes/linkedin/comments.py).

Follows reference/platform-apis.md §7 and §9: every `/rest` call needs a valid
`LinkedIn-Version` (a version older than a year, or from the future, answers
426 NONEXISTENT_VERSION) and `X-Restli-Protocol-Version: 2.0.0`; errors use
LinkedIn's body (`status`, `serviceErrorCode`, `code`, `message`); upload URLs
are absolute and point back at this server; a video's part PUT answers an
`ETag`, and `finalizeUpload` checks the ETag list and its order; media go
`WAITING_UPLOAD → PROCESSING → AVAILABLE` (or `PROCESSING_FAILED`) over polls;
posts answer 201 with the URN in `x-restli-id`, or 422 DUPLICATE_POST.

Commentary is read as "little" text, like LinkedIn: `\\x` is a literal `x`,
`#word` is a hashtag, `@[Name](urn)` a mention, and any other unescaped
reserved character ends the text there (LinkedIn's reported silent truncation).
The posts finder returns commentary the way LinkedIn stores it
(`stored_commentary`): still little text, with each hashtag as a template. Both readings are in
devstack/sandboxes/linkedin/little.py; the Images and Videos APIs in linkedin_media.py.

Organization authors: a member may post as `urn:li:organization:{id}` only when
registered as its admin (`POST /linkedin/__sandbox/organizations`, optionally
with a `name`).

The connect flow: `GET /oauth/v2/authorization` (devstack/sandboxes/oauth.py),
the authorization-code grant on `/oauth/v2/accessToken`, `GET /v2/userinfo`,
`GET /rest/organizationAcls?q=roleAssignee` (the organizations the member
administers), `GET /rest/organizations/{id}` and `POST /oauth/v2/revoke`.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

import flask
from markupsafe import escape

from devstack.sandboxes import oauth

from devstack.sandboxes.linkedin import comments as linkedin_comments
from devstack.sandboxes.linkedin import media as linkedin_media
from devstack.sandboxes.core import Gate, SandboxState, answer, hold_if_asked, listing_cutoff, mint_tokens
from devstack.sandboxes.linkedin.little import render_little, stored_commentary

PLATFORM = "linkedin"
CLIENT_ID = "sbx-linkedin-client-id"
CLIENT_SECRET = "sbx-linkedin-client-secret"
MAX_COMMENTARY = 3000
# An image's altText in a post's content (content.media.altText, content.multiImage.images[].altText):
# at most 4,086 characters [unverified: the figure of LinkedIn's Posts API reference (learn.microsoft.com/
# linkedin/marketing/community-management/shares/posts-api, "MediaContent" / "MultiImage"), from
# memory; the docs search could not show the page].
MAX_ALT_TEXT = 4086


def _error(status: int, message: str, code: str | None = None, service_code: int | None = None,
           headers: dict | None = None, **extra):
    body: dict = {"status": status, "message": message}
    if code:
        body["code"] = code
    if service_code is not None:
        body["serviceErrorCode"] = service_code
    body.update(extra)
    return flask.make_response(body, status, headers or {})


def _active_versions(now: datetime | None = None) -> tuple[int, int]:
    """(oldest, newest) active YYYYMM: LinkedIn keeps a version about a year."""
    now = now or datetime.now(timezone.utc)
    newest = now.year * 100 + now.month
    oldest = (now.year - 1) * 100 + now.month
    return oldest, newest


def blueprint(state: SandboxState, base_url: str) -> flask.Blueprint:
    bp = flask.Blueprint("linkedin", __name__, url_prefix="/linkedin")
    web_base = f"{base_url}/linkedin/web"
    admins: dict[str, set[str]] = {}  # organization id -> member subjects allowed to post as it
    org_names: dict[str, str] = {}

    # -- shared checks -----------------------------------------------------------------
    def unauthorized():
        header = flask.request.headers.get("Authorization", "")
        parts = header.split(" ", 1)[-1].strip().split(".")
        if len(parts) == 5 and parts[0] == "sbx-at" and parts[1] == PLATFORM:
            if (PLATFORM, parts[2]) in state.revoked:
                return _error(401, "The token used in the request has been revoked by the user",
                              "REVOKED_ACCESS_TOKEN", 65601)
            if parts[3].isdigit() and int(parts[3]) <= time.time():
                return _error(401, "The token used in the request has expired", "EXPIRED_ACCESS_TOKEN", 65602)
        return _error(401, "Invalid access token", "INVALID_ACCESS_TOKEN", 65600)

    def rate_limited(fault, operation):
        headers = {}
        if "retry_after" in fault.params:
            headers["Retry-After"] = str(fault.params["retry_after"])
        return _error(429, "Resource level throttle APPLICATION DAY limit for calls to this "
                           "resource is reached.", headers=headers)

    def authorized():
        who = state.subject_of(PLATFORM, flask.request.headers.get("Authorization"))
        return (who, None) if who is not None else (None, unauthorized())

    # hold and processing_failed are left to the routes they apply to.
    gate = Gate(state, PLATFORM, {
        "rate_limit": rate_limited,
        "server_error": answer(lambda: _error(500, "Internal Server Error")),
        "expired_token": answer(lambda: _error(401, "The token used in the request has expired",
                                               "EXPIRED_ACCESS_TOKEN", 65602)),
        "revoked": answer(lambda: _error(401, "The token used in the request has been revoked by the user",
                                         "REVOKED_ACCESS_TOKEN", 65601)),
        "duplicate": answer(lambda: _duplicate(f"urn:li:share:{state.next_id()}")),
    }, authorized)

    def rest_checks(operation: str):
        """Version and protocol headers, then faults, then the token: (fault, subject, error)."""
        return rest_checks_with(operation)

    def rest_checks_with(operation: str, **overrides):
        """`rest_checks`, with faults answered differently for this route (`Gate`'s overrides)."""
        version = flask.request.headers.get("LinkedIn-Version")
        if not version:
            return None, None, _error(400, "A version must be present. Please specify a version by adding "
                                           "the LinkedIn-Version header.", "VERSION_MISSING")
        oldest, newest = _active_versions()
        if not (version.isdigit() and len(version) == 6 and oldest <= int(version) <= newest):
            return None, None, _error(426, f"Requested version {version} is not active", "NONEXISTENT_VERSION")
        if flask.request.headers.get("X-Restli-Protocol-Version") != "2.0.0":
            return None, None, _error(400, "This API requires the header X-Restli-Protocol-Version: 2.0.0",
                                      "ILLEGAL_ARGUMENT")
        return gate(operation, **overrides)

    def may_act_as(who: str, urn: str | None) -> bool:
        if not urn:
            return False
        if urn == f"urn:li:person:{who}":
            return True
        prefix = "urn:li:organization:"
        return urn.startswith(prefix) and who in admins.get(urn[len(prefix):], set())

    def forbidden(urn: str | None, action: str):
        return _error(403, f"Not enough permissions to access: {action} for {urn}", "ACCESS_DENIED", 100)

    def _duplicate(existing: str):
        return _error(422, f"Content is a duplicate of {existing}",
                      errorDetailType="com.linkedin.common.error.BadRequest",
                      errorDetails={"inputErrors": [{"description": "Duplicate post is detected",
                                                     "input": {}, "code": "DUPLICATE_POST"}]})

    # -- OAuth ---------------------------------------------------------------------------
    @bp.post("/oauth/v2/accessToken")
    def access_token():
        _, faulted = gate.fault("token")
        if faulted is not None:
            return faulted
        form = flask.request.form
        if form.get("grant_type") == "authorization_code":
            if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
                return {"error": "invalid_client", "error_description": "Client authentication failed"}, 401
            grant, why = oauth.redeem(state, PLATFORM, form.get("code"), client_id=form.get("client_id"),
                                      redirect_uri=form.get("redirect_uri"))
            if grant is None:
                return {"error": "invalid_grant", "error_description": why}, 400
            access, refresh, _ = mint_tokens(PLATFORM, grant["subject"], 5_184_000)
            return {"access_token": access, "expires_in": 5_184_000, "refresh_token": refresh,
                    "refresh_token_expires_in": 31_536_000, "scope": ",".join(grant["scope"].split())}
        if form.get("grant_type") != "refresh_token":
            return {"error": "unsupported_grant_type", "error_description": "Unsupported grant_type"}, 400
        minted = state.refresh(PLATFORM, form.get("refresh_token", ""), lifetime_s=5_184_000)
        if minted is None:
            return {"error": "invalid_grant", "error_description": "The provided authorization grant or "
                    "refresh token is invalid, expired or revoked"}, 400
        access, refresh, lifetime = minted
        return {"access_token": access, "expires_in": lifetime, "refresh_token": refresh,
                "refresh_token_expires_in": 31_536_000, "scope": "openid,profile,w_member_social"}

    @bp.get("/oauth/v2/authorization")
    def oauth_consent():
        return oauth.consent(state, PLATFORM, CLIENT_ID)

    @bp.post("/oauth/v2/revoke")
    def revoke():
        form = flask.request.form
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return {"error": "invalid_client", "error_description": "Client authentication failed"}, 401
        who = oauth.subject_of_token(PLATFORM, form.get("token"))
        if who is not None:
            oauth.revoke(state, PLATFORM, who)
        return "", 200

    @bp.get("/v2/userinfo")
    def userinfo():
        who = state.subject_of(PLATFORM, flask.request.headers.get("Authorization"))
        if who is None:
            return unauthorized()
        return {"sub": who, "name": f"Sandbox Member {who}", "given_name": "Sandbox", "family_name": who,
                "locale": {"country": "US", "language": "en"}}

    @bp.get("/rest/organizationAcls")
    def organization_acls():
        _, who, refused = rest_checks("organizations")
        if refused is not None:
            return refused
        args = flask.request.args
        if args.get("q") != "roleAssignee":
            return _error(400, "Unsupported finder", "ILLEGAL_ARGUMENT")
        wanted_role, wanted_state = args.get("role", "ADMINISTRATOR"), args.get("state", "APPROVED")
        elements = [{"organization": f"urn:li:organization:{org}", "role": "ADMINISTRATOR", "state": "APPROVED",
                     "roleAssignee": f"urn:li:person:{who}"}
                    for org, members in sorted(admins.items()) if who in members
                    and wanted_role == "ADMINISTRATOR" and wanted_state == "APPROVED"]
        return {"elements": elements, "paging": {"start": 0, "count": len(elements), "total": len(elements)}}

    @bp.get("/rest/organizations/<org_id>")
    def organization(org_id: str):
        _, who, refused = rest_checks("organizations")
        if refused is not None:
            return refused
        if org_id not in admins:
            return _error(404, f"Organization {org_id} not found", "NOT_FOUND")
        return {"id": int(org_id) if org_id.isdigit() else org_id,
                "localizedName": org_names.get(org_id, f"Organization {org_id}"),
                "vanityName": f"org-{org_id}"}

    linkedin_media.register(bp, state, gate, base_url, rest_checks=rest_checks, may_act_as=may_act_as,
                            forbidden=forbidden, unauthorized=unauthorized, error=_error)

    # POST|GET /rest/socialActions/{urn}/comments: comments.py
    linkedin_comments.register(bp, state, rest_checks=rest_checks, may_act_as=may_act_as, forbidden=forbidden,
                               error=_error)

    # -- Posts API -----------------------------------------------------------------------
    @bp.post("/rest/posts")
    def create():
        fault, who, error = rest_checks("create")
        if error is not None:
            return error
        body = flask.request.get_json(force=True, silent=True) or {}
        author = body.get("author")
        if not may_act_as(who, author):
            return forbidden(author, "partnerApiPostsExternal.CREATE")
        problems = []
        if body.get("lifecycleState") != "PUBLISHED":
            problems.append("lifecycleState must be PUBLISHED")
        if body.get("visibility") not in ("PUBLIC", "CONNECTIONS", "LOGGED_IN"):
            problems.append("visibility is required")
        if (body.get("distribution") or {}).get("feedDistribution") not in ("MAIN_FEED", "NONE"):
            problems.append("distribution.feedDistribution is required")
        commentary = body.get("commentary") or ""
        text = render_little(commentary)
        if len(text) > MAX_COMMENTARY:
            problems.append(f"commentary is longer than {MAX_COMMENTARY} characters")
        content = body.get("content") or {}
        media_ids: list[str] = []
        entries: list[dict] = []
        if "media" in content:
            entries = [content["media"] or {}]
            media_ids = [entries[0].get("id")]
        elif "multiImage" in content:
            entries = [image or {} for image in (content["multiImage"] or {}).get("images") or []]
            media_ids = [image.get("id") for image in entries]
            if not 2 <= len(media_ids) <= 20:
                problems.append(f"multiImage needs 2 to 20 images; got {len(media_ids)}")
            if any(not (m or "").startswith("urn:li:image:") for m in media_ids):
                problems.append("multiImage accepts images only")
        elif not commentary:
            problems.append("a post needs commentary or content")
        alt_texts = [entry.get("altText") for entry in entries]
        for index, alt in enumerate(alt_texts):
            if alt is not None and (not isinstance(alt, str) or len(alt) > MAX_ALT_TEXT):
                problems.append(f"altText of media {index} must be a string of at most {MAX_ALT_TEXT} characters")
        for media_id in media_ids:
            media = state.media.get(media_id or "")
            if media is None or media["owner"] != author:
                problems.append(f"{media_id} does not exist or is not owned by {author}")
            elif media["status"] != "AVAILABLE":
                problems.append(f"{media_id} is not AVAILABLE (status {media['status']})")
        if problems:
            return _error(422, "; ".join(problems), "UNPROCESSABLE_ENTITY")
        with state.lock:
            original = next((p for p in state.posts if p["platform"] == PLATFORM and p["author"] == author
                             and p["commentary"] == commentary and p["media"] == media_ids), None)
            if original is not None:
                return _duplicate(original["urn"])
            post = state.record_post(PLATFORM, who, author=author, commentary=commentary, text=text,
                                     media=media_ids, altTexts=alt_texts, visibility=body.get("visibility"))
            post["urn"] = f"urn:li:share:{post['id']}"
            post["url"] = f"{web_base}/feed/update/{post['urn']}"
        hold_if_asked(fault)
        return "", 201, {"x-restli-id": post["urn"], "x-linkedin-id": post["urn"]}

    @bp.get("/rest/posts")
    def find_by_author():
        fault, who, error = rest_checks("lookup")
        if error is not None:
            return error
        # The `lag` fault: the Posts API's author finder is served from a search index that
        # catches up after a create, so a post just made can be missing here for a while
        # (LinkedIn documents no bound [unverified]) though `GET /rest/posts/{urn}` finds it.
        cutoff = listing_cutoff(fault)
        if flask.request.args.get("q") != "author":
            return _error(400, "Unsupported finder; use q=author", "ILLEGAL_ARGUMENT")
        author = flask.request.args.get("author")
        if not may_act_as(who, author):
            return forbidden(author, "partnerApiPostsExternal.FINDER-author")
        count = min(100, int(flask.request.args.get("count", 10)))
        start = int(flask.request.args.get("start", 0))
        with state.lock:
            mine = [p for p in reversed(state.posts) if p["platform"] == PLATFORM and p["author"] == author
                    and (cutoff is None or p["createdAt"] <= cutoff)]
        elements = []
        for post in mine[start:start + count]:
            at = int(post["createdAt"] * 1000)
            element = {"id": post["urn"], "author": author, "commentary": stored_commentary(post["commentary"]),
                       "visibility": post["visibility"], "lifecycleState": "PUBLISHED",
                       "createdAt": at, "publishedAt": at, "lastModifiedAt": at,
                       "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                                        "thirdPartyDistributionChannels": []},
                       "isReshareDisabledByAuthor": False}
            alts = post.get("altTexts") or [None] * len(post["media"])
            images = [{"id": m} | ({"altText": a} if a is not None else {}) for m, a in zip(post["media"], alts)]
            if len(images) == 1:
                element["content"] = {"media": images[0]}
            elif images:
                element["content"] = {"multiImage": {"images": images}}
            elements.append(element)
        return {"elements": elements, "paging": {"start": start, "count": count, "total": len(mine), "links": []}}

    @bp.delete("/rest/posts/<path:urn>")
    def delete_post(urn: str):
        """`DELETE /rest/posts/{url-encoded share or ugcPost URN}` → 204 (learn.microsoft.com/linkedin/
        marketing/community-management/shares/posts-api, "Delete Posts"). Only the author (or an
        administrator of the author organization) may delete: else, and for the `forbidden`
        fault, 403 ACCESS_DENIED. Deleting is idempotent: a post deleted before answers 204 again
        (the Posts API's "Delete Posts" note); a URN LinkedIn never had a post under → 404 NOT_FOUND."""
        _, who, error = rest_checks_with("delete", forbidden=answer(lambda: forbidden(urn, "DELETE")))
        if error is not None:
            return error
        with state.lock:
            post = next((p for p in state.posts if p["platform"] == PLATFORM and p.get("urn") == urn), None)
            if post is None:
                if any(p["platform"] == PLATFORM and p.get("urn") == urn for p in state.deleted):
                    return "", 204
                return _error(404, f"Not Found: no post {urn}", "NOT_FOUND")
            if not may_act_as(who, post["author"]):
                return forbidden(urn, "DELETE")
            state.delete_post(PLATFORM, lambda p: p is post)
        return "", 204

    # -- the post's page -------------------------------------------------------------------
    @bp.get("/web/feed/update/<path:urn>")
    def web(urn: str):
        post = next((p for p in state.posts if p["platform"] == PLATFORM and p.get("urn") == urn), None)
        if post is None:
            return "Not found", 404
        media = "".join(f"<li>{escape(m)}</li>" for m in post["media"])
        comments = "".join(f"<li>{escape(c['message']['text'])}</li>" for c in post.get("comments") or [])
        return (f"<html><body><h1>LinkedIn sandbox post {escape(urn)}</h1><p>by {escape(post['author'])}</p>"
                f"<p>{escape(post['text'])}</p><ul>{media}</ul><h2>Comments</h2><ul>{comments}</ul></body></html>")

    # -- sandbox control ---------------------------------------------------------------------
    @bp.post("/__sandbox/organizations")
    def register_organization():
        body = flask.request.get_json(force=True)
        admins.setdefault(str(body["organizationId"]), set()).add(str(body["admin"]))
        if body.get("name"):
            org_names[str(body["organizationId"])] = str(body["name"])
        return {"ok": True}

    return bp
