"""Typed settings, read from the environment once, lazily.

Nothing here runs at import time: deploy discovery imports `main.py` under a
10 s limit with no secrets present, so settings are only built when a request
first needs them (DESIGN.md, decision 4).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field


class ConfigurationError(RuntimeError):
    """A required setting is missing or contradictory. Fails loudly on first use."""


def _flag(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


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
    # Remote fetches (shared/adapters/safe_http.py): hosts or CIDRs admitted
    # although not public (loopback sandboxes of the local stack and tests).
    fetch_allowlist: tuple[str, ...] = ()
    fetch_connect_timeout: float = 10.0
    fetch_read_timeout: float = 30.0
    fetch_deadline: float = 480.0  # whole download; below the ingest function's 540 s
    # Templates (POST /v1/templates): when set, the web app at this base URL renders
    # them (GET {base}/og/{slug}?config=<base64>) instead of this bundle's renderer.
    og_render_base: str = ""
    tasks_service_account: str | None = None
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
    # OAuth client credentials per platform (Secret Manager in production).
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
    rate_limit_overrides: str = ""  # JSON: {"premium": [100, 100], "POST /v1/posts": 30}
    request_log_mode: str = "background"  # background | inline | off
    request_log_retention_days: int = 30

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
    "tiktok_api": "https://open.tiktokapis.com",
    "tiktok_web": "https://www.tiktok.com",
    "youtube_upload": "https://www.googleapis.com",
    "google_oauth": "https://oauth2.googleapis.com",
    "youtube_web": "https://www.youtube.com",
    "snapchat_api": "https://businessapi.snapchat.com",
    "snapchat_oauth": "https://accounts.snapchat.com",
    "snapchat_web": "https://www.snapchat.com",
    # OAuth consent pages (connecting accounts); the other OAuth hosts are above.
    "facebook_dialog": "https://www.facebook.com",
    "instagram_dialog": "https://www.facebook.com",
    "threads_web": "https://threads.net",
    "google_accounts": "https://accounts.google.com",
}


def _platform_hosts() -> dict[str, str]:
    return {
        name: (os.environ.get(f"SOKU_{name.upper()}_BASE") or default).rstrip("/")
        for name, default in PLATFORM_HOST_DEFAULTS.items()
    }


def _per_platform(suffix: str) -> dict[str, str]:
    platforms = ("x", "instagram", "facebook", "threads", "tiktok", "youtube", "linkedin", "snapchat")
    return {p: os.environ[f"SOKU_{p.upper()}_{suffix}"] for p in platforms if os.environ.get(f"SOKU_{p.upper()}_{suffix}")}


def _build_settings() -> Settings:
    project_id = (
        os.environ.get("GCLOUD_PROJECT")
        or os.environ.get("GOOGLE_CLOUD_PROJECT")
        or os.environ.get("SOKU_PROJECT_ID")
    )
    if not project_id:
        raise ConfigurationError(
            "No project id: set GCLOUD_PROJECT (Cloud Functions sets it in production)."
        )
    region = os.environ.get("FUNCTION_REGION") or os.environ.get("SOKU_REGION") or "us-central1"
    firestore_emulator = os.environ.get("FIRESTORE_EMULATOR_HOST") or None
    auth_emulator = os.environ.get("FIREBASE_AUTH_EMULATOR_HOST") or None
    if auth_emulator and not firestore_emulator:
        # The Auth-emulator convention makes firebase-admin accept *unsigned*
        # ID tokens. Allowing that against real Firestore would let anyone
        # mint a token for any user, so it is only honoured beside emulators.
        raise ConfigurationError(
            "FIREBASE_AUTH_EMULATOR_HOST is set without FIRESTORE_EMULATOR_HOST; "
            "refusing to accept unsigned ID tokens against production data."
        )
    functions_base_url = os.environ.get("SOKU_FUNCTIONS_BASE_URL") or (
        f"https://{region}-{project_id}.cloudfunctions.net"
    )
    admins = frozenset(
        uid.strip() for uid in os.environ.get("SOKU_ADMIN_USER_IDS", "").split(",") if uid.strip()
    )
    return Settings(
        project_id=project_id,
        region=region,
        environment=os.environ.get("SOKU_ENV", "production"),
        version=os.environ.get("SOKU_VERSION") or os.environ.get("K_REVISION") or "unknown",
        firestore_emulator_host=firestore_emulator,
        storage_emulator_host=os.environ.get("STORAGE_EMULATOR_HOST") or None,
        # The variable firebase-admin and the Firebase CLI's Functions emulator use.
        tasks_emulator_host=os.environ.get("CLOUD_TASKS_EMULATOR_HOST") or None,
        auth_emulator_host=auth_emulator,
        functions_base_url=functions_base_url.rstrip("/"),
        tasks_service_account=os.environ.get("SOKU_TASKS_SERVICE_ACCOUNT") or None,
        token_keys=os.environ.get("SOKU_TOKEN_KEYS", ""),
        token_key_id=os.environ.get("SOKU_TOKEN_KEY_ID", ""),
        platform_hosts=_platform_hosts(),
        linkedin_version=os.environ.get("SOKU_LINKEDIN_VERSION", "202601"),
        openai_api_key=os.environ.get("OPENAI_API_KEY", ""),
        openai_base_url=(os.environ.get("SOKU_OPENAI_BASE_URL") or os.environ.get("OPENAI_BASE_URL")
                         or "https://api.openai.com/v1").rstrip("/"),
        openai_timeout=float(os.environ.get("SOKU_OPENAI_TIMEOUT", 600)),
        openai_max_retries=int(os.environ.get("SOKU_OPENAI_MAX_RETRIES", 2)),
        transcribe_max_upload_bytes=int(os.environ.get("SOKU_TRANSCRIBE_MAX_UPLOAD_BYTES", 24_000_000)),
        transcribe_max_part_seconds=float(os.environ.get("SOKU_TRANSCRIBE_MAX_PART_SECONDS", 1200)),
        platform_client_ids=_per_platform("CLIENT_ID"),
        platform_client_secrets=_per_platform("CLIENT_SECRET"),
        oauth_state_secret=os.environ.get("SOKU_OAUTH_STATE_SECRET", ""),
        oauth_redirect_base=(os.environ.get("SOKU_OAUTH_REDIRECT_BASE") or "").rstrip("/"),
        oauth_return_url=os.environ.get("SOKU_OAUTH_RETURN_URL", ""),
        oauth_state_ttl_s=int(os.environ.get("SOKU_OAUTH_STATE_TTL", 600)),
        platform_scopes=_per_platform("SCOPES"),
        media_bucket=os.environ.get("MEDIA_BUCKET") or f"{project_id}.firebasestorage.app",
        # Default: the delivery function's own URL (Hosting rewrites time out at 60 s).
        media_public_base=(os.environ.get("MEDIA_PUBLIC_BASE")
                           or f"{functions_base_url.rstrip('/')}/mediaFiles").rstrip("/"),
        media_max_bytes=int(os.environ.get("SOKU_MEDIA_MAX_BYTES", 1024 * 1024 * 1024)),
        fetch_allowlist=tuple(h.strip() for h in os.environ.get("SOKU_FETCH_ALLOWLIST", "").split(",")
                              if h.strip()),
        fetch_connect_timeout=float(os.environ.get("SOKU_FETCH_CONNECT_TIMEOUT", 10)),
        fetch_read_timeout=float(os.environ.get("SOKU_FETCH_READ_TIMEOUT", 30)),
        fetch_deadline=float(os.environ.get("SOKU_FETCH_DEADLINE", 480)),
        og_render_base=(os.environ.get("SOKU_OG_RENDER_BASE") or "").rstrip("/"),
        max_body_bytes=int(os.environ.get("SOKU_MAX_BODY_BYTES", 1024 * 1024)),
        admin_user_ids=admins,
        admin_ips=tuple(a.strip() for a in os.environ.get("SOKU_ADMIN_IPS", "").split(",") if a.strip()),
        trusted_proxy_hops=int(os.environ.get("SOKU_TRUSTED_PROXY_HOPS", 1)),
        rate_limit_overrides=os.environ.get("SOKU_RATE_LIMITS", ""),
        request_log_mode=os.environ.get("SOKU_REQUEST_LOG_MODE", "background"),
        request_log_retention_days=int(os.environ.get("SOKU_REQUEST_LOG_RETENTION_DAYS", 30)),
    )


@functools.cache
def get_settings() -> Settings:
    return _build_settings()


def reset_settings() -> None:
    """Forget cached settings (tests and the local stack change the environment)."""
    get_settings.cache_clear()
