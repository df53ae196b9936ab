"""HTTP function `platformWebhooks`: what the platforms call on their own (no Soku credential).

Meta's Deauthorize Callback (`POST /webhooks/meta/deauthorize`) and Data Deletion Request
Callback (`POST /webhooks/meta/data-deletion`), each a form with one `signed_request`
verified with the app secret, and the status page that callback answers with
(`GET /webhooks/meta/data-deletion/{code}`), the same three for Threads' app and for Instagram
Login's app (`/webhooks/threads/…`, `/webhooks/instagram_login/…`); TikTok's webhooks (`POST /webhooks/tiktok`,
signed in a `TikTok-Signature` header), whose `authorization.removed` is a deauthorize.
The logic is shared/services/privacy.
"""

from __future__ import annotations

from firebase_functions import https_fn

from shared import secrets
from shared.errors import PayloadTooLargeError
from shared.models.common import ErrorEnvelope
from shared.models.privacy import (
    DataDeletionResponse,
    DataDeletionStatus,
    DeauthorizeResponse,
    SignedRequestForm,
    TikTokEvent,
    TikTokEventResponse,
)
from shared.services.privacy import meta, tiktok
from shared.web import privacy_pages, routes
from shared.web.api import Api, Auth, RequestContext

api = Api("platformWebhooks")
FORM = "application/x-www-form-urlencoded"
MAX_FORM_BYTES = 16 * 1024


def _signed_request(ctx: RequestContext, family: meta.Family) -> meta.SignedRequest:
    request = ctx.request
    if request.content_length is not None and request.content_length > MAX_FORM_BYTES:
        raise PayloadTooLargeError(f"The form may be at most {MAX_FORM_BYTES} bytes")
    form = request.form if request.mimetype == FORM else {}
    return meta.verify(form.get("signed_request"), family)


def _deauthorize(ctx: RequestContext, family: meta.Family) -> dict:
    return meta.deauthorize(_signed_request(ctx, family), family)


def _data_deletion(ctx: RequestContext, family: meta.Family) -> dict:
    request = _signed_request(ctx, family)
    return meta.request_deletion(request, meta.status_root(routes.public_root(ctx.request)), family)


def _status(ctx: RequestContext, family: meta.Family):
    report = meta.deletion_status(ctx.path_params["code"], family)
    # A person following the link in a browser gets a page; everyone else the JSON.
    return privacy_pages.deletion_status_page(report) if privacy_pages.wants_page(ctx.request) else report


@api.route("POST", "/webhooks/meta/deauthorize", auth=Auth.NONE, form_model=SignedRequestForm, form_media_type=FORM,
           summary="Meta's Deauthorize Callback: a Facebook user removed the app (signed_request)",
           response_model=DeauthorizeResponse, tags=("privacy",), responses={401: ErrorEnvelope})
def deauthorize(ctx: RequestContext) -> dict:
    return _deauthorize(ctx, meta.META)


@api.route("POST", "/webhooks/meta/data-deletion", auth=Auth.NONE, form_model=SignedRequestForm,
           form_media_type=FORM, summary="Meta's Data Deletion Request Callback: delete what a Facebook user's "
           "login stored; answers Meta's {url, confirmation_code}", response_model=DataDeletionResponse,
           tags=("privacy",), responses={401: ErrorEnvelope})
def data_deletion(ctx: RequestContext) -> dict:
    return _data_deletion(ctx, meta.META)


@api.route("GET", "/webhooks/meta/data-deletion/{code}", auth=Auth.NONE,
           summary="The status of a data deletion request (its confirmation code; no authentication); "
           "a page for browsers",
           response_model=DataDeletionStatus, tags=("privacy",))
def data_deletion_status(ctx: RequestContext):
    return _status(ctx, meta.META)


@api.route("POST", "/webhooks/threads/deauthorize", auth=Auth.NONE, form_model=SignedRequestForm,
           form_media_type=FORM, summary="Threads' Uninstall Callback: a Threads user removed the app (signed_request)",
           response_model=DeauthorizeResponse, tags=("privacy",), responses={401: ErrorEnvelope})
def threads_deauthorize(ctx: RequestContext) -> dict:
    return _deauthorize(ctx, meta.THREADS)


@api.route("POST", "/webhooks/threads/data-deletion", auth=Auth.NONE, form_model=SignedRequestForm,
           form_media_type=FORM, summary="Threads' Delete Callback: delete what a Threads user's login stored; "
           "answers {url, confirmation_code}", response_model=DataDeletionResponse,
           tags=("privacy",), responses={401: ErrorEnvelope})
def threads_data_deletion(ctx: RequestContext) -> dict:
    return _data_deletion(ctx, meta.THREADS)


@api.route("GET", "/webhooks/threads/data-deletion/{code}", auth=Auth.NONE,
           summary="The status of a Threads data deletion request (no authentication); a page for browsers",
           response_model=DataDeletionStatus, tags=("privacy",))
def threads_data_deletion_status(ctx: RequestContext):
    return _status(ctx, meta.THREADS)


@api.route("POST", "/webhooks/instagram_login/deauthorize", auth=Auth.NONE, form_model=SignedRequestForm,
           form_media_type=FORM, summary="Instagram Login's Deauthorize Callback: an Instagram user removed the app "
           "(signed_request, Instagram Login's own app secret)", response_model=DeauthorizeResponse,
           tags=("privacy",), responses={401: ErrorEnvelope})
def instagram_login_deauthorize(ctx: RequestContext) -> dict:
    return _deauthorize(ctx, meta.INSTAGRAM_LOGIN)


@api.route("POST", "/webhooks/instagram_login/data-deletion", auth=Auth.NONE, form_model=SignedRequestForm,
           form_media_type=FORM, summary="Instagram Login's Data Deletion Request: delete what an Instagram user's "
           "login stored; answers {url, confirmation_code}", response_model=DataDeletionResponse,
           tags=("privacy",), responses={401: ErrorEnvelope})
def instagram_login_data_deletion(ctx: RequestContext) -> dict:
    return _data_deletion(ctx, meta.INSTAGRAM_LOGIN)


@api.route("GET", "/webhooks/instagram_login/data-deletion/{code}", auth=Auth.NONE,
           summary="The status of an Instagram Login data deletion request (no authentication); a page for browsers",
           response_model=DataDeletionStatus, tags=("privacy",))
def instagram_login_data_deletion_status(ctx: RequestContext):
    return _status(ctx, meta.INSTAGRAM_LOGIN)


@api.route("POST", "/webhooks/tiktok", auth=Auth.NONE, form_model=TikTokEvent, form_media_type="application/json",
           summary="TikTok's webhooks (TikTok-Signature): authorization.removed flags the account needs_reconnect",
           response_model=TikTokEventResponse, tags=("privacy",), responses={401: ErrorEnvelope})
def tiktok_event(ctx: RequestContext) -> dict:
    # Declared as a form so the pipeline leaves the body unread: the signature covers its raw bytes.
    raw = ctx.request.stream.read(MAX_FORM_BYTES + 1)
    if len(raw) > MAX_FORM_BYTES:
        raise PayloadTooLargeError(f"The event may be at most {MAX_FORM_BYTES} bytes")
    return tiktok.handle(tiktok.verify(ctx.request.headers.get("TikTok-Signature"), raw))


@secrets.checked
@https_fn.on_request(secrets=secrets.PLATFORM_WEBHOOKS)
def platformWebhooks(request: https_fn.Request) -> https_fn.Response:
    return api.handle(request)
