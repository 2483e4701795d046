from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_scoping import AgencyScopedAdmin
from dossiers.models import Dossier, DossierEvent


class DossierEventInline(admin.TabularInline):
    model = DossierEvent
    extra = 0
    can_delete = False
    fields = ["at", "type", "actor", "from_unit", "to_unit", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Dossier)
class DossierAdmin(AgencyScopedAdmin, SimpleHistoryAdmin):
    """Read-only: every change goes through the services (web pages and API)."""

    read_only = True
    list_display = ["code", "applicant_name", "procedure", "channel", "received_at", "due_at", "status"]
    list_filter = ["agency", "status", "channel", "field"]
    search_fields = ["code", "applicant_name", "applicant_phone", "applicant_id_number"]
    list_select_related = ["procedure"]
    date_hierarchy = "received_at"
    inlines = [DossierEventInline]
    readonly_fields = [
        "code", "agency", "procedure", "field", "received_at", "received_by", "due_at", "appointment_at",
        "status", "paused_at", "result_ready_at", "returned_at", "closed_at", "supplement_count",
        "supplement_rule_breached", "book_volume", "book_line", "current_unit",
    ]
