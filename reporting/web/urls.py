"""Report pages, included at the site root under the "reporting" namespace."""

from django.urls import path

from reporting.web import views

app_name = "reporting"

urlpatterns = [
    path("bao-cao/", views.report, name="report"),
    path("bao-cao/bieu-06.xlsx", views.report_xlsx, name="report_xlsx"),
    path("bang-dieu-khien/", views.dashboard, name="dashboard"),
]
