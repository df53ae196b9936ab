"""LinkedIn metrics: post statistics for organizations and members, follower counts.

- `GET /rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity={org}&
  shares=List({urn})` (or `ugcPosts=List(…)`) → `elements[].totalShareStatistics.{impressionCount,
  uniqueImpressionsCount, clickCount, likeCount, commentCount, shareCount, engagement}`
  (learn.microsoft.com/linkedin/marketing/community-management/organizations/share-statistics).
- `GET /rest/memberCreatorPostAnalytics?q=entity&entity=(share:{urn})&queryType=IMPRESSION|
  MEMBERS_REACHED|REACTION|COMMENT|RESHARE&aggregation=TOTAL` → `elements[0].count`
  (…/community-management/members/post-statistics).
- `GET /rest/networkSizes/{org urn}?edgeType=COMPANY_FOLLOWED_BY_MEMBER` → `firstDegreeSize`
  (…/organizations/organization-lookup-api).
- `GET /rest/memberFollowersCount?q=me` → `elements[0].memberFollowersCount`
  (…/members/follower-statistics).
Refusals in LinkedIn's body `{status, serviceErrorCode, code, message}`: 403 `ACCESS_DENIED`
"Not enough permissions to access: …" (also the `missing_scope` fault), 404 for a post that is
not (or no longer) there, 401 `EXPIRED_ACCESS_TOKEN`, 429 throttles; the version and Rest.li
headers are required as on every `/rest` call.
"""

from __future__ import annotations

import flask

from devstack.sandboxes.core import Gate, SandboxState, answer
from devstack.sandboxes.insights.common import (
    ACCOUNT_OPERATION,
    POST_OPERATION,
    account_counts,
    find_post,
    post_counts_of,
)
from devstack.sandboxes.linkedin import _error

PLATFORM = "linkedin"
_METRIC_TYPE = "com.linkedin.adsexternalapi.memberanalytics.v1.CreatorPostAnalyticsMetricTypeV1"


def _inside(value: str, opening: str) -> str:
    """`List(a,b)` → `a,b`; `(share:urn)` → `share:urn` (Rest.li 2.0 query syntax)."""
    value = value.strip()
    if value.startswith(opening) and value.endswith(")"):
        return value[len(opening):-1]
    return value


def blueprint(state: SandboxState) -> flask.Blueprint:
    bp = flask.Blueprint("linkedin_insights", __name__, url_prefix="/linkedin")

    def authorized():
        who = state.subject_of(PLATFORM, flask.request.headers.get("Authorization"))
        if who is not None:
            return who, None
        return None, _error(401, "The token used in the request has expired", "EXPIRED_ACCESS_TOKEN", 65602)

    def denied(what: str = "this resource"):
        return _error(403, f"Not enough permissions to access: {what}", "ACCESS_DENIED", 100)

    def throttled(fault, operation):
        return _error(429, "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.",
                      headers={"Retry-After": str(fault.params.get("retry_after", 60))})

    gate = Gate(state, PLATFORM, {
        "rate_limit": throttled,
        "server_error": answer(lambda: _error(500, "Internal Server Error")),
        "expired_token": answer(lambda: _error(401, "The token used in the request has expired",
                                               "EXPIRED_ACCESS_TOKEN", 65602)),
        "missing_scope": answer(denied),
    }, authorized)

    def checks(operation: str):
        if not flask.request.headers.get("LinkedIn-Version"):
            return None, None, _error(400, "A version must be present. Please specify a version by adding the "
                                           "LinkedIn-Version header.", "VERSION_MISSING")
        if flask.request.headers.get("X-Restli-Protocol-Version") != "2.0.0":
            return None, None, _error(400, "This API requires the header X-Restli-Protocol-Version: 2.0.0",
                                      "ILLEGAL_ARGUMENT")
        return gate(operation)

    def live_post(urn: str, fault):
        post = find_post(state, PLATFORM, urn, key="urn")
        return None if fault is not None and fault.kind == "not_found" else post

    @bp.get("/rest/organizationalEntityShareStatistics")
    def share_statistics():
        fault, who, refused = checks(POST_OPERATION)
        if refused is not None:
            return refused
        args = flask.request.args
        organization = args.get("organizationalEntity", "")
        urns = [u for u in _inside(args.get("shares") or args.get("ugcPosts") or "", "List(").split(",") if u]
        elements = []
        for urn in urns:
            post = live_post(urn, fault)
            if post is None:
                return _error(404, f"Share {urn} not found", "NOT_FOUND")
            if post["author"] != organization or post["subject"] != who:
                return denied(f"organizationalEntityShareStatistics for {organization}")
            c = post_counts_of(post, "urn")
            engaged = c["likes"] + c["comments"] + c["shares"] + c["clicks"]
            elements.append({"organizationalEntity": organization, "share": urn, "totalShareStatistics": {
                "impressionCount": c["views"], "uniqueImpressionsCount": c["reach"], "clickCount": c["clicks"],
                "likeCount": c["likes"], "commentCount": c["comments"], "shareCount": c["shares"],
                "engagement": round(engaged / c["views"], 4) if c["views"] else 0.0}})
        return {"paging": {"count": 10, "start": 0, "links": []}, "elements": elements}

    @bp.get("/rest/memberCreatorPostAnalytics")
    def member_post_analytics():
        fault, who, refused = checks(POST_OPERATION)
        if refused is not None:
            return refused
        args = flask.request.args
        kind, _, urn = _inside(args.get("entity", ""), "(").partition(":")
        query_type = args.get("queryType", "")
        field = {"IMPRESSION": "views", "MEMBERS_REACHED": "reach", "REACTION": "likes", "COMMENT": "comments",
                 "RESHARE": "shares"}.get(query_type)
        if args.get("q") != "entity" or kind not in ("share", "ugc") or field is None:
            return _error(400, "Invalid query parameters", "ILLEGAL_ARGUMENT")
        post = live_post(urn, fault)
        if post is None:
            return _error(404, f"Entity {urn} not found", "NOT_FOUND")
        if post["author"] != f"urn:li:person:{who}":
            return denied(f"memberCreatorPostAnalytics for {urn}")
        return {"paging": {"count": 10, "start": 0, "links": []}, "elements": [
            {"count": post_counts_of(post, "urn")[field], "metricType": {_METRIC_TYPE: query_type}}]}

    @bp.get("/rest/networkSizes/<path:urn>")
    def network_size(urn: str):
        _, who, refused = checks(ACCOUNT_OPERATION)
        if refused is not None:
            return refused
        if flask.request.args.get("edgeType") != "COMPANY_FOLLOWED_BY_MEMBER":
            return _error(400, "edgeType must be COMPANY_FOLLOWED_BY_MEMBER", "ILLEGAL_ARGUMENT")
        return {"firstDegreeSize": account_counts(state, PLATFORM, urn)["followers"]}

    @bp.get("/rest/memberFollowersCount")
    def member_followers():
        _, who, refused = checks(ACCOUNT_OPERATION)
        if refused is not None:
            return refused
        return {"paging": {"count": 10, "start": 0, "links": []},
                "elements": [{"memberFollowersCount": account_counts(state, PLATFORM, who)["followers"]}]}

    return bp
