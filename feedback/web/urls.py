"""Web pages, included at the site root under the "feedback" namespace."""

from django.urls import path

from feedback.web import public, staff

app_name = "feedback"

urlpatterns = [
    # public, no login
    path("danh-gia/", public.rate, name="rate"),
    path("danh-gia/cam-on/", public.rate_thanks, name="rate_thanks"),
    path("gop-y/", public.submit, name="submit"),
    path("gop-y/da-gui/", public.sent, name="sent"),
    path("gop-y/tra-cuu/", public.lookup, name="answer_lookup"),
    # staff
    path("pakn/", staff.items, name="items"),
    path("pakn/ghi-nhan/", staff.record, name="record"),
    path("pakn/<str:code>/", staff.detail, name="detail"),
    path("pakn/<str:code>/thao-tac/<str:kind>/", staff.act, name="act"),
    path("hai-long/tai-quay/", staff.kiosk_start, name="kiosk_start"),
    path("hai-long/tai-quay/<str:code>/", staff.kiosk_rate, name="kiosk_rate"),
    path("hai-long/tai-quay/<str:code>/cam-on/", staff.kiosk_done, name="kiosk_done"),
    path("hai-long/bao-cao/", staff.report, name="report"),
    path("hai-long/bao-cao.xlsx", staff.report_xlsx, name="report_xlsx"),
]
