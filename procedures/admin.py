from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_scoping import AgencyScopedAdmin
from accounts.scoping import scope_agencies, scope_to_user, sees_all_agencies
from procedures.models import Agency, CalendarOverride, Field, Procedure

# The catalogue is written agency by agency: an administrator of one agency changes its own
# record (whose head signs its letters), fields, procedures and calendar overrides; adding or
# removing an agency, and the overrides that apply to every agency, are the province's.


@admin.register(Agency)
class AgencyAdmin(AgencyScopedAdmin, SimpleHistoryAdmin):
    list_display = ["code", "name", "level", "counting_convention", "head_name"]
    list_filter = ["level", "counting_convention"]
    search_fields = ["code", "name"]
    fieldsets = [
        (None, {"fields": ["code", "name", "level", "parent_name", "locality", "address", "phone", "result_place"]}),
        (
            "Giờ làm việc",
            {"fields": [("morning_start", "morning_end"), ("afternoon_start", "afternoon_end"), "counting_convention"]},
        ),
        ("Ký văn bản", {"fields": ["head_name", "head_title", "letter_prefix"]}),
    ]

    def scope_queryset(self, request, queryset):
        return scope_agencies(queryset, request.user)

    def has_add_permission(self, request):
        return sees_all_agencies(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return sees_all_agencies(request.user) and super().has_delete_permission(request, obj)


@admin.register(Field)
class FieldAdmin(AgencyScopedAdmin, SimpleHistoryAdmin):
    list_display = ["code", "name", "agency"]
    list_filter = ["agency"]
    search_fields = ["code", "name"]
    list_select_related = ["agency"]


@admin.register(Procedure)
class ProcedureAdmin(AgencyScopedAdmin, SimpleHistoryAdmin):
    list_display = [
        "code",
        "name",
        "field",
        "agency",
        "processing_time_display",
        "online_level",
        "supplement_policy",
        "is_active",
        "needs_verification",
    ]
    list_filter = [
        "agency",
        "field",
        "online_level",
        "processing_unit",
        "supplement_policy",
        "is_active",
        "needs_verification",
    ]
    search_fields = ["code", "name"]
    list_select_related = ["agency", "field"]
    autocomplete_fields = ["field"]

    @admin.display(description="thời hạn")
    def processing_time_display(self, obj):
        return obj.processing_time_display


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(AgencyScopedAdmin, SimpleHistoryAdmin):
    """An agency's administrator reads the overrides for every agency (they move its due dates
    too) and writes only its own agency's."""

    list_display = ["date", "kind", "agency", "reason", "legal_reference"]
    list_filter = ["kind", "agency"]
    list_select_related = ["agency"]
    date_hierarchy = "date"
    search_fields = ["reason", "legal_reference"]

    def scope_queryset(self, request, queryset):
        return scope_to_user(queryset, request.user) | queryset.filter(agency__isnull=True)

    def _writable(self, request, obj) -> bool:
        return obj is None or obj.agency_id is not None or sees_all_agencies(request.user)

    def has_change_permission(self, request, obj=None):
        return self._writable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._writable(request, obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "agency" and not sees_all_agencies(request.user):
            formfield.required = True  # an override for every agency is the province's
            formfield.help_text = "Điều chỉnh áp dụng cho mọi cơ quan do quản trị cấp tỉnh đặt."
        return formfield
