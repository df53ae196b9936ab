"""TikTok (API v2): a video's counts, the creator's counts.

- `POST /v2/video/query/?fields=id,view_count,like_count,comment_count,share_count` with
  `{"filters": {"video_ids": [id]}}` → `data.videos[]` (developers.tiktok.com/doc/tiktok-api-v2-video-query;
  scope `video.list`, up to 20 ids). A video that is gone, private or not the user's is missing
  from `videos`.
- `GET /v2/user/info/?fields=follower_count,following_count,likes_count,video_count`
  (…/doc/tiktok-api-v2-get-user-info; those fields need `user.info.stats`).
Soku's default TikTok scopes include both (accounts connected before they were added lack
them): with a known grant lacking them the answer is `missing_scope` without a call; TikTok's own
`scope_not_authorized` maps to the same code.

A run's `postId` is TikTok's public video id once moderation made the post public; before
that (or for a SELF_ONLY post, which never gets one) it is the `publish_id`, which the query
does not take. Such a run asks `POST /v2/post/publish/status/fetch/` once whether the public id
exists by now, and otherwise answers `no_video_id`.
"""

from __future__ import annotations

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

SUPPORTED = True
VIDEO_FIELDS = "id,view_count,like_count,comment_count,share_count"
USER_FIELDS = "follower_count,following_count,likes_count,video_count"
_SCOPE_CODES = {"scope_not_authorized", "scope_permission_missed"}


def _api(path: str) -> str:
    return f"{get_settings().platform_hosts['tiktok_api']}/v2/{path}"


def _refine(response: httpx.Response) -> PublishError | None:
    try:
        error = (response.json() or {}).get("error") or {}
    except (ValueError, AttributeError):
        return None
    if isinstance(error, dict) and error.get("code") in _SCOPE_CODES:
        return MetricsRefused(f"TikTok refused for lack of permission: {error.get('message')}", code="missing_scope")
    return None


def _is_publish_id(post_id: str) -> bool:
    # TikTok's publish ids read `v_pub_file~v2-1.…` / `v_pub_url~…` / `p_pub_url~…`; video ids are digits.
    return not post_id.isdigit()


def _video_id(http, post_id: str) -> str:
    if not _is_publish_id(post_id):
        return post_id
    data = (http.request("POST", _api("post/publish/status/fetch/"), json={"publish_id": post_id}).json()
            .get("data") or {})
    ids = [str(i) for i in data.get("publicaly_available_post_id") or []]  # TikTok's spelling
    if not ids:
        raise MetricsRefused("TikTok has not given this post a public video id (it is private, or still in "
                             "moderation), and its metrics are only available by video id", code="no_video_id")
    return ids[0]


def post(publisher: Publisher, account: Account, result: dict) -> PostMetrics:
    require_scope(account, "video.list", "TikTok video metrics")
    http = metrics_http(publisher, account, _refine)
    video_id = _video_id(http, str(result["postId"]))
    data = http.request("POST", _api("video/query/"), params={"fields": VIDEO_FIELDS},
                        json={"filters": {"video_ids": [video_id]}}).json().get("data") or {}
    video = next((v for v in data.get("videos") or [] if str(v.get("id")) == video_id), None)
    if video is None:
        raise MetricsRefused(f"TikTok has no video {video_id} of this account any more", code="post_not_found")
    numbers = {k: count(video.get(k)) for k in ("view_count", "like_count", "comment_count", "share_count")}
    return PostMetrics(views=numbers["view_count"], likes=numbers["like_count"], comments=numbers["comment_count"],
                       shares=numbers["share_count"], platform=numbers | {"videoId": video_id})


def account(publisher: Publisher, account: Account) -> AccountMetrics:
    require_scope(account, "user.info.stats", "TikTok follower counts")
    http = metrics_http(publisher, account, _refine)
    user = (http.request("GET", _api("user/info/"), params={"fields": USER_FIELDS}).json().get("data") or {}).get(
        "user") or {}
    numbers = {k: count(user.get(k)) for k in ("follower_count", "following_count", "likes_count", "video_count")}
    return AccountMetrics(followers=numbers["follower_count"], following=numbers["following_count"],
                          posts=numbers["video_count"], platform=numbers)
