"""Settings that guard production."""

from __future__ import annotations

import pytest

from shared.config import ConfigurationError, _build_settings


def test_unsigned_tokens_are_refused_without_emulators(monkeypatch):
    monkeypatch.setenv("GCLOUD_PROJECT", "p")
    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
    monkeypatch.delenv("FIRESTORE_EMULATOR_HOST", raising=False)
    with pytest.raises(ConfigurationError, match="unsigned ID tokens"):
        _build_settings()


def test_missing_project_fails_loudly(monkeypatch):
    for var in ("GCLOUD_PROJECT", "GOOGLE_CLOUD_PROJECT", "SOKU_PROJECT_ID"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(ConfigurationError, match="project id"):
        _build_settings()


def test_production_defaults(monkeypatch):
    monkeypatch.setenv("GCLOUD_PROJECT", "soku-prod")
    for var in ("FIRESTORE_EMULATOR_HOST", "FIREBASE_AUTH_EMULATOR_HOST", "SOKU_ENV",
                "SOKU_FUNCTIONS_BASE_URL", "SOKU_REGION", "FUNCTION_REGION"):
        monkeypatch.delenv(var, raising=False)
    settings = _build_settings()
    assert settings.environment == "production" and not settings.debug_errors
    assert settings.functions_base_url == "https://us-central1-soku-prod.cloudfunctions.net"


# -- parsing (pydantic-settings): a malformed value names its variable ------------------

@pytest.fixture
def bare_env(monkeypatch):
    """Only a project id: every variable the settings read is removed first."""
    from shared.config import _environment_model

    for var in _environment_model().model_fields:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("GCLOUD_PROJECT", "soku-prod")
    return monkeypatch


@pytest.mark.parametrize("variable, value", [
    ("SOKU_FETCH_READ_TIMEOUT", "abc"),
    ("SOKU_TRUSTED_PROXY_HOPS", "x"),
    ("SOKU_TRUSTED_PROXY_HOPS", "-1"),
    ("SOKU_MEDIA_MAX_BYTES", "1.5"),
    ("SOKU_OPENAI_TIMEOUT", "0"),
    ("SOKU_ENV", "prod"),
    ("SOKU_REQUEST_LOG_MODE", "loud"),
    ("SOKU_X_API_BASE", "api.x.com"),
    ("SOKU_FUNCTIONS_BASE_URL", "https://"),
    ("SOKU_ADMIN_IPS", "10.0.0.0/8,not-an-address"),
    ("SOKU_FETCH_PORTS", "8080,http"),
    ("SOKU_FETCH_PORTS", "70000"),
    ("SOKU_OAUTH_CLIENT_SECRETS", '{"x": "s1"'),
    ("SOKU_OAUTH_CLIENT_SECRETS", '{"myspace": "s1"}'),
    ("SOKU_OAUTH_CLIENT_SECRETS", '["s1"]'),
    ("SOKU_TOKEN_KEYS", "k1:dG9vIHNob3J0"),
    ("SOKU_TOKEN_KEYS", "no-kid-here"),
])
def test_a_malformed_value_names_its_variable(bare_env, variable, value):
    bare_env.setenv(variable, value)
    with pytest.raises(ConfigurationError, match=variable):
        _build_settings()


def test_secret_values_never_appear_in_errors(bare_env):
    bare_env.setenv("SOKU_TOKEN_KEYS", "k1:c2VjcmV0LWtleS1tYXRlcmlhbA==")
    bare_env.setenv("SOKU_OAUTH_CLIENT_SECRETS", '{"x": "client-secret-value"')
    with pytest.raises(ConfigurationError) as raised:
        _build_settings()
    message = str(raised.value)
    assert "SOKU_TOKEN_KEYS" in message and "SOKU_OAUTH_CLIENT_SECRETS" in message
    assert "c2VjcmV0" not in message and "client-secret-value" not in message


def test_the_key_id_must_name_a_configured_key(bare_env):
    from shared.adapters.crypto import generate_key

    bare_env.setenv("SOKU_TOKEN_KEYS", f"k1:{generate_key()}")
    bare_env.setenv("SOKU_TOKEN_KEY_ID", "k2")
    with pytest.raises(ConfigurationError, match="SOKU_TOKEN_KEY_ID"):
        _build_settings()
    bare_env.setenv("SOKU_TOKEN_KEY_ID", "k1")
    assert _build_settings().token_key_id == "k1"


def test_values_are_typed_and_empty_means_unset(bare_env):
    bare_env.setenv("SOKU_FETCH_READ_TIMEOUT", "12.5")
    bare_env.setenv("SOKU_TRUSTED_PROXY_HOPS", "2")
    bare_env.setenv("SOKU_MAX_BODY_BYTES", "")
    bare_env.setenv("SOKU_X_API_BASE", "http://127.0.0.1:9/")
    bare_env.setenv("SOKU_ADMIN_USER_IDS", "u1, u2,")
    bare_env.setenv("SOKU_FETCH_PORTS", "8443, 8080,8443")
    settings = _build_settings()
    assert settings.fetch_ports == (8080, 8443)
    assert settings.fetch_read_timeout == 12.5 and settings.trusted_proxy_hops == 2
    assert settings.max_body_bytes == 1024 * 1024
    assert settings.platform_hosts["x_api"] == "http://127.0.0.1:9"
    assert settings.platform_hosts["linkedin_api"] == "https://api.linkedin.com"
    assert settings.admin_user_ids == frozenset({"u1", "u2"})


def test_client_secrets_come_from_one_json_secret_and_per_platform_variables(bare_env):
    bare_env.setenv("SOKU_OAUTH_CLIENT_SECRETS", '{"x": "from-json", "linkedin": "from-json", "tiktok": ""}')
    bare_env.setenv("SOKU_LINKEDIN_CLIENT_SECRET", "from-variable")
    bare_env.setenv("SOKU_LINKEDIN_CLIENT_ID", "li-id")
    settings = _build_settings()
    assert settings.platform_client_secrets == {"x": "from-json", "linkedin": "from-variable"}
    assert settings.platform_client_ids == {"linkedin": "li-id"}


def test_tasks_emulator_host_is_the_firebase_cli_variable(bare_env):
    assert _build_settings().tasks_emulator_host is None
    bare_env.setenv("CLOUD_TASKS_EMULATOR_HOST", "127.0.0.1:2")
    assert _build_settings().tasks_emulator_host == "127.0.0.1:2"


# -- unsigned ID tokens and production markers -------------------------------------------

def test_unsigned_tokens_are_refused_when_production_is_declared(bare_env):
    bare_env.setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:8081")
    bare_env.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
    bare_env.setenv("SOKU_ENV", "production")
    with pytest.raises(ConfigurationError, match="SOKU_ENV=production"):
        _build_settings()


def test_unsigned_tokens_are_refused_on_cloud_run(bare_env):
    bare_env.setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:8081")
    bare_env.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
    bare_env.setenv("K_SERVICE", "posts")
    with pytest.raises(ConfigurationError, match="K_SERVICE"):
        _build_settings()


def test_the_firebase_functions_emulator_may_use_the_auth_emulator(bare_env):
    # The CLI's Functions emulator sets K_SERVICE too, with FUNCTIONS_EMULATOR=true and its
    # hub's address (a FIREBASE_ name no .env file can deploy).
    bare_env.setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:8081")
    bare_env.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
    bare_env.setenv("K_SERVICE", "posts")
    bare_env.setenv("FUNCTIONS_EMULATOR", "true")
    bare_env.setenv("SOKU_ENV", "local")
    bare_env.setenv("FIREBASE_EMULATOR_HUB", "127.0.0.1:4400")
    assert _build_settings().auth_emulator_host == "127.0.0.1:9099"
    # FUNCTIONS_EMULATOR=true alone, as a .env file could deploy it, does not hide K_SERVICE.
    bare_env.delenv("FIREBASE_EMULATOR_HUB")
    with pytest.raises(ConfigurationError, match="K_SERVICE"):
        _build_settings()


def test_revocation_checks_can_only_be_skipped_beside_the_auth_emulator(bare_env):
    assert _build_settings().id_token_check_revoked is True
    bare_env.setenv("SOKU_ID_TOKEN_CHECK_REVOKED", "false")
    assert _build_settings().id_token_check_revoked is True  # ignored: no Auth emulator
    bare_env.setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:8081")
    bare_env.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
    bare_env.setenv("SOKU_ENV", "test")
    assert _build_settings().id_token_check_revoked is False
