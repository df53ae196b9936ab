"""The OpenAPI 3.1 document of the public API, generated from the code.

Sources, all of them the code that serves requests:
  * every HTTP function main.py exports (found like the local gateway finds
    them) and the `Api` objects of its module (matched by name: `Api("posts")`
    serves the function `posts`);
  * the routes' contract metadata (`Api.route(..., request_model=...,
    response_model=..., query_model=..., success_status=..., responses=...)`)
    and their pydantic models (`model_json_schema`);
  * firebase.json's Hosting rewrites: a route is public when the rewrite that
    matches its path sends it to its own function;
  * the pipeline's shared behaviour: the error envelope, the rate-limit,
    request-id and idempotency headers, the endpoint limits.

A new route appears in the document as soon as it is registered. The
document is checked in at `openapi.json` (`make openapi` regenerates it), the
`openapi` function serves that file, and a test fails when the file and the
code disagree. Run: `python -m shared.web.openapi [--check] [PATH]`.
"""

from __future__ import annotations

import inspect
import json
import re
import sys
from pathlib import Path
from typing import Any, Callable, Iterable

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from shared.models.common import ErrorEnvelope
from shared.services.rate_limits import DEFAULT_ENDPOINT_LIMITS, DEFAULT_TIERS
from shared.web.routes import load_rewrites

ROOT = Path(__file__).resolve().parent.parent.parent
DOCUMENT_PATH = ROOT / "openapi.json"
_REF = "#/components/schemas/{model}"
_METHOD_ORDER = ("get", "post", "put", "patch", "delete")
_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Routes that honour the Idempotency-Key header (and echo it).
IDEMPOTENT_ENDPOINTS = {"POST /v1/posts", "POST /v1/ai/transcribe"}
# Liveness answers whatever the configuration (functions/health.py): never 503.
NEVER_UNAVAILABLE = {"GET /health"}

DESCRIPTION = """\
One API call, every social platform: publish to X, Instagram, Facebook, Threads, TikTok,
YouTube, LinkedIn and Snapchat.

**Authentication.** Public routes take an API key in the `soku-api-key` header (or as
`Authorization: Bearer sk_live_…`) and need an active (`active` or `trialing`) subscription.
Each operation names the scope a key needs (`x-soku-scope`, and the `ApiKey` requirement's
scope list); a key without it gets `403 insufficient_scope`. Key management routes take a key
holding `keys:manage`, or the web app's Firebase ID token (`Authorization: Bearer …`).

**Errors.** Every error has one envelope, `{"error": {type, code, message, timestamp,
requestId, details?}}` (schema `ErrorEnvelope`).

**Rate limits.** Global, per caller: default (no valid key) 25/min + 10 burst, authenticated
60 + 30, premium (active subscription) 100 + 100, admin 200 + 500. The burst is a pool of
extra requests beyond the per-minute limit that refills every 10 minutes. Endpoint limits
come on top (`x-soku-rate-limit`). Every response carries `X-RateLimit-Limit`,
`X-RateLimit-Remaining`, `X-RateLimit-Reset` (ISO 8601, end of the current one-minute
window) and `X-RateLimit-Tier`; a refused request gets `429 rate_limit_exceeded` with
`Retry-After` (seconds).
"""

def _api_key_scheme() -> str:
    from shared.services.key_scopes import SCOPES

    table = "\n".join(f"| `{name}` | {what} |" for name, what in SCOPES.items())
    return ("`sk_live_…`, created in the web app or with a key holding `keys:manage` (shown once). Also "
            "accepted as `Authorization: Bearer sk_live_…` (both headers naming different keys: 400). A key "
            "holds the scopes it was created with (one created without any, or before scopes existed, holds "
            "all); each operation names the one it needs, and a call without it answers `403 "
            "insufficient_scope` with `details: {requiredScope, grantedScopes}`. `GET /v1/me` takes any key.\n\n"
            "| scope | allows |\n|---|---|\n" + table)


API_KEY_SCHEME = _api_key_scheme()

# -- shared components ---------------------------------------------------------------

HEADERS: dict[str, dict] = {
    "X-Request-ID": {"description": "Your X-Request-ID (up to 128 of `A-Za-z0-9._:-`) or a generated UUID",
                     "required": True, "schema": {"type": "string"}},
    "X-RateLimit-Limit": {"description": "Requests allowed in the current window by the limit closest to "
                                         "refusing this request (the tier's per-minute limit, or the "
                                         "endpoint's)", "required": True,
                          "schema": {"type": "string", "pattern": "^[0-9]+$"}},
    "X-RateLimit-Remaining": {"description": "Requests left in the current window (0 while drawing on burst)",
                              "required": True, "schema": {"type": "string", "pattern": "^[0-9]+$"}},
    "X-RateLimit-Reset": {"description": "When the current window ends (ISO 8601)", "required": True,
                          "schema": {"type": "string", "format": "date-time"}},
    "X-RateLimit-Tier": {"description": "Your rate-limit tier", "required": True,
                         "schema": {"type": "string", "enum": list(DEFAULT_TIERS)}},
    "X-RateLimit-Burst-Remaining": {"description": "Burst requests left in the 10-minute pool; sent when "
                                                   "this request used the burst",
                                    "schema": {"type": "string", "pattern": "^[0-9]+$"}},
    "Retry-After": {"description": "Seconds to wait before retrying (on 429)", "required": True,
                    "schema": {"type": "string", "pattern": "^[0-9]+$"}},
    "Idempotency-Key": {"description": "The idempotency key used (yours, or derived from the body)",
                        "schema": {"type": "string"}},
    "Allow": {"description": "Methods the path accepts (on 405)", "schema": {"type": "string"}},
}
_COMMON_HEADERS = ("X-Request-ID", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
                   "X-RateLimit-Tier", "X-RateLimit-Burst-Remaining")


def _headers(*extra: str) -> dict:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in (*_COMMON_HEADERS, *extra)}


def _error_example(status: int, code: str, message: str, details: Any = None) -> dict:
    error_type = ("authentication_error" if status in (401, 403)
                  else "api_error" if status >= 500 else "invalid_request_error")
    body: dict[str, Any] = {"type": error_type, "code": code, "message": message,
                            "timestamp": "2026-11-25T00:02:14.654Z",
                            "requestId": "abb6930d-2b57-4d44-9d63-19d5a9c8d077"}
    if details is not None:
        body["details"] = details
    return {"error": body}


# status -> (component name, description, example, extra headers)
ERRORS: dict[int, tuple[str, str, dict, tuple[str, ...]]] = {
    400: ("BadRequest", "Invalid request (`validation_error` and other 400 codes)", _error_example(
        400, "validation_error", "Request validation failed",
        [{"field": "body.post.content.platform", "message": "Required", "code": "invalid_type"}]), ()),
    401: ("Unauthorized", "Missing, invalid or revoked credentials", _error_example(
        401, "unauthorized", "Missing or invalid soku-api-key"), ()),
    403: ("Forbidden", "Subscription required, inactive or expired (`forbidden`), or the API key lacks the "
                       "operation's scope (`insufficient_scope`)", _error_example(
        403, "forbidden", "Subscription required"), ()),
    404: ("NotFound", "No such resource (or not yours)", _error_example(
        404, "not_found", "Resource not found"), ()),
    405: ("MethodNotAllowed", "The path exists but not with this method", _error_example(
        405, "method_not_allowed", "Method PUT is not allowed on /v1/api-keys; allowed: GET, POST"), ("Allow",)),
    409: ("Conflict", "Conflicts with the resource's state or an earlier request", _error_example(
        409, "idempotency_conflict", "Idempotency key conflict: this key was already used with a "
                                     "different request body"), ()),
    412: ("PreconditionFailed", "`If-Match` names a revision the resource no longer has: read it again", _error_example(
        412, "precondition_failed", "The post changed since you read it (revision 3, If-Match named 2)",
        {"revision": 3}), ()),
    413: ("PayloadTooLarge", "Body over the limit: 1 MB of JSON (a multipart `POST /v1/media`: 30 MiB)",
          _error_example(413, "payload_too_large", "Request body exceeds the limit of 1048576 bytes",
                         {"limit": 1048576}), ()),
    415: ("UnsupportedMediaType", "Body is not application/json", _error_example(
        415, "unsupported_media_type", "Content-Type must be application/json, got text/plain"), ()),
    402: ("PaymentRequired", "Not enough AI credits", _error_example(
        402, "insufficient_credits", "Insufficient AI credits. Required: 3, Available: 1",
        {"required": 3, "available": 1, "feature": "transcription"}), ()),
    410: ("Gone", "The resource has expired", _error_example(
        410, "upload_expired", "This upload expired; create a new one"), ()),
    422: ("Unprocessable", "Understood, but this resource cannot be acted on this way", _error_example(
        422, "deletion_not_supported", "Instagram's API offers no way to delete a published post"), ()),
    429: ("RateLimited", "Rate limit exceeded: wait `Retry-After` seconds", _error_example(
        429, "rate_limit_exceeded", "Rate limit exceeded. Try again in 30 seconds.",
        {"scope": "global", "tier": "premium", "limit": 100, "burst": 100, "retryAfter": 30,
         "resetAt": "2026-11-25T00:03:00.000Z"}), ("Retry-After",)),
    500: ("InternalError", "Unexpected server error", _error_example(
        500, "internal_error", "An unexpected error occurred"), ()),
    502: ("BadGateway", "A platform or upstream service failed; retrying may succeed", _error_example(
        502, "upstream_error", "The transcription service failed"), ()),
    503: ("ServiceUnavailable", "A service this route needs is not answering (`service_unavailable`), or the "
                                "deployment lacks a setting it needs (`service_misconfigured`, naming it)",
          _error_example(503, "service_misconfigured", "OPENAI_API_KEY is not set"), ()),
}

_RATE_LIMITED = ("rate_limit_exceeded", "Rate limit exceeded. Try again in 30 seconds.")


def _daily(budget: str, used: int, limit: int, unit: str, needs: int) -> tuple[str, str]:
    """A route's 429 `daily_limit_exceeded` (shared/services/budgets.py), as the code words it."""
    return ("daily_limit_exceeded", f"Daily limit exceeded for {budget}: you have used {used} of the {limit} "
                                    f"{unit} the premium tier allows per day; this request needs {needs} more. "
                                    f"The limit resets at 2026-11-26T00:00:00.000Z (UTC midnight)")


_DAILY_POSTS = _daily("posts", 999, 1000, "targets", 3)
_DAILY_BYTES = _daily("mediaBytes", 21474000000, 21474836480, "bytes", 5242880)
_DAILY_RENDERS = _daily("renders", 2000, 2000, "images", 1)
_DAILY_MINUTES = _daily("transcriptionMinutes", 598, 600, "minutes", 4)

# The errors particular to one operation, beside those every route of its kind answers (see
# `_operation`): status -> [(code, example message)], the first one the example. Their codes
# are the handlers' own (tests/test_openapi.py finds each one in the code).
ENDPOINT_ERRORS: dict[str, dict[int, list[tuple[str, str]]]] = {
    "POST /v1/api-keys/{key_id}/rotate": {409: [
        ("key_already_rotated", "API key 9f2c… was already rotated (to 41ab…)"),
        ("key_not_active", "API key 9f2c… is revoked or expired: create a new key instead")]},
    "POST /v1/posts": {
        429: [_RATE_LIMITED, _DAILY_POSTS],
        409: [("idempotency_conflict", "Idempotency key conflict: this key was already used with a different "
                                       "request body"),
              ("idempotency_in_progress", "A request with this Idempotency-Key is still being processed; "
                                          "retry shortly")],
        500: [("dispatch_failed", "The post was saved but could not be queued; it is dispatched within a "
                                  "minute, and retrying with the same Idempotency-Key returns it"),
              ("post_creation_failed", "The post could not be saved; nothing was created. Retrying is safe.")],
    },
    "DELETE /v1/posts/{post_id}": {409: [(
        "post_not_cancellable", "Every run of this post has already started publishing; it can no longer "
                                "be cancelled")]},
    "PATCH /v1/posts/{post_id}": {409: [(
        "post_not_reschedulable", "Only a scheduled post that has not started can be rescheduled")]},
    "POST /v1/posts/{post_id}/retry": {409: [("nothing_to_retry", "This post has no failed runs to retry")]},
    "DELETE /v1/posts/{post_id}/runs/{target_id}/published": {
        409: [("post_not_published", "Run x:x_main has not published (it is failed); there is nothing to "
                                     "delete"),
              ("deletion_in_progress", "Run x:x_main is being taken down by another request"),
              ("account_needs_reconnect", "x did not delete the post of run x:x_main: the authorization "
                                          "was revoked"),
              ("missing_permission", "linkedin did not delete the post of run linkedin:li_member: the "
                                     "token lacks the delete permission")],
        422: [("deletion_not_supported", "Instagram's API offers no way to delete a published post")],
        502: [("platform_error", "x did not delete the post of run x:x_main: X is unavailable (503)")],
    },
    "POST /v1/posts/{post_id}/unpublish": {409: [(
        "post_not_published", "No run of this post has published; nothing to delete")]},
    "GET /v1/accounts/{account_id}": {409: [(
        "ambiguous_account", "Several platforms have an account shared-id; name one with ?platform=")]},
    "DELETE /v1/accounts/{account_id}": {409: [(
        "ambiguous_account", "Several platforms have an account shared-id; name one with ?platform=")]},
    "GET /v1/accounts/{account_id}/metrics": {409: [(
        "ambiguous_account", "Several platforms have an account shared-id; name one with ?platform=")]},
    "GET /v1/accounts/{account_id}/boards": {
        409: [("ambiguous_account", "Several platforms have an account shared-id; name one with ?platform="),
              ("account_needs_reconnect", "Pinterest rejected the account's authorization: Authentication failed.")],
        422: [("boards_unsupported", "x accounts have no boards; only Pinterest's do")],
        502: [("platform_refused", "Pinterest refused the request (400): Invalid parameters")]},
    "GET /v1/accounts/{account_id}/flairs": {
        409: [("ambiguous_account", "Several platforms have an account shared-id; name one with ?platform="),
              ("account_needs_reconnect", "Reddit rejected the account's authorization: Unauthorized")],
        404: [("subreddit_not_found", "Reddit has no subreddit r/no_such_place: Reddit has no such thing: Not Found")],
        422: [("flairs_unsupported", "x accounts have no post flairs; only Reddit's do")],
        502: [("platform_refused", "Reddit refused the request: Forbidden")]},
    "POST /v1/media": {
        409: [("storage_quota_exceeded", "Storage quota exceeded: you store 53687091200 bytes; the premium tier "
                                         "allows 53687091200. Delete media (DELETE /v1/media/{id}) to make room")],
        413: [("payload_too_large", "Request body exceeds the limit of 31457280 bytes for a multipart upload "
                                    "(use POST /v1/media/uploads for bigger files)")],
        429: [_RATE_LIMITED, _DAILY_BYTES]},
    "POST /v1/media/uploads": {409: [
        ("too_many_pending_uploads", "You have 20 pending uploads, the most the premium tier allows (20). "
                                     "Complete one (POST /v1/media/uploads/{id}/complete) or wait for one to "
                                     "expire (24 hours after it was created), then try again"),
        ("storage_quota_exceeded", "Storage quota exceeded: you store 53000000000 bytes plus this file's "
                                   "1000000000; the premium tier allows 53687091200. Delete media "
                                   "(DELETE /v1/media/{id}) to make room")],
        429: [_RATE_LIMITED, _DAILY_BYTES]},
    "POST /v1/media/uploads/{upload_id}/complete": {
        409: [("upload_incomplete", "Upload 0a1b2c3d4e5f60718293a4b5 is not complete: Cloud Storage holds "
                                    "1048576 of the 52428800 bytes. PUT the rest to uploadUrl, then complete "
                                    "again")],
        410: [("upload_expired", "Upload 0a1b2c3d4e5f60718293a4b5 expired at 2026-12-01T10:00:00.000Z "
                                 "before it was completed; create a new one")],
        429: [_RATE_LIMITED, _DAILY_BYTES],
    },
    "POST /v1/repurposeLinks": {409: [(
        "repurpose_link_exists", "This link (video posts to tiktok:tt_brand through videoThumbnail) already "
                                 "exists as link_2a6f04a4d32efd6a983c with other settings; delete it first "
                                 "to change them")]},
    "POST /v1/templates": {429: [_RATE_LIMITED, _DAILY_RENDERS],
                           502: [("render_failed", "The template could not be rendered")]},
    "POST /v1/media/render-og": {429: [_RATE_LIMITED, _DAILY_RENDERS],
                                 502: [("render_failed", "The template could not be rendered")]},
    "POST /v1/ai/transcribe": {
        402: [("insufficient_credits", "Insufficient AI credits. Required: 3, Available: 1")],
        404: [("MEDIA_NOT_FOUND", "Media abc123def not found")],
        409: [("idempotency_conflict", "Idempotency key conflict: this key was already used with a different "
                                       "request body"),
              ("idempotency_in_progress", "A request with this Idempotency-Key is still being processed; "
                                          "retry shortly")],
        429: [_RATE_LIMITED, _DAILY_MINUTES],
        502: [("upstream_error", "The transcription service failed")],
    },
    "POST /v1/connections/{platform}/start": {
        429: [_RATE_LIMITED,
              ("too_many_open_connections", "You have 20 connection flows open, the most allowed (20); finish "
                                            "or cancel one, or try again in 412 seconds when the oldest expires")],
        503: [("platform_not_configured", "Connecting X accounts is not enabled in this deployment")]},
}


def _error_response(status: int, codes: list[tuple[str, str]] | None = None) -> dict:
    """The shared component of an error status, or, given an operation's own codes, that
    operation's: the codes named in the description, the first one the example."""
    _, description, example, extra = ERRORS[status]
    if codes:
        description = f"{description}: " + ", ".join(f"`{code}`" for code, _ in codes)
        example = _error_example(status, *codes[0])
    return {"description": description, "headers": _headers(*extra),
            "content": {"application/json": {"schema": {"$ref": _REF.format(model="ErrorEnvelope")},
                                             "example": example}}}


# -- examples (the spec's own, so the fuzz run's example phase replays them) ----------

REQUEST_EXAMPLES: dict[str, dict[str, dict]] = {
    "POST /v1/posts": {
        "text": {"summary": "Text post to X and Threads", "value": {
            "post": {"content": {"text": "Hello from the API!", "platform": ["x", "threads"]}}}},
        "image": {"summary": "Image post to Instagram", "value": {
            "post": {"content": {"text": "Check out this photo!", "imageUrls": ["https://example.com/photo.jpg"],
                                 "platform": [{"platform": "instagram", "accountId": "ig_creator_main"}]}}}},
        "multiAccount": {"summary": "Multi-account posting", "value": {
            "post": {"content": {"text": "Exciting announcement!",
                                 "imageUrls": ["https://example.com/image.jpg"],
                                 "platform": [{"platform": "instagram", "accountId": "ig_personal"},
                                              {"platform": "instagram", "accountId": "ig_business"},
                                              {"platform": "facebook", "accountId": "fb_page_main"}]}}}},
        "scheduled": {"summary": "Scheduled post", "value": {
            "post": {"content": {"text": "Good morning!", "platform": ["x", "threads"]}},
            "scheduledTime": "2099-09-01T08:00:00Z"}},
        "thread": {"summary": "A thread of three on X and Threads", "value": {
            "post": {"content": {"text": "We shipped threads 1/3", "platform": ["x", "threads"],
                                 "thread": [{"text": "2/3 Each reply answers the one before it"},
                                            {"text": "3/3 With a chart", "imageUrls": ["https://example.com/chart.png"]}]}}}},
    },
    "POST /v1/posts/validate": {
        "video": {"summary": "Video post to TikTok and YouTube", "value": {
            "post": {"content": {"text": "New video is live!", "videoUrl": "https://example.com/video.mp4",
                                 "platform": [{"platform": "tiktok", "accountId": "tt_creator"},
                                              {"platform": "youtube", "accountId": "yt_channel"}]}}}},
    },
    "PATCH /v1/posts/{post_id}": {
        "reschedule": {"summary": "Move a scheduled post", "value": {"scheduledTime": "2099-12-24T09:00:00Z"}},
    },
    "POST /v1/api-keys": {"named": {"summary": "A named key", "value": {"name": "My Production Key"}}},
    "POST /v1/media": {"remote": {"summary": "Fetch a remote file", "value": {"url": "https://example.com/my-image.jpg"}}},
    "PATCH /v1/media/{media_id}": {
        "describe": {"summary": "Tag an image and give it alt text", "value": {
            "tags": ["launch", "summer-2026"], "altText": "A red bicycle leaning on a white wall"}},
        "clear": {"summary": "Clear the alt text", "value": {"altText": ""}}},
    "POST /v1/media/uploads": {"video": {"summary": "Announce a 48 MB video", "value": {
        "size": 48_000_000, "contentType": "video/mp4", "filename": "launch.mp4"}}},
    "POST /v1/ai/transcribe": {"english": {"summary": "Transcribe an uploaded video", "value": {
        "mediaId": "abc123def", "language": "en"}}},
    "POST /v1/templates": {"tweet": {"summary": "A tweet card, square", "value": {
        "templateSlug": "tweetImage", "config": {"title": "My Tweet", "author": "@username",
                                                 "content": "Tweet text here"}, "aspectRatio": "1:1"}}},
    "POST /v1/media/render-og": {"tweet": {"summary": "A tweet card at the Open Graph size", "value": {
        "templateSlug": "tweetImage", "config": {"title": "Big Announcement", "author": "@mybrand",
                                                 "content": "We just launched our new product!"}}}},
    "POST /v1/templates/saved": {"brand": {"summary": "A tweet card with your brand's defaults", "value": {
        "name": "Brand card", "templateSlug": "tweetImage", "config": {"author": "@mybrand"}}}},
    "POST /v1/repurposeLinks": {"text": {"summary": "Your text posts become tweet cards on Instagram", "value": {
        "platform": "instagram", "accountId": "ig_business", "type": "text", "templateId": "tweetImage"}}},
    "POST /v1/webhooks": {"failures": {"summary": "Be told when a run publishes or fails", "value": {
        "url": "https://example.com/soku-hooks", "events": ["post.published", "post.failed"]}}},
}
_MEDIA_EXAMPLE = {
    "id": "abc123def", "userId": "user_123", "keyHash": None, "url": "https://storage.mysoku.io/abc123def.jpg",
    "contentType": "image/jpeg", "objectPath": "media/abc123def.jpg", "downloadToken": "8d3c…",
    "originalUrl": None, "finalUrl": None, "ext": "jpg", "size": 48213, "createdAt": "2026-11-20T09:30:00.000Z",
    "source": "upload", "filename": "bike.jpg", "kind": "image", "tags": ["launch", "summer-2026"],
    "altText": "A red bicycle leaning on a white wall",
    "usedBy": [{"postSubmissionId": "550e8400-e29b-41d4-a716-446655440000", "at": "2026-11-20T09:35:12.000Z"}]}
RESPONSE_EXAMPLES: dict[str, Any] = {
    "POST /v1/posts": {"postSubmissionId": "550e8400-e29b-41d4-a716-446655440000"},
    "POST /v1/api-keys": {"apiKey": "sk_live_2b7f…",
                          "id": "9f2b6c0e4d1a8b7c3e5f9a0d2c4b6e8f1a3c5e7b9d0f2a4c6e8b0d2f4a6c8e0b"},
    "DELETE /v1/api-keys/{key_id}": {"revoked": True},
    "GET /health": {"status": "ok", "version": "1.4.2", "timestamp": "2026-11-25T00:02:14.654Z"},
    "GET /v1/accounts": {"accounts": [
        {"accountId": "x_main", "platform": "x", "displayName": "@soku_demo", "status": "connected",
         "connectedAt": "2026-11-01T10:00:00.000Z"},
        {"accountId": "ig_business", "platform": "instagram", "displayName": "Business",
         "status": "connected", "connectedAt": "2026-11-01T10:00:00.000Z"}]},
    "POST /v1/media": {"id": "abc123def", "url": "https://storage.mysoku.io/abc123def.jpg"},
    "GET /v1/media": {"data": [_MEDIA_EXAMPLE], "hasMore": True,
                      "nextCursor": "eyJvZiI6Im1lZGlhIiwidCI6IjIwMjYtMTEtMjBUMDk6MzA6MDAuMDAwMDAwKzAwOjAwIiwiaWQiOiJhYmMxMjNkZWYifQ"},
    "PATCH /v1/media/{media_id}": _MEDIA_EXAMPLE,
    "GET /v1/platforms/{platform}": {
        "platform": "threads", "displayName": "Threads", "aliases": [],
        "text": {"maxLength": 500, "unit": "characters (an emoji counts its UTF-8 bytes)", "required": False,
                 "source": "https://developers.facebook.com/documentation/threads/posts"},
        "media": {"required": False, "images": True, "video": True, "maxImages": 20},
        "postKinds": [{"kind": "image", "description": "One image, with the text.", "minMedia": 1,
                       "maxMedia": 1, "carriesText": True,
                       "media": [{"type": "image", "formats": ["image/jpeg", "image/png"], "maxBytes": 8388608,
                                  "minDurationSeconds": None, "maxDurationSeconds": None,
                                  "source": "https://developers.facebook.com/docs/threads/overview"
                                            "#limitations-and-specifications"}],
                       "source": "https://developers.facebook.com/documentation/threads/posts"}],
        "options": {"type": "object", "additionalProperties": False, "properties": {}},
        "connection": {"type": "oauth", "scopes": ["threads_basic", "threads_content_publish", "threads_delete",
                                                   "threads_manage_insights"]},
        "capabilities": {"publish": True, "schedule": True, "delete": True, "metrics": True, "firstComment": False,
                         "threads": True},
        "metrics": {"posts": {"supported": True, "description": None, "reason": None},
                    "accounts": {"supported": True, "description": None, "reason": None}},
        "capabilityScopes": {"delete": ["threads_delete"], "metrics": ["threads_manage_insights"]}},
    "GET /v1/accounts/{account_id}/boards": {
        "accountId": "pinterest_1234567890", "platform": "pinterest",
        "boards": [{"id": "549755885175", "name": "Summer recipes", "privacy": "PUBLIC"}],
        "fetchedAt": "2026-11-25T00:02:14.654Z", "cached": False},
    "GET /v1/accounts/{account_id}/flairs": {
        "accountId": "reddit_1k2b3c4", "platform": "reddit", "subreddit": "photography", "flairRequired": True,
        "flairs": [{"id": "4c4d5b52-9a43-11ee-8a6d-0e7f2b1c1a01", "text": "Question", "textEditable": False}],
        "fetchedAt": "2026-12-07T00:02:14.654Z", "cached": False},
    "GET /v1/accounts/{account_id}/capabilities": {
        "accountId": "threads_main", "platform": "threads",
        "grantedScopes": ["threads_basic", "threads_content_publish", "threads_manage_insights"],
        "capabilities": {"publish": True, "schedule": True, "delete": False, "metrics": True, "firstComment": False,
                         "threads": True},
        "missingScopes": {"delete": ["threads_delete"]}, "postKinds": ["text", "image", "video", "carousel"]},
}


# -- discovery -----------------------------------------------------------------------


def http_functions() -> dict[str, Callable]:
    """Every HTTP function main.py exports, by deployed id (as devstack.gateway finds them)."""
    import main

    found = {}
    for value in vars(main).values():
        endpoint = getattr(value, "__firebase_endpoint__", None)
        if endpoint is not None and endpoint.httpsTrigger is not None:
            found[endpoint.entryPoint] = value
    return found


def apis_of(function_id: str, function: Callable) -> list[Any]:
    """The `Api` objects serving `function`: those of its module named like it, or the
    module's only Api when the module defines only this HTTP function."""
    from shared.web.api import Api

    module = inspect.getmodule(inspect.unwrap(function)) or sys.modules.get(function.__module__)
    if module is None:
        return []
    apis = [value for value in vars(module).values() if isinstance(value, Api)]
    named = [api for api in apis if api.name == function_id]
    if named:
        return named
    http_here = [v for v in vars(module).values()
                 if getattr(getattr(v, "__firebase_endpoint__", None), "httpsTrigger", None) is not None]
    return apis if len(apis) == 1 and len(http_here) == 1 else []


def _sample_path(pattern: str) -> str:
    return re.sub(r"\{[a-zA-Z_]+\}", "sample", pattern)


def public_routes(functions: dict[str, Callable] | None = None, rewrites: list | None = None) -> list[tuple[str, Any]]:
    """(function id, Route) of every route the Hosting rewrites send to its own function."""
    if rewrites is None:
        rewrites = load_rewrites(ROOT / "firebase.json")
    functions = functions if functions is not None else http_functions()
    out = []
    for function_id, function in sorted(functions.items()):
        for api in apis_of(function_id, function):
            for route in api.routes:
                if not route.documented:  # not a REST operation (the MCP endpoint)
                    continue
                first = next((r for r in rewrites if r.regex.match(_sample_path(route.pattern))), None)
                if first is not None and first.function_id == function_id:
                    out.append((function_id, route))
    return out


# -- the document --------------------------------------------------------------------


def _strip_null(schema: dict) -> dict:
    """A query parameter is absent or a string: drop pydantic's `null` alternative."""
    variants = schema.get("anyOf")
    if variants and any(v.get("type") == "null" for v in variants):
        rest = [v for v in variants if v.get("type") != "null"]
        base = {k: v for k, v in schema.items() if k != "anyOf"}
        if len(rest) == 1:
            return {**rest[0], **{k: v for k, v in base.items() if k != "default" or v is not None}}
        return {**base, "anyOf": rest}
    return schema


def _query_parameters(model: type[BaseModel]) -> list[dict]:
    schema = model.model_json_schema(ref_template=_REF)
    required = set(schema.get("required", []))
    params = []
    for name, prop in schema.get("properties", {}).items():
        prop = _strip_null(dict(prop))
        prop.pop("title", None)
        description = prop.pop("description", None)
        param = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if description:
            param["description"] = description
        params.append(param)
    return params


def _path_parameters(pattern: str) -> list[dict]:
    # Ids are 1-256 characters without "/" or control characters (others are 404).
    return [{"name": name, "in": "path", "required": True,
             "schema": {"type": "string", "minLength": 1, "maxLength": 256, "pattern": r"^[^/\x00-\x1f\x7f]+$"}}
            for name in re.findall(r"\{([a-zA-Z_]+)\}", pattern)]


def _body_required(model: type[BaseModel]) -> bool:
    return any(field.is_required() for field in model.model_fields.values())


def _operation(function_id: str, route: Any, refs: dict) -> dict:
    from shared.web.api import KEY_AUTHS, Auth

    endpoint = route.endpoint
    op: dict[str, Any] = {
        # From the handler's module, not the deployed function id, so that renaming a
        # function (ids are camelCase for Cloud Tasks) never renames an SDK's methods.
        "operationId": f"{route.handler.__module__.rsplit('.', 1)[-1]}_{route.handler.__name__}",
        "summary": route.summary or endpoint,
        "tags": list(route.tags) or [function_id],
    }
    endpoint_limit = DEFAULT_ENDPOINT_LIMITS.get(endpoint)
    if endpoint_limit is not None:
        op["description"] = f"Rate limit: {endpoint_limit} requests per minute (endpoint-specific)."
        op["x-soku-rate-limit"] = {"perMinute": endpoint_limit}
    # A key route's scope (shared/web/route_scopes.py): the ApiKey requirement's scope list.
    key_scopes = [route.scope] if route.scope is not None else []
    if route.auth in KEY_AUTHS:
        op["x-soku-scope"] = route.scope
    if route.auth is Auth.API_KEY:
        op["security"] = [{"ApiKey": key_scopes}]
    elif route.auth is Auth.FIREBASE:
        op["security"] = [{"FirebaseIdToken": []}]
    elif route.auth in (Auth.API_KEY_OR_FIREBASE, Auth.API_KEY_OR_SIGNED_IN):  # either one
        op["security"] = [{"ApiKey": key_scopes}, {"FirebaseIdToken": []}]
    else:
        op["security"] = []

    params = _path_parameters(route.pattern)
    if route.query_model is not None:
        params += _query_parameters(route.query_model)
    params.append({"$ref": "#/components/parameters/XRequestId"})
    if endpoint in IDEMPOTENT_ENDPOINTS:
        params.append({"$ref": "#/components/parameters/IdempotencyKey"})
    op["parameters"] = params

    if route.request_model is not None:
        required = _body_required(route.request_model)
        schema = refs[(route.request_model, "validation")]
        # An optional body may be left out, empty, or JSON null.
        content: dict[str, Any] = {"schema": schema if required else {"anyOf": [schema, {"type": "null"}]}}
        if endpoint in REQUEST_EXAMPLES:
            content["examples"] = REQUEST_EXAMPLES[endpoint]
        op["requestBody"] = {"required": required, "content": {"application/json": content}}
        if route.form_model is not None:
            # The same operation also takes a file: a multipart form (bytes fields are binary parts).
            op["requestBody"]["content"][route.form_media_type] = {"schema": refs[(route.form_model, "validation")]}
    elif route.form_model is not None:  # a form only (a platform's callback: Meta's signed_request)
        op["requestBody"] = {"required": True, "content": {
            route.form_media_type: {"schema": refs[(route.form_model, "validation")]}}}

    extra_headers = ("Idempotency-Key",) if endpoint in IDEMPOTENT_ENDPOINTS else ()
    responses: dict[str, Any] = {}
    documented = {route.success_status: route.response_model} | dict(route.responses)
    # Error statuses a route declares with the envelope are documented like every other error.
    declared_errors = {status for status, model in documented.items()
                       if status >= 400 and model in (ErrorEnvelope, None) and status in ERRORS}
    documented = {status: model for status, model in documented.items() if status not in declared_errors}
    for status, model in sorted(documented.items()):
        schema = refs[(model, "serialization")] if model is not None else {"type": "object"}
        media: dict[str, Any] = {"schema": schema}
        if status == route.success_status and endpoint in RESPONSE_EXAMPLES:
            media["example"] = RESPONSE_EXAMPLES[endpoint]
        responses[str(status)] = {"description": "Success" if status < 400 else "See the body",
                                  "headers": _headers(*extra_headers),
                                  "content": {"application/json": media}}
    # Every route: 400 (a query parameter it does not take is refused, shared/web/validation.py),
    # 429, 500, and 503 (a setting it needs is missing, or a service it needs is not answering).
    errors = {400, 429, 500} | declared_errors
    if endpoint not in NEVER_UNAVAILABLE:
        errors.add(503)
    if route.auth is not Auth.NONE:
        errors.add(401)
    if route.auth in (Auth.API_KEY, Auth.API_KEY_OR_FIREBASE, Auth.API_KEY_OR_SIGNED_IN):
        errors.add(403)
    if route.method in _BODY_METHODS:
        errors |= {400, 413, 415}
    if "{" in route.pattern:
        errors.add(404)
    if extra_headers:
        errors.add(409)
    own = dict(ENDPOINT_ERRORS.get(endpoint, {}))
    if route.scope is not None:  # a key without the scope: 403 insufficient_scope, beside the subscription's
        own[403] = [("insufficient_scope", f"This API key lacks the scope {route.scope}, which this operation "
                                           f"needs"), ("forbidden", "Subscription required"), *own.get(403, [])]
    errors |= set(own)
    for status in sorted(errors - set(documented)):
        responses[str(status)] = (_error_response(status, own[status]) if status in own
                                  else {"$ref": f"#/components/responses/{ERRORS[status][0]}"})
    responses["default"] = {"$ref": "#/components/responses/Error"}
    op["responses"] = responses
    return op


# OpenAPI links: the id a create answers, and the operations that take it as a path parameter
# (clients follow them; `make fuzz`'s stateful phase chains real creates into reads, updates and
# deletes through them). "METHOD path" of the create -> (its 2xx body field, {"METHOD path": param}).
LINKS: dict[str, tuple[str, dict[str, str]]] = {
    "POST /v1/posts": ("postSubmissionId", {
        "GET /v1/posts/{post_id}": "post_id", "PATCH /v1/posts/{post_id}": "post_id",
        "DELETE /v1/posts/{post_id}": "post_id", "GET /v1/posts/{post_id}/metrics": "post_id",
        "POST /v1/posts/{post_id}/retry": "post_id", "POST /v1/posts/{post_id}/unpublish": "post_id",
        "POST /v1/posts/{post_id}/publish": "post_id"}),
    "POST /v1/media": ("id", {"GET /v1/media/{media_id}": "media_id", "PATCH /v1/media/{media_id}": "media_id",
                              "DELETE /v1/media/{media_id}": "media_id"}),
    "POST /v1/media/uploads": ("id", {"GET /v1/media/uploads/{upload_id}": "upload_id",
                                      "POST /v1/media/uploads/{upload_id}/complete": "upload_id"}),
    "POST /v1/webhooks": ("id", {"GET /v1/webhooks/{webhook_id}": "webhook_id",
                                 "PATCH /v1/webhooks/{webhook_id}": "webhook_id",
                                 "POST /v1/webhooks/{webhook_id}/test": "webhook_id",
                                 "GET /v1/webhooks/{webhook_id}/deliveries": "webhook_id",
                                 "POST /v1/webhooks/{webhook_id}/rotate-secret": "webhook_id",
                                 "DELETE /v1/webhooks/{webhook_id}": "webhook_id"}),
    "POST /v1/repurposeLinks": ("id", {"GET /v1/repurposeLinks/{link_id}/triggers": "link_id",
                                       "DELETE /v1/repurposeLinks/{link_id}": "link_id"}),
    "POST /v1/templates/saved": ("id", {"DELETE /v1/templates/saved/{template_id}": "template_id"}),
    "POST /v1/api-keys": ("id", {"DELETE /v1/api-keys/{key_id}": "key_id",
                                 "POST /v1/api-keys/{key_id}/rotate": "key_id"}),
    "POST /webhooks/meta/data-deletion": ("confirmation_code", {"GET /webhooks/meta/data-deletion/{code}": "code"}),
    "POST /webhooks/threads/data-deletion": ("confirmation_code", {
        "GET /webhooks/threads/data-deletion/{code}": "code"}),
    "POST /webhooks/instagram_login/data-deletion": ("confirmation_code", {
        "GET /webhooks/instagram_login/data-deletion/{code}": "code"}),
}


def _add_links(paths: dict[str, dict]) -> None:
    """Each create's success response links to the operations its id feeds (LINKS)."""
    for create, (field, targets) in LINKS.items():
        method, path = create.split(" ", 1)
        operation = paths.get(path, {}).get(method.lower())
        if operation is None:
            continue
        success = next(status for status in operation["responses"] if status.startswith("2"))
        links = {}
        for target, parameter in targets.items():
            t_method, t_path = target.split(" ", 1)
            linked = paths.get(t_path, {}).get(t_method.lower())
            if linked is None:
                continue
            links[linked["operationId"]] = {"operationId": linked["operationId"],
                           "parameters": {parameter: f"$response.body#/{field}"},
                           "description": f"`{field}` of the answer is `{parameter}` of {target}"}
        operation["responses"][success]["links"] = links


def build_document(routes: Iterable[tuple[str, Any]] | None = None) -> dict:
    routes = list(routes if routes is not None else public_routes())
    models: list[tuple[type[BaseModel], str]] = [(ErrorEnvelope, "serialization")]
    for _, route in routes:
        for model, mode in ((route.request_model, "validation"), (route.response_model, "serialization"),
                            (route.form_model, "validation"),
                            *((m, "serialization") for m in route.responses.values())):
            if model is not None and (model, mode) not in models:
                models.append((model, mode))
    refs, defs = models_json_schema(models, ref_template=_REF)
    schemas = dict(sorted(defs.get("$defs", {}).items()))
    # Two models of one class name get pydantic's module-path names (`shared__models__x__Name`) and
    # one title: client generators (make sdks) name classes by title, so the two would collide.
    clashes = sorted(name for name in schemas if "__" in name)
    if clashes:
        raise ValueError(f"models share a class name, rename one: {clashes}")

    paths: dict[str, dict] = {}
    for function_id, route in routes:
        paths.setdefault(route.pattern, {})[route.method.lower()] = _operation(function_id, route, refs)
    paths = {path: dict(sorted(ops.items(), key=lambda kv: _METHOD_ORDER.index(kv[0])))
             for path, ops in sorted(paths.items())}
    _add_links(paths)

    responses = {name: _error_response(status) for status, (name, *_rest) in ERRORS.items()}
    responses["Error"] = {"description": "Any other error, in the same envelope", "headers": _headers(),
                          "content": {"application/json": {"schema": {"$ref": _REF.format(model="ErrorEnvelope")}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Soku Public API", "version": "1.0.0", "description": DESCRIPTION},
        "servers": [
            {"url": "https://{host}", "description": "Your deployment (Firebase Hosting)",
             "variables": {"host": {"default": "your-project.web.app"}}},
            {"url": "https://{region}-{project}.cloudfunctions.net/api",
             "description": "Your deployment, the `api` function (the reference's base URL; no 60 s cut: "
                            "use it for media ingest and transcription)",
             "variables": {"region": {"default": "us-central1"}, "project": {"default": "your-project"}}},
            {"url": "http://127.0.0.1:8080", "description": "Local stack (`make run`)"},
        ],
        "tags": [{"name": tag} for tag in sorted({t for _, r in routes for t in (r.tags or ())})],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": responses,
            "headers": HEADERS,
            "parameters": {
                "XRequestId": {"name": "X-Request-ID", "in": "header", "required": False,
                               "description": "Your own request id, echoed back when it is 1-128 of "
                                              "`A-Za-z0-9._:-` (anything else is replaced by a UUID)",
                               "schema": {"type": "string"}},
                "IdempotencyKey": {"name": "Idempotency-Key", "in": "header", "required": False,
                                   "description": "Makes retries safe: the same key and body return the "
                                                  "original response for 24 hours; another body is 409. "
                                                  "Empty or absent: a key is derived from the body",
                                   "schema": {"type": "string", "maxLength": 255,
                                              "pattern": r"^[\x21-\x7e]*$"}},
            },
            "securitySchemes": {
                "ApiKey": {"type": "apiKey", "in": "header", "name": "soku-api-key",
                           "description": API_KEY_SCHEME},
                "FirebaseIdToken": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                                    "description": "Firebase ID token of the signed-in web-app user"},
            },
        },
    }


def render(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [a for a in argv if not a.startswith("--")]
    target = Path(paths[0]) if paths else DOCUMENT_PATH
    text = render(build_document())
    if check:
        if not target.exists() or target.read_text() != text:
            print(f"{target} is out of date: run `make openapi`", file=sys.stderr)
            return 1
        print(f"{target} is up to date")
        return 0
    target.write_text(text)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
