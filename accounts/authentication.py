"""How a request finds its user, with the staff profile and agency every scoped view needs.

Each API call checks the user's role and agency (accounts.scoping). Loading the profile and
its agency with the user, in the same query, saves two queries on every request.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

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
    """DRF's token authentication; the token, user, profile and agency come in one query."""

    def authenticate_credentials(self, key):
        try:
            token = Token.objects.select_related(f"user__{PROFILE}").get(key=key)
        except Token.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
