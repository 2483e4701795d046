"""How a request finds its user, with the staff profile and agency every scoped view needs.

Each API call checks the user's role and agency (accounts.scoping). Loading the profile and
its agency with the user, in the same query, saves two queries on every request.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from accounts.models import ApiToken
from accounts.tokens import api_token_touch, key_digest

# From a user row to what accounts.scoping reads.
PROFILE = "staff_profile__agency"


class StaffBackend(ModelBackend):
    """Django's model backend, with the profile joined in and all permissions in one query."""

    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related(PROFILE).filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                user_model = get_user_model()
                direct = user_model.user_permissions.through.objects.filter(user_id=user_obj.pk)
                via_groups = Permission.group_set.through.objects.filter(group__user=user_obj)
                permissions = permissions.filter(
                    Q(pk__in=direct.values("permission_id")) | Q(pk__in=via_groups.values("permission_id"))
                )
            pairs = permissions.values_list("content_type__app_label", "codename").order_by()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in pairs}
        return user_obj._perm_cache


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, checked against the stored digest (accounts.tokens).

    The token, user, profile and agency come in one query; an expired token, or one whose user
    is inactive, is refused. The last use is recorded at most once a minute.
    """

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related(f"user__{PROFILE}").filter(digest=key_digest(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.is_expired(at=timezone.now()):
            raise exceptions.AuthenticationFailed("Mã truy cập đã hết hạn: hãy xin cấp mã mới.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        api_token_touch(token)
        return token.user, token
