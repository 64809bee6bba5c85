import pytest
from pydantic import ValidationError

from platform_common.settings import BaseServiceSettings


def test_development_defaults_work_without_any_environment(monkeypatch):
    monkeypatch.delenv("JWT_SECRET", raising=False)
    settings = BaseServiceSettings()
    assert settings.environment == "development"
    assert settings.jwt_algorithm == "HS256"


def test_production_refuses_the_development_secret(monkeypatch):
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.delenv("JWT_SECRET", raising=False)
    with pytest.raises(ValidationError, match="JWT_SECRET must be set to a real secret"):
        BaseServiceSettings()


@pytest.mark.parametrize("placeholder", ["change-me", "CHANGEME-please-0123456789abcdef0123", ""])
def test_production_refuses_placeholders(monkeypatch, placeholder):
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("JWT_SECRET", placeholder)
    with pytest.raises(ValidationError):
        BaseServiceSettings()


def test_production_refuses_a_short_secret(monkeypatch):
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("JWT_SECRET", "k9Qz-short")
    with pytest.raises(ValidationError, match="at least 32 characters"):
        BaseServiceSettings()


def test_production_accepts_a_real_secret(monkeypatch):
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("JWT_SECRET", "k9Qz7mP2vR8xW4nB6tY1uJ3hG5fD0sAq")
    assert BaseServiceSettings().is_production


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "broker:29092")
    assert BaseServiceSettings().kafka_bootstrap_servers == "broker:29092"
