from django.urls import path

from reporting.api import views

app_name = "reports"

urlpatterns = [
    path("reports/summary/", views.SummaryView.as_view(), name="summary"),
    path("reports/summary.xlsx", views.SummaryExcelView.as_view(), name="summary-xlsx"),
    path("reports/online/", views.OnlineView.as_view(), name="online"),
]
