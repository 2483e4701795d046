"""API tokens: issue (the key shown once), look up by digest, revoke.

A key is 32 random bytes; what is stored is its SHA-256 digest, which is enough for a key with
that much entropy (no salt or slow hash needed: nobody can guess one to test against it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken

# How often `last_used` is written: a busy client would otherwise cost one UPDATE per request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    """A new token and its plain key, which exists only here: show it once, store it nowhere."""

    token: ApiToken
    key: str


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def may_issue_token(actor, user) -> bool:
    """Only the owner, or a superuser, issues a token for a (non-superuser, active) account."""
    if user.is_superuser or not user.is_active:
        return False
    return actor.pk == user.pk or actor.is_superuser


def api_token_issue(*, user, actor, name: str = "") -> IssuedToken:
    """A new token for `user`, valid API_TOKEN_TTL_DAYS days.

    `actor` is who asks; None is the server's operator (the create_api_token command). Nobody
    issues a token for a superuser: a leaked key would then open every agency.
    """
    if user.is_superuser:
        raise ValidationError(
            "Không cấp mã truy cập API cho tài khoản superuser: hãy dùng một tài khoản riêng, "
            "chỉ có vai trò cần thiết."
        )
    if not user.is_active:
        raise ValidationError("Tài khoản đã bị khoá: không cấp mã truy cập API.")
    if actor is not None and not may_issue_token(actor, user):
        raise PermissionDenied("Chỉ chính chủ tài khoản hoặc superuser được tạo mã truy cập API cho tài khoản này.")
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken(
        user=user,
        name=name,
        prefix=key[:8],
        digest=key_digest(key),
        created=now,
        expires=now + dt.timedelta(days=settings.API_TOKEN_TTL_DAYS),
        created_by=actor,
    )
    token.full_clean()
    with transaction.atomic():
        token.save()
    return IssuedToken(token=token, key=key)


def api_tokens_revoke(*, user) -> int:
    """Delete every token of `user`; how many there were."""
    with transaction.atomic():
        deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


def api_token_touch(token: ApiToken) -> None:
    """Record the use, at most once per LAST_USED_RESOLUTION."""
    now = timezone.now()
    if token.last_used is None or now - token.last_used >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
