"""Typed readers for environment variables that fail loudly on bad values."""

from __future__ import annotations

import os
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use one of 1/0, true/false.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name: str, default: str) -> dict:
    """Parse a database URL; only SQLite and PostgreSQL are supported."""
    import dj_database_url

    raw = os.environ.get(name) or default
    scheme = urlsplit(raw).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"{name}={raw!r}: unsupported scheme {scheme!r}; "
            "use sqlite:///path/to/file.sqlite3 or postgres://user@host:port/dbname."
        )
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a valid database URL: {exc}") from None
    if config["ENGINE"].endswith("sqlite3"):
        config.pop("CONN_MAX_AGE", None)
        # WAL: readers never wait for the writer, and a commit is not an fsync of the whole file.
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif not config.get("NAME"):
        raise ImproperlyConfigured(f"{name}={raw!r} names no database.")
    return config


class EmailConfig(NamedTuple):
    backend: str
    host: str
    port: int
    user: str
    password: str
    use_tls: bool
    use_ssl: bool


_EMAIL_SCHEMES = {
    "smtp": (False, False, 25),
    "smtp+tls": (True, False, 587),
    "submission": (True, False, 587),
    "smtps": (False, True, 465),
    "smtp+ssl": (False, True, 465),
}
_SMTP = "django.core.mail.backends.smtp.EmailBackend"
_CONSOLE = "django.core.mail.backends.console.EmailBackend"


def env_email(name: str, *, debug: bool) -> EmailConfig:
    """Email from one URL (smtp://, smtp+tls://, smtps://, console://), else from EMAIL_HOST and friends.

    Without either, development prints mail on the console and production sends through
    an SMTP relay on localhost:25.
    """
    raw = os.environ.get(name, "")
    if raw:
        parts = urlsplit(raw)
        if parts.scheme == "console":
            return EmailConfig(_CONSOLE, "", 0, "", "", False, False)
        if parts.scheme not in _EMAIL_SCHEMES:
            raise ImproperlyConfigured(
                f"{name}: unsupported scheme {parts.scheme!r}; use smtp://, smtp+tls://, smtps:// or console://."
            )
        if not parts.hostname:
            raise ImproperlyConfigured(f"{name} names no host.")
        use_tls, use_ssl, default_port = _EMAIL_SCHEMES[parts.scheme]
        try:
            port = parts.port or default_port
        except ValueError:
            raise ImproperlyConfigured(f"{name} has an invalid port.") from None
        return EmailConfig(
            _SMTP, parts.hostname, port, unquote(parts.username or ""), unquote(parts.password or ""), use_tls, use_ssl
        )
    host = env_str("EMAIL_HOST", "")
    if not host:
        return EmailConfig(_CONSOLE if debug else _SMTP, "localhost", 25, "", "", False, False)
    return EmailConfig(
        _SMTP,
        host,
        env_int("EMAIL_PORT", 587, minimum=1),
        env_str("EMAIL_HOST_USER", ""),
        env_str("EMAIL_HOST_PASSWORD", ""),
        env_bool("EMAIL_USE_TLS", True),
        env_bool("EMAIL_USE_SSL", False),
    )
