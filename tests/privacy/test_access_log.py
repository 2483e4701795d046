"""Every read of a dossier's personal data leaves one row in the append-only access log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.roles import ADMINISTRATOR, COUNTER_OFFICER, DEPARTMENT_HEAD
from apology_letters import services as letters
from dossiers import services
from feedback.services import survey_plan_create
from privacy.models import AppendOnly, PersonalDataAccess
from tests import factories
from tests.conftest import NOW
from tests.feedback.conftest import returned

pytestmark = pytest.mark.django_db
Kind = PersonalDataAccess.Kind
ID_NUMBER = "079203004534"
MASKED = "0792******34"


@pytest.fixture
def dossier(procedure, head):
    return factories.receive_dossier(procedure=procedure, actor=head, applicant_id_number=ID_NUMBER)


@pytest.fixture
def head_web(client, head):
    client.force_login(head)
    return client


def _only_row() -> PersonalDataAccess:
    rows = list(PersonalDataAccess.objects.all())
    assert len(rows) == 1, rows
    return rows[0]


def test_dossier_page_logs_who_when_what_and_from_where(head_web, head, dossier):
    response = head_web.get(
        f"/ho-so/{dossier.code}/", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 500
    )
    assert response.status_code == 200
    assert ID_NUMBER in response.content.decode()  # the full number, here only
    row = _only_row()
    assert (row.user, row.username, row.kind, row.source) == (head, "lanhdao", Kind.DOSSIER_PAGE, "web")
    assert (row.dossier_id, row.dossier_code, row.agency_id) == (dossier.pk, dossier.code, dossier.agency_id)
    assert row.at == NOW
    assert (row.ip, row.count) == ("203.0.113.7", 1)
    assert row.user_agent.startswith("Mozilla/5.0 x") and len(row.user_agent) == 200


@pytest.mark.parametrize(
    ("suffix", "kind"), [("bien-nhan/", Kind.RECEIPT), ("mau-02/", Kind.FORM02), ("xin-loi/", Kind.LETTER_PAGE)]
)
def test_printed_forms_of_a_dossier_are_logged(head_web, head, dossier, suffix, kind):
    services.dossier_request_supplement(dossier=dossier, actor=head, items=["Bản sao sổ hộ khẩu"], reason="Thiếu")
    assert head_web.get(f"/ho-so/{dossier.code}/{suffix}").status_code == 200
    assert (_only_row().kind, _only_row().dossier_code) == (kind, dossier.code)


def test_refusal_form_is_logged(head_web, head, dossier):
    services.dossier_refuse(dossier=dossier, actor=head, reason="Không thuộc thẩm quyền")
    assert head_web.get(f"/ho-so/{dossier.code}/mau-03/").status_code == 200
    assert _only_row().kind == Kind.FORM03


def test_letter_page_print_and_docx_are_logged(head_web, head, dossier):
    letter = letters.letter_draft(dossier=dossier, actor=head, reason="Chờ xác minh")
    for suffix, kind in (("", Kind.LETTER_PAGE), ("in/", Kind.LETTER_PRINT), ("tai-ve.docx", Kind.LETTER_DOCX)):
        assert head_web.get(f"/phieu-xin-loi/{letter.pk}/{suffix}").status_code == 200
        latest = PersonalDataAccess.objects.first()
        assert (latest.kind, latest.dossier_code) == (kind, dossier.code)
    assert PersonalDataAccess.objects.count() == 3


def test_another_agencys_dossier_is_404_and_logs_nothing(head_web):
    other = factories.ProcedureFactory()
    foreign = factories.receive_dossier(
        procedure=other, actor=factories.staff(agency=other.agency, roles=[COUNTER_OFFICER], username="khac")
    )
    assert head_web.get(f"/ho-so/{foreign.code}/").status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_lists_log_nothing_and_show_the_id_number_masked(head_web, head, dossier):
    html = head_web.get("/ho-so/").content.decode()
    assert MASKED in html
    assert ID_NUMBER not in html
    dashboard = head_web.get("/bang-dieu-khien/")
    assert dashboard.status_code == 200
    assert ID_NUMBER not in dashboard.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_dossier_page_costs_one_insert_more_than_without_the_log(head_web, head, dossier):
    url = f"/ho-so/{dossier.code}/"
    head_web.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert head_web.get(url).status_code == 200
    inserts = [q["sql"] for q in queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1 and "privacy_personaldataaccess" in inserts[0]
    services.dossier_transfer(dossier=dossier, actor=head, to_unit="Phòng A")
    services.dossier_transfer(dossier=dossier, actor=head, to_unit="Phòng B")
    with CaptureQueriesContext(connection) as more:
        assert head_web.get(url).status_code == 200
    assert len(more) == len(queries)


# ---------------------------------------------------------------------------- API


@pytest.fixture
def head_api(head):
    client = APIClient()
    client.force_authenticate(head)
    return client


def test_api_list_masks_the_id_number_and_logs_nothing(head_api, dossier):
    body = head_api.get("/api/v1/dossiers/").json()
    assert [row["applicant_id_number"] for row in body["results"]] == [MASKED]
    found = head_api.get("/api/v1/dossiers/", {"q": ID_NUMBER}).json()  # still searchable by the full number
    assert [row["code"] for row in found["results"]] == [dossier.code]
    assert not PersonalDataAccess.objects.exists()


def test_api_detail_shows_the_full_number_and_logs_the_read(head_api, head, dossier):
    body = head_api.get(f"/api/v1/dossiers/{dossier.code}/", REMOTE_ADDR="198.51.100.4").json()
    assert body["applicant_id_number"] == ID_NUMBER
    row = _only_row()
    assert (row.kind, row.source, row.user, row.dossier_id, row.ip) == (
        Kind.API_DETAIL, "api", head, dossier.pk, "198.51.100.4"
    )


def test_api_detail_costs_one_insert(head_api, dossier):
    url = f"/api/v1/dossiers/{dossier.code}/"
    head_api.get(url)
    with CaptureQueriesContext(connection) as queries:
        head_api.get(url)
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"}]
    assert len(writes) == 1 and "privacy_personaldataaccess" in writes[0]


def test_an_action_answer_carries_the_full_record_and_is_logged(head_api, dossier):
    response = head_api.post(f"/api/v1/dossiers/{dossier.code}/transfer/", {"to_unit": "Phòng A"}, format="json")
    assert response.status_code == 200, response.json()
    assert _only_row().kind == Kind.API_DETAIL


def test_the_api_list_query_count_is_unchanged_by_masking(head_api, procedure, head):
    def count() -> int:
        head_api.get("/api/v1/dossiers/")
        with CaptureQueriesContext(connection) as queries:
            head_api.get("/api/v1/dossiers/")
        return len(queries)

    factories.receive_dossier(procedure=procedure, actor=head)
    one = count()
    for _ in range(5):
        factories.receive_dossier(procedure=procedure, actor=head)
    assert count() == one


# ---------------------------------------------------------------------------- exports


def test_survey_call_list_export_is_one_row_with_its_count(agency, head, procedure, frozen_now):
    frozen_now.move_to(dt.datetime(2026, 11, 10, 9, tzinfo=NOW.tzinfo))
    for index in range(3):
        returned(procedure=procedure, actor=head, applicant_name=f"Người {index}")
    frozen_now.move_to(NOW)
    plan = survey_plan_create(
        agency=agency, actor=head, title="Quý IV", year=2026, per_field=5,
        returned_from=dt.date(2026, 11, 1), returned_to=dt.date(2026, 11, 30),
    )
    client = APIClient()
    client.force_authenticate(head)
    assert client.get(f"/api/v1/survey-plans/{plan.pk}/export/").status_code == 200
    row = _only_row()
    assert (row.kind, row.count, row.agency_id, row.dossier_id) == (Kind.SURVEY_EXPORT, 3, agency.pk, None)
    assert f"#{plan.pk}" in row.subject


def test_tracking_book_export_is_logged(tmp_path, agency, head, dossier):
    call_command("export_tracking_book", agency=agency.code, date_from="2026-11-01", date_to="2026-11-30",
                 output=str(tmp_path / "so.xlsx"), verbosity=0)
    row = _only_row()
    assert (row.kind, row.source, row.count, row.agency_id) == (Kind.TRACKING_BOOK, "command", 1, agency.pk)
    assert row.username.startswith("(hệ điều hành)")
    assert "01/11/2026" in row.subject


def test_feedback_item_page_is_logged(head_web, agency, head):
    from feedback.services.items import feedback_receive

    item = feedback_receive(
        agency=agency, channel="counter", category="comment", content="Góp ý", contact_name="Lê Văn Bình",
        contact_phone="0912000111", actor=head,
    ).item
    assert head_web.get(f"/pakn/{item.code}/").status_code == 200
    row = _only_row()
    assert (row.kind, row.subject, row.agency_id) == (Kind.FEEDBACK_PAGE, item.code, agency.pk)


# ---------------------------------------------------------------------------- append-only


def test_rows_cannot_be_changed_or_deleted_through_the_orm(head_web, dossier):
    head_web.get(f"/ho-so/{dossier.code}/")
    row = _only_row()
    row.username = "ai-do"
    with pytest.raises(AppendOnly):
        row.save()
    with pytest.raises(AppendOnly):
        row.delete()
    with pytest.raises(AppendOnly):
        PersonalDataAccess.objects.update(username="ai-do")
    with pytest.raises(AppendOnly):
        PersonalDataAccess.objects.all().delete()
    assert PersonalDataAccess.objects.get().username == "lanhdao"


@pytest.mark.postgres
def test_postgresql_refuses_update_and_delete_in_the_database(head_web, dossier):
    head_web.get(f"/ho-so/{dossier.code}/")
    for sql in ("UPDATE privacy_personaldataaccess SET username = 'x'", "DELETE FROM privacy_personaldataaccess"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert PersonalDataAccess.objects.get().username == "lanhdao"


# ---------------------------------------------------------------------------- who reads the log


def _admin_page(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.get("/admin/privacy/personaldataaccess/")


def test_only_administrators_read_the_log_and_only_their_agencys_rows(head_web, agency, dossier):
    head_web.get(f"/ho-so/{dossier.code}/")
    other = factories.ProcedureFactory()
    other_head = factories.staff(agency=other.agency, roles=[DEPARTMENT_HEAD], username="lanhdao2", is_staff=True)
    foreign = factories.receive_dossier(procedure=other, actor=other_head)
    other_client = head_web.__class__()
    other_client.force_login(other_head)
    other_client.get(f"/ho-so/{foreign.code}/")

    mine = factories.staff(agency=agency, roles=[ADMINISTRATOR], username="quantri", is_staff=True)
    page = _admin_page(mine)
    assert page.status_code == 200
    html = page.content.decode()
    assert dossier.code in html and foreign.code not in html

    province = factories.staff(
        agency=agency, roles=[ADMINISTRATOR], province_wide=True, username="quantritinh", is_staff=True
    )
    html = _admin_page(province).content.decode()
    assert dossier.code in html and foreign.code in html

    assert _admin_page(other_head).status_code == 403  # a head with is_staff, not an administrator
    row = PersonalDataAccess.objects.get(dossier_code=foreign.code)
    from django.test import Client

    client = Client()
    client.force_login(mine)
    change = client.get(f"/admin/privacy/personaldataaccess/{row.pk}/change/")
    assert change.status_code in (302, 404)  # another agency's row: not found
    assert client.post(f"/admin/privacy/personaldataaccess/{row.pk}/delete/").status_code in (302, 403, 404)
    assert PersonalDataAccess.objects.filter(pk=row.pk).exists()


def test_admin_change_and_history_pages_of_a_dossier_are_logged(agency, dossier):
    from django.test import Client

    superuser = factories.UserFactory(is_staff=True, is_superuser=True, username="goc")
    client = Client()
    client.force_login(superuser)
    for suffix in ("change/", "history/"):
        assert client.get(f"/admin/dossiers/dossier/{dossier.pk}/{suffix}").status_code == 200
    rows = list(PersonalDataAccess.objects.order_by("id"))
    assert [(row.kind, row.dossier_code, row.username) for row in rows] == [(Kind.ADMIN_PAGE, dossier.code, "goc")] * 2
    assert client.get("/admin/dossiers/dossier/").status_code == 200  # the list logs nothing
    assert PersonalDataAccess.objects.count() == 2


def test_feedback_item_api_detail_is_logged_and_the_list_is_not(head_api, agency, head):
    from feedback.services.items import feedback_receive

    item = feedback_receive(
        agency=agency, channel="counter", category="comment", content="Góp ý", contact_name="Lê Văn Bình",
        contact_phone="0912000111", actor=head,
    ).item
    assert head_api.get("/api/v1/feedback-items/").status_code == 200
    assert not PersonalDataAccess.objects.exists()
    assert head_api.get(f"/api/v1/feedback-items/{item.code}/").json()["contact_name"] == "Lê Văn Bình"
    row = _only_row()
    assert (row.kind, row.source, row.subject) == (Kind.FEEDBACK_PAGE, "api", item.code)
