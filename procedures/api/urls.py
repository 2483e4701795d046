from django.urls import path
from rest_framework.routers import DefaultRouter

from procedures.api import views

router = DefaultRouter()
router.register("agencies", views.AgencyViewSet)
router.register("fields", views.FieldViewSet)
router.register("procedures", views.ProcedureViewSet)
router.register("calendar-overrides", views.CalendarOverrideViewSet)

urlpatterns = [
    path("calendar/due-at/", views.DueAtView.as_view(), name="calendar-due-at"),
    path("calendar/non-working-days/", views.NonWorkingDaysView.as_view(), name="calendar-non-working-days"),
    *router.urls,
]
