"""Internal functions verify their caller's OIDC token in production (shared/adapters/oidc.py).

Tokens are signed here with a locally generated RSA key; its certificate is served,
as Google serves its own at https://www.googleapis.com/oauth2/v1/certs, by a small
HTTP server on loopback that verification really fetches from. No local stack:
the guarded functions are called directly with a Flask request.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import flask
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from google.auth import crypt, jwt

from shared.adapters import oidc
from shared.config import reset_settings
from shared.web.internal import cloud_scheduler_only, cloud_tasks_only

PROJECT, REGION = "soku-prod-test", "europe-west1"
BASE = f"https://{REGION}-{PROJECT}.cloudfunctions.net"
TASKS_ACCOUNT = f"soku-tasks@{PROJECT}.iam.gserviceaccount.com"
RUNTIME_ACCOUNT = "123456789-compute@developer.gserviceaccount.com"
OTHER_ACCOUNT = f"someone-else@{PROJECT}.iam.gserviceaccount.com"
KID = "test-key-1"


def _key_pair(common_name: str) -> tuple[str, str]:
    """(private key PEM, self-signed certificate PEM), like Google's signing keys."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))
            .sign(key, hashes.SHA256()))
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    return private, cert.public_bytes(serialization.Encoding.PEM).decode()


class _Certs:
    """Serves {kid: certificate PEM} with Cache-Control, and counts the fetches."""

    def __init__(self, certs: dict[str, str]) -> None:
        owner = self
        self.fetches = 0

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                owner.fetches += 1
                body = json.dumps(certs).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Cache-Control", "public, max-age=3600")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/oauth2/v1/certs"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def google_key():
    private, cert = _key_pair("accounts.google.com (test)")
    server = _Certs({KID: cert})
    yield crypt.RSASigner.from_string(private, key_id=KID), server
    server.server.shutdown()


@pytest.fixture
def production(monkeypatch, tmp_path, google_key):
    """Production mode: no emulator variables; certs from the local server; the runtime
    runs as RUNTIME_ACCOUNT (a service-account key file, read by google.auth.default())."""
    signer, server = google_key
    for var in ("FIRESTORE_EMULATOR_HOST", "FUNCTIONS_EMULATOR", "FIREBASE_AUTH_EMULATOR_HOST",
                "STORAGE_EMULATOR_HOST", "CLOUD_TASKS_EMULATOR_HOST", "SOKU_FUNCTIONS_BASE_URL",
                "GOOGLE_CLOUD_PROJECT", "SOKU_PROJECT_ID", "SOKU_ENV"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("GCLOUD_PROJECT", PROJECT)
    monkeypatch.setenv("FUNCTION_REGION", REGION)
    monkeypatch.setenv("K_SERVICE", "not-a-marker")
    monkeypatch.setenv("SOKU_TASKS_SERVICE_ACCOUNT", TASKS_ACCOUNT)
    # publishX and deliverWebhook check their secrets before anything else (shared/secrets.py).
    monkeypatch.setenv("SOKU_TOKEN_KEYS", "k1:" + base64.b64encode(bytes(32)).decode())
    monkeypatch.setenv("SOKU_TOKEN_KEY_ID", "k1")
    runtime_key, _ = _key_pair("runtime")
    key_file = tmp_path / "runtime-sa.json"
    key_file.write_text(json.dumps({
        "type": "service_account", "project_id": PROJECT, "private_key_id": "rt",
        "private_key": runtime_key, "client_email": RUNTIME_ACCOUNT, "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    }))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    monkeypatch.setattr(oidc, "CERTS_URL", server.url)
    reset_settings()
    oidc.forget_runtime_account()
    yield signer
    reset_settings()
    oidc.forget_runtime_account()


def token(signer, *, aud: str, email: str = TASKS_ACCOUNT, expires_in: int = 3600,
          iss: str = "https://accounts.google.com", **extra) -> str:
    """An ID token shaped like the ones Cloud Tasks and Cloud Scheduler send."""
    now = int(time.time())
    claims = {"aud": aud, "azp": "1171", "email": email, "email_verified": True,
              "iat": now - 5, "exp": now + expires_in, "iss": iss, "sub": "1171"} | extra
    return jwt.encode(signer, claims).decode()


def call(function, *, bearer: str | None = None, queue: str | None = None, scheduler: bool = False,
         base_url: str = BASE):
    headers = {"Content-Type": "application/json"}
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    if queue:
        headers |= {"X-CloudTasks-QueueName": queue, "X-CloudTasks-TaskName": "t1",
                    "X-CloudTasks-TaskRetryCount": "0"}
    if scheduler:
        headers |= {"X-CloudScheduler": "true", "X-CloudScheduler-JobName": "firebase-schedule-x"}
    app = flask.Flask(__name__)
    with app.test_request_context(f"/{function.__name__}", method="POST", base_url=base_url,
                                  json={"data": {"postSubmissionId": "s", "targetId": "t"}},
                                  headers=headers):
        return function(flask.request)


def _ran(calls: list):
    def orchestratePost(request):  # noqa: N802 - a function id
        calls.append(request.path)
        return flask.jsonify(ok=True)
    return orchestratePost


def assert_refused(response, status: int, code: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code and error["type"] == "authentication_error"
    assert error["requestId"] == response.headers["X-Request-ID"]


# -- task-queue functions in production ----------------------------------------------------

def test_task_request_without_a_token_is_refused(production):
    import main

    calls: list = []
    guarded = cloud_tasks_only("orchestratePost", _ran(calls))
    r = call(guarded, queue="orchestratePost")
    assert_refused(r, 401, "unauthorized")
    assert r.headers["WWW-Authenticate"] == "Bearer"
    assert calls == []
    # The deployed functions are guarded (no queue header: were the token check gone, the
    # header check would answer 403, and the real handler would never run here).
    for function in (main.orchestratePost, main.publishX, main.deliverWebhook, main.repurposePost):
        assert_refused(call(function), 401, "unauthorized")


def test_valid_token_for_this_function_from_the_tasks_account_runs_the_handler(production, google_key):
    calls: list = []
    guarded = cloud_tasks_only("orchestratePost", _ran(calls))
    good = token(production, aud=f"{BASE}/orchestratePost")
    assert call(guarded, bearer=good, queue="orchestratePost").status_code == 200
    assert call(guarded, bearer=good, queue="orchestratePost").status_code == 200
    assert calls == ["/orchestratePost"] * 2
    assert google_key[1].fetches == 1  # Google's certs are cached, not fetched per task


def test_token_for_another_functions_url_is_refused(production):
    import main

    calls: list = []
    guarded = cloud_tasks_only("orchestratePost", _ran(calls))
    for aud in (f"{BASE}/publishX", BASE, f"https://{REGION}-other-project.cloudfunctions.net/orchestratePost"):
        stolen = token(production, aud=aud)
        assert_refused(call(guarded, bearer=stolen, queue="orchestratePost"), 401, "unauthorized")
    assert_refused(call(main.orchestratePost, bearer=token(production, aud=f"{BASE}/publishX")),
                   401, "unauthorized")
    assert calls == []


def test_token_of_another_service_account_is_refused(production):
    calls: list = []
    guarded = cloud_tasks_only("orchestratePost", _ran(calls))
    aud = f"{BASE}/orchestratePost"
    for email in (OTHER_ACCOUNT, RUNTIME_ACCOUNT):  # an explicit tasks account excludes the runtime's
        assert_refused(call(guarded, bearer=token(production, aud=aud, email=email), queue="orchestratePost"),
                       403, "forbidden")
    unverified = token(production, aud=aud, email_verified=False)
    assert_refused(call(guarded, bearer=unverified, queue="orchestratePost"), 403, "forbidden")
    assert calls == []


def test_expired_forged_or_foreign_tokens_are_refused(production, caplog):
    calls: list = []
    guarded = cloud_tasks_only("orchestratePost", _ran(calls))
    aud = f"{BASE}/orchestratePost"
    expired = token(production, aud=aud, expires_in=-60)
    forger = crypt.RSASigner.from_string(_key_pair("forger")[0], key_id=KID)  # same kid, other key
    for bad in (expired, token(forger, aud=aud), token(production, aud=aud, iss="https://evil.example"),
                "not.a.jwt", "two.segments", "garbage"):
        assert_refused(call(guarded, bearer=bad, queue="orchestratePost"), 401, "unauthorized")
        assert bad not in caplog.text  # refusals are logged, tokens never
    assert "refused internal call" in caplog.text
    assert calls == []


def test_when_googles_certs_are_out_of_reach_nothing_runs_and_the_task_is_retried(production, monkeypatch):
    import socket

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setattr(oidc, "CERTS_URL", f"http://127.0.0.1:{port}/oauth2/v1/certs")
    calls: list = []
    guarded = cloud_tasks_only("orchestratePost", _ran(calls))
    r = call(guarded, bearer=token(production, aud=f"{BASE}/orchestratePost"), queue="orchestratePost")
    assert r.status_code == 503 and r.get_json()["error"]["code"] == "service_unavailable"
    assert calls == []


def test_headers_stay_a_second_line_in_production(production):
    calls: list = []
    guarded = cloud_tasks_only("orchestratePost", _ran(calls))
    good = token(production, aud=f"{BASE}/orchestratePost")
    assert_refused(call(guarded, bearer=good), 403, "forbidden")
    assert_refused(call(guarded, bearer=good, queue="publishX"), 403, "forbidden")
    assert calls == []


def test_without_a_tasks_account_the_runtimes_own_account_is_expected(production, monkeypatch):
    monkeypatch.delenv("SOKU_TASKS_SERVICE_ACCOUNT")
    reset_settings()
    calls: list = []
    guarded = cloud_tasks_only("orchestratePost", _ran(calls))
    aud = f"{BASE}/orchestratePost"
    assert oidc.runtime_service_account() == RUNTIME_ACCOUNT  # learned from google.auth.default()
    assert call(guarded, bearer=token(production, aud=aud, email=RUNTIME_ACCOUNT),
                queue="orchestratePost").status_code == 200
    assert_refused(call(guarded, bearer=token(production, aud=aud), queue="orchestratePost"), 403, "forbidden")
    assert calls == ["/orchestratePost"]


# -- the scheduled function in production -------------------------------------------------

def _sweep(calls: list):
    def sweepScheduledPosts(request):  # noqa: N802 - a function id
        calls.append(request.host)
        return flask.Response(status=204)
    return cloud_scheduler_only(sweepScheduledPosts)


def test_scheduler_job_token_is_checked(production):
    import main

    calls: list = []
    sweep = _sweep(calls)
    run_host = "sweepscheduledposts-a1b2c3d4e5-ew.a.run.app"
    # firebase-tools gives the job the function's url after a create, its run.app URI after an update.
    assert call(sweep, bearer=token(production, aud=f"{BASE}/sweepScheduledPosts", email=RUNTIME_ACCOUNT),
                scheduler=True).status_code == 204
    assert call(sweep, bearer=token(production, aud=f"https://{run_host}", email=RUNTIME_ACCOUNT),
                scheduler=True, base_url=f"https://{run_host}").status_code == 204
    assert len(calls) == 2

    assert_refused(call(main.sweepScheduledPosts), 401, "unauthorized")  # headers alone would say 403
    for aud, host in ((f"{BASE}/orchestratePost", BASE),
                      ("https://othersweep-a1b2c3d4e5-ew.a.run.app", "https://othersweep-a1b2c3d4e5-ew.a.run.app"),
                      ("https://sweepscheduledposts-zzzz-ew.a.run.app", f"https://{run_host}")):
        r = call(sweep, bearer=token(production, aud=aud, email=RUNTIME_ACCOUNT), scheduler=True, base_url=host)
        assert_refused(r, 401, "unauthorized")
    # The tasks account is not the scheduler's: its jobs carry the function's own account.
    r = call(sweep, bearer=token(production, aud=f"{BASE}/sweepScheduledPosts"), scheduler=True)
    assert_refused(r, 403, "forbidden")
    r = call(sweep, bearer=token(production, aud=f"{BASE}/sweepScheduledPosts", email=RUNTIME_ACCOUNT))
    assert_refused(r, 403, "forbidden")  # a valid token without the scheduler's headers
    assert len(calls) == 2


# -- emulator mode: the header check only ---------------------------------------------------

@pytest.fixture(params=["FIRESTORE_EMULATOR_HOST", "FUNCTIONS_EMULATOR"])
def emulated(request, production, monkeypatch):
    if request.param == "FIRESTORE_EMULATOR_HOST":  # the local stack and the tests: no K_SERVICE
        monkeypatch.delenv("K_SERVICE")
        monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:8080")
    else:  # the Firebase CLI's Functions emulator: K_SERVICE, FUNCTIONS_EMULATOR and its hub
        monkeypatch.setenv("FUNCTIONS_EMULATOR", "true")
        monkeypatch.setenv("FIREBASE_EMULATOR_HUB", "127.0.0.1:4400")
    reset_settings()


@pytest.mark.parametrize("switch", [{"FUNCTIONS_EMULATOR": "true"}, {"FIRESTORE_EMULATOR_HOST": "127.0.0.1:8080"},
                                    {"FUNCTIONS_EMULATOR": "true", "FIRESTORE_EMULATOR_HOST": "127.0.0.1:8080"}],
                         ids=["FUNCTIONS_EMULATOR", "FIRESTORE_EMULATOR_HOST", "both"])
def test_an_emulator_switch_in_a_deployment_leaves_the_token_check_on(production, monkeypatch, switch):
    """What a `.env.<project>` file can deploy beside Cloud Run's K_SERVICE (issue 36, item 1)."""
    import main

    for name, value in switch.items():
        monkeypatch.setenv(name, value)
    reset_settings()
    calls: list = []
    assert_refused(call(cloud_tasks_only("publishX", _ran(calls)), queue="publishX"), 401, "unauthorized")
    assert_refused(call(_sweep(calls), scheduler=True), 401, "unauthorized")
    assert_refused(call(main.publishX, queue="publishX"), 401, "unauthorized")
    assert calls == []


def test_emulator_mode_checks_this_functions_queue_name(emulated):
    calls: list = []
    guarded = cloud_tasks_only("orchestratePost", _ran(calls))
    for sent in ("orchestratePost",  # Cloud Tasks
                 f"queue:{PROJECT}-{REGION}-orchestratePost",  # the Firebase CLI's Tasks emulator
                 f"projects/{PROJECT}/locations/{REGION}/queues/orchestratePost"):  # the full resource name
        assert call(guarded, queue=sent).status_code == 200, sent
    for sent in ("publishX", f"queue:{PROJECT}-{REGION}-publishX", f"queue:other-{REGION}-orchestratePost",
                 f"queue:{PROJECT}-us-east1-orchestratePost", "xorchestratePost",
                 f"projects/{PROJECT}/locations/{REGION}/queues/publishX",
                 f"projects/other/locations/{REGION}/queues/orchestratePost", ""):
        assert_refused(call(guarded, queue=sent or None), 403, "forbidden")
    assert len(calls) == 3


def test_emulator_mode_scheduler_needs_its_headers(emulated):
    calls: list = []
    sweep = _sweep(calls)
    assert call(sweep, scheduler=True).status_code == 204
    assert_refused(call(sweep), 403, "forbidden")
    assert len(calls) == 1
