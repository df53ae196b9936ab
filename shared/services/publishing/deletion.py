"""Deleting a published post at its platform: what every publisher's `delete_post` shares.

Each supported publisher has `delete_post(account, post_id)` beside its publish
code (its own host, token and `classify`). It returns when the platform deleted
the post and raises `PostGone` when the platform says there is no such post
(already deleted there, by the user or by an earlier call of ours): for the
caller both mean the post is down. Everything else is the publishing taxonomy
(errors.py), sorted by the platform's own `classify`, with one refinement
(`for_deletion`): a 403 to a delete is a permission the account lacks for
deleting (Threads' `threads_delete`, YouTube's `youtube.force-ssl`, a Page role),
not a broken authorization, so it is reported as `missing_permission` and the
account is not flagged for reconnection (publishing still works).

Platforms whose publishing APIs document no delete are listed in `UNSUPPORTED`
with the reason the caller is given.
"""

from __future__ import annotations

from typing import Callable

import httpx

from shared.platforms import Platform
from shared.services.publishing.errors import PermanentError, PublishError, RetryableError
from shared.services.publishing.http import PlatformHttp

# Why Soku cannot take a post down on these platforms (docs/posts.md, "Taking a post down").
UNSUPPORTED: dict[Platform, str] = {
    # developers.facebook.com/docs/instagram-platform/content-publishing and the IG Media reference
    # document creating and reading media only. Secondary sources report a newer `DELETE /{ig-media-id}`
    # that needs the `instagram_manage_contents` permission, which Soku's Instagram connection does not
    # ask for (reference/platform-apis.md §2, "Delete": unverified against Meta's reference).
    Platform.INSTAGRAM: ("Soku cannot delete Instagram posts: Instagram's content publishing API documents no "
                         "way to delete published media. Delete it in the Instagram app."),
    # developers.tiktok.com/doc/content-posting-api-reference-direct-post: the Content Posting API
    # creates posts and reads their status; it has no delete endpoint.
    Platform.TIKTOK: ("Soku cannot delete TikTok posts: TikTok's Content Posting API has no endpoint to delete "
                      "a published video or photo post. Delete it in the TikTok app."),
    # developers.snap.com/api/marketing-api/Public-Profile-API (Profile Asset Management, Content
    # Management): media upload and posting Stories, Saved Stories and Spotlights are documented;
    # deleting a posted Story or Spotlight is not.
    Platform.SNAPCHAT: ("Soku cannot delete Snapchat posts: Snap's Public Profile API documents no endpoint to "
                        "delete a posted Story or Spotlight. Delete it in the Snapchat app."),
}


class PostGone(PublishError):
    """The platform has no such post (any more): for a deletion, the post is down."""

    code = "post_gone"


class NotDeletable(PermanentError):
    """The platform deletes such posts, but no longer this one (a Telegram message older than its
    48 hours): no request of ours can change that, so it is answered like a platform without
    deletion (422), the platform's reason in the message."""

    code = "not_deletable"


def _is_403(response: httpx.Response) -> bool:
    return response.status_code == 403


def for_deletion(http: PlatformHttp, platform_name: str, gone: Callable[[httpx.Response], bool],
                 forbidden: Callable[[httpx.Response], bool] = _is_403) -> PlatformHttp:
    """`http` with its classifier refined for a delete: `gone(response)` → PostGone, and a refusal
    `forbidden` recognises (a 403 by default) that the platform's classifier does not call
    retryable (YouTube's `quotaExceeded` is a 403) → `missing_permission`, in the platform's words."""
    base = http.classify

    def classify(response: httpx.Response) -> PublishError | None:
        if response.status_code < 300:
            return None
        if gone(response):
            return PostGone(f"{platform_name} has no such post (already deleted)")
        error = base(response)
        if forbidden(response) and not isinstance(error, RetryableError):
            words = error.message if error is not None else response.text[:300]
            return PermanentError(f"{platform_name} refused to delete the post: {words}", code="missing_permission")
        return error

    http.classify = classify
    return http
