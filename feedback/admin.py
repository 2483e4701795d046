"""Read-only, agency-scoped admin: every change goes through the services (web pages and API)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_scoping import AgencyScopedAdmin
from feedback.models import FeedbackEvent, FeedbackItem, SatisfactionRating, SurveyPlan, SurveySample


class ReadOnlyAdmin(AgencyScopedAdmin, SimpleHistoryAdmin):
    read_only = True


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "agency", "channel", "overall", "rated_date", "change_count"]
    list_filter = ["agency", "channel", "rated_date"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier", "agency"]
    date_hierarchy = "rated_date"


class FeedbackEventInline(admin.TabularInline):
    model = FeedbackEvent
    extra = 0
    can_delete = False
    fields = ["at", "type", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FeedbackItem)
class FeedbackItemAdmin(ReadOnlyAdmin):
    list_display = ["code", "category", "channel", "status", "received_at", "due_at", "assignee"]
    list_filter = ["agency", "category", "channel", "status"]
    search_fields = ["code", "contact_name", "contact_phone", "content"]
    list_select_related = ["assignee"]
    date_hierarchy = "received_at"
    exclude = ["token_digest"]
    inlines = [FeedbackEventInline]


class SurveySampleInline(admin.TabularInline):
    model = SurveySample
    extra = 0
    can_delete = False
    fields = ["position", "dossier", "field", "outcome", "called_at", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SurveyPlan)
class SurveyPlanAdmin(ReadOnlyAdmin):
    list_display = ["title", "agency", "year", "returned_from", "returned_to", "per_field", "seed"]
    list_filter = ["agency", "year"]
    inlines = [SurveySampleInline]
