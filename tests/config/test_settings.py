"""Typed environment readers added for production: email, and the HTTPS defaults."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_email

ROOT = Path(__file__).resolve().parents[2]
SMTP = "django.core.mail.backends.smtp.EmailBackend"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp+tls://mot%40cua:p%C3%A1ss@smtp.example.vn:2525",
            (SMTP, "smtp.example.vn", 2525, "mot@cua", "páss", True, False),
        ),
        ("smtps://u:p@smtp.example.vn", (SMTP, "smtp.example.vn", 465, "u", "p", False, True)),
        ("smtp://relay.local", (SMTP, "relay.local", 25, "", "", False, False)),
    ],
)
def test_email_url(monkeypatch, url, expected):
    monkeypatch.setenv("EMAIL_URL", url)
    assert tuple(env_email("EMAIL_URL", debug=False)) == expected


def test_email_defaults_and_errors(monkeypatch):
    monkeypatch.delenv("EMAIL_URL", raising=False)
    monkeypatch.delenv("EMAIL_HOST", raising=False)
    assert env_email("EMAIL_URL", debug=True).backend.endswith("console.EmailBackend")
    assert env_email("EMAIL_URL", debug=False).backend == SMTP
    monkeypatch.setenv("EMAIL_URL", "imap://x")
    with pytest.raises(ImproperlyConfigured, match="unsupported scheme"):
        env_email("EMAIL_URL", debug=False)


def _settings_in_subprocess(**env) -> dict:
    code = (
        "import json, django; from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ['SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', "
        "'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', 'CACHES', 'STORAGES']}, default=str))"
    )
    environ = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "REDIS_URL", "SECURE_SSL_REDIRECT"}}
    environ.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env=environ, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out)


def test_production_turns_https_on_and_each_flag_can_be_overridden():
    prod = _settings_in_subprocess(DEBUG="false", SECRET_KEY="x" * 60)
    assert (prod["SECURE_SSL_REDIRECT"], prod["SESSION_COOKIE_SECURE"], prod["CSRF_COOKIE_SECURE"]) == (True,) * 3
    assert prod["SECURE_HSTS_SECONDS"] == 31536000
    assert prod["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert prod["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    relaxed = _settings_in_subprocess(DEBUG="false", SECRET_KEY="x" * 60, SECURE_SSL_REDIRECT="false")
    assert relaxed["SECURE_SSL_REDIRECT"] is False
    redis = _settings_in_subprocess(REDIS_URL="redis://127.0.0.1:6379/3")
    assert redis["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    dev = _settings_in_subprocess(DEBUG="true")
    assert dev["SECURE_SSL_REDIRECT"] is False and dev["SECURE_HSTS_SECONDS"] == 0


def test_deploy_check_warns_when_history_is_off(settings):
    from accounts.checks import check_history_is_on

    assert check_history_is_on(None) == []
    settings.SIMPLE_HISTORY_ENABLED = False
    [warning] = check_history_is_on(None)
    assert warning.id == "accounts.W001"


def _check_deploy(**env) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "REDIS_URL", "ALLOWED_HOSTS"}}
    environ.update(env, DJANGO_SETTINGS_MODULE="config.settings", DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50))
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=environ, capture_output=True, text=True,
    )


def test_check_deploy_refuses_any_host():
    """Run as CI runs it (`--fail-level WARNING`): a warning, such as the schema's, fails too."""
    refused = _check_deploy(ALLOWED_HOSTS="*")
    assert refused.returncode != 0
    assert "accounts.E001" in refused.stderr and "ALLOWED_HOSTS" in refused.stderr
    served = _check_deploy(ALLOWED_HOSTS="motcua.binhminh.gov.vn")
    assert served.returncode == 0, served.stderr
    assert "accounts.E001" not in served.stderr + served.stdout


@pytest.mark.parametrize(
    ("debug", "hosts", "refused"),
    [(False, ["*"], True), (False, ["motcua.vn", "*"], True), (False, [], True), (False, [""], True),
     (False, [".binhminh.gov.vn"], False), (True, ["*"], False)],
)
def test_allowed_hosts_check(settings, debug, hosts, refused):
    from accounts.checks import check_allowed_hosts

    settings.DEBUG, settings.ALLOWED_HOSTS = debug, hosts
    assert [error.id for error in check_allowed_hosts(None)] == (["accounts.E001"] if refused else [])
