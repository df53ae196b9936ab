"""Token-key rotation over everything sealed with the token keys: connected accounts (even
under a `users/{uid}` document that was never written), webhook endpoint secrets and
publishing runs' checkpoints (a Snapchat upload's key); and the registry that names them.

The rotation is the operator's: make a new key current, run the tool over the whole
database (not told which users to look at), retire the old key; then deliveries
and publishing must still work. The data of each test is sealed with an `old` key
of its own; the key the stack runs with plays the new one, so the session's other
documents are already current and the stack ends the test with its own keys.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest
from standardwebhooks import Webhook

from shared import clock
from shared.services.webhooks import signing
from tests.conftest import PROJECT_ID, ROOT, User, wait_for
from tests.connecting import account_doc, connect, final_run, new_subject
from tests.posting import body
from tests.webhook_receiver import publish, receiver, register  # noqa: F401 - receiver: fixture


class TokenKeys:
    """The stack's token keys, with an `old` key to seal a test's data and retire."""

    def __init__(self) -> None:
        from shared.adapters.crypto import generate_key

        self.stack_keys = os.environ["SOKU_TOKEN_KEYS"]
        self.stack_kid = os.environ["SOKU_TOKEN_KEY_ID"]
        self.old_kid = f"old{uuid.uuid4().hex[:6]}"
        self.old = f"{self.old_kid}:{generate_key()}"

    def _set(self, keys: str, kid: str) -> None:
        from shared.config import reset_settings

        os.environ["SOKU_TOKEN_KEYS"], os.environ["SOKU_TOKEN_KEY_ID"] = keys, kid
        reset_settings()

    def seal_with_old(self) -> None:
        self._set(f"{self.stack_keys},{self.old}", self.old_kid)

    def rotate(self, user_ids: list[str] | None = None):
        """The new key (the stack's) current, the old one still readable, then the tool
        (over the whole database unless users are named)."""
        from shared.services.key_rotation import reseal_all

        self._set(f"{self.stack_keys},{self.old}", self.stack_kid)
        return reseal_all(user_ids)

    def rotate_as_operator(self) -> subprocess.CompletedProcess:
        """The new key current, the old one still readable, then the documented command, in a
        process of its own (docs/connecting-accounts.md, "Rotating the token key")."""
        self._set(f"{self.stack_keys},{self.old}", self.stack_kid)
        done = subprocess.run([sys.executable, "-m", "shared.services.key_rotation"], cwd=ROOT,
                              env=os.environ.copy(), capture_output=True, text=True, timeout=180)
        assert "re-sealed" in done.stdout, (done.stdout, done.stderr)
        return done

    def retire_old(self) -> None:
        self._set(self.stack_keys, self.stack_kid)


@pytest.fixture
def token_keys(stack):
    keys = TokenKeys()
    keys.seal_with_old()
    try:
        yield keys
    finally:
        keys.retire_old()


def _post(client, user, platform, account_id, text):
    return client.post("/v1/posts", headers=user.key_headers,
                       json=body([{"platform": platform, "accountId": account_id}], text))


def test_webhook_deliveries_still_verify_after_the_old_key_is_retired(client, token_keys, demo, receiver, db):
    hook = register(client, demo, receiver.url, events=["post.published"])
    # A secret rotation under way: the previous secret is sealed too, and still signs.
    r = client.post(f"/v1/webhooks/{hook['id']}/rotate-secret", headers=demo.key_headers)
    assert r.status_code == 200, r.text
    previous, current = hook["secret"], r.json()["secret"]
    ref = db.collection("users").document(demo.uid).collection("webhooks").document(hook["id"])
    assert ref.get().get("secret")["kid"] == ref.get().get("previousSecret")["kid"] == token_keys.old_kid

    token_keys.rotate()
    stored = ref.get().to_dict()
    assert stored["secret"]["kid"] == stored["previousSecret"]["kid"] == token_keys.stack_kid
    token_keys.retire_old()

    publish(client, demo, "delivered after the key rotation")
    wait_for(lambda: receiver.events("post.published"), timeout=20)
    request = receiver.request_for("post.published")
    for secret in (current, previous):
        assert Webhook(secret).verify(request["raw"], request["headers"]) == request["json"]
        assert signing.verify(secret, request["raw"], request["headers"]["Soku-Signature"])


def test_an_account_under_a_user_document_never_written_is_resealed_and_still_publishes(
        client, token_keys, db):
    """A Stripe-extension customer with an API key: `customers/{uid}` and `apiKeys`, no
    `users/{uid}` document, so the account's parent is a missing document."""
    from devstack.id_tokens import emulator_id_token
    from shared.services import api_keys

    uid = f"user-{uuid.uuid4().hex[:12]}"
    db.collection("customers").document(uid).collection("subscriptions").document("sub_1").set(
        {"status": "active", "current_period_end": clock.now() + timedelta(days=30)})
    user = User(uid=uid, api_key=api_keys.create_key(uid, "no profile"), id_token=emulator_id_token(uid, PROJECT_ID))
    subject = new_subject()
    flow = connect(client, user, "x", subject)
    assert flow.callback is not None and flow.callback.status_code < 400, flow.callback
    ref = account_doc(db, user, "x", f"x_{subject}")
    assert ref.get().get("tokens")["kid"] == token_keys.old_kid
    assert not db.collection("users").document(uid).get().exists
    assert uid not in {snap.id for snap in db.collection("users").stream()}  # listing users skips it

    result = token_keys.rotate()
    assert ref.get().get("tokens")["kid"] == token_keys.stack_kid
    assert result.resealed >= 1
    token_keys.retire_old()

    health = client.get(f"/v1/accounts/x_{subject}", headers=user.key_headers).json()["health"]
    assert health["tokensReadable"] is True
    r = _post(client, user, "x", f"x_{subject}", f"still publishing {subject}")
    assert r.status_code == 201, r.text
    assert final_run(client, user, r.json()["postSubmissionId"])["status"] == "succeeded"


def test_the_index_forgets_deleted_documents_and_learns_older_ones(client, token_keys, user, db, receiver):
    from shared.adapters.crypto import encrypt_json
    from shared.services import sealed_index

    hook = register(client, user, receiver.url)
    ref = db.collection("users").document(user.uid).collection("webhooks").document(hook["id"])
    assert ref.path in set(sealed_index.recorded())
    assert client.delete(f"/v1/webhooks/{hook['id']}", headers=user.key_headers).status_code in (200, 204)
    # An endpoint written before the index existed: found by walking its (existing) user.
    older = db.collection("users").document(user.uid).collection("webhooks").document("we_older")
    older.set({"url": receiver.url, "events": ["post.published"], "status": "active", "createdAt": clock.now(),
               "secret": encrypt_json(signing.new_secret(), associated=older.path)})
    result = token_keys.rotate([user.uid])
    assert result.of("webhook", "gone") == 1 and result.of("webhook", "resealed") == 1
    recorded = set(sealed_index.recorded())
    assert ref.path not in recorded and older.path in recorded


def test_an_expired_previous_secret_sealed_with_a_lost_key_is_dropped(client, token_keys, user, db, receiver):
    from shared.adapters.crypto import encrypt_json
    from shared.services.key_rotation import reseal_all

    hook = register(client, user, receiver.url)
    ref = db.collection("users").document(user.uid).collection("webhooks").document(hook["id"])
    lost = {"kid": "lost", **{k: v for k, v in encrypt_json("whsec_x", associated=ref.path).items() if k != "kid"}}
    ref.update({"previousSecret": lost, "previousSecretExpiresAt": clock.now() - timedelta(hours=1)})
    token_keys.rotate()
    data = ref.get().to_dict()
    assert data["previousSecret"] is None and data["secret"]["kid"] == token_keys.stack_kid
    # Still within its overlap, an unreadable previous secret is a failure to report, kept as is.
    ref.update({"previousSecret": lost, "previousSecretExpiresAt": clock.now() + timedelta(hours=1)})
    assert reseal_all([user.uid]).of("webhook", "failed") == 1
    assert ref.get().get("previousSecret") == lost


# -- publishing runs' checkpoints (a Snapchat upload's key), and the registry ----------------------

SNAP_TARGET = "snapchat:snap_profile"


def _code_modules():
    """(module, path) for every Python file that is deployed or seeds data (not the suite)."""
    for folder in ("shared", "functions", "devstack"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "node_modules" in path.parts:
                continue
            yield ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"), path
    yield "main", ROOT / "main.py"


def _calls_encrypt_json(source: str) -> bool:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name == "encrypt_json":
                return True
    return False


def test_every_caller_of_encrypt_json_is_a_registered_sealer():
    """A value sealed where the registry does not say is a value the key rotation never re-seals:
    whoever adds one must name its documents in shared/services/sealed_index.py (KINDS)."""
    from shared.services.sealed_index import KINDS

    callers = {module for module, path in _code_modules()
               if module not in ("shared.adapters.crypto",) and _calls_encrypt_json(path.read_text())}
    registered = {module for kind in KINDS.values() for module in kind.sealers}
    assert "shared.platforms.snapchat.publisher" in callers  # the scan sees the Snapchat upload key
    assert callers - registered == set(), "sealing outside the registry of sealed fields"
    assert registered - callers == set(), "registered sealers that seal nothing (stale registry)"


def _snap_payload(text, media_ids, **extra):
    return body(["snapchat"], text, mediaIds=media_ids) | extra


def _snap_run(db, sid):
    return db.collection("postSubmissions").document(sid).collection("runs").document(SNAP_TARGET)


def _interrupted_snapchat_upload(client, demo, stored_media, sandbox, db, monkeypatch, text):
    """A video upload whose first attempt sent part 1 of 3 and failed on part 2: the run is
    queued for its retry, its checkpoint holding the sealed media key."""
    from shared.platforms.snapchat import publisher as snapchat
    from tests.posting import call_task, submit

    monkeypatch.setattr(snapchat, "LIMITS", snapchat.SnapchatLimits(part_bytes=256 * 1024,
                                                                    read_chunk_bytes=64 * 1024))
    media_id = stored_media(demo, "video", 600_000)
    sid = submit(client, demo, _snap_payload(text, [media_id], scheduledTime="2099-01-01T00:00:00Z"))
    sandbox.fault("snapchat", "add", "server_error", part=2)
    call_task(client, "publishSnapchat", {"postSubmissionId": sid, "targetId": SNAP_TARGET})
    run = _snap_run(db, sid).get().to_dict()
    assert run["status"] == "queued" and run["checkpoint"]["snap"]["nextPart"] == 2, run
    return sid, media_id


def _resume(client, sid):
    from tests.posting import call_task

    r = call_task(client, "publishSnapchat", {"postSubmissionId": sid, "targetId": SNAP_TARGET}, retry_count=1)
    return r.json().get("result", {}).get("outcome"), r.text


def test_after_the_operator_rotates_and_retires_the_old_key_nothing_opens_with_it_and_nothing_breaks(
        client, token_keys, demo, stack, stored_media, sandbox, db, receiver, monkeypatch):
    from shared.services import sealed_index
    from tests.posting import final_run, stored_run, submit

    account = db.collection("users").document(demo.uid).collection("integrations").document("snapchat") \
        .collection("accounts").document("snap_profile")
    assert account.get().get("tokens")["kid"] == token_keys.old_kid
    # A Snapchat run that has finished: its upload key is spent.
    done = submit(client, demo, _snap_payload("a finished story", [stored_media(demo, "image", 20_000)]))
    assert final_run(client, demo, done, SNAP_TARGET)["status"] == "succeeded"
    assert stored_run(db, done, SNAP_TARGET)["checkpoint"]["snap"]["sealed"]["kid"] == token_keys.old_kid
    # A Snapchat upload interrupted half way: its retry needs the key.
    sid, media_id = _interrupted_snapchat_upload(client, demo, stored_media, sandbox, db, monkeypatch,
                                                 "resumed after the key rotation")
    assert _snap_run(db, sid).get().to_dict()["checkpoint"]["snap"]["sealed"]["kid"] == token_keys.old_kid
    assert {_snap_run(db, sid).path, _snap_run(db, done).path} <= set(sealed_index.recorded())
    # A webhook whose secret was rotated more than a day ago: the previous secret's overlap has
    # ended, but it still opens with the old key.
    hook = register(client, demo, receiver.url, events=["post.published"])
    r = client.post(f"/v1/webhooks/{hook['id']}/rotate-secret", headers=demo.key_headers)
    assert r.status_code == 200, r.text
    previous, current = hook["secret"], r.json()["secret"]
    endpoint = db.collection("users").document(demo.uid).collection("webhooks").document(hook["id"])
    endpoint.update({"previousSecretExpiresAt": clock.now() - timedelta(minutes=1)})

    done_rotating = token_keys.rotate_as_operator()
    assert "publishing run(s)" in done_rotating.stdout, done_rotating.stdout
    # Every sealed value is on the new key, or gone when nothing needs it.
    assert account.get().get("tokens")["kid"] == token_keys.stack_kid
    assert _snap_run(db, sid).get().to_dict()["checkpoint"]["snap"]["sealed"]["kid"] == token_keys.stack_kid
    finished = stored_run(db, done, SNAP_TARGET)
    assert finished["checkpoint"]["snap"]["sealed"] is None and finished["status"] == "succeeded"
    stored = endpoint.get().to_dict()
    assert stored["previousSecret"] is None and stored["secret"]["kid"] == token_keys.stack_kid
    recorded = set(sealed_index.recorded())
    assert _snap_run(db, sid).path in recorded and _snap_run(db, done).path not in recorded
    token_keys.retire_old()

    # The upload resumes from its checkpoint with the same key: part 2 on, nothing sent twice.
    outcome, text = _resume(client, sid)
    assert outcome == "succeeded", text
    run = final_run(client, demo, sid, SNAP_TARGET)
    assert run["status"] == "succeeded" and run["attemptCount"] == 2, run
    [post] = [p for p in sandbox.posts("snapchat") if p["id"] == run["result"]["postId"]]
    upload = stack.sandboxes.state.media[f"snap:{post['media_id']}"]
    assert [a["part"] for a in upload["adds"]] == [1, 2, 3]
    assert post["size"] == 600_000
    # The webhook signs with the current secret only; the expired one is gone.
    wait_for(lambda: [e for e in receiver.requests if sid.encode() in e["raw"]], timeout=20)
    request = next(e for e in receiver.requests if sid.encode() in e["raw"])
    assert Webhook(current).verify(request["raw"], request["headers"]) == request["json"]
    with pytest.raises(Exception):
        Webhook(previous).verify(request["raw"], request["headers"])


def test_a_run_in_the_middle_of_an_attempt_is_left_alone_and_reported(client, token_keys, demo, stored_media,
                                                                       sandbox, db, monkeypatch):
    """Its attempt writes its whole checkpoint back: a re-seal underneath would be undone."""
    from shared.services.key_rotation import main, reseal_all

    sid, _ = _interrupted_snapchat_upload(client, demo, stored_media, sandbox, db, monkeypatch, "busy run")
    ref = _snap_run(db, sid)
    ref.update({"status": "processing"})
    result = token_keys.rotate([demo.uid])
    assert result.of("run", "busy") == 1 and result.busy == 1
    assert ref.get().to_dict()["checkpoint"]["snap"]["sealed"]["kid"] == token_keys.old_kid
    assert main([]) == 1  # the operator is told to run it again before retiring the key
    ref.update({"status": "queued"})
    assert reseal_all([demo.uid]).of("run", "resealed") == 1
    assert ref.get().to_dict()["checkpoint"]["snap"]["sealed"]["kid"] == token_keys.stack_kid


def test_an_upload_key_retired_before_the_rotation_ran_is_dropped_and_the_upload_starts_again(
        client, token_keys, demo, stack, stored_media, sandbox, db, monkeypatch):
    """The old key left SOKU_TOKEN_KEYS too early: the upload cannot resume, so the rotation drops
    its key rather than leave a run that fails on it, and the retry uploads again with a new one."""
    from shared.services.key_rotation import reseal_all

    sid, _ = _interrupted_snapchat_upload(client, demo, stored_media, sandbox, db, monkeypatch, "key lost early")
    demo_account = db.collection("users").document(demo.uid).collection("integrations").document("snapchat") \
        .collection("accounts").document("snap_profile")
    token_keys.rotate([demo.uid])  # the account (and the run) on the new key
    ref = _snap_run(db, sid)
    lost = {**ref.get().to_dict()["checkpoint"]["snap"]["sealed"], "kid": "lost"}
    ref.update({"checkpoint.snap.sealed": lost})
    token_keys.retire_old()
    result = reseal_all([demo.uid])
    assert result.of("run", "resealed") == 1 and result.of("run", "failed") == 0 and result.dropped == 1
    assert ref.get().to_dict()["checkpoint"]["snap"]["sealed"] is None
    assert demo_account.get().get("tokens")["kid"] == token_keys.stack_kid
    outcome, text = _resume(client, sid)
    assert outcome == "succeeded", text
