"""Bad input is a 400, never a 500: NUL in paths, queries and bodies; JSON nested too deep.

PostgreSQL refuses NUL in text, so these URLs were 500s there (SQLite let them through to a
404); `RefuseNulMiddleware` answers 400 before any lookup. Run on PostgreSQL too.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from rest_framework.test import APIClient

from config.middleware_input import MESSAGE
from tests import factories

pytestmark = pytest.mark.django_db

AGENCY_NUL = {"agency": "\x00"}
NUL_URLS = [
    "/api/v1/dossiers/%00/",
    "/api/v1/feedback-items/%00/",
    "/api/v1/feedback-items/?agency=%00",
    "/api/v1/feedback-items/report/?agency=%00",
    "/api/v1/satisfaction-ratings/?agency=%00",
    "/api/v1/satisfaction-ratings/report/?agency=%00",
    "/api/v1/satisfaction-ratings/report-xlsx/?agency=%00",
    "/api/v1/dossiers/?agency=%00",
    "/api/v1/reports/summary/?agency=%00",
    "/api/v1/reports/summary.xlsx?agency=%00",
    "/ho-so/?agency=%00",
    "/pakn/?agency=%00",
    "/bao-cao/?agency=%00",
    "/bao-cao/bieu-06.xlsx?agency=%00",
    "/bang-dieu-khien/?agency=%00",
    "/hai-long/bao-cao/?agency=%00",
    "/hai-long/bao-cao.xlsx?agency=%00",
    "/ho-so/%00/",
    "/ho-so/%00/bien-nhan/",
    "/ho-so/%00/xin-loi/",
    "/pakn/%00/",
    "/hai-long/tai-quay/%00/",
    "/tra-cuu/?ma=%00",
]


@pytest.fixture
def superuser_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("url", NUL_URLS)
def test_nul_in_path_or_query_is_400(superuser_client, url):
    response = superuser_client.get(url)

    assert response.status_code == 400, url
    if url.startswith("/api/"):
        assert response.json() == {"detail": MESSAGE, "code": "nul_character"}
    else:
        assert MESSAGE in response.content.decode()


@pytest.mark.postgres
@pytest.mark.parametrize("url", ["/ho-so/%00/", "/api/v1/dossiers/?agency=%00", "/bao-cao/?agency=%00"])
def test_nul_is_400_on_postgresql(superuser_client, url):
    assert superuser_client.get(url).status_code == 400


def test_nul_in_a_form_field_is_400(superuser_client):
    body = urlencode({"content": "Góp ý\x00", "contact_name": "A"})

    response = superuser_client.post("/gop-y/", body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


@pytest.mark.parametrize("body", ['{"applicant_name": "A\\u0000"}', '{"applicant_name": "A\x00"}'])
def test_nul_in_a_json_body_is_400(admin_user, body):
    api = APIClient()
    api.force_authenticate(admin_user)

    response = api.post("/api/v1/dossiers/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "nul_character"


def test_an_escaped_backslash_before_u0000_is_not_a_nul(admin_user):
    """`"\\\\u0000"` is a backslash then the text `u0000`: the serializer judges it, not the middleware."""
    api = APIClient()
    api.force_authenticate(admin_user)

    response = api.post("/api/v1/dossiers/", '{"applicant_name": "A\\\\u0000"}', content_type="application/json")

    assert response.status_code == 400
    assert "code" not in response.json()  # the serializer's field errors, not the NUL refusal


def test_clean_requests_pass(superuser_client, agency):
    factories.ProcedureFactory(field__agency=agency)

    assert superuser_client.get("/ho-so/", {"agency": agency.code}).status_code == 200
    assert superuser_client.get("/api/v1/dossiers/", {"agency": agency.code}).status_code == 200


@pytest.mark.parametrize("depth", [20_000, 50_000])
@pytest.mark.parametrize("url", ["/api/v1/dossiers/", "/api/v1/feedback-items/"])
def test_json_nested_too_deep_is_400(admin_user, depth, url):
    api = APIClient()
    api.force_authenticate(admin_user)

    response = api.post(url, "[" * depth + "]" * depth, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "Dữ liệu JSON lồng nhau quá sâu; hãy gửi dữ liệu phẳng hơn."}


def test_catalogue_json_nested_too_deep_is_a_file_error():
    from io import StringIO

    from procedures.catalogue import CatalogueError, read_catalogue_json

    with pytest.raises(CatalogueError) as caught:
        read_catalogue_json(StringIO("[" * 50_000 + "]" * 50_000))

    assert "lồng nhau quá sâu" in str(caught.value)
