from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from config.schema import RedocView, SchemaView, SwaggerView
from config.views import health, ready
from dossiers.web.forms import LoginForm

admin.site.site_header = "Một Cửa – Quản trị"
admin.site.site_title = "Một Cửa"
admin.site.index_title = "Quản trị hệ thống"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="dossiers:search", permanent=False)),
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(next_page="login"), name="logout"),
    path("", include("dossiers.web.urls")),
    path("", include("feedback.web.urls")),
    path("", include("apology_letters.web.urls")),
    path("", include("reporting.web.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("procedures.api.urls")),
    path("api/v1/", include("dossiers.api.urls")),
    path("api/v1/", include("apology_letters.api.urls")),
    path("api/v1/", include("feedback.api.urls")),
    path("api/v1/", include("reporting.api.urls")),
    path("api/v1/health/", health, name="health"),
    path("api/v1/ready/", ready, name="ready"),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", SwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", RedocView.as_view(url_name="schema"), name="api-redoc"),
]

handler400 = "config.exceptions.api_bad_request"
handler403 = "config.exceptions.api_permission_denied"
handler404 = "config.exceptions.api_not_found"
handler500 = "config.exceptions.api_server_error"
