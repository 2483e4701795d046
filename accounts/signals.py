"""The accounts app's receivers.

A user's API tokens die with their password: a change of password, an unusable password, or
deactivation revokes them, wherever the change was made (admin, command, shell). A login stamps
the session for its time limits (accounts.sessions).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save, pre_save

from accounts.sessions import stamp_login
from accounts.tokens import api_tokens_revoke

WATCHED = {"password", "is_active"}


def _note_credential_change(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    instance._revoke_api_tokens = False
    if raw or instance.pk is None or (update_fields is not None and not WATCHED & set(update_fields)):
        return  # a restore, a new account, or a save that touches neither (the last-login stamp)
    before = sender._default_manager.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    instance._revoke_api_tokens = before["password"] != instance.password or (
        before["is_active"] and not instance.is_active
    )


def _revoke_after_change(sender, instance, raw=False, **kwargs) -> None:
    if getattr(instance, "_revoke_api_tokens", False):
        instance._revoke_api_tokens = False
        api_tokens_revoke(user=instance)


def connect() -> None:
    user_model = get_user_model()
    pre_save.connect(_note_credential_change, sender=user_model, dispatch_uid="accounts.note_credential_change")
    post_save.connect(_revoke_after_change, sender=user_model, dispatch_uid="accounts.revoke_api_tokens")
    user_logged_in.connect(stamp_login, dispatch_uid="accounts.stamp_login")
