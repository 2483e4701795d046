"""The counter's web pages: intake, receipt, search, dossier actions, forms, public look-up."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import COUNTER_OFFICER, SPECIALIST
from dossiers.models import Dossier, Status
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(agency):
    """One account drives whole lifecycles here: a small office's officer who also processes.

    Each role on its own is checked in tests/security/test_access_matrix.py.
    """
    return factories.staff(agency=agency, roles=[COUNTER_OFFICER, SPECIALIST], username="motcua")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()  # the look-up rate limiter counts in the cache
    yield
    cache.clear()


@pytest.fixture
def officer_web(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def dossier(procedure, officer):
    return factories.receive_dossier(
        procedure=procedure,
        actor=officer,
        applicant_name="Phạm Thị Hoa",
        applicant_phone="0987654321",
        applicant_email="hoa@example.vn",
        applicant_address="12 Lê Lợi, phường Bến Thành",
    )


@pytest.fixture
def foreign_dossier(officer):
    other = factories.ProcedureFactory()
    other_officer = factories.staff(agency=other.agency, roles=[COUNTER_OFFICER], username="khac")
    return factories.receive_dossier(procedure=other, actor=other_officer)


def intake_data(procedure, **overrides) -> dict:
    data = {
        "procedure": str(procedure.pk),
        "applicant_name": "Lê Thị Mai",
        "applicant_id_number": "001203004567",
        "applicant_phone": "0912 345 678",
        "applicant_email": "mai@example.vn",
        "applicant_address": "5 Trần Phú, Hà Đông",
        "channel": "counter",
        "notes": "",
        "docs-TOTAL_FORMS": "3",
        "docs-INITIAL_FORMS": "0",
        "docs-MIN_NUM_FORMS": "0",
        "docs-MAX_NUM_FORMS": "60",
        "docs-0-included": "on",
        "docs-0-name": "Đơn đề nghị (theo mẫu)",
        "docs-0-kind": "original",
        "docs-0-count": "1",
        "docs-1-included": "on",
        "docs-1-name": "Bản sao căn cước công dân",
        "docs-1-kind": "copy",
        "docs-1-count": "2",
        "docs-2-name": "",
        "docs-2-kind": "original",
        "docs-2-count": "1",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------------------- login


def test_anonymous_is_sent_to_login(client, db):
    root = client.get("/")
    assert root.status_code == 302
    assert root["Location"] == "/ho-so/"
    search = client.get("/ho-so/")
    assert search.status_code == 302
    assert search["Location"].startswith("/dang-nhap/?next=/ho-so/")
    login = client.get("/dang-nhap/")
    assert login.status_code == 200
    assert "Đăng nhập" in login.content.decode()


def test_login_and_logout(client, officer):
    wrong = client.post("/dang-nhap/", {"username": "motcua", "password": "sai"})
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in wrong.content.decode()
    ok = client.post("/dang-nhap/", {"username": "motcua", "password": "mat-khau-thu-nghiem"})
    assert ok.status_code == 302
    assert ok["Location"] == "/ho-so/"
    out = client.post("/dang-xuat/")
    assert out.status_code == 302
    assert client.get("/ho-so/").status_code == 302


# ---------------------------------------------------------------------------- intake


def test_intake_lists_the_agency_procedures(officer_web, procedure):
    factories.ProcedureFactory(name="Thủ tục của cơ quan khác")
    factories.ProcedureFactory(field=procedure.field, name="Thủ tục đã bãi bỏ", is_active=False)
    response = officer_web.get("/ho-so/tiep-nhan/")
    assert response.status_code == 200
    html = response.content.decode()
    assert procedure.code in html
    assert procedure.name in html
    assert procedure.processing_time_display in html
    assert procedure.online_mode in html
    assert "Thủ tục của cơ quan khác" not in html
    assert "Thủ tục đã bãi bỏ" not in html
    assert 'id="procedure-catalogue"' in html
    assert "/api/v1/calendar/due-at/" in html
    assert 'name="received_at"' not in html  # a counter officer cannot backdate


def test_intake_prefills_the_document_checklist(officer_web, procedure):
    html = officer_web.get(f"/ho-so/tiep-nhan/?procedure={procedure.pk}").content.decode()
    assert 'value="Đơn đề nghị (theo mẫu)"' in html
    assert 'value="Bản sao căn cước công dân"' in html


def test_backdating_field_only_for_the_permission(client, head, procedure):
    client.force_login(head)
    assert 'name="received_at"' in client.get("/ho-so/tiep-nhan/").content.decode()


def test_intake_needs_the_add_permission(client, agency):
    from accounts.roles import STATISTICS

    client.force_login(factories.staff(agency=agency, roles=[STATISTICS], username="thongke"))
    assert client.get("/ho-so/tiep-nhan/").status_code == 403


def test_intake_creates_a_dossier_and_redirects_to_the_receipt(officer_web, procedure, officer):
    response = officer_web.post("/ho-so/tiep-nhan/", intake_data(procedure))
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/ho-so/{dossier.code}/bien-nhan/"
    assert dossier.applicant_phone == "0912345678"
    assert dossier.received_by == officer
    assert dossier.documents == [
        {"name": "Đơn đề nghị (theo mẫu)", "kind": "original", "count": 1},
        {"name": "Bản sao căn cước công dân", "kind": "copy", "count": 2},
    ]
    page = officer_web.get(response["Location"])
    assert f"Đã tiếp nhận hồ sơ {dossier.code}." in page.content.decode()


def test_intake_with_a_backdated_paper_record(client, head, procedure):
    client.force_login(head)
    data = intake_data(procedure, received_at="2026-11-24T14:30")
    assert client.post("/ho-so/tiep-nhan/", data).status_code == 302
    received = Dossier.objects.get().received_at
    assert received.isoformat() == "2026-11-24T07:30:00+00:00"


def test_invalid_phone_is_shown_next_to_the_field_and_nothing_is_written(officer_web, procedure):
    before = Dossier.objects.count()
    response = officer_web.post("/ho-so/tiep-nhan/", intake_data(procedure, applicant_phone="12345"))
    assert response.status_code == 200
    assert Dossier.objects.count() == before
    html = response.content.decode()
    error = html.index('id="id_applicant_phone_error"')
    field = html.index('name="applicant_phone"')
    assert 0 < error - field < 600  # right after its own input
    assert "Số điện thoại không đúng định dạng Việt Nam" in html[error:]


def test_service_errors_are_mapped_to_fields(officer_web, procedure):
    procedure_pk = procedure.pk
    data = intake_data(procedure)
    # Deactivated between page load and submit: the form no longer offers it.
    type(procedure).objects.filter(pk=procedure_pk).update(is_active=False)
    response = officer_web.post("/ho-so/tiep-nhan/", data)
    assert response.status_code == 200
    assert 'id="id_procedure_error"' in response.content.decode()
    assert Dossier.objects.count() == 0


def test_ticked_document_needs_a_name(officer_web, procedure):
    response = officer_web.post("/ho-so/tiep-nhan/", intake_data(procedure, **{"docs-2-included": "on"}))
    assert "Cần nhập tên giấy tờ." in response.content.decode()
    assert Dossier.objects.count() == 0


# ---------------------------------------------------------------------------- receipt (Mẫu 01)


def test_receipt_carries_every_field_of_form_01(officer_web, dossier, agency):
    response = officer_web.get(f"/ho-so/{dossier.code}/bien-nhan/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        dossier.code,
        "Phạm Thị Hoa",
        "12 Lê Lợi, phường Bến Thành",
        "0987654321",
        "hoa@example.vn",
        dossier.procedure.name,
        "Đơn đề nghị",
        "Bản chính",
        "5 ngày làm việc",
        "09 giờ 00 phút, ngày 25/11/2026",  # received
        "09 giờ 00 phút, ngày 02/12/2026",  # due: 5 working days later
        f"Quyển số: <strong>{dossier.book_volume}</strong>, Số thứ tự: <strong>{dossier.book_line}</strong>",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Nguyễn Thị Lan",  # the officer, family name first
        "<svg",
        f"http://testserver/tra-cuu/?ma={dossier.code}",
    ]:
        assert text in html, text


def test_receipt_result_place_falls_back_to_the_address(officer_web, dossier, agency):
    agency.address = "1 Nguyễn Du, TP. Bình Minh"
    agency.save()
    assert "1 Nguyễn Du, TP. Bình Minh" in officer_web.get(f"/ho-so/{dossier.code}/bien-nhan/").content.decode()
    agency.result_place = "Quầy số 3, Trung tâm Phục vụ hành chính công"
    agency.save()
    assert "Quầy số 3" in officer_web.get(f"/ho-so/{dossier.code}/bien-nhan/").content.decode()


# ---------------------------------------------------------------------------- scoping


def test_another_agencys_dossier_is_a_404(officer_web, foreign_dossier):
    code = foreign_dossier.code
    assert officer_web.get(f"/ho-so/{code}/").status_code == 404
    assert officer_web.get(f"/ho-so/{code}/bien-nhan/").status_code == 404
    assert officer_web.get(f"/ho-so/{code}/mau-02/").status_code == 404
    assert officer_web.get(f"/ho-so/{code}/mau-03/").status_code == 404
    assert officer_web.post(f"/ho-so/{code}/thao-tac/result_ready/", {}).status_code == 404
    foreign_dossier.refresh_from_db()
    assert foreign_dossier.status == Status.IN_PROGRESS
    assert code not in officer_web.get("/ho-so/").content.decode()


# ---------------------------------------------------------------------------- dossier page and actions


def test_dossier_page_shows_timeline_classification_and_actions(officer_web, dossier):
    response = officer_web.get(f"/ho-so/{dossier.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Phạm Thị Hoa" in html
    assert "Tiếp nhận" in html and "25/11/2026 09:00" in html
    assert "Trong hạn" in html
    for kind in ["supplement_requested", "suspended", "transferred", "result_ready", "refused", "withdrawn"]:
        assert f"/ho-so/{dossier.code}/thao-tac/{kind}/" in html
    assert f"/ho-so/{dossier.code}/thao-tac/returned/" not in html
    assert "/mau-02/" not in html


def test_finish_then_return(officer_web, dossier):
    base = f"/ho-so/{dossier.code}/thao-tac"
    finished = officer_web.post(f"{base}/result_ready/", {"result_ready-result_note": "Đã cấp bản sao"})
    assert finished.status_code == 302
    assert finished["Location"] == f"/ho-so/{dossier.code}/"
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY
    assert dossier.result_note == "Đã cấp bản sao"
    page = officer_web.get(finished["Location"]).content.decode()
    assert f"Đã ghi nhận kết quả của hồ sơ {dossier.code}." in page
    assert "Trước hạn" in page

    returned = officer_web.post(f"{base}/returned/", {"returned-note": ""})
    assert returned.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED


def test_every_other_action_form(officer_web, dossier, procedure, officer):
    base = f"/ho-so/{dossier.code}/thao-tac"
    steps = [
        ("transferred", {"transferred-to_unit": "Phòng Khảo thí", "transferred-note": "Chuyển thẩm định"}),
        (
            "supplement_requested",
            {
                "supplement_requested-items": "Bản sao học bạ\n\nGiấy khai sinh",
                "supplement_requested-reason": "Thiếu giấy tờ",
            },
        ),
        ("supplement_received", {"supplement_received-note": ""}),
        ("suspended", {"suspended-reason": "Chờ xác minh"}),
        ("resumed", {}),
    ]
    for kind, data in steps:
        response = officer_web.post(f"{base}/{kind}/", data)
        assert response.status_code == 302, (kind, response.content.decode()[:2000])
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS
    assert dossier.current_unit == "Phòng Khảo thí"
    assert list(dossier.events.values_list("type", flat=True)) == [
        "received",
        "transferred",
        "supplement_requested",
        "supplement_received",
        "suspended",
        "resumed",
    ]
    assert dossier.events.get(type="supplement_requested").payload["items"] == ["Bản sao học bạ", "Giấy khai sinh"]
    html = officer_web.get(f"/ho-so/{dossier.code}/").content.decode()
    assert "Bộ phận Một cửa → Phòng Khảo thí" in html

    refused = factories.receive_dossier(procedure=procedure, actor=officer)
    assert (
        officer_web.post(
            f"/ho-so/{refused.code}/thao-tac/refused/", {"refused-reason": "Không thuộc thẩm quyền"}
        ).status_code
        == 302
    )
    withdrawn = factories.receive_dossier(procedure=procedure, actor=officer)
    assert officer_web.post(f"/ho-so/{withdrawn.code}/thao-tac/withdrawn/", {}).status_code == 302
    refused.refresh_from_db()
    withdrawn.refresh_from_db()
    assert (refused.status, withdrawn.status) == (Status.REFUSED, Status.WITHDRAWN)


def test_action_validation_error_is_shown_next_to_the_field(officer_web, dossier):
    response = officer_web.post(f"/ho-so/{dossier.code}/thao-tac/suspended/", {"suspended-reason": "  "})
    assert response.status_code == 200
    html = response.content.decode()
    error = html.index('id="id_suspended-reason_error"')
    assert 0 < error - html.index('name="suspended-reason"') < 600
    assert "Cần nêu lý do tạm dừng." in html
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS


def test_not_allowed_action_shows_the_conflict_with_409(officer_web, dossier):
    response = officer_web.post(f"/ho-so/{dossier.code}/thao-tac/returned/", {})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Hồ sơ đang giải quyết, không thể trả kết quả." in html
    assert f"/ho-so/{dossier.code}/thao-tac/result_ready/" in html  # the page is usable again


def test_unknown_action_is_404_and_reading_only_users_cannot_act(client, officer_web, dossier, agency):
    assert officer_web.post(f"/ho-so/{dossier.code}/thao-tac/deleted/", {}).status_code == 404
    assert officer_web.get(f"/ho-so/{dossier.code}/thao-tac/result_ready/").status_code == 405
    from accounts.roles import STATISTICS

    client.force_login(factories.staff(agency=agency, roles=[STATISTICS], username="thongke"))
    assert client.post(f"/ho-so/{dossier.code}/thao-tac/result_ready/", {}).status_code == 403
    assert "/thao-tac/" not in client.get(f"/ho-so/{dossier.code}/").content.decode()


# ---------------------------------------------------------------------------- Mẫu 02 and Mẫu 03


def test_form_02_for_the_latest_supplement_request(officer_web, dossier, agency):
    assert officer_web.get(f"/ho-so/{dossier.code}/mau-02/").status_code == 404
    agency.phone = "0263 3822 123"
    agency.save()
    officer_web.post(
        f"/ho-so/{dossier.code}/thao-tac/supplement_requested/",
        {"supplement_requested-items": "Bản sao học bạ", "supplement_requested-reason": "Hồ sơ thiếu học bạ"},
    )
    assert f"/ho-so/{dossier.code}/mau-02/" in officer_web.get(f"/ho-so/{dossier.code}/").content.decode()
    html = officer_web.get(f"/ho-so/{dossier.code}/mau-02/").content.decode()
    for text in [
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "Bản sao học bạ",
        "Hồ sơ thiếu học bạ",
        "0263 3822 123",
        "Nguyễn Thị Lan",
        dossier.code,
    ]:
        assert text in html, text


def test_form_03_for_the_refusal(officer_web, dossier):
    assert officer_web.get(f"/ho-so/{dossier.code}/mau-03/").status_code == 404
    officer_web.post(
        f"/ho-so/{dossier.code}/thao-tac/refused/",
        {"refused-reason": "Không thuộc thẩm quyền\nĐã có quyết định khác"},
    )
    html = officer_web.get(f"/ho-so/{dossier.code}/mau-03/").content.decode()
    for text in [
        "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ",
        "<li>Không thuộc thẩm quyền</li>",
        "<li>Đã có quyết định khác</li>",
    ]:
        assert text in html, text


# ---------------------------------------------------------------------------- search


def test_search_filters(officer_web, procedure, officer):
    hoa = factories.receive_dossier(procedure=procedure, actor=officer, applicant_name="Trần Thị Hoa")
    nam = factories.receive_dossier(
        procedure=procedure, actor=officer, applicant_name="Lý Văn Nam", applicant_phone="0351112222"
    )
    officer_web.post(f"/ho-so/{nam.code}/thao-tac/result_ready/", {}, follow=True)

    def listed(**params) -> set[str]:
        html = officer_web.get("/ho-so/", params).content.decode()
        return {code for code in (hoa.code, nam.code) if f'href="/ho-so/{code}/"' in html}

    assert listed() == {hoa.code, nam.code}
    assert listed(q="Hoa") == {hoa.code}
    assert listed(q="0351112222") == {nam.code}
    assert listed(q=nam.code) == {nam.code}
    assert listed(status="result_ready", q="") == {nam.code}
    assert listed(overdue="true", status="") == set()
    assert "Không có hồ sơ nào phù hợp." in officer_web.get("/ho-so/", {"overdue": "true"}).content.decode()


def test_search_shows_overdue_dossiers(officer_web, procedure, head):
    import datetime as dt

    from procedures.calendar import VN_TZ

    late = factories.receive_dossier(
        procedure=procedure, actor=head, received_at=dt.datetime(2026, 11, 10, 9, 0, tzinfo=VN_TZ)
    )
    html = officer_web.get("/ho-so/", {"overdue": "true"}).content.decode()
    assert f'href="/ho-so/{late.code}/"' in html
    assert "Quá hạn (đang giải quyết)" in html
    assert "17/11/2026 09:00" in html


def test_search_pages_by_25(officer_web, procedure, officer):
    for _ in range(27):
        factories.receive_dossier(procedure=procedure, actor=officer)
    first = officer_web.get("/ho-so/").content.decode()
    assert first.count('class="code" href="/ho-so/') == 25
    assert "trang=2" in first
    second = officer_web.get("/ho-so/", {"trang": 2}).content.decode()
    assert second.count('class="code" href="/ho-so/') == 2


def test_search_query_count_does_not_grow_with_rows(officer_web, procedure, officer):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert officer_web.get("/ho-so/").status_code == 200
        return len(queries)

    for _ in range(3):
        factories.receive_dossier(procedure=procedure, actor=officer)
    three = count_queries()
    for _ in range(7):
        factories.receive_dossier(procedure=procedure, actor=officer)
    assert count_queries() == three


# ---------------------------------------------------------------------------- public look-up


def test_public_lookup_shows_status_but_no_personal_data(client, dossier):
    form = client.get(f"/tra-cuu/?ma={dossier.code}")
    assert form.status_code == 200
    assert f'value="{dossier.code}"' in form.content.decode()

    response = client.post("/tra-cuu/", {"ma": dossier.code, "sdt": "4321"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đang giải quyết" in html
    assert "02/12/2026 09:00" in html
    assert dossier.procedure.name in html
    assert dossier.agency.name in html
    assert "25/11/2026" in html
    for secret in ["Phạm Thị Hoa", "0987654321", "001203004567", "hoa@example.vn", "Lê Lợi"]:
        assert secret not in html, secret


def test_public_lookup_mismatch_is_generic(client, dossier):
    wrong_digits = client.post("/tra-cuu/", {"ma": dossier.code, "sdt": "1111"}).content.decode()
    wrong_code = client.post("/tra-cuu/", {"ma": "KHONG-CO", "sdt": "4321"}).content.decode()
    for html in (wrong_digits, wrong_code):
        assert "Không tìm thấy hồ sơ" in html
        assert "Đang giải quyết" not in html


def test_public_lookup_is_rate_limited_per_address(client, dossier):
    for i in range(20):  # on many codes: one code's own limit is in test_phone_guesses.py
        response = client.post("/tra-cuu/", {"ma": f"KHONG-CO-{i}", "sdt": "0000"}, REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 200
    blocked = client.post("/tra-cuu/", {"ma": dossier.code, "sdt": "4321"}, REMOTE_ADDR="203.0.113.7")
    assert blocked.status_code == 429
    assert "Bạn đã tra cứu quá nhiều lần" in blocked.content.decode()
    assert "Đang giải quyết" not in blocked.content.decode()
    other = client.post("/tra-cuu/", {"ma": dossier.code, "sdt": "4321"}, REMOTE_ADDR="203.0.113.8")
    assert other.status_code == 200


def test_rate_limit_window_expires(client, dossier, frozen_now):
    import datetime as dt

    for i in range(21):
        client.post("/tra-cuu/", {"ma": f"KHONG-CO-{i}", "sdt": "0000"}, REMOTE_ADDR="203.0.113.9")
    frozen_now.shift(dt.timedelta(minutes=10, seconds=1))
    again = client.post("/tra-cuu/", {"ma": dossier.code, "sdt": "4321"}, REMOTE_ADDR="203.0.113.9")
    assert again.status_code == 200
