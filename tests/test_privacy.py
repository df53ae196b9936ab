"""Privacy duties: Meta's Deauthorize and Data Deletion Request callbacks (signed requests made
as Meta makes them), the deletion's status URL, and `DELETE /v1/me` leaving nothing behind."""

from __future__ import annotations

import json
import time
from urllib.parse import urlsplit

import httpx
import pytest

from devstack.sandboxes import facebook as fb_sandbox
from devstack.sandboxes import instagram as ig_sandbox
from devstack.sandboxes.meta_graph import sign_request
from tests.conftest import wait_for
from tests.connecting import account_doc, connect, final_run, new_subject
from tests.envelope import assert_error
from tests.posting import body
from tests.webhook_receiver import receiver  # noqa: F401 - the fixture
from tests.webhook_receiver import register

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _signed(user: str, secret: str = fb_sandbox.APP_SECRET, **extra) -> str:
    now = int(time.time())
    return sign_request(secret, {"issued_at": now, "expires": now + 3600, "user_id": user, **extra})


def _post(client: httpx.Client, which: str, signed_request: str | None) -> httpx.Response:
    data = {} if signed_request is None else {"signed_request": signed_request}
    return client.post(f"/webhooks/meta/{which}", data=data)


def _facebook_accounts(client, user, subject: str, pages: int = 2) -> list[str]:
    flow = connect(client, user, "facebook", subject, pages=pages)
    assert flow.callback is not None and flow.callback.status_code == 200, flow.callback
    listed = client.get("/v1/accounts", params={"platform": "facebook"}, headers=user.key_headers).json()
    ids = [a["accountId"] for a in listed["accounts"]]
    assert len(ids) == pages, listed
    return ids


def test_data_deletion_deletes_the_logins_accounts_and_its_status_url_reports_completion(
        client, make_user, db):
    owner, bystander = make_user(), make_user()
    subject = new_subject()
    ids = _facebook_accounts(client, owner, subject)
    kept = _facebook_accounts(client, bystander, new_subject(), pages=1)
    # A cached metrics entry of one of the accounts: insights are that person's data too.
    from shared.services.analytics import cache as metrics_cache

    cache = db.collection("metricsCache").document(metrics_cache.account_key(owner.uid, "facebook", ids[0]))
    cache.set({"userId": owner.uid, "platform": "facebook", "accountId": ids[0], "body": {"followers": 3}})

    r = _post(client, "data-deletion", _signed(subject))
    assert r.status_code == 200, r.text
    answer = r.json()
    assert set(answer) == {"url", "confirmation_code"} and answer["confirmation_code"].isalnum()
    for account_id in ids:
        assert not account_doc(db, owner, "facebook", account_id).get().exists
        assert_error(client.get(f"/v1/accounts/{account_id}", headers=owner.key_headers), 404, "not_found")
    assert not cache.get().exists
    assert client.get("/v1/accounts", headers=owner.key_headers).json()["accounts"] == []
    # Someone else's Facebook login is not touched.
    assert account_doc(db, bystander, "facebook", kept[0]).get().get("tokens")

    # The status URL: public, no credential, says it is done.
    status = client.get(urlsplit(answer["url"]).path)
    assert status.status_code == 200, status.text
    report = status.json()
    assert report["confirmationCode"] == answer["confirmation_code"]
    assert report["status"] == "completed" and report["accountsDeleted"] == 2 and report["completedAt"]
    # A browser following Meta's link gets the same as a page.
    page = client.get(urlsplit(answer["url"]).path, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert answer["confirmation_code"] in page.text and "completed" in page.text
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    stored = db.collection("dataDeletionRequests").document(answer["confirmation_code"]).get().to_dict()
    assert subject not in json.dumps(stored, default=str) and owner.uid not in json.dumps(stored, default=str)
    assert_error(client.get("/webhooks/meta/data-deletion/nosuchcode"), 404, "not_found")


def test_the_instagram_apps_signed_request_deletes_its_instagram_accounts(client, user, db):
    subject = new_subject()
    flow = connect(client, user, "instagram", subject, pages=1)
    assert flow.callback is not None and flow.callback.status_code == 200, flow.callback
    listed = client.get("/v1/accounts", params={"platform": "instagram"}, headers=user.key_headers).json()
    [account_id] = [a["accountId"] for a in listed["accounts"]]
    # The Facebook app's user of the same id is another person (ids are app-scoped): nothing goes.
    assert _post(client, "data-deletion", _signed(subject)).json()["confirmation_code"]
    assert account_doc(db, user, "instagram", account_id).get().exists
    r = _post(client, "data-deletion", _signed(subject, secret=ig_sandbox.APP_SECRET))
    assert r.status_code == 200, r.text
    assert not account_doc(db, user, "instagram", account_id).get().exists


def test_deauthorize_removes_the_tokens_and_flags_the_accounts(client, user, db):
    subject = new_subject()
    ids = _facebook_accounts(client, user, subject)
    r = _post(client, "deauthorize", _signed(subject))
    assert r.status_code == 200, r.text
    assert r.json() == {"accountsDeauthorized": 2}
    for account_id in ids:
        data = account_doc(db, user, "facebook", account_id).get().to_dict()
        assert not data.get("tokens") and data["status"] == "needs_reconnect"
        shown = client.get(f"/v1/accounts/{account_id}", headers=user.key_headers).json()
        assert shown["status"] == "needs_reconnect" and "removed" in shown["statusReason"]
        assert shown["health"]["tokensReadable"] is False
    # The usual event, through the outbox: one account.needs_reconnect per account.
    # (The local emulator cannot filter on a map's field: all entries, filtered here.)
    events = [p for p in (s.to_dict().get("payload") or {} for s in db.collection("outbox").stream())
              if p.get("userId") == user.uid]
    flagged = sorted(e["data"]["account"]["accountId"] for e in events if e["type"] == "account.needs_reconnect")
    assert flagged == sorted(ids)
    # Posting to it is refused at submission until the user connects it again.
    refused = client.post("/v1/posts", headers=user.key_headers,
                          json=body([{"platform": "facebook", "accountId": ids[0]}], "after removal"))
    assert_error(refused, 400, "account_needs_reconnect")
    connect(client, user, "facebook", subject, pages=2)
    assert client.get(f"/v1/accounts/{ids[0]}", headers=user.key_headers).json()["status"] == "connected"


@pytest.mark.parametrize("which", ["deauthorize", "data-deletion"])
def test_badly_signed_or_malformed_requests_are_refused_and_nothing_changes(client, user, db, which):
    subject = new_subject()
    [account_id] = _facebook_accounts(client, user, subject, pages=1)
    good = _signed(subject)
    signature, payload = good.split(".")
    other_payload = _signed("someone-else").split(".")[1]
    refusals = [
        (_signed(subject, secret="not-the-app-secret"), 401, "invalid_signature"),
        (f"{signature}.{other_payload}", 401, "invalid_signature"),  # a signature moved onto another payload
        (f"{signature[:-2]}AA.{payload}", 401, "invalid_signature"),
        (_signed(subject, algorithm="HMAC-SHA1"), 400, "invalid_signed_request"),
        (sign_request(fb_sandbox.APP_SECRET, {"issued_at": 1}), 400, "invalid_signed_request"),  # no user_id
        (payload, 400, "invalid_signed_request"),
        ("not base64!.at all", 400, "invalid_signed_request"),
        (None, 400, "invalid_signed_request"),
    ]
    for signed_request, status, code in refusals:
        assert_error(_post(client, which, signed_request), status, code)
    # JSON instead of Meta's form is no signed request either.
    assert_error(client.post(f"/webhooks/meta/{which}", json={"signed_request": good}), 400, "invalid_signed_request")
    data = account_doc(db, user, "facebook", account_id).get().to_dict()
    assert data["tokens"] and data["status"] == "connected"


def _dump(stack) -> dict:
    return httpx.get(f"http://127.0.0.1:{stack.emulators.firestore_dump_port}/dump", timeout=30).json()


def _documents(node: dict):
    """Every document the dump lists as existing (a listed leaf exists; a parent may be missing)."""
    for collection in (node.get("collections") or {}).values():
        for doc in (collection.get("documents") or {}).values():
            if doc.get("fields") or not doc.get("collections"):
                yield doc
            yield from _documents(doc)


def _mentioning(stack, text: str) -> list[str]:
    dump = _dump(stack)
    roots = [db for project in dump.get("projects", {}).values() for db in project.get("databases", {}).values()] \
        if "projects" in dump else [dump]
    found = []
    for root in roots:
        for doc in _documents(root):
            if text in doc.get("path", "") or text in json.dumps(doc.get("fields"), default=str):
                found.append(doc.get("path"))
    return found


def test_delete_me_leaves_no_document_and_no_object_behind(client, demo, db, stack, stored_media, sandbox,
                                                           receiver):
    from shared.adapters.gcp import storage_client
    from shared.config import get_settings

    # A user with some of everything: seeded accounts and credits (demo), a connected account with
    # sealed tokens, a second API key, a webhook endpoint, stored media, a published post (runs,
    # claims, events), request logs, a repurpose template.
    subject = new_subject()
    connect(client, demo, "x", subject)
    assert client.post("/v1/api-keys", headers=demo.bearer, json={"name": "second"}).status_code == 201
    register(client, demo, receiver.url)
    media_id = stored_media(demo, kind="image", size=2048)
    object_path = db.collection("media").document(media_id).get().get("objectPath")
    assert media_id in object_path
    template = client.post("/v1/templates/saved", headers=demo.key_headers, json={
        "name": "Storyboard", "templateSlug": "videoThumbnail", "aspectRatio": "9:16", "config": {"badge": "NEW"}})
    assert template.status_code == 201, template.text
    link = client.post("/v1/repurposeLinks", headers=demo.key_headers, json={
        "platform": "instagram", "accountId": "ig_creator_main", "type": "text", "templateId": "tweetImage"})
    assert link.status_code == 201, link.text
    posted = client.post("/v1/posts", headers=demo.key_headers,
                         json=body([{"platform": "x", "accountId": f"x_{subject}"}], "before I leave")
                         | {"enableRepurposing": True})
    assert posted.status_code == 201, posted.text
    submission_id = posted.json()["postSubmissionId"]
    assert final_run(client, demo, submission_id)["status"] == "succeeded"
    wait_for(lambda: receiver.events("post.published"), timeout=20)  # a delivery, and its attempts
    trigger = wait_for(lambda: [t for t in client.get(f"/v1/repurposeLinks/{link.json()['id']}/triggers",
                                                      headers=demo.key_headers).json()["triggers"]
                                if t.get("derivedPostSubmissionId")], timeout=30)[0]
    card = db.collection("media").document(trigger["cardMediaId"]).get().to_dict()
    objects = [object_path, card["objectPath"]]
    # A post holding a queue slot (users/{uid}/slotClaims).
    assert client.put("/v1/accounts/x_main/schedule", params={"platform": "x"}, headers=demo.key_headers,
                      json={"timezone": "UTC", "slots": [{"day": "mon", "time": "10:00"}]}).status_code == 200
    queued = client.post("/v1/posts", headers=demo.key_headers,
                         json=body([{"platform": "x", "accountId": "x_main"}], "in a queue slot")
                         | {"scheduledTime": "next_slot"})
    assert queued.status_code == 201, queued.text
    # Ids that name the user's things where the uid itself does not appear (runs, their attempts, claims).
    names = [demo.uid, submission_id, trigger["derivedPostSubmissionId"], media_id, trigger["cardMediaId"],
             queued.json()["postSubmissionId"]]
    before = {name: _mentioning(stack, name) for name in names}
    assert all(before.values()), before

    # Only the signed-in user, and only with the confirmation.
    assert_error(client.request("DELETE", "/v1/me", headers=demo.key_headers, json={"confirm": demo.uid}),
                 401, "unauthorized")
    assert_error(client.request("DELETE", "/v1/me", headers=demo.bearer, json={}), 400, "validation_error")
    assert_error(client.request("DELETE", "/v1/me", headers=demo.bearer, json={"confirm": "someone-else"}),
                 400, "confirmation_required")
    assert db.collection("users").document(demo.uid).get().exists

    r = client.request("DELETE", "/v1/me", headers=demo.bearer, json={"confirm": demo.uid})
    assert r.status_code == 200, r.text
    result = r.json()
    assert r.headers["Cache-Control"] == "private, no-store"
    assert result["deleted"] is True and result["accountsDisconnected"] >= 9 and result["objectsDeleted"] >= 1
    # The connected X account's grant was revoked at X, as a disconnect does.
    revoked = httpx.get(f"{sandbox.base_url}/__sandbox/oauth/revocations").json()
    assert subject in json.dumps(revoked)

    time.sleep(1)  # request logs are written after the response: none may name the user
    left = {name: _mentioning(stack, name) for name in names}
    assert left == {name: [] for name in names}, left
    bucket = storage_client().bucket(get_settings().media_bucket)
    assert [path for path in objects if bucket.blob(path).exists()] == []
    # The key no longer works.
    assert_error(client.get("/v1/me", headers=demo.key_headers), 401, "unauthorized")


def _tiktok(client: httpx.Client, event: dict, secret: str | None = None, stamp: int | None = None,
            signature: str | None = None) -> httpx.Response:
    """A TikTok webhook as TikTok sends it: `TikTok-Signature: t=<time>,s=<hex HMAC-SHA256 of "<t>.<body>">`
    keyed with the app's client secret (developers.tiktok.com/doc/webhooks-verification)."""
    import hashlib
    import hmac

    from devstack.sandboxes import tiktok as tt_sandbox

    raw = json.dumps(event).encode()
    stamp = int(time.time()) if stamp is None else stamp
    key = (secret or tt_sandbox.CLIENT_SECRET).encode()
    signature = signature or hmac.new(key, f"{stamp}.".encode() + raw, hashlib.sha256).hexdigest()
    return client.post("/webhooks/tiktok", content=raw,
                       headers={"Content-Type": "application/json", "TikTok-Signature": f"t={stamp},s={signature}"})


def test_tiktok_authorization_removed_flags_the_account_and_a_bad_signature_is_refused(client, user, db):
    from devstack.sandboxes import tiktok as tt_sandbox

    subject = new_subject()
    connect(client, user, "tiktok", subject)
    [account] = client.get("/v1/accounts", params={"platform": "tiktok"}, headers=user.key_headers).json()["accounts"]
    open_id = client.get(f"/v1/accounts/{account['accountId']}", headers=user.key_headers).json()["platformUserId"]
    event = {"client_key": tt_sandbox.CLIENT_KEY, "event": "authorization.removed", "create_time": int(time.time()),
             "user_openid": open_id, "content": json.dumps({"reason": 1})}

    for refused in (_tiktok(client, event, secret="not-the-client-secret"),
                    _tiktok(client, event, stamp=int(time.time()) - 3600),  # a replay an hour later
                    _tiktok(client, event, signature="00" * 32),
                    _tiktok(client, event | {"client_key": "another-app"})):
        assert_error(refused, 401, "invalid_signature")
    assert account_doc(db, user, "tiktok", account["accountId"]).get().get("tokens")

    other = _tiktok(client, event | {"event": "video.publish.completed"})
    assert other.status_code == 200 and other.json()["handled"] is False
    r = _tiktok(client, event)
    assert r.status_code == 200, r.text
    assert r.json() == {"event": "authorization.removed", "handled": True, "accountsDeauthorized": 1}
    shown = client.get(f"/v1/accounts/{account['accountId']}", headers=user.key_headers).json()
    assert shown["status"] == "needs_reconnect" and shown["health"]["tokensReadable"] is False


def test_threads_uninstall_and_delete_callbacks(client, user, db):
    from devstack.sandboxes import threads as th_sandbox

    subject, other = new_subject(), new_subject()
    for who in (subject, other):
        flow = connect(client, user, "threads", who)
        assert flow.callback is not None and flow.callback.status_code == 200, flow.callback
    # Signed by the Facebook app, it is no Threads request.
    assert_error(client.post("/webhooks/threads/deauthorize", data={"signed_request": _signed(subject)}),
                 401, "invalid_signature")
    r = client.post("/webhooks/threads/deauthorize", data={"signed_request": _signed(
        subject, secret=th_sandbox.CLIENT_SECRET)})
    assert r.status_code == 200 and r.json() == {"accountsDeauthorized": 1}, r.text
    shown = client.get(f"/v1/accounts/threads_{subject}", headers=user.key_headers).json()
    assert shown["status"] == "needs_reconnect" and shown["health"]["tokensReadable"] is False

    r = client.post("/webhooks/threads/data-deletion", data={"signed_request": _signed(
        other, secret=th_sandbox.CLIENT_SECRET)})
    assert r.status_code == 200, r.text
    answer = r.json()
    assert urlsplit(answer["url"]).path == f"/webhooks/threads/data-deletion/{answer['confirmation_code']}"
    assert not account_doc(db, user, "threads", f"threads_{other}").get().exists
    assert account_doc(db, user, "threads", f"threads_{subject}").get().exists  # another person's
    report = client.get(urlsplit(answer["url"]).path).json()
    assert report["status"] == "completed" and report["platform"] == "threads" and "Threads" in report["message"]
    # A Threads code is not a Facebook one.
    assert_error(client.get(f"/webhooks/meta/data-deletion/{answer['confirmation_code']}"), 404, "not_found")
