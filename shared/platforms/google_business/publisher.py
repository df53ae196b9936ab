"""Google Business Profile: a local post on one location (My Business API v4).

- **Create.** `POST https://mybusiness.googleapis.com/v4/{accounts/*/locations/*}/localPosts`
  with a LocalPost (developers.google.com/my-business/reference/rest/v4/accounts.locations.
  localPosts/create): `summary` (the text), `topicType` STANDARD / EVENT / OFFER, `languageCode`,
  `callToAction {actionType, url}`, `media [{mediaFormat: PHOTO, sourceUrl}]`, `event {title,
  schedule {startDate, startTime, endDate, endTime}}`, `offer {couponCode, redeemOnlineUrl,
  termsConditions}`. The answer is the LocalPost with `name` (`…/localPosts/{id}`), `createTime`,
  `searchUrl` (the post on Google Search, kept as its url) and `state` LIVE / PROCESSING /
  REJECTED.
- **Media by URL.** Google fetches the photo from `sourceUrl` itself, as Instagram and Threads
  do: the URL is the media's public delivery URL (`open_media(...).public_url`). The publisher
  checks type and size first (manifest.py).
- **Exactly once.** The API has no idempotency key, so the create goes through
  `ctx.create_once`; an interrupted create is reconciled by listing the location's posts
  (`GET …/localPosts`, pageSize ≤ 100, `nextPageToken`; …/localPosts/list) for one made in the
  window whose summary and topic are ours (`find_existing`). Google documents no bound on how long
  a new post takes to be listed: `listing_lag_s` is our margin.
- **Delete.** `DELETE https://mybusiness.googleapis.com/v4/{name}` (…/localPosts/delete); a 404
  means already gone.
- **Errors** come in Google's envelope `{"error": {code, message, status, details}}`
  (cloud.google.com/apis/design/errors): 429 / RESOURCE_EXHAUSTED is a rate limit, 401 /
  UNAUTHENTICATED a token to refresh (the runner refreshes once, then asks for a reconnect),
  5xx / UNAVAILABLE / INTERNAL retryable, INVALID_ARGUMENT / FAILED_PRECONDITION / PERMISSION_DENIED
  / NOT_FOUND permanent, in Google's words.
- **Refresh.** `POST oauth2.googleapis.com/token` with `grant_type=refresh_token` and Soku's
  client secret; Google does not rotate refresh tokens (the stored one is kept), and
  `invalid_grant` (revoked, expired) means reconnect.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

import httpx

from shared import clock
from shared.config import get_settings
from shared.platforms import Platform
from shared.platforms.google_business.manifest import IMAGE_FORMATS, MAX_IMAGE_BYTES, MB, MIN_IMAGE_BYTES
from shared.platforms.google.oauth import refresh_classifier
from shared.services.publishing.base import Account, PublishContext, PublishedPost, Tokens
from shared.services.publishing.deletion import for_deletion
from shared.services.publishing.errors import NeedsReconnectError, PermanentError, PublishError, RetryableError
from shared.services.publishing.http import PlatformHttp, retry_after_seconds
from shared.services.publishing.media import open_media
from shared.services.publishing.reconcile import LOOKUP_PAGES, in_window, normalise

NAME = "google_business"
PAGE_SIZE = 100  # localPosts.list's largest pageSize
RATE_LIMIT_BACKOFF_S = 60.0  # Google's 429s carry no Retry-After as a rule: a minute, the quota's period
_RETRYABLE_STATUSES = {"UNAVAILABLE", "INTERNAL", "DEADLINE_EXCEEDED", "ABORTED"}


def _google_error(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {"message": response.text[:300]}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {"message": str(body)[:300]}


def classify(response: httpx.Response) -> PublishError | None:
    status = response.status_code
    if status < 300:
        return None
    error = _google_error(response)
    words = str(error.get("message") or f"HTTP {status}")
    kind = str(error.get("status") or "")
    if status == 429 or kind == "RESOURCE_EXHAUSTED":
        return RetryableError(f"Google Business Profile rate limit: {words}", code="rate_limited",
                              retry_after=retry_after_seconds(response) or RATE_LIMIT_BACKOFF_S)
    if status == 401 or kind == "UNAUTHENTICATED":
        return NeedsReconnectError(f"Google rejected the location's authorization: {words}")
    if status >= 500 or kind in _RETRYABLE_STATUSES:
        return RetryableError(f"Google Business Profile is unavailable ({status}): {words}",
                              code="platform_unavailable")
    return PermanentError(f"Google Business Profile refused the request ({status} {kind}): {words}",
                          code="publish_rejected")


_refresh_classify = refresh_classifier("the location's")


def parse_time(value: Any) -> datetime | None:
    """An RFC 3339 timestamp as Google writes it (`2026-12-07T15:00:00.123456789Z`), or None."""
    if not isinstance(value, str) or not value:
        return None
    text = value.replace("Z", "+00:00")
    if "." in text:  # nanoseconds: Python reads at most 6 fraction digits
        head, _, rest = text.partition(".")
        digits = "".join(c for c in rest if c.isdigit())
        text = f"{head}.{digits[:6].ljust(6, '0')}{rest[len(digits):]}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _schedule(event: dict[str, Any]) -> dict[str, Any]:
    """TimeInterval {startDate, startTime, endDate, endTime} (google.type.Date / TimeOfDay): the
    location's wall-clock times as the options give them (options.py `_instant` says why)."""
    def split(value: str) -> tuple[dict[str, int], dict[str, int]]:
        moment = datetime.fromisoformat(value)
        return ({"year": moment.year, "month": moment.month, "day": moment.day},
                {"hours": moment.hour, "minutes": moment.minute, "seconds": moment.second, "nanos": 0})

    start_date, start_time = split(event["startTime"])
    end_date, end_time = split(event["endTime"])
    return {"startDate": start_date, "startTime": start_time, "endDate": end_date, "endTime": end_time}


class GoogleBusinessPublisher:
    platform = Platform.GOOGLE_BUSINESS
    # How long the location's localPosts listing may trail a create: publishing/base.py waits it
    # out before trusting a lookup's miss. Google publishes no figure (a post may sit in
    # PROCESSING first); this is our margin, as YouTube's.
    listing_lag_s = 60.0

    # -- plumbing -------------------------------------------------------------------
    def _api(self, path: str) -> str:
        return f"{get_settings().platform_hosts['google_business_api']}/v4/{path}"

    def http(self, account: Account) -> PlatformHttp:
        return PlatformHttp(classify, lambda: {"Authorization": f"Bearer {account.tokens.access_token}"})

    @staticmethod
    def location(account: Account) -> str:
        name = str(account.data.get("locationName") or "")
        if not (name.startswith("accounts/") and "/locations/" in name):
            raise PermanentError(f"The Google Business Profile account {account.account_id} has no location "
                                 "name; reconnect it", code="account_misconfigured")
        return name

    # -- authorization ------------------------------------------------------------
    def refresh(self, account: Account) -> Tokens:
        if not account.tokens.refresh_token:
            raise NeedsReconnectError("The location's Google authorization cannot be refreshed; reconnect it")
        settings = get_settings()
        response = PlatformHttp(_refresh_classify).request(
            "POST", f"{settings.platform_hosts['google_business_oauth']}/token", data={
                "grant_type": "refresh_token", "refresh_token": account.tokens.refresh_token,
                "client_id": settings.platform_client_ids.get(NAME, ""),
                "client_secret": settings.platform_client_secrets.get(NAME, "")})
        body = response.json()
        # Google does not rotate refresh tokens: keep the stored one unless a new one is given.
        return Tokens(body["access_token"], body.get("refresh_token") or account.tokens.refresh_token,
                      clock.now() + timedelta(seconds=int(body.get("expires_in", 3599))))

    # -- publishing -----------------------------------------------------------------
    def local_post(self, ctx: PublishContext) -> dict[str, Any]:
        """The LocalPost body for this run's content and options."""
        options = ctx.content.options or {}
        post: dict[str, Any] = {"topicType": str(options.get("topicType") or "standard").upper()}
        if post["topicType"] == "STANDARD" and not (ctx.content.text or "").strip():
            # The manifest says text is required, but submission does not hold a photo-only post
            # to that: a STANDARD post is its summary, so Google would refuse it.
            raise PermanentError("A Google Business Profile update (topicType standard) needs text: it is the "
                                 "post's summary", code="text_required")
        if ctx.content.text:
            post["summary"] = ctx.content.text
        if options.get("languageCode"):
            post["languageCode"] = options["languageCode"]
        action = options.get("callToAction")
        if action:
            post["callToAction"] = {"actionType": action["actionType"]} | (
                {"url": action["url"]} if action.get("url") else {})
        event = options.get("event")
        if event:
            post["event"] = {"title": event["title"], "schedule": _schedule(event)}
        offer = options.get("offer")
        if offer:
            post["offer"] = {key: offer[ours] for ours, key in (("couponCode", "couponCode"),
                                                                 ("redeemUrl", "redeemOnlineUrl"),
                                                                 ("terms", "termsConditions")) if offer.get(ours)}
        if ctx.content.media_type == "video" and ctx.content.videos:
            raise PermanentError("Soku publishes photos to Google Business Profile, not videos",
                                 code="media_unsupported")
        if ctx.content.images:
            post["media"] = [{"mediaFormat": "PHOTO", "sourceUrl": self._photo_url(ctx.content.images[0])}]
        return post

    @staticmethod
    def _photo_url(item: dict) -> str:
        media = open_media(item)  # the object exists; Google fetches it from its public URL
        if media.content_type not in IMAGE_FORMATS:
            raise PermanentError(f"Google Business Profile takes JPG and PNG photos; this one is {media.content_type}",
                                 code="media_unsupported")
        if not MIN_IMAGE_BYTES <= media.size <= MAX_IMAGE_BYTES:
            raise PermanentError(f"Google Business Profile takes photos of 10 KB to {MAX_IMAGE_BYTES // MB} MB; "
                                 f"this one is {media.size} bytes", code="media_too_large"
                                 if media.size > MAX_IMAGE_BYTES else "media_unsupported")
        return media.public_url

    def publish(self, ctx: PublishContext) -> PublishedPost:
        http = self.http(ctx.account)
        location = self.location(ctx.account)
        body = self.local_post(ctx)

        def create() -> PublishedPost:
            answer = http.request("POST", self._api(f"{location}/localPosts"), json=body).json()
            ctx.accepted(localPost={"name": answer.get("name"), "state": answer.get("state")})
            return PublishedPost(str(answer["name"]), answer.get("searchUrl"))

        post = ctx.create_once(create)
        state = (ctx.checkpoint.get("localPost") or {}).get("state")
        if state:
            ctx.report(state=state)
        if state == "REJECTED":
            # Google made the post and refused to show it (its content policies): the run fails
            # with the post's name, so the user can look at it and delete it.
            raise PermanentError(f"Google Business Profile rejected the post {post.post_id} (state REJECTED): it "
                                 "was made but is not shown; see the location's posts at business.google.com",
                                 code="publish_rejected")
        return post

    def find_existing(self, ctx: PublishContext, armed_at: datetime) -> PublishedPost | None:
        """The location's post made in the window whose summary and topic are this run's: the first
        one made after the create was armed."""
        http = self.http(ctx.account)
        wanted = normalise(ctx.content.text)
        topic = str((ctx.content.options or {}).get("topicType") or "standard").upper()
        matches = []
        for post in self._posts(http, self.location(ctx.account)):
            created = parse_time(post.get("createTime"))
            if (in_window(created, armed_at) and normalise(post.get("summary")) == wanted
                    and str(post.get("topicType") or "STANDARD") == topic):
                matches.append((created, post))
        if not matches:
            return None
        _, post = min(matches, key=lambda match: match[0])
        ctx.save(localPost={"name": post.get("name"), "state": post.get("state")})
        return PublishedPost(str(post["name"]), post.get("searchUrl"))

    def _posts(self, http: PlatformHttp, location: str) -> Iterator[dict[str, Any]]:
        """The location's local posts, page by page (LOOKUP_PAGES at most). The reference promises
        no order, so every page read is searched."""
        token = None
        for _ in range(LOOKUP_PAGES):
            params: dict[str, Any] = {"pageSize": PAGE_SIZE} | ({"pageToken": token} if token else {})
            body = http.request("GET", self._api(f"{location}/localPosts"), params=params).json()
            yield from (p for p in body.get("localPosts") or [] if isinstance(p, dict))
            token = body.get("nextPageToken")
            if not token:
                return

    # -- taking a post down ---------------------------------------------------------------
    def delete_post(self, account: Account, post_id: str) -> None:
        """`DELETE /v4/{accounts/*/locations/*/localPosts/*}` → empty answer; 404 NOT_FOUND: gone."""
        if not post_id.startswith("accounts/") or "/localPosts/" not in post_id:
            raise PermanentError(f"{post_id!r} is not a Google Business Profile post name", code="publish_rejected")
        http = for_deletion(self.http(account), "Google Business Profile", lambda response: response.status_code == 404)
        http.request("DELETE", self._api(post_id))


PUBLISHER = GoogleBusinessPublisher  # what the registry (shared/platforms/loader.py) instantiates
