from django.contrib import admin

from accounts.admin_scoping import AgencyScopedAdmin
from privacy.models import PersonalDataAccess

VIEW_LOG = "privacy.view_personaldataaccess"


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(AgencyScopedAdmin, admin.ModelAdmin):
    """Read-only, for administrators: a province-wide account sees every row, others their agency's."""

    list_display = ["at", "username", "kind", "dossier_code", "count", "subject", "source", "ip", "agency"]
    list_filter = ["kind", "source", "at"]
    search_fields = ["dossier_code", "username", "ip"]
    list_select_related = ["agency"]
    date_hierarchy = "at"
    readonly_fields = [field.name for field in PersonalDataAccess._meta.fields]
    read_only = True  # append-only: another agency's row is a 404 like everywhere (AgencyScopedAdmin)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(VIEW_LOG)

    def has_module_permission(self, request):
        return request.user.has_perm(VIEW_LOG)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
