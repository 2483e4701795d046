"""A fixed-window attempt counter kept in Django's cache.

Only `cache.add` and `cache.incr` are used, which are atomic on Redis and memcached, so the
counter is shared by every worker as soon as a shared cache backend is configured. With the
local-memory cache each process counts on its own.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def client_ip(request) -> str:
    """The peer address. Behind a reverse proxy this is the proxy unless it rewrites REMOTE_ADDR."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


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
