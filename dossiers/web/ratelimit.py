"""A fixed-window attempt counter kept in Django's cache.

Only `cache.add` and `cache.incr` are used. Both are atomic on Redis, so with REDIS_URL set
the counter is exact across every worker. The database cache (the default without Redis) is
shared too, but its `incr` reads and then writes: attempts racing in the same instant from
several workers can be counted once, so a burst may pass the limit by a few. Production sets
REDIS_URL (docs/deployment.md). With the local-memory cache each process counts on its own.
"""

from __future__ import annotations

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache


def _ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The client's IP address, or None when there is no valid one (django-axes uses this).

    REMOTE_ADDR, or behind `settings.TRUSTED_PROXY_COUNT` reverse proxies that each append to
    X-Forwarded-For, the address the outermost trusted proxy saw. Entries further left are
    written by the client and never trusted; a malformed entry falls back to REMOTE_ADDR.
    """
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count:
        forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            address = _ip(forwarded[-count])
            if address:
                return address
    return _ip(request.META.get("REMOTE_ADDR", "") or "")


def client_ip(request) -> str:
    """`client_address`, as a key for the rate limiter."""
    return client_address(request) or "unknown"


def too_many_attempts(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt for `key`; True once more than `limit` attempts fall in its window.

    The window opens at the first attempt and lasts `window_seconds`.
    """
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # any key is a safe cache key
    cache_key = f"ratelimit:{scope}:{digest}"
    if cache.add(cache_key, 1, timeout=window_seconds):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # the window expired between add() and incr()
            cache.add(cache_key, 1, timeout=window_seconds)
            count = 1
    return count > limit
