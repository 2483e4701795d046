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
    """`client_address`, as a key for the rate limiter: an IPv6 client by its /64 prefix.

    One subscriber is given a whole /64 and can pick any address in it, so counting full IPv6
    addresses would give them 2^64 budgets.
    """
    address = client_address(request)
    if address is None:
        return "unknown"
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return address


def _cache_key(scope: str, key: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # any key is a safe cache key
    return f"ratelimit:{scope}:{digest}"


def too_many_attempts(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt for `key`; True once more than `limit` attempts fall in its window.

    The window opens at the first attempt and lasts `window_seconds`.
    """
    cache_key = _cache_key(scope, key)
    if cache.add(cache_key, 1, timeout=window_seconds):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # the window expired between add() and incr()
            cache.add(cache_key, 1, timeout=window_seconds)
            count = 1
    return count > limit


# ---------------------------------------------------------------- guessing a dossier's phone digits
# /tra-cuu/ and /danh-gia/ both accept a dossier code with the last 4 digits of the applicant's
# phone: 10,000 combinations per code. They share one budget per client address, and the
# failed guesses on one code are counted across every address, so the combinations of one code
# cannot be walked from many addresses either (docs/feedback.md).
GUESS_WINDOW_SECONDS = 10 * 60
CODE_WINDOW_SECONDS = 60 * 60
ADDRESS_REFUSAL = "Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau 10 phút."
CODE_REFUSAL = (
    "Mã hồ sơ này đã bị nhập sai số điện thoại quá nhiều lần nên tạm khóa tra cứu. "
    "Vui lòng thử lại sau 1 giờ hoặc liên hệ bộ phận một cửa."
)


def _code_key(code: str) -> str:
    return (code or "").strip().upper()  # the look-ups match codes without regard to case


def phone_guess_refusal(request, code: str) -> tuple[str, int] | None:
    """Count one guess of this address; (message, retry-after seconds) when it must be refused.

    Refused once the address has guessed more than settings.PUBLIC_GUESS_LIMIT times in 10
    minutes on either page, or the code has had PUBLIC_GUESS_PER_CODE_LIMIT failed guesses in
    the hour, from any address.
    """
    if too_many_attempts(
        scope="dossier-guess", key=client_ip(request), limit=settings.PUBLIC_GUESS_LIMIT,
        window_seconds=GUESS_WINDOW_SECONDS,
    ):
        return ADDRESS_REFUSAL, GUESS_WINDOW_SECONDS
    if cache.get(_cache_key("dossier-guess-code", _code_key(code)), 0) >= settings.PUBLIC_GUESS_PER_CODE_LIMIT:
        return CODE_REFUSAL, CODE_WINDOW_SECONDS
    return None


def count_failed_guess(code: str) -> None:
    """One wrong (code, digits) pair, counted against the code for an hour."""
    too_many_attempts(
        scope="dossier-guess-code", key=_code_key(code), limit=settings.PUBLIC_GUESS_PER_CODE_LIMIT,
        window_seconds=CODE_WINDOW_SECONDS,
    )
