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
