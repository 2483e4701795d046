from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import StaffProfile

User = get_user_model()


# What only a superuser may grant: a non-superuser administrator manages other people's roles,
# never their own, and never a superuser's account (ASVS V4: no self-escalation).
SUPERUSER_ONLY = ("is_superuser", "user_permissions")
OWN_ACCOUNT_LOCKED = ("groups", "is_staff", "is_active")


def _is_own_account(request, obj) -> bool:
    return obj is not None and obj.pk == request.user.pk


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    verbose_name_plural = "cơ quan công tác"

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser and _is_own_account(request, obj):
            readonly += ["agency", "province_wide"]  # nobody widens what they themselves may see
        return readonly


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    inlines = [StaffProfileInline]
    list_display = ["username", "last_name", "first_name", "is_staff", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += SUPERUSER_ONLY
            if _is_own_account(request, obj):
                readonly += OWN_ACCOUNT_LOCKED
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False  # nor its password: the password form asks this too
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.is_superuser or _is_own_account(request, obj)) and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(StaffProfile)
class StaffProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "agency", "unit", "province_wide"]
    list_filter = ["agency", "province_wide"]
    search_fields = ["user__username", "user__last_name", "user__first_name"]
