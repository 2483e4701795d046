"""Staff sessions end after SESSION_IDLE_TIMEOUT seconds without a request, and in any case
SESSION_COOKIE_AGE seconds after the login, however busy the user.

Django alone gives neither: a session's expiry moves forward each time the session is saved,
and nothing measures idle time. Both instants are kept in the session, stamped at login.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout
from django.utils import timezone

LOGIN_AT = "_login_at"
SEEN_AT = "_seen_at"
# The last-seen stamp is rewritten at most this often (seconds): a write per request is waste.
SEEN_RESOLUTION = 60


def stamp_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        now = timezone.now().timestamp()
        request.session[LOGIN_AT] = request.session[SEEN_AT] = now


def session_expired(session, *, now: float) -> bool:
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if login_at is None or seen_at is None:
        return True  # a session from before these stamps: sign in again once
    return now - seen_at > settings.SESSION_IDLE_TIMEOUT or now - login_at > settings.SESSION_COOKIE_AGE


class SessionTimeoutMiddleware:
    """Signs a session user out on the first request after the idle or absolute limit; the
    request then goes on as anonymous (pages redirect to the login, the API answers 403)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            if session_expired(request.session, now=now):
                logout(request)
            elif now - request.session[SEEN_AT] >= SEEN_RESOLUTION:
                request.session[SEEN_AT] = now
        return self.get_response(request)
