"""Google Business Profile sandbox: Google OAuth, the accounts and locations a user manages, a
location's local posts (My Business API v4) and its daily metrics (Business Profile Performance
API v1), with Google's error envelope and faults.

Served under `/google_business`, which stands for five Google hosts:
- `/google_business/accounts/o/oauth2/v2/auth`: the consent page (accounts.google.com), PKCE
  taken when sent; `/google_business/oauth/token` and `/oauth/revoke` (oauth2.googleapis.com):
  the authorization-code grant (a refresh token comes with it) and refresh, which Google does not
  rotate (developers.google.com/identity/protocols/oauth2/web-server#offline);
- `/google_business/accountmanagement/v1/accounts` (mybusinessaccountmanagement.googleapis.com;
  developers.google.com/my-business/reference/accountmanagement/rest/v1/accounts/list): the
  user's accounts, pageSize ≤ 20 (default 20), `nextPageToken`;
- `/google_business/businessinformation/v1/accounts/{a}/locations?readMask=…`
  (mybusinessbusinessinformation.googleapis.com; …/businessinformation/rest/v1/accounts.locations/
  list): readMask is required, pageSize ≤ 100 (default 10), `locations[].name` is `locations/{id}`;
- `/google_business/mybusiness/v4/accounts/{a}/locations/{l}/localPosts`
  (mybusiness.googleapis.com; developers.google.com/my-business/reference/rest/v4/
  accounts.locations.localPosts): create (POST), list (GET, pageSize ≤ 100, newest first here),
  and `DELETE …/localPosts/{id}`;
- `/google_business/performance/v1/locations/{l}:fetchMultiDailyMetricsTimeSeries`
  (businessprofileperformance.googleapis.com; the discovery document google-api-python-client
  2.202.0 ships, businessprofileperformance.v1.json revision 20261026, method
  `locations.fetchMultiDailyMetricsTimeSeries`): `dailyMetrics` repeated and required, each one of
  the DailyMetric enum; `dailyRange.startDate.{year,month,day}` and `dailyRange.endDate.…` (camelCase
  as the parameters are named, snake_case as the method's example request spells them). The answer:
  `multiDailyMetricTimeSeries[{dailyMetricTimeSeries[{dailyMetric, timeSeries: {datedValues[{date,
  value}]}}]}]`, one datedValue a day, `value` an int64 string left out on a day of zero (schema
  DatedValue: "This will not be present when the value is zero"). The figures are deterministic
  (daily_value: per location, metric and day). A location the token's user does not manage is 403
  PERMISSION_DENIED [unverified: Google's exact answer for it]; a range reaching over 18 months back or ending
  after today is refused (18 months: v4 BasicMetricsRequest's "maximum range"; the Performance
  API's own limit [unverified]).

The world: each Google user (the token's subject) has one PERSONAL account `accounts/{n}` with
`sandbox_locations` locations (2 by default; chosen on the consent page, 0 allowed) and, with
`sandbox_group=1`, a LOCATION_GROUP account that holds the first location again (as a location
shared with a group appears under both).

Create checks what the LocalPost reference states: summary ≤ 1500 characters; a STANDARD post
needs a summary; `event` is required for EVENT and OFFER posts, `offer` is for OFFER only;
`callToAction.actionType` is one of Google's and its `url` is required except for CALL; media
items are `PHOTO`s with a `sourceUrl` the sandbox fetches, as Google does (JPEG/PNG, 10 KB to
5 MB: support.google.com/business/answer/6103862). The post is LIVE at once (a `rejected` fault
makes it REJECTED). The machine-readable discovery documents Google publishes cover the v1
account management and business information APIs; the v4 local posts API is described by its
REST reference only, so no contract is applied here (devstack/contracts/registry.py).

Errors: `{"error": {code, message, status}}` (cloud.google.com/apis/design/errors). Faults
(`state.take_fault("google_business", op)`, op in token, accounts, locations, create, lookup,
delete, metrics): `rate_limit` 429 RESOURCE_EXHAUSTED, `server_error` 503 UNAVAILABLE, `expired_token` /
`revoked` 401 UNAUTHENTICATED, `forbidden` 403 PERMISSION_DENIED, `hold` on create (the post is
made, the answer waits), `lag` on lookup (posts younger than its seconds are not listed yet),
`rejected` on create.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import time
from typing import Any

import flask
from markupsafe import escape

from devstack.sandboxes import google_token, oauth
from devstack.sandboxes.core import Gate, SandboxState, answer, hold_if_asked, listing_cutoff
from devstack.sandboxes.media_urls import fetch_media

PLATFORM = "google_business"
CLIENT_ID = "sbx-google-business-client.apps.googleusercontent.com"
CLIENT_SECRET = "sbx-google-business-client-secret"
SCOPE = "https://www.googleapis.com/auth/business.manage"
ACCESS_LIFETIME = 3599
DEFAULT_LOCATIONS = 2
MAX_SUMMARY = 1500
MIN_PHOTO_BYTES = 10 * 1024
MAX_PHOTO_BYTES = 5 * 1024 * 1024
ACTION_TYPES = {"BOOK", "ORDER", "SHOP", "LEARN_MORE", "SIGN_UP", "CALL"}
TOPIC_TYPES = {"STANDARD", "EVENT", "OFFER"}  # ALERT too at Google; Soku never sends it
_STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
           429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}
AUTH_MESSAGE = ("Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or "
                "other valid authentication credential.")


def google_error(status: int, message: str) -> flask.Response:
    return flask.make_response({"error": {"code": status, "message": message,
                                          "status": _STATUS.get(status, "UNKNOWN")}}, status)


def _number(subject: str, salt: str) -> str:
    return str(int(hashlib.sha1(f"{salt}:{subject}".encode()).hexdigest()[:15], 16))


def personal_account(subject: str) -> str:
    """The user's PERSONAL account's resource name."""
    return f"accounts/1{_number(subject, 'personal')}"


def group_account(subject: str) -> str:
    return f"accounts/2{_number(subject, 'group')}"


def location_id(subject: str, index: int) -> str:
    return f"{_number(subject, 'location')}{index}"


def location_name(subject: str, index: int = 0) -> str:
    """`accounts/{a}/locations/{l}`: the resource a local post is made on (the personal account's)."""
    return f"{personal_account(subject)}/locations/{location_id(subject, index)}"


def location_title(index: int) -> str:
    return f"Sandbox Bakery #{index + 1}"


DAILY_METRICS = ("BUSINESS_IMPRESSIONS_DESKTOP_MAPS", "BUSINESS_IMPRESSIONS_DESKTOP_SEARCH",
                 "BUSINESS_IMPRESSIONS_MOBILE_MAPS", "BUSINESS_IMPRESSIONS_MOBILE_SEARCH", "BUSINESS_CONVERSATIONS",
                 "BUSINESS_DIRECTION_REQUESTS", "CALL_CLICKS", "WEBSITE_CLICKS", "MESSAGING_CLICKS",
                 "BUSINESS_BOOKINGS", "BUSINESS_FOOD_ORDERS", "BUSINESS_FOOD_MENU_CLICKS")  # the discovery enum
_DAILY_SCALE = {"BUSINESS_IMPRESSIONS_DESKTOP_MAPS": 40, "BUSINESS_IMPRESSIONS_DESKTOP_SEARCH": 60,
                "BUSINESS_IMPRESSIONS_MOBILE_MAPS": 120, "BUSINESS_IMPRESSIONS_MOBILE_SEARCH": 200}


def daily_value(location: str, metric: str, day: datetime.date) -> int:
    """The sandbox's figure for one location, metric and day: deterministic, 0 on some days (left out
    of the answer then, as Google leaves out zeros)."""
    digest = int(hashlib.sha256(f"{location}:{metric}:{day.isoformat()}".encode()).hexdigest()[:8], 16)
    value = digest % (_DAILY_SCALE.get(metric, 8) + 1)
    return 0 if digest % 7 == 0 else value


def _rfc3339(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + f".{int(epoch % 1 * 1e6):06d}Z"


def blueprint(state: SandboxState, base_url: str) -> flask.Blueprint:
    bp = flask.Blueprint(PLATFORM, __name__, url_prefix=f"/{PLATFORM}")
    root = f"{base_url}/{PLATFORM}"

    def world(subject: str) -> dict[str, Any]:
        with state.lock:
            return dict(state.oauth.setdefault("google_business", {}).get(subject) or {})

    def accounts_of(subject: str) -> list[dict[str, Any]]:
        found = [{"name": personal_account(subject), "accountName": f"Sandbox user {subject}", "type": "PERSONAL",
                  "verificationState": "UNVERIFIED", "vettedState": "NOT_VETTED"}]
        if world(subject).get("group"):
            found.append({"name": group_account(subject), "accountName": "Sandbox Bakeries Group",
                          "type": "LOCATION_GROUP", "role": "OWNER", "verificationState": "VERIFIED",
                          "vettedState": "NOT_VETTED"})
        return found

    def locations_of(subject: str, account: str) -> list[dict[str, Any]] | None:
        count = int(world(subject).get("locations", DEFAULT_LOCATIONS))
        if account == personal_account(subject):
            return [{"name": f"locations/{location_id(subject, i)}", "title": location_title(i)} for i in range(count)]
        if account == group_account(subject) and world(subject).get("group"):
            return [{"name": f"locations/{location_id(subject, 0)}", "title": location_title(0)}][:count]
        return None

    def owns(subject: str, account: str, location: str) -> bool:
        return any(item["name"] == f"locations/{location}" for item in locations_of(subject, account) or [])

    def auth_error() -> flask.Response:
        response = google_error(401, AUTH_MESSAGE)
        response.headers["WWW-Authenticate"] = 'Bearer realm="https://accounts.google.com/", error="invalid_token"'
        return response

    def authorized() -> tuple[str | None, flask.Response | None]:
        who = state.subject_of(PLATFORM, flask.request.headers.get("Authorization"))
        return (who, None) if who is not None else (None, auth_error())

    gate = Gate(state, PLATFORM, {
        "rate_limit": lambda fault, op: google_error(429, "Quota exceeded for quota metric 'Requests' and limit "
                                                         "'Requests per minute' of service "
                                                         "'mybusiness.googleapis.com'."),
        "server_error": lambda fault, op: google_error(503, "The service is currently unavailable."),
        "expired_token": answer(auth_error), "revoked": answer(auth_error),
        "forbidden": lambda fault, op: google_error(403, "The caller does not have permission"),
    }, authorized)

    def page(items: list[Any], default_size: int, max_size: int) -> tuple[list[Any], str | None, flask.Response | None]:
        """One page by `pageSize` / `pageToken` (an opaque token: here, the offset)."""
        try:
            size = int(flask.request.args.get("pageSize") or default_size)
        except ValueError:
            return [], None, google_error(400, "Invalid value at 'page_size' (TYPE_INT32)")
        size = max(1, min(size, max_size))
        token = flask.request.args.get("pageToken")
        offset = 0
        if token:
            try:
                offset = int(base64.urlsafe_b64decode(token.encode()).decode())
            except ValueError:
                return [], None, google_error(400, "Invalid page token.")
        chunk = items[offset:offset + size]
        following = base64.urlsafe_b64encode(str(offset + size).encode()).decode() if offset + size < len(items) else None
        return chunk, following, None

    # -- Google OAuth --------------------------------------------------------------------
    @bp.get("/accounts/o/oauth2/v2/auth")
    def oauth_consent():
        return oauth.consent(state, PLATFORM, CLIENT_ID, pkce="optional")

    @bp.post("/oauth/token")
    def token():
        def chosen_at_consent(grant: dict[str, Any]) -> None:
            chosen = grant.get("options") or {}
            with state.lock:
                state.oauth.setdefault("google_business", {})[grant["subject"]] = {
                    "locations": int(chosen.get("sandbox_locations", DEFAULT_LOCATIONS)),
                    "group": chosen.get("sandbox_group") in ("1", "true")}

        return google_token.token(state, PLATFORM, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, scope=SCOPE,
                                  lifetime_s=ACCESS_LIFETIME, on_grant=chosen_at_consent)

    @bp.post("/oauth/revoke")
    def revoke():
        who = oauth.subject_of_token(PLATFORM, flask.request.form.get("token") or flask.request.args.get("token"))
        if who is None:
            return {"error": "invalid_token", "error_description": "Token expired or revoked"}, 400
        oauth.revoke(state, PLATFORM, who)
        return {}

    # -- accounts and locations -------------------------------------------------------------
    @bp.get("/accountmanagement/v1/accounts")
    def accounts():
        _, who, refused = gate("accounts")
        if refused is not None:
            return refused
        items, following, bad = page(accounts_of(who), 20, 20)
        if bad is not None:
            return bad
        return {"accounts": items} | ({"nextPageToken": following} if following else {})

    @bp.get("/businessinformation/v1/accounts/<account>/locations")
    def locations(account: str):
        _, who, refused = gate("locations")
        if refused is not None:
            return refused
        if not flask.request.args.get("readMask"):
            return google_error(400, "Request contains an invalid argument. read_mask is required.")
        found = locations_of(who, f"accounts/{account}")
        if found is None:
            return google_error(404, "Requested entity was not found.")
        fields = {f.strip() for f in flask.request.args["readMask"].split(",")}
        items, following, bad = page(found, 10, 100)
        if bad is not None:
            return bad
        body: dict[str, Any] = {"locations": [{k: v for k, v in item.items() if k in fields} for item in items],
                                "totalSize": len(found)}
        return body | ({"nextPageToken": following} if following else {})

    # -- local posts ----------------------------------------------------------------------------
    def local_post(post: dict[str, Any]) -> dict[str, Any]:
        body = {"name": post["name"], "topicType": post["topicType"], "state": post["state"],
                "createTime": _rfc3339(post["createdAt"]), "updateTime": _rfc3339(post["createdAt"]),
                "searchUrl": post["searchUrl"]}
        for key in ("languageCode", "summary", "callToAction", "event", "offer"):
            if post.get(key) is not None:
                body[key] = post[key]
        if post.get("media"):
            body["media"] = [{"name": f"{post['location']}/media/{i}", "mediaFormat": "PHOTO",
                              "sourceUrl": m["url"], "googleUrl": f"{root}/web/media/{post['id']}/{i}"}
                             for i, m in enumerate(post["media"])]
        return body

    def refuse(message: str) -> flask.Response:
        return google_error(400, f"Request contains an invalid argument. {message}")

    def check_post(body: dict[str, Any]) -> str | None:
        """Why Google would refuse this LocalPost (the reference's rules), or None."""
        topic = body.get("topicType") or "STANDARD"
        if topic not in TOPIC_TYPES:
            return f"Invalid value at 'local_post.topic_type': {topic}"
        summary = body.get("summary")
        if summary is not None and (not isinstance(summary, str) or len(summary) > MAX_SUMMARY):
            return f"summary must be a string of at most {MAX_SUMMARY} characters"
        if topic == "STANDARD" and not summary:
            return "A STANDARD post requires a summary."
        event = body.get("event")
        if topic in ("EVENT", "OFFER"):
            if not isinstance(event, dict) or not event.get("title") or not isinstance(event.get("schedule"), dict):
                return f"event with title and schedule is required for topic type {topic}"
            schedule = event["schedule"]
            for key in ("startDate", "endDate"):
                if not all(isinstance((schedule.get(key) or {}).get(p), int) for p in ("year", "month", "day")):
                    return f"event.schedule.{key} must be a date"
        elif event is not None:
            return "event is only allowed for topic types EVENT and OFFER"
        if body.get("offer") is not None and topic != "OFFER":
            return "offer is only allowed for topic type OFFER"
        action = body.get("callToAction")
        if action is not None:
            if action.get("actionType") not in ACTION_TYPES:
                return f"Invalid value at 'local_post.call_to_action.action_type': {action.get('actionType')}"
            if action["actionType"] != "CALL" and not action.get("url"):
                return "callToAction.url is required for this action type"
        for item in body.get("media") or []:
            if item.get("mediaFormat") != "PHOTO" or not item.get("sourceUrl"):
                return "media items need mediaFormat PHOTO and a sourceUrl"
        return None

    @bp.post("/mybusiness/v4/accounts/<account>/locations/<location>/localPosts")
    def create(account: str, location: str):
        fault, who, refused = gate("create")
        if refused is not None:
            return refused
        if not owns(who, f"accounts/{account}", location):
            return google_error(404, "Requested entity was not found.")
        body = flask.request.get_json(silent=True)
        if not isinstance(body, dict):
            return refuse("Invalid JSON payload received.")
        why = check_post(body)
        if why:
            return refuse(why)
        fetched = []
        for item in body.get("media") or []:
            got, failure = fetch_media(item["sourceUrl"], MAX_PHOTO_BYTES, {"image/jpeg", "image/png"},
                                       fingerprint=True)
            if got is None or got["bytes"] < MIN_PHOTO_BYTES:
                return refuse(f"Invalid media: the photo at sourceUrl could not be used "
                              f"({failure or 'smaller than 10 KB'}).")
            fetched.append(got)
        parent = f"accounts/{account}/locations/{location}"
        with state.lock:
            post = state.record_post(
                PLATFORM, who, location=parent, topicType=body.get("topicType") or "STANDARD",
                summary=body.get("summary"), languageCode=body.get("languageCode"),
                callToAction=body.get("callToAction"), event=body.get("event"), offer=body.get("offer"),
                media=fetched, state="REJECTED" if fault is not None and fault.kind == "rejected" else "LIVE")
            post["name"] = f"{parent}/localPosts/{post['id']}"
            post["searchUrl"] = f"{root}/web/posts/{post['id']}"
        hold_if_asked(fault)  # the post is made; the answer is what waits
        return local_post(post)

    @bp.get("/mybusiness/v4/accounts/<account>/locations/<location>/localPosts")
    def list_posts(account: str, location: str):
        fault, who, refused = gate("lookup")
        if refused is not None:
            return refused
        if not owns(who, f"accounts/{account}", location):
            return google_error(404, "Requested entity was not found.")
        parent = f"accounts/{account}/locations/{location}"
        cutoff = listing_cutoff(fault)
        with state.lock:
            posts = sorted((p for p in state.posts if p["platform"] == PLATFORM and p["location"] == parent
                            and (cutoff is None or p["createdAt"] <= cutoff)),
                           key=lambda p: p["createdAt"], reverse=True)
        items, following, bad = page(posts, 20, 100)
        if bad is not None:
            return bad
        return {"localPosts": [local_post(p) for p in items]} | ({"nextPageToken": following} if following else {})

    @bp.delete("/mybusiness/v4/accounts/<account>/locations/<location>/localPosts/<post_id>")
    def delete(account: str, location: str, post_id: str):
        _, who, refused = gate("delete")
        if refused is not None:
            return refused
        if not owns(who, f"accounts/{account}", location):
            return google_error(404, "Requested entity was not found.")
        name = f"accounts/{account}/locations/{location}/localPosts/{post_id}"
        if state.delete_post(PLATFORM, lambda p: p.get("name") == name) is None:
            return google_error(404, "Requested entity was not found.")
        return {}

    # -- a location's daily metrics (Business Profile Performance API) ---------------------------
    def range_day(which: str) -> datetime.date | None:
        args = flask.request.args
        parts = []
        for part in ("year", "month", "day"):
            raw = args.get(f"dailyRange.{which}.{part}") or args.get(f"daily_range.{which[:-4]}_date.{part}")
            if raw is None or not raw.lstrip("-").isdigit():
                return None
            parts.append(int(raw))
        try:
            return datetime.date(*parts)
        except ValueError:
            return None

    @bp.get("/performance/v1/locations/<path:call>")
    def fetch_daily_metrics(call: str):
        location, _, method = call.partition(":")
        if method != "fetchMultiDailyMetricsTimeSeries":
            return google_error(404, "Requested entity was not found.")
        _, who, refused = gate("metrics")
        if refused is not None:
            return refused
        if not any(owns(who, a["name"], location) for a in accounts_of(who)):
            return google_error(403, "The caller does not have permission")
        metrics = flask.request.args.getlist("dailyMetrics") or flask.request.args.getlist("daily_metrics")
        if not metrics:
            return google_error(400, "Request contains an invalid argument. daily_metrics is required.")
        wrong = [m for m in metrics if m not in DAILY_METRICS]
        if wrong:
            return google_error(400, f"Invalid value at 'daily_metrics' (type.googleapis.com/google.businessprofile"
                                     f"performance.v1.DailyMetric), \"{wrong[0]}\"")
        start, end = range_day("startDate"), range_day("endDate")
        if start is None or end is None:
            return google_error(400, "Request contains an invalid argument. daily_range must have valid start_date "
                                     "and end_date.")
        today = datetime.datetime.now(datetime.timezone.utc).date()
        if start > end or end > today or start < today - datetime.timedelta(days=550):
            return google_error(400, "Request contains an invalid argument. The requested date range is invalid.")
        days = [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]
        series = []
        for metric in dict.fromkeys(metrics):
            points = []
            for day in days:
                point: dict[str, Any] = {"date": {"year": day.year, "month": day.month, "day": day.day}}
                value = daily_value(location, metric, day)
                if value:
                    point["value"] = str(value)  # int64 as a string; absent when zero
                points.append(point)
            series.append({"dailyMetric": metric, "timeSeries": {"datedValues": points}})
        return {"multiDailyMetricTimeSeries": [{"dailyMetricTimeSeries": series}]}

    # -- the post on Google Search (its searchUrl) ----------------------------------------------
    @bp.get("/web/posts/<post_id>")
    def search_page(post_id: str):
        post = next((p for p in state.posts if p["platform"] == PLATFORM and p["id"] == post_id), None)
        if post is None:
            return "Not found", 404
        return (f"<html><body><h1>{escape(post['topicType'])} post</h1><p>{escape(post.get('summary') or '')}</p>"
                f"<p>{escape(post['location'])}, {escape(post['state'])}</p></body></html>")

    return bp
