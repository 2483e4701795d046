"""Web pages, included at the site root under the "dossiers" namespace."""

from django.urls import path

from dossiers.web import views

app_name = "dossiers"

urlpatterns = [
    path("ho-so/", views.search, name="search"),
    path("ho-so/tiep-nhan/", views.intake, name="intake"),
    path("ho-so/<str:code>/", views.detail, name="detail"),
    path("ho-so/<str:code>/bien-nhan/", views.receipt, name="receipt"),
    path("ho-so/<str:code>/mau-02/", views.form02, name="form02"),
    path("ho-so/<str:code>/mau-03/", views.form03, name="form03"),
    path("ho-so/<str:code>/thao-tac/<str:kind>/", views.act, name="act"),
    path("tra-cuu/", views.lookup, name="lookup"),
]
