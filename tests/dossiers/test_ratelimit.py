"""The look-up rate limiter counts in a cache that every worker shares."""

from __future__ import annotations

import socket
import uuid

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory

from dossiers.web import ratelimit

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def _attempts_through(caches, monkeypatch, *, limit: int, attempts: int) -> list[bool]:
    """Alternate the limiter between several cache clients, as workers would."""
    key = f"203.0.113.{uuid.uuid4().int % 250}"
    results = []
    for i in range(attempts):
        monkeypatch.setattr(ratelimit, "cache", caches[i % len(caches)])
        results.append(ratelimit.too_many_attempts(scope="test", key=key, limit=limit, window_seconds=60))
    return results


@pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379")
def test_limit_holds_across_two_redis_clients(monkeypatch):
    prefix = f"test-{uuid.uuid4().hex}"
    first, second = (RedisCache(REDIS_URL, {"KEY_PREFIX": prefix}) for _ in range(2))
    assert first._cache is not second._cache  # two connection pools, as in two processes
    try:
        results = _attempts_through([first, second], monkeypatch, limit=5, attempts=8)
        assert results == [False] * 5 + [True] * 3
    finally:
        first.clear()


@pytest.mark.django_db
def test_limit_holds_across_two_database_cache_clients(monkeypatch):
    # The default without Redis: a table that `make run` / createcachetable creates.
    first, second = (DatabaseCache("django_cache", {}) for _ in range(2))
    results = _attempts_through([first, second], monkeypatch, limit=3, attempts=5)
    assert results == [False] * 3 + [True] * 2


def test_client_ip_trusts_only_the_configured_number_of_proxies(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    settings.TRUSTED_PROXY_COUNT = 0
    assert ratelimit.client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert ratelimit.client_ip(request) == "203.0.113.7"  # "1.2.3.4" was written by the client
    settings.TRUSTED_PROXY_COUNT = 3  # fewer entries than proxies: fall back to the peer
    assert ratelimit.client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    garbage = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="'; DROP TABLE x")
    assert ratelimit.client_address(garbage) == "10.0.0.1"
    assert ratelimit.client_address(RequestFactory().get("/", REMOTE_ADDR="")) is None
    assert ratelimit.client_ip(RequestFactory().get("/", REMOTE_ADDR="")) == "unknown"
