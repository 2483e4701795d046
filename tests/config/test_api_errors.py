"""One error shape for the whole API, in Vietnamese: {"detail": "…"} or {field: ["…"]}."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from rest_framework import exceptions
from rest_framework.test import APIClient

from accounts.roles import STATISTICS
from config.exceptions import api_exception_handler
from dossiers.api.views import DossierViewSet
from dossiers.web import views as dossier_pages
from tests import factories

pytestmark = pytest.mark.django_db


def _only_detail(response) -> str:
    body = response.json()
    assert set(body) == {"detail"}, body
    return body["detail"]


def test_unknown_api_url_is_a_json_404(officer_client):
    response = officer_client.get("/api/v1/khong-co/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert _only_detail(response) == "Không tìm thấy."


def test_unknown_page_stays_html_in_vietnamese(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")
    page = response.content.decode()
    assert "Không tìm thấy trang" in page and "khong-co-trang-nay" not in page  # nothing echoed back


def test_forbidden_page_is_in_vietnamese(client, agency):
    statistics = factories.staff(agency=agency, roles=[STATISTICS], username="thongke")
    client.force_login(statistics)  # reads dossiers, takes none in
    response = client.get("/ho-so/tiep-nhan/")
    assert response.status_code == 403
    assert "Bạn không có quyền thực hiện thao tác này" in response.content.decode()


@pytest.mark.parametrize(("path", "json_body"), [("/api/v1/health/", True), ("/tra-cuu/", False)])
def test_a_bad_host_is_a_400_in_vietnamese(client, path, json_body):
    client.raise_request_exception = False
    response = client.get(path, HTTP_HOST="ke-gia-mao.example")
    assert response.status_code == 400
    if json_body:
        assert _only_detail(response).startswith("Yêu cầu không hợp lệ")
    else:
        assert "Yêu cầu không hợp lệ" in response.content.decode()


def test_a_form_without_its_csrf_token_gets_a_vietnamese_page(db):
    response = Client(enforce_csrf_checks=True).post("/dang-nhap/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert "Mã bảo vệ biểu mẫu (CSRF)" in response.content.decode()


def test_a_page_error_is_a_vietnamese_500(client, officer, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(dossier_pages, "scope_to_user", broken)
    client.force_login(officer)
    client.raise_request_exception = False
    response = client.get("/ho-so/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Lỗi máy chủ" in page and "boom" not in page


def test_unknown_dossier_is_404(officer_client):
    assert _only_detail(officer_client.get("/api/v1/dossiers/KHONG-CO/")) == "Không tìm thấy."


def test_wrong_method_is_405_in_vietnamese(officer_client):
    response = officer_client.delete("/api/v1/dossiers/")
    assert response.status_code == 405
    assert _only_detail(response) == "Phương thức “DELETE” không được chấp nhận."


def test_anonymous_is_403_in_vietnamese():
    response = APIClient().get("/api/v1/dossiers/")
    assert response.status_code == 403
    assert _only_detail(response) == "Chưa đăng nhập hoặc chưa gửi mã truy cập."


def test_bad_token_is_403_in_vietnamese():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token khong-hop-le")
    response = client.get("/api/v1/dossiers/")
    assert response.status_code == 403
    assert _only_detail(response) == "Mã truy cập không hợp lệ."


def test_throttled_is_429_in_vietnamese():
    response = api_exception_handler(exceptions.Throttled(wait=30), {})
    assert response.status_code == 429
    assert response.data == {"detail": "Quá nhiều yêu cầu. Vui lòng thử lại sau 30 giây."}
    assert response["Retry-After"] == "30"


def test_server_error_is_a_json_500(officer_client, monkeypatch):
    def broken(self, request, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(DossierViewSet, "list", broken)
    officer_client.raise_request_exception = False
    response = officer_client.get("/api/v1/dossiers/")
    assert response.status_code == 500
    assert _only_detail(response).startswith("Lỗi máy chủ.")
    assert "boom" not in response.content.decode()


def test_field_errors_stay_per_field_and_in_vietnamese(officer_client, procedure):
    response = officer_client.post(
        "/api/v1/dossiers/",
        {"procedure": procedure.code, "channel": "counter", "applicant_phone": "0912345678", "received_at": "hôm qua"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["applicant_name"] == ["Trường này là bắt buộc."]
    assert body["received_at"][0].startswith("Thời điểm sai định dạng.")
    assert set(body) == {"applicant_name", "received_at"}


def test_other_drf_messages_are_vietnamese(officer_client, procedure):
    body = officer_client.post(
        "/api/v1/dossiers/",
        {"procedure": procedure.code, "channel": "fax", "applicant_name": "A" * 300, "applicant_phone": None},
        format="json",
    ).json()
    assert body["channel"] == ["“fax” không phải là một lựa chọn hợp lệ."]
    assert body["applicant_name"] == ["Trường này không được quá 200 ký tự."]
    assert body["applicant_phone"] == ["Trường này không được để trống (null)."]
    listing = officer_client.get("/api/v1/dossiers/", {"page": 99})
    assert (listing.status_code, _only_detail(listing)) == (404, "Trang không hợp lệ.")


def test_malformed_json_is_400_in_vietnamese(officer_client):
    response = officer_client.post("/api/v1/dossiers/", "{oops", content_type="application/json")
    assert response.status_code == 400
    assert _only_detail(response) == "Dữ liệu gửi lên không phải JSON hợp lệ."


def test_unsupported_media_type_is_415_in_vietnamese(officer_client):
    response = officer_client.post("/api/v1/dossiers/", "a", content_type="text/csv")
    assert response.status_code == 415
    assert _only_detail(response) == "Không hỗ trợ kiểu dữ liệu “text/csv” trong yêu cầu."


def test_a_body_over_the_limit_is_413(officer_client, settings, procedure):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"procedure": procedure.code, "notes": "x" * 20_000})
    response = officer_client.post("/api/v1/dossiers/", body, content_type="application/json")
    assert response.status_code == 413
    assert _only_detail(response) == "Dữ liệu gửi lên quá lớn (tối đa 9 KB)."


def test_a_form_body_over_the_limit_is_413(officer_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = officer_client.post("/api/v1/dossiers/", {"notes": "x" * 20_000}, format="multipart")
    assert response.status_code == 413
    assert _only_detail(response) == "Dữ liệu gửi lên quá lớn (tối đa 9 KB)."


def test_english_is_still_available_on_request(officer):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(officer)
    response = client.delete("/api/v1/dossiers/")
    assert response.json() == {"detail": 'Method "DELETE" not allowed.'}


@pytest.mark.parametrize("fmt", ["json", "multipart"])
def test_control_characters_are_refused(admin_client, fmt):
    response = admin_client.post("/api/v1/agencies/", {"code": "SO-X", "name": "Sở\x0bmới"}, format=fmt)
    assert response.status_code == 400
    assert _only_detail(response) == "Dữ liệu chứa ký tự điều khiển không hợp lệ (U+000B); hãy xóa ký tự đó."


def test_line_breaks_and_tabs_are_fine(admin_client):
    body = {"code": "SO-X", "name": "Sở mới\tmột\r\nhai"}
    assert admin_client.post("/api/v1/agencies/", body, format="json").status_code == 201


def test_deleting_a_used_catalogue_entry_is_409(admin_client, procedure, officer):
    from tests import factories

    factories.receive_dossier(procedure=procedure, actor=officer)
    response = admin_client.delete(f"/api/v1/procedures/{procedure.pk}/")
    assert response.status_code == 409
    assert response.json()["detail"] == "Không xóa được: còn dữ liệu khác đang dùng bản ghi này."


def test_instants_outside_the_calendar_are_400(admin_client, user_client):
    response = user_client.get(
        "/api/v1/calendar/due-at/", {"received_at": "0001-01-02T09:00:00+07:00", "amount": 5, "unit": "working_days"}
    )
    assert response.status_code == 400
    # The shared bound (config.dates) answers before the calendar is asked, naming the years.
    assert response.json() == {"received_at": ["Năm phải trong khoảng 1990–2100."]}


def test_the_calendar_refuses_to_grow_over_centuries():
    import datetime as dt

    from procedures import calendar

    with pytest.raises(calendar.CalendarRangeError):
        calendar.is_working_day(dt.date(1, 1, 2))
    with pytest.raises(calendar.CalendarRangeError):
        calendar.is_working_day(dt.date(9999, 12, 30))
    assert calendar.is_working_day(dt.date(1990, 1, 2))


def test_an_intake_before_1990_is_a_field_error(admin_client, procedure):
    body = {
        "procedure": procedure.code, "applicant_name": "A", "applicant_phone": "0912345678", "channel": "counter",
        "received_at": "1803-10-07T09:00:00+07:00",
    }
    response = admin_client.post("/api/v1/dossiers/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"received_at": ["Năm phải trong khoảng 1990–2100."]}
