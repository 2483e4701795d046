from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_scoping import AgencyScopedAdmin, ScopedChoices
from accounts.grants import grantable_groups, outranks
from accounts.models import StaffProfile
from accounts.scoping import sees_all_agencies, user_agency

User = get_user_model()


# User management is bounded (ASVS V4: no self-escalation, not even through a second account):
# - a non-superuser administrator sees only the accounts of their own agency (AgencyScopedAdmin;
#   a province-wide administrator sees every agency's), and another agency's account, its
#   password form included, is a 404;
# - they grant no more than they hold: only groups whose every permission they hold, never
#   superuser status, direct permissions or a wider scope than their own;
# - an account that holds more than they do (accounts.grants.outranks) is view-only to them:
#   resetting its password or reactivating it would be a way to act as it;
# - they never touch their own roles, activation or scope.
SUPERUSER_ONLY = ("is_superuser", "user_permissions")
OWN_ACCOUNT_LOCKED = ("groups", "is_staff", "is_active")


def _is_own_account(request, user) -> bool:
    return user is not None and user.pk == request.user.pk


def _profile_readonly(request, user) -> list[str]:
    """The scope fields of `user`'s staff profile that `request.user` may not set."""
    if request.user.is_superuser:
        return []
    if _is_own_account(request, user):
        return ["agency", "province_wide"]  # nobody widens or moves what they themselves may see
    if not sees_all_agencies(request.user):
        return ["province_wide"]  # nobody grants a scope they do not hold
    return []


def _agency_required(request, db_field, formfield):
    """Only the province leaves a profile without an agency: such an account sees no agency."""
    if db_field.name == "agency" and formfield is not None and not sees_all_agencies(request.user):
        formfield.required = True
    return formfield


class StaffProfileInline(ScopedChoices, admin.StackedInline):
    model = StaffProfile
    can_delete = False
    verbose_name_plural = "cơ quan công tác"

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *_profile_readonly(request, obj)]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return _agency_required(request, db_field, super().formfield_for_foreignkey(db_field, request, **kwargs))


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(AgencyScopedAdmin, SimpleHistoryAdmin, BaseUserAdmin):
    agency_field = "staff_profile__agency"
    inlines = [StaffProfileInline]
    list_display = ["username", "last_name", "first_name", "is_staff", "is_active"]
    list_select_related = ["staff_profile"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += SUPERUSER_ONLY
            if _is_own_account(request, obj):
                readonly += OWN_ACCOUNT_LOCKED
        return readonly

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups" and formfield is not None:
            formfield.queryset = formfield.queryset & grantable_groups(request.user)
            formfield.help_text = "Chỉ cấp được những vai trò mà chính anh/chị có đủ quyền."
        return formfield

    def has_change_permission(self, request, obj=None):
        if obj is not None and outranks(obj, request.user):
            return False  # nor its password: the password form asks this too
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (outranks(obj, request.user) or _is_own_account(request, obj)):
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        # No group the administrator cannot grant is lost here: an account holding one outranks
        # them, so its form is view-only (has_change_permission).
        super().save_related(request, form, formsets, change)
        agency = user_agency(request.user)
        if not change and agency is not None and not sees_all_agencies(request.user):
            # An account made by an agency's administrator belongs to that agency, even when the
            # profile inline was left empty; otherwise nobody but a superuser could see it again.
            StaffProfile.objects.get_or_create(user=form.instance, defaults={"agency": agency})


@admin.register(StaffProfile)
class StaffProfileAdmin(AgencyScopedAdmin, SimpleHistoryAdmin):
    list_display = ["user", "agency", "unit", "province_wide"]
    list_filter = ["agency", "province_wide"]
    list_select_related = ["user", "agency"]
    search_fields = ["user__username", "user__last_name", "user__first_name"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly += ["user", *_profile_readonly(request, obj.user)]
        elif not request.user.is_superuser and not sees_all_agencies(request.user):
            readonly += ["province_wide"]
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return _agency_required(request, db_field, super().formfield_for_foreignkey(db_field, request, **kwargs))

    def has_change_permission(self, request, obj=None):
        if obj is not None and outranks(obj.user, request.user):
            return False
        return super().has_change_permission(request, obj)
