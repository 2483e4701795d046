"""The API tokens in the admin: listed without their keys, issued with the key shown once,
revoked by deleting them.

An administrator sees and revokes the tokens of their own agency's accounts (all agencies when
province-wide), never a superuser's; a token is issued only for oneself, or by a superuser for
another non-superuser account (accounts.tokens).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.template.response import TemplateResponse

from accounts.models import ApiToken
from accounts.scoping import sees_all_agencies, user_agency
from accounts.tokens import api_token_issue

SHOWN = ["user", "name", "prefix", "created", "expires", "last_used", "created_by"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = SHOWN
    list_select_related = ["user", "created_by"]
    search_fields = ["user__username", "name", "prefix"]
    fields = ["user", "name"]

    def get_queryset(self, request):
        tokens = super().get_queryset(request).select_related("user", "created_by")
        if request.user.is_superuser:
            return tokens
        tokens = tokens.filter(user__is_superuser=False)
        if sees_all_agencies(request.user):
            return tokens
        agency = user_agency(request.user)
        if agency is None:
            return tokens.filter(user=request.user)
        return tokens.filter(user__staff_profile__agency=agency)

    def get_fields(self, request, obj=None):
        return SHOWN if obj is not None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return SHOWN if obj is not None else []

    def has_change_permission(self, request, obj=None):
        return False  # a token is issued or revoked, never edited

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            users = get_user_model()._default_manager.filter(is_active=True, is_superuser=False)
            kwargs["queryset"] = users if request.user.is_superuser else users.filter(pk=request.user.pk)
            kwargs["initial"] = request.user.pk
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        issued = api_token_issue(user=obj.user, actor=request.user, name=obj.name)
        for field in ApiToken._meta.concrete_fields:
            setattr(obj, field.attname, getattr(issued.token, field.attname))
        obj._state.adding = False
        request._issued_api_key = issued.key

    def response_add(self, request, obj, post_url_continue=None):
        """The key, on this page only: it is not stored, and no later page can show it."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "token": obj,
            "key": request._issued_api_key,
            "title": "Đã tạo mã truy cập API",
        }
        return TemplateResponse(request, "admin/accounts/apitoken/issued.html", context)
