from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from procedures.models import Agency, CalendarOverride, Field, Procedure


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
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


@admin.register(Field)
class FieldAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "agency"]
    list_filter = ["agency"]
    search_fields = ["code", "name"]
    list_select_related = ["agency"]


@admin.register(Procedure)
class ProcedureAdmin(SimpleHistoryAdmin):
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
class CalendarOverrideAdmin(SimpleHistoryAdmin):
    list_display = ["date", "kind", "agency", "reason", "legal_reference"]
    list_filter = ["kind", "agency"]
    date_hierarchy = "date"
    search_fields = ["reason", "legal_reference"]
