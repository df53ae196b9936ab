"""LinkedIn: a post's statistics and an author's followers, by who the account posts as.

Soku's LinkedIn accounts post as the member (`urn:li:person:…`, `w_member_social`) or as an
organization they administer (`authorType: organization`, `w_organization_social`); Soku
requests `r_organization_admin` but no member analytics permission (shared/platforms/linkedin/connector.py).
All calls carry `LinkedIn-Version` and `X-Restli-Protocol-Version: 2.0.0` (the publisher's client).

- Organization post: `GET /rest/organizationalEntityShareStatistics?q=organizationalEntity&
  organizationalEntity={org urn}&shares=List({share urn})` (or `ugcPosts=List(…)`) →
  `elements[0].totalShareStatistics.{impressionCount, uniqueImpressionsCount, likeCount,
  commentCount, shareCount, clickCount, engagement}` (learn.microsoft.com/linkedin/marketing/
  community-management/organizations/share-statistics; `r_organization_admin`).
- Member post: `GET /rest/memberCreatorPostAnalytics?q=entity&entity=(share:{urn})&queryType=…&
  aggregation=TOTAL`, one call per IMPRESSION, MEMBERS_REACHED, REACTION, COMMENT, RESHARE →
  `elements[0].count` (…/community-management/members/post-statistics; `r_member_postAnalytics`).
- Organization followers: `GET /rest/networkSizes/{org urn}?edgeType=COMPANY_FOLLOWED_BY_MEMBER`
  → `firstDegreeSize` (…/organizations/organization-lookup-api, "Retrieve Organization Follower Count").
- Member followers: `GET /rest/memberFollowersCount?q=me` → `elements[0].memberFollowersCount`
  (…/members/follower-statistics; `r_member_profileAnalytics`).
A 403 (`ACCESS_DENIED`, "Not enough permissions") is `missing_scope`; a 404 `post_not_found`.
"""

from __future__ import annotations

from urllib.parse import quote

import httpx

from shared.config import get_settings
from shared.services.analytics.base import (
    AccountMetrics,
    MetricsRefused,
    PostMetrics,
    count,
    metrics_http,
    require_scope,
)
from shared.services.publishing.base import Account, Publisher
from shared.services.publishing.errors import PublishError
from shared.platforms.linkedin.publisher import LinkedInPublisher

SUPPORTED = True
MEMBER_QUERIES = ("IMPRESSION", "MEMBERS_REACHED", "REACTION", "COMMENT", "RESHARE")


def _api(path: str) -> str:
    return f"{get_settings().platform_hosts['linkedin_api']}/rest/{path}"


def _message(response: httpx.Response) -> str:
    try:
        return str(response.json().get("message") or response.text[:200])
    except ValueError:
        return response.text[:200]


def _refine(response: httpx.Response) -> PublishError | None:
    if response.status_code == 403:
        return MetricsRefused(f"LinkedIn refused for lack of permission: {_message(response)}", code="missing_scope")
    if response.status_code == 404:
        return MetricsRefused(f"LinkedIn has no such post any more: {_message(response)}", code="post_not_found")
    return None


def _is_organization(account: Account) -> bool:
    return account.data.get("authorType") == "organization"


def post(publisher: Publisher, account: Account, result: dict) -> PostMetrics:
    urn = str(result["postId"])
    http = metrics_http(publisher, account, _refine)
    if _is_organization(account):
        require_scope(account, "r_organization_admin", "LinkedIn organization post statistics")
        organization = LinkedInPublisher.author_urn(account)
        edge = "ugcPosts" if ":ugcPost:" in urn else "shares"
        query = (f"q=organizationalEntity&organizationalEntity={quote(organization, safe='')}"
                 f"&{edge}=List({quote(urn, safe='')})")
        elements = http.request("GET", f"{_api('organizationalEntityShareStatistics')}?{query}").json().get(
            "elements") or []
        if not elements:
            raise MetricsRefused(f"LinkedIn has no statistics for {urn}", code="post_not_found")
        stats = elements[0].get("totalShareStatistics") or {}
        return PostMetrics(views=count(stats.get("impressionCount")), likes=count(stats.get("likeCount")),
                           comments=count(stats.get("commentCount")), shares=count(stats.get("shareCount")),
                           platform=dict(stats))
    require_scope(account, "r_member_postAnalytics", "LinkedIn member post statistics")
    kind = "ugc" if ":ugcPost:" in urn else "share"
    numbers = {}
    for query_type in MEMBER_QUERIES:
        query = (f"q=entity&entity=({kind}:{quote(urn, safe='')})&queryType={query_type}&aggregation=TOTAL")
        elements = http.request("GET", f"{_api('memberCreatorPostAnalytics')}?{query}").json().get("elements") or []
        numbers[query_type] = count(elements[0].get("count")) if elements else None
    return PostMetrics(views=numbers["IMPRESSION"], likes=numbers["REACTION"], comments=numbers["COMMENT"],
                       shares=numbers["RESHARE"], platform=numbers)


def account(publisher: Publisher, account: Account) -> AccountMetrics:
    http = metrics_http(publisher, account, _refine)
    if _is_organization(account):
        require_scope(account, "r_organization_admin", "LinkedIn organization follower counts")
        organization = LinkedInPublisher.author_urn(account)
        body = http.request("GET", _api(f"networkSizes/{quote(organization, safe='')}"),
                            params={"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"}).json()
        return AccountMetrics(followers=count(body.get("firstDegreeSize")),
                              platform={"firstDegreeSize": count(body.get("firstDegreeSize"))})
    require_scope(account, "r_member_profileAnalytics", "LinkedIn member follower counts")
    elements = http.request("GET", _api("memberFollowersCount"), params={"q": "me"}).json().get("elements") or []
    followers = count(elements[0].get("memberFollowersCount")) if elements else None
    return AccountMetrics(followers=followers, platform={"memberFollowersCount": followers})
