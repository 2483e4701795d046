"""The Django admin sees what the API sees: every model admin is scoped to the user's agency.

`AgencyScopedAdmin` is the one mixin every model admin of the project uses. It keeps the admin
from being a side door around `accounts.scoping`:
- lists, searches, actions and object look-ups only reach the user's agency (a province-wide
  account or a superuser reaches every agency); another agency's object is a 404, on its change,
  delete, history, history-version and password pages alike;
- the choices of every foreign key and many-to-many field are scoped the same way, through the
  related model's own admin, so a form cannot point a row at another agency;
- `read_only` admins (dossiers, letters, feedback) offer no add, change or delete: their changes
  go through the services, which hold the rules;
- simple_history's history pages are for reading: no revert, which would save an old version
  of a row around the form's rules and the services.
"""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.scoping import scope_to_user

NOT_FOUND = "Không tìm thấy bản ghi này, hoặc bản ghi thuộc cơ quan khác."


class ScopedChoices:
    """Foreign-key and many-to-many choices scoped through the related model's own admin.

    Part of `AgencyScopedAdmin`; an inline with an editable relation uses it on its own.
    """

    def _scoped_choices(self, request, related_model, queryset):
        related_admin = self.admin_site._registry.get(related_model)
        if isinstance(related_admin, AgencyScopedAdmin):
            return queryset.filter(pk__in=related_admin.get_queryset(request).values("pk"))
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = self._scoped_choices(request, db_field.related_model, formfield.queryset)
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = self._scoped_choices(request, db_field.related_model, formfield.queryset)
        return formfield


class AgencyScopedAdmin(ScopedChoices):
    """Mixin for a `ModelAdmin` (before it in the bases): agency scope, 404s, read-only history."""

    agency_field = "agency"  # the lookup from the model to its Agency
    read_only = False  # True: view only, every change goes through the services

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def scope_queryset(self, request, queryset):
        """The rows `request.user` may reach; an admin with a wider rule overrides this."""
        return scope_to_user(queryset, request.user, agency_field=self.agency_field)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:  # out of scope, or no such row: the same answer, as in the API
            raise Http404(NOT_FOUND)
        return obj

    # ---------------------------------------------------------------- permissions

    def has_add_permission(self, request, *args):
        return not self.read_only and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return not self.read_only and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self.read_only and super().has_delete_permission(request, obj)

    # ---------------------------------------------------------------- history (simple_history)

    def history_view(self, request, object_id, extra_context=None):
        # simple_history falls back to the latest historical version when the live row is not in
        # the queryset, which would show another agency's history; the live row decides.
        self.get_object(request, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        live = self.get_object(request, unquote(object_id))
        if request.method != "GET" or not self.has_view_or_change_permission(request, live):
            raise PermissionDenied  # a revert saves an old version around the form's rules
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True
