from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_scoping import AgencyScopedAdmin
from dossiers.models import Dossier, DossierEvent
from privacy.services import Kind as ReadKind
from privacy.services import access_record


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

    def _log_read(self, request, object_id) -> None:
        dossier = self.get_object(request, object_id)  # None (then 404/redirect) outside the user's queryset
        if dossier is not None and request.method == "GET":
            access_record(request=request, kind=ReadKind.ADMIN_PAGE, dossier=dossier)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._log_read(request, object_id)  # the full record: personal data read
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._log_read(request, object_id)  # every past value of the personal data
        return super().history_view(request, object_id, extra_context)
