"""Typed settings, read from the environment once, lazily.

Nothing here runs at import time: deploy discovery imports `main.py` under a
10 s limit with no secrets present, so settings are only built when a request
first needs them (DESIGN.md, decision 4).

The environment is parsed by one pydantic-settings model, `_Environment`, whose
field names *are* the environment variable names, so a malformed value fails
with a `ConfigurationError` naming its variable (`SOKU_FETCH_READ_TIMEOUT: …`).
The model is then folded into the frozen `Settings` the code reads. Secrets
(SOKU_TOKEN_KEYS, OPENAI_API_KEY, SOKU_OAUTH_STATE_SECRET,
SOKU_OAUTH_CLIENT_SECRETS) are Secret Manager secrets in production, declared in
shared/secrets.py; they arrive here as environment variables like the rest, and
their values never appear in an error message.
"""

from __future__ import annotations

import base64
import binascii
import functools
import ipaddress
import json
import os
from dataclasses import dataclass, field
from typing import Any, Literal, Mapping
from urllib.parse import urlsplit

import pydantic
from pydantic import Field, field_validator


class ConfigurationError(RuntimeError):
    """A required setting is missing, malformed or contradictory. Fails loudly on first use."""


@dataclass(frozen=True)
class Settings:
    project_id: str
    region: str
    environment: str  # "production" | "development" | "local" | "test"
    version: str
    firestore_emulator_host: str | None
    storage_emulator_host: str | None
    tasks_emulator_host: str | None
    auth_emulator_host: str | None
    # Where Cloud Tasks and the scheduler reach our task functions:
    # https://{region}-{project}.cloudfunctions.net in production,
    # http://127.0.0.1:8080/{project}/{region} behind the local gateway.
    functions_base_url: str
    media_bucket: str = ""
    # Media (POST /v1/media and delivery). The public base is where `{id}.{ext}`
    # downloads are served by the `mediaFiles` function.
    media_public_base: str = ""
    media_max_bytes: int = 1024 * 1024 * 1024
    # Public delivery (shared/services/media/delivery_budget.py, shared/web/media_files.py):
    # bytes one client may be sent per window (0: no budget), and objects above
    # `media_redirect_bytes` (0: never) answered with a redirect to a signed URL of
    # `media_signed_url_ttl_s` seconds instead of through the function.
    media_delivery_budget_bytes: int = 10 * 1024 * 1024 * 1024
    media_delivery_window_s: int = 3600
    media_redirect_bytes: int = 10 * 1024 * 1024
    media_signed_url_ttl_s: int = 900
    # Remote fetches (shared/adapters/safe_http.py): hosts or CIDRs admitted
    # although not public (loopback sandboxes of the local stack and tests).
    fetch_allowlist: tuple[str, ...] = ()
    # Ports a remote fetch may use besides 80 and 443 (SOKU_FETCH_PORTS). Allow-listed
    # hosts keep any port: the local stack and tests serve from loopback on random ports.
    fetch_ports: tuple[int, ...] = ()
    fetch_connect_timeout: float = 10.0
    fetch_read_timeout: float = 30.0
    fetch_deadline: float = 480.0  # whole download; below the ingest function's 540 s
    # Templates (POST /v1/templates): when set, the web app at this base URL renders
    # them (GET {base}/og/{slug}?config=<base64>) instead of this bundle's renderer.
    og_render_base: str = ""
    tasks_service_account: str | None = None
    # Firebase ID tokens are checked against the user record (revoked sessions, disabled
    # users). Off only beside the Auth-emulator convention without an Auth server (the
    # in-process test stack): SOKU_ID_TOKEN_CHECK_REVOKED=false, ignored anywhere else.
    id_token_check_revoked: bool = True
    token_keys: str = ""  # "kid:base64key,…" (Secret Manager in production)
    token_key_id: str = ""
    # Platform API hosts: configuration, so tests and the local stack use sandboxes.
    platform_hosts: dict = field(default_factory=dict)
    linkedin_version: str = "202601"
    # AI transcription (shared/services/transcription): the OpenAI base URL and key are
    # configuration, so the local stack and tests use the OpenAI-compatible sandbox.
    openai_api_key: str = ""  # OPENAI_API_KEY (Secret Manager in production)
    openai_base_url: str = "https://api.openai.com/v1"
    openai_timeout: float = 600.0  # per upload; a 20-minute part can take minutes upstream
    openai_max_retries: int = 2  # the client's own retries (429, 5xx, connection) before 502
    # Parts sent upstream stay under OpenAI's 25 MB upload limit (lowered in tests).
    transcribe_max_upload_bytes: int = 24_000_000
    transcribe_max_part_seconds: float = 1200.0
    transcribe_max_seconds: float = 4 * 3600.0  # longer media is refused before it is decoded
    # OAuth client credentials per platform. Client ids are plain settings
    # (SOKU_<PLATFORM>_CLIENT_ID); the secrets come from the Secret Manager secret
    # SOKU_OAUTH_CLIENT_SECRETS (a JSON object {"x": "…", …}) in production, and
    # SOKU_<PLATFORM>_CLIENT_SECRET (which wins) in the local stack and tests.
    platform_client_ids: dict = field(default_factory=dict)
    platform_client_secrets: dict = field(default_factory=dict)
    # Connecting accounts (shared/services/connections). The state secret signs the OAuth
    # `state` (Secret Manager in production; derived from the token key when empty); the
    # redirect base is the public origin of /oauth/{platform}/callback, registered with each
    # platform (empty: the origin of the start request); the return URL is the web-app page
    # the callback sends the user back to (empty: the callback answers a small HTML page).
    oauth_state_secret: str = ""
    oauth_redirect_base: str = ""
    oauth_return_url: str = ""
    oauth_state_ttl_s: int = 600
    platform_scopes: dict = field(default_factory=dict)  # SOKU_<PLATFORM>_SCOPES overrides
    max_body_bytes: int = 1024 * 1024
    admin_user_ids: frozenset[str] = field(default_factory=frozenset)
    # Rate limits and request logs (shared/services/rate_limits.py, request_logs.py).
    admin_ips: tuple[str, ...] = ()  # addresses or CIDRs of the admin tier
    trusted_proxy_hops: int = 1  # proxies appending to X-Forwarded-For in front of us
    # The address Firebase Hosting's hop has when it calls a function (Google's front-end
    # proxy ranges): a rightmost X-Forwarded-For entry in these is stepped over (rate_limits.py).
    hosting_proxy_networks: tuple[str, ...] = ("35.191.0.0/16", "130.211.0.0/22")
    rate_limit_overrides: str = ""  # JSON: {"premium": [100, 100], "POST /v1/posts": 30}
    media_quota_overrides: str = ""  # JSON: {"premium": [20, 53687091200]} (shared/services/media/quotas.py)
    daily_limit_overrides: str = ""  # JSON: {"premium": {"posts": 1000}} (shared/services/budgets.py)
    request_log_mode: str = "background"  # background | inline | off
    request_log_retention_days: int = 30
    # Exactly-once bookkeeping (shared/services/publishing/runs.py, posts/recovery.py).
    # A claimed run's lease: longer than the publisher functions' 540 s timeout, so a
    # live attempt never loses it. The stall: how long a queued run or an orchestrating
    # post may wait for its task (the queue's longest backoff plus margin) before the
    # recovery sweep enqueues it again. The local stack shortens both for `make chaos`.
    run_lease_s: int = 600
    stall_s: int = 900
    # Multiplies the webhook delivery retry schedule (shared/services/webhooks/delivery.py,
    # about 27 hours at 1): soaks and tests shrink it. At most 1: the delivery queue's
    # declared retry window is sized for the full schedule.
    webhook_retry_scale: float = 1.0
    # Multiplies how long a reconciling lookup keeps looking before a miss is trusted
    # (publishing/base.py: CREATE_REACH_S plus each platform's listing lag). The suite's
    # sandboxes list a post at once, so it sets 0; a soak with a short lease shrinks it.
    listing_lag_scale: float = 1.0

    @property
    def debug_errors(self) -> bool:
        """Stack traces appear in error bodies only in explicit development mode."""
        return self.environment == "development"

    @property
    def uses_emulators(self) -> bool:
        return self.firestore_emulator_host is not None


# Production API bases per platform; each is overridable with SOKU_<NAME>_BASE.
PLATFORM_HOST_DEFAULTS = {
    "x_api": "https://api.x.com",
    "x_oauth": "https://api.x.com",
    "x_web": "https://x.com",
    "linkedin_api": "https://api.linkedin.com",
    "linkedin_oauth": "https://www.linkedin.com",
    "linkedin_web": "https://www.linkedin.com",
    "threads_api": "https://graph.threads.net",
    "facebook_graph": "https://graph.facebook.com",
    "facebook_video": "https://graph-video.facebook.com",
    "facebook_web": "https://www.facebook.com",
    "instagram_graph": "https://graph.facebook.com",
    # Instagram Login (Business Login for Instagram, an `instagram` account without a Facebook
    # Page): its consent page, its code exchange and its Graph host (developers.facebook.com/
    # documentation/instagram-platform/instagram-api-with-instagram-login/business-login).
    "instagram_login_authorize": "https://www.instagram.com",
    "instagram_login_token": "https://api.instagram.com",
    "instagram_login_graph": "https://graph.instagram.com",
    "tiktok_api": "https://open.tiktokapis.com",
    "tiktok_web": "https://www.tiktok.com",
    "youtube_upload": "https://www.googleapis.com",
    "google_oauth": "https://oauth2.googleapis.com",
    "youtube_web": "https://www.youtube.com",
    "snapchat_api": "https://businessapi.snapchat.com",
    "snapchat_oauth": "https://accounts.snapchat.com",
    "snapchat_web": "https://www.snapchat.com",
    # Manual connections (credentials, no OAuth client): the Bot API, and Discord, whose
    # webhook URLs must be on this host.
    "telegram_api": "https://api.telegram.org",
    "discord_api": "https://discord.com",
    # Bluesky: the PDS an account is on when its connection names none, and the web app's links.
    "bluesky_pds": "https://bsky.social",
    "bluesky_web": "https://bsky.app",
    # Pinterest API v5 (its OpenAPI's server, https://api.pinterest.com/v5: the token endpoint too);
    # the consent page (https://www.pinterest.com/oauth/) and a Pin's page are on the web host.
    "pinterest_api": "https://api.pinterest.com",
    "pinterest_web": "https://www.pinterest.com",
    # Reddit: the API (oauth.reddit.com, bearer tokens) and www.reddit.com (the authorize page, the
    # token and revocation endpoints: github.com/reddit-archive/reddit/wiki/OAuth2; a post's page).
    "reddit_api": "https://oauth.reddit.com",
    "reddit_www": "https://www.reddit.com",
    # OAuth consent pages (connecting accounts); the other OAuth hosts are above.
    "facebook_dialog": "https://www.facebook.com",
    "instagram_dialog": "https://www.facebook.com",
    "threads_web": "https://threads.net",
    "google_accounts": "https://accounts.google.com",
    # Google Business Profile: local posts (My Business API v4), the accounts a user manages
    # (Account Management API v1), their locations (Business Information API v1), a location's
    # metrics (Business Profile Performance API v1). Its OAuth hosts
    # are Google's, as YouTube's, under names of their own so the local stack can point each
    # platform at its own sandbox (in production they are the same two hosts).
    "google_business_api": "https://mybusiness.googleapis.com",
    "google_business_accounts_api": "https://mybusinessaccountmanagement.googleapis.com",
    "google_business_info_api": "https://mybusinessbusinessinformation.googleapis.com",
    # A location's daily figures (Business Profile Performance API v1; its discovery document,
    # businessprofileperformance.v1.json, rootUrl).
    "google_business_performance_api": "https://businessprofileperformance.googleapis.com",
    "google_business_oauth": "https://oauth2.googleapis.com",
    "google_business_consent": "https://accounts.google.com",
}

PLATFORMS = ("x", "instagram", "facebook", "threads", "tiktok", "youtube", "linkedin", "snapchat", "google_business", "pinterest", "reddit",
             # Not a platform: Instagram Login's own Instagram app (SOKU_INSTAGRAM_LOGIN_CLIENT_ID /
             # _SECRET), apart from the Facebook Login app an `instagram` account otherwise uses.
             "instagram_login")

# Variables whose values are secrets: their values never appear in an error message.
SECRET_VARIABLES = frozenset({"SOKU_TOKEN_KEYS", "OPENAI_API_KEY", "SOKU_OAUTH_STATE_SECRET",
                              "SOKU_OAUTH_CLIENT_SECRETS",
                              *(f"SOKU_{p.upper()}_CLIENT_SECRET" for p in PLATFORMS)})


# -- the environment, parsed ---------------------------------------------------------

def _url(value: str | None) -> str | None:
    """An absolute http(s) base URL, without its trailing slash."""
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("expected an absolute http(s) URL")
    return value.rstrip("/")


def _client_secrets_json(value: str) -> dict[str, str]:
    try:
        raw = json.loads(value)
    except ValueError:
        raise ValueError('expected a JSON object such as {"x": "<client secret>", "linkedin": "…"}') from None
    if not isinstance(raw, dict):
        raise ValueError('expected a JSON object such as {"x": "<client secret>", "linkedin": "…"}')
    unknown = sorted(str(k) for k in raw if k not in PLATFORMS)
    if unknown:
        raise ValueError(f"unknown platform(s) {', '.join(unknown)}; expected some of {', '.join(PLATFORMS)}")
    if not all(isinstance(v, str) for v in raw.values()):
        raise ValueError("every value must be a string (the platform's client secret)")
    return {k: v for k, v in raw.items() if v}


def _generated_fields() -> dict[str, Any]:
    """The families of plain string variables: SOKU_<HOST>_BASE and SOKU_<PLATFORM>_CLIENT_ID / _SECRET / _SCOPES."""
    names = [f"SOKU_{name.upper()}_BASE" for name in PLATFORM_HOST_DEFAULTS]
    names += [f"SOKU_{p.upper()}_{suffix}" for p in PLATFORMS for suffix in ("CLIENT_ID", "CLIENT_SECRET", "SCOPES")]
    return {name: (str | None, None) for name in names}


@functools.cache
def _environment_model() -> type:
    """The pydantic-settings model of the environment, built on first use (pydantic-settings
    and building the model take a few tenths of a second that deploy discovery need not pay)."""
    from pydantic_settings import BaseSettings, SettingsConfigDict

    class _Scalars(BaseSettings):
        """Every setting, named by its environment variable (exactly, case included)."""

        model_config = SettingsConfigDict(case_sensitive=True, extra="ignore", env_ignore_empty=True,
                                          frozen=True)

        # Project and runtime. Cloud Functions sets GCLOUD_PROJECT, K_SERVICE and K_REVISION;
        # the Firebase CLI's Functions emulator also sets FUNCTIONS_EMULATOR=true.
        GCLOUD_PROJECT: str | None = None
        GOOGLE_CLOUD_PROJECT: str | None = None
        SOKU_PROJECT_ID: str | None = None
        FUNCTION_REGION: str | None = None
        SOKU_REGION: str | None = None
        SOKU_ENV: Literal["production", "development", "local", "test"] | None = None
        SOKU_VERSION: str | None = None
        K_REVISION: str | None = None
        K_SERVICE: str | None = None
        FUNCTIONS_EMULATOR: str | None = None
        # Emulators. CLOUD_TASKS_EMULATOR_HOST is the Firebase CLI's (and firebase-admin's) name.
        FIRESTORE_EMULATOR_HOST: str | None = None
        STORAGE_EMULATOR_HOST: str | None = None
        CLOUD_TASKS_EMULATOR_HOST: str | None = None
        FIREBASE_AUTH_EMULATOR_HOST: str | None = None
        SOKU_ID_TOKEN_CHECK_REVOKED: bool = True
        SOKU_FUNCTIONS_BASE_URL: str | None = None
        SOKU_TASKS_SERVICE_ACCOUNT: str | None = None
        # Secrets (shared/secrets.py) and the key id new encryptions use.
        SOKU_TOKEN_KEYS: str = ""
        SOKU_TOKEN_KEY_ID: str = ""
        OPENAI_API_KEY: str = ""
        SOKU_OAUTH_STATE_SECRET: str = ""
        SOKU_OAUTH_CLIENT_SECRETS: str = ""
        # Media and remote fetches.
        MEDIA_BUCKET: str | None = None
        MEDIA_PUBLIC_BASE: str | None = None
        SOKU_MEDIA_MAX_BYTES: int = Field(1024 * 1024 * 1024, gt=0)
        SOKU_MEDIA_DELIVERY_BUDGET: int = Field(10 * 1024 * 1024 * 1024, ge=0)
        SOKU_MEDIA_DELIVERY_WINDOW: int = Field(3600, gt=0, le=86400)
        SOKU_MEDIA_REDIRECT_BYTES: int = Field(10 * 1024 * 1024, ge=0)
        SOKU_MEDIA_SIGNED_URL_TTL: int = Field(900, ge=60, le=7 * 86400)
        SOKU_FETCH_ALLOWLIST: str = ""
        SOKU_FETCH_PORTS: str = ""
        SOKU_FETCH_CONNECT_TIMEOUT: float = Field(10.0, gt=0)
        SOKU_FETCH_READ_TIMEOUT: float = Field(30.0, gt=0)
        SOKU_FETCH_DEADLINE: float = Field(480.0, gt=0)
        SOKU_OG_RENDER_BASE: str | None = None
        # Platforms and AI.
        SOKU_LINKEDIN_VERSION: str = "202601"
        SOKU_OPENAI_BASE_URL: str | None = None
        OPENAI_BASE_URL: str | None = None
        SOKU_OPENAI_TIMEOUT: float = Field(600.0, gt=0)
        SOKU_OPENAI_MAX_RETRIES: int = Field(2, ge=0)
        SOKU_TRANSCRIBE_MAX_UPLOAD_BYTES: int = Field(24_000_000, gt=0)
        SOKU_TRANSCRIBE_MAX_PART_SECONDS: float = Field(1200.0, gt=0)
        SOKU_TRANSCRIBE_MAX_SECONDS: float = Field(4 * 3600.0, gt=0)
        # Connecting accounts.
        SOKU_OAUTH_REDIRECT_BASE: str | None = None
        SOKU_OAUTH_RETURN_URL: str = ""
        SOKU_OAUTH_STATE_TTL: int = Field(600, gt=0)
        SOKU_RUN_LEASE_S: int = Field(600, gt=0)
        SOKU_STALL_S: int = Field(900, gt=0)
        SOKU_WEBHOOK_RETRY_SCALE: float = Field(1.0, gt=0, le=1)
        SOKU_LISTING_LAG_SCALE: float = Field(1.0, ge=0, le=1)
        # The API edge.
        SOKU_MAX_BODY_BYTES: int = Field(1024 * 1024, gt=0)
        SOKU_ADMIN_USER_IDS: str = ""
        SOKU_ADMIN_IPS: str = ""
        SOKU_TRUSTED_PROXY_HOPS: int = Field(1, ge=0)
        SOKU_HOSTING_PROXY_NETWORKS: str | None = None  # unset: the defaults; "none": no hop trusted
        # Deliberately a plain string: a typo in an override is logged and the spec's limits
        # kept (shared/services/rate_limits.py), rather than taking the API down.
        SOKU_RATE_LIMITS: str = ""
        SOKU_MEDIA_QUOTAS: str = ""  # likewise (shared/services/media/quotas.py)
        SOKU_DAILY_LIMITS: str = ""  # likewise (shared/services/budgets.py)
        SOKU_REQUEST_LOG_MODE: Literal["background", "inline", "off"] = "background"
        SOKU_REQUEST_LOG_RETENTION_DAYS: int = Field(30, ge=0)

        check_urls = field_validator("SOKU_FUNCTIONS_BASE_URL", "MEDIA_PUBLIC_BASE", "SOKU_OG_RENDER_BASE",
                                     "SOKU_OPENAI_BASE_URL", "OPENAI_BASE_URL", "SOKU_OAUTH_REDIRECT_BASE")(_url)

        @field_validator("SOKU_TOKEN_KEYS")
        @classmethod
        def check_token_keys(cls, value: str) -> str:
            # Messages only: pydantic's own would quote the key material.
            for position, entry in enumerate((e.strip() for e in value.split(",")), start=1):
                if not entry:
                    continue
                kid, sep, material = entry.partition(":")
                try:
                    key = base64.b64decode(material, validate=True) if sep and kid else b""
                except (binascii.Error, ValueError):
                    key = b""
                if len(key) != 32:
                    raise ValueError(f"entry {position} is not kid:<base64 of 32 bytes> (AES-256)")
            return value

        @field_validator("SOKU_OAUTH_CLIENT_SECRETS")
        @classmethod
        def check_client_secrets(cls, value: str) -> str:
            if value:
                _client_secrets_json(value)
            return value

        @field_validator("SOKU_FETCH_PORTS")
        @classmethod
        def check_fetch_ports(cls, value: str) -> str:
            for entry in _csv(value):
                if not entry.isdigit() or not 1 <= int(entry) <= 65535:
                    raise ValueError(f"{entry!r} is not a port number (1-65535)")
            return value

        @field_validator("SOKU_ADMIN_IPS", "SOKU_HOSTING_PROXY_NETWORKS")
        @classmethod
        def check_admin_ips(cls, value: str | None) -> str | None:
            for entry in _csv(value or ""):
                if entry == "none":  # SOKU_HOSTING_PROXY_NETWORKS=none: trust no Hosting hop
                    continue
                ipaddress.ip_network(entry, strict=False)  # ValueError names the entry
            return value

    return pydantic.create_model(
        "_Environment", __base__=_Scalars,
        __validators__={"check_bases": field_validator(*(f"SOKU_{n.upper()}_BASE"
                                                          for n in PLATFORM_HOST_DEFAULTS))(_url)},
        **_generated_fields(),
    )


def _csv(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


def _read_environment() -> Any:
    try:
        return _environment_model()()
    except pydantic.ValidationError as exc:
        problems = []
        for error in exc.errors():
            variable = ".".join(str(part) for part in error["loc"]) or "environment"
            message = error["msg"].removeprefix("Value error, ")
            if variable not in SECRET_VARIABLES and isinstance(error.get("input"), str):
                message += f" (got {error['input']!r})"
            problems.append(f"{variable}: {message}")
        raise ConfigurationError("Invalid configuration: " + "; ".join(problems)) from None


# -- production markers ----------------------------------------------------------------

# Where an emulator may be: this machine. Anything else is a real service, or a mistake.
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost"})
# The emulator switches: the Firebase CLI's Functions emulator sets the first, the local stack
# and the tests set the second (and the CLI also sets it when it runs a Firestore emulator).
_SWITCHES = ("FUNCTIONS_EMULATOR", "FIRESTORE_EMULATOR_HOST")
# Set by the Firebase CLI's emulators to its hub's address, always (`emulators:start` and
# `emulators:exec` start the hub whatever `--only` says: firebase-tools 15.34.2,
# lib/emulator/controller.js `shouldStart`, lib/emulator/env.js). A name a deployment cannot
# be given through `.env` files: the CLI refuses keys with the FIREBASE_ prefix there
# (lib/functions/env.js RESERVED_PREFIXES).
CLI_HUB_VARIABLE = "FIREBASE_EMULATOR_HUB"


def _is_emulator_variable(name: str) -> bool:
    return name.endswith("_EMULATOR_HOST") or name == CLI_HUB_VARIABLE


def is_loopback_address(value: str) -> bool:
    """`127.0.0.1:8080`, `localhost:9099`, `[::1]:8085`, `http://127.0.0.1:9023`: an address on
    this machine. A name other than localhost, or any other address, is not."""
    raw = value.strip()
    if "://" not in raw:
        raw = "//" + raw
    try:
        host = urlsplit(raw).hostname
    except ValueError:
        return False
    if not host:
        return False
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def emulator_hosts(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every emulator address set: the `*_EMULATOR_HOST` variables, and the CLI's hub."""
    env = os.environ if environ is None else environ
    return {name: value for name, value in env.items() if _is_emulator_variable(name) and value.strip()}


def emulated(environ: Mapping[str, str] | None = None) -> bool:
    """Running against emulators: the Firebase CLI's Functions emulator, or the local stack
    and tests (which point Firestore at its emulator). Turns the internal guards off (OIDC
    of task and scheduler calls, shared/web/internal.py; the start-up secret check,
    shared/secrets.py) and arms the crash points (shared/crashpoints.py), so it takes all of:

    - a switch: FUNCTIONS_EMULATOR=true or FIRESTORE_EMULATOR_HOST;
    - at least one emulator address, and every one set on loopback (an emulator is a
      process on this machine; an address elsewhere is a real service or a mistake);
    - no production marker (`production_markers`): SOKU_ENV=production, or K_SERVICE
      unless the Firebase CLI's emulator set it.

    FUNCTIONS_EMULATOR is an ordinary name a `.env.<project>` file can give a deployed
    function (the CLI reserves only FIREBASE_*, X_GOOGLE_*, EXT_*, KIT_* and K_SERVICE-like
    names), and so can FIRESTORE_EMULATOR_HOST; K_SERVICE, which Cloud Run always sets and
    a `.env` file cannot, keeps such a deployment out of this mode (and `make deploy`
    refuses such files: devstack/deploy_env.py).
    """
    env = os.environ if environ is None else environ
    if not (env.get("FUNCTIONS_EMULATOR") == "true" or (env.get("FIRESTORE_EMULATOR_HOST") or "").strip()):
        return False
    hosts = emulator_hosts(env)
    if not hosts or not all(is_loopback_address(value) for value in hosts.values()):
        return False
    return not production_markers(env)


def _in_cli_emulator(env: Mapping[str, str]) -> bool:
    """The Firebase CLI's Functions emulator: FUNCTIONS_EMULATOR=true *and* its hub's address
    on loopback. FUNCTIONS_EMULATOR alone proves nothing (any `.env` file can set it); the hub
    variable is one the CLI sets for its functions and refuses in `.env` files."""
    hub = env.get(CLI_HUB_VARIABLE) or ""
    return env.get("FUNCTIONS_EMULATOR") == "true" and bool(hub) and is_loopback_address(hub)


def production_markers(environ: Mapping[str, str] | None = None) -> list[str]:
    """What says this process serves production: SOKU_ENV=production set explicitly, or
    K_SERVICE (set by Cloud Run / Cloud Functions, and not settable from a `.env` file)
    outside the Firebase CLI's Functions emulator, which sets K_SERVICE too (see
    `_in_cli_emulator` for how it is told apart)."""
    env = os.environ if environ is None else environ
    markers = []
    if env.get("SOKU_ENV") == "production":
        markers.append("SOKU_ENV=production")
    if env.get("K_SERVICE") and not _in_cli_emulator(env):
        markers.append("K_SERVICE")
    return markers


# -- what this deployment is: needs no valid configuration ------------------------------

@dataclass(frozen=True)
class Deployment:
    project_id: str | None
    region: str
    version: str


def deployment(environ: Mapping[str, str] | None = None) -> Deployment:
    """Project, region and version, read straight from the environment, without the
    checks `get_settings` makes: liveness (`GET /health`) and the `api` function's own URL
    need them even when the rest of the configuration is missing or contradictory.
    The settings take these three from here too, so both always agree."""
    env = os.environ if environ is None else environ

    def first(*names: str) -> str | None:
        return next((env[name] for name in names if env.get(name)), None)

    return Deployment(
        project_id=first("GCLOUD_PROJECT", "GOOGLE_CLOUD_PROJECT", "SOKU_PROJECT_ID"),
        region=first("FUNCTION_REGION", "SOKU_REGION") or "us-central1",
        version=first("SOKU_VERSION", "K_REVISION") or "unknown",
    )


# -- Settings --------------------------------------------------------------------------

def _build_settings() -> Settings:
    env = _read_environment()
    this = deployment()
    project_id, region = this.project_id, this.region
    if not project_id:
        raise ConfigurationError(
            "No project id: set GCLOUD_PROJECT (Cloud Functions sets it in production)."
        )
    firestore_emulator = env.FIRESTORE_EMULATOR_HOST
    auth_emulator = env.FIREBASE_AUTH_EMULATOR_HOST
    if auth_emulator:
        # The Auth-emulator convention makes firebase-admin accept *unsigned*
        # ID tokens. Allowing that against real Firestore, or in anything that says
        # it is production, would let anyone mint a token for any user, so it is
        # only honoured beside emulators and away from production markers.
        if not firestore_emulator:
            # The Firebase CLI sets FIREBASE_AUTH_EMULATOR_HOST for its functions whenever it
            # runs the Auth emulator, but cannot run Firestore's offline (docs/local-stack.md).
            raise ConfigurationError(
                "FIRESTORE_EMULATOR_HOST is not set, but FIREBASE_AUTH_EMULATOR_HOST is: "
                "refusing to accept unsigned ID tokens against production data. Start a Firestore "
                "emulator and set FIRESTORE_EMULATOR_HOST to its address (`make run` does both)."
            )
        markers = production_markers()
        if markers:
            raise ConfigurationError(
                f"FIREBASE_AUTH_EMULATOR_HOST is set in production ({', '.join(markers)}); "
                "refusing to accept unsigned ID tokens."
            )
    keys = [entry.partition(":")[0].strip() for entry in _csv(env.SOKU_TOKEN_KEYS)]
    if keys and env.SOKU_TOKEN_KEY_ID not in keys:
        raise ConfigurationError(
            f"SOKU_TOKEN_KEY_ID: must name one of the keys in SOKU_TOKEN_KEYS ({', '.join(keys)}); "
            f"got {env.SOKU_TOKEN_KEY_ID!r}"
        )
    functions_base_url = env.SOKU_FUNCTIONS_BASE_URL or f"https://{region}-{project_id}.cloudfunctions.net"
    fields = env.model_dump()

    def per_platform(suffix: str) -> dict[str, str]:
        return {p: fields[f"SOKU_{p.upper()}_{suffix}"] for p in PLATFORMS if fields[f"SOKU_{p.upper()}_{suffix}"]}

    client_secrets = (_client_secrets_json(env.SOKU_OAUTH_CLIENT_SECRETS) if env.SOKU_OAUTH_CLIENT_SECRETS
                      else {}) | per_platform("CLIENT_SECRET")
    return Settings(
        project_id=project_id,
        region=region,
        environment=env.SOKU_ENV or "production",
        version=this.version,
        firestore_emulator_host=firestore_emulator,
        storage_emulator_host=env.STORAGE_EMULATOR_HOST,
        tasks_emulator_host=env.CLOUD_TASKS_EMULATOR_HOST,
        auth_emulator_host=auth_emulator,
        functions_base_url=functions_base_url,
        tasks_service_account=env.SOKU_TASKS_SERVICE_ACCOUNT,
        # Only the Auth-emulator convention (itself refused against production data and beside
        # production markers) may skip the user-record lookup; everywhere else it always runs.
        id_token_check_revoked=env.SOKU_ID_TOKEN_CHECK_REVOKED or not auth_emulator,
        token_keys=env.SOKU_TOKEN_KEYS,
        token_key_id=env.SOKU_TOKEN_KEY_ID,
        platform_hosts={name: fields[f"SOKU_{name.upper()}_BASE"] or default
                        for name, default in PLATFORM_HOST_DEFAULTS.items()},
        linkedin_version=env.SOKU_LINKEDIN_VERSION,
        openai_api_key=env.OPENAI_API_KEY,
        openai_base_url=env.SOKU_OPENAI_BASE_URL or env.OPENAI_BASE_URL or "https://api.openai.com/v1",
        openai_timeout=env.SOKU_OPENAI_TIMEOUT,
        openai_max_retries=env.SOKU_OPENAI_MAX_RETRIES,
        transcribe_max_upload_bytes=env.SOKU_TRANSCRIBE_MAX_UPLOAD_BYTES,
        transcribe_max_part_seconds=env.SOKU_TRANSCRIBE_MAX_PART_SECONDS,
        transcribe_max_seconds=env.SOKU_TRANSCRIBE_MAX_SECONDS,
        platform_client_ids=per_platform("CLIENT_ID"),
        platform_client_secrets=client_secrets,
        oauth_state_secret=env.SOKU_OAUTH_STATE_SECRET,
        oauth_redirect_base=env.SOKU_OAUTH_REDIRECT_BASE or "",
        oauth_return_url=env.SOKU_OAUTH_RETURN_URL,
        oauth_state_ttl_s=env.SOKU_OAUTH_STATE_TTL,
        run_lease_s=env.SOKU_RUN_LEASE_S,
        stall_s=env.SOKU_STALL_S,
        webhook_retry_scale=env.SOKU_WEBHOOK_RETRY_SCALE,
        listing_lag_scale=env.SOKU_LISTING_LAG_SCALE,
        platform_scopes=per_platform("SCOPES"),
        media_bucket=env.MEDIA_BUCKET or f"{project_id}.firebasestorage.app",
        # Default: the delivery function's own URL (Hosting rewrites time out at 60 s).
        media_public_base=env.MEDIA_PUBLIC_BASE or f"{functions_base_url}/mediaFiles",
        media_max_bytes=env.SOKU_MEDIA_MAX_BYTES,
        media_delivery_budget_bytes=env.SOKU_MEDIA_DELIVERY_BUDGET,
        media_delivery_window_s=env.SOKU_MEDIA_DELIVERY_WINDOW,
        media_redirect_bytes=env.SOKU_MEDIA_REDIRECT_BYTES,
        media_signed_url_ttl_s=env.SOKU_MEDIA_SIGNED_URL_TTL,
        fetch_allowlist=tuple(_csv(env.SOKU_FETCH_ALLOWLIST)),
        fetch_ports=tuple(sorted({int(p) for p in _csv(env.SOKU_FETCH_PORTS)})),
        fetch_connect_timeout=env.SOKU_FETCH_CONNECT_TIMEOUT,
        fetch_read_timeout=env.SOKU_FETCH_READ_TIMEOUT,
        fetch_deadline=env.SOKU_FETCH_DEADLINE,
        og_render_base=env.SOKU_OG_RENDER_BASE or "",
        max_body_bytes=env.SOKU_MAX_BODY_BYTES,
        admin_user_ids=frozenset(_csv(env.SOKU_ADMIN_USER_IDS)),
        admin_ips=tuple(_csv(env.SOKU_ADMIN_IPS)),
        trusted_proxy_hops=env.SOKU_TRUSTED_PROXY_HOPS,
        hosting_proxy_networks=(Settings.hosting_proxy_networks if env.SOKU_HOSTING_PROXY_NETWORKS is None
                                else tuple(n for n in _csv(env.SOKU_HOSTING_PROXY_NETWORKS) if n != "none")),
        rate_limit_overrides=env.SOKU_RATE_LIMITS,
        media_quota_overrides=env.SOKU_MEDIA_QUOTAS,
        daily_limit_overrides=env.SOKU_DAILY_LIMITS,
        request_log_mode=env.SOKU_REQUEST_LOG_MODE,
        request_log_retention_days=env.SOKU_REQUEST_LOG_RETENTION_DAYS,
    )


@functools.cache
def get_settings() -> Settings:
    return _build_settings()


def reset_settings() -> None:
    """Forget cached settings (tests and the local stack change the environment)."""
    get_settings.cache_clear()
