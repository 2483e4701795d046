from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_scoping import AgencyScopedAdmin
from apology_letters.models import ApologyLetter


@admin.register(ApologyLetter)
class ApologyLetterAdmin(AgencyScopedAdmin, SimpleHistoryAdmin):
    """Read-only: drafting, editing and issuing go through apology_letters.services."""

    read_only = True
    list_display = ["number_display", "dossier", "agency", "status", "original_due_at", "new_due_at", "exceeds_limit"]
    list_filter = ["agency", "status", "exceeds_limit", "year"]
    search_fields = ["dossier__code", "dossier__applicant_name"]
    list_select_related = ["agency", "dossier"]
    readonly_fields = ["dossier", "agency", "year", "number", "delay_number", "drafted_by", "drafted_at"]

    @admin.display(description="số")
    def number_display(self, obj):
        return obj.number_display
