"""Apology letter pages, included at the site root under the "apology_letters" namespace."""

from django.urls import path

from apology_letters.web import views

app_name = "apology_letters"

urlpatterns = [
    path("phieu-xin-loi/", views.review, name="list"),
    path("phieu-xin-loi/<int:pk>/", views.detail, name="detail"),
    path("phieu-xin-loi/<int:pk>/sua/", views.update, name="update"),
    path("phieu-xin-loi/<int:pk>/ban-hanh/", views.issue, name="issue"),
    path("phieu-xin-loi/<int:pk>/huy/", views.cancel, name="cancel"),
    path("phieu-xin-loi/<int:pk>/in/", views.print_letter, name="print"),
    path("phieu-xin-loi/<int:pk>/tai-ve.docx", views.download_docx, name="docx"),
    path("ho-so/<str:code>/xin-loi/", views.draft, name="draft"),
]
