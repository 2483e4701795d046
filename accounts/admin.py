from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import StaffProfile

User = get_user_model()


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    verbose_name_plural = "cơ quan công tác"


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    inlines = [StaffProfileInline]
    list_display = ["username", "last_name", "first_name", "is_staff", "is_active"]


@admin.register(StaffProfile)
class StaffProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "agency", "unit", "province_wide"]
    list_filter = ["agency", "province_wide"]
    search_fields = ["user__username", "user__last_name", "user__first_name"]
