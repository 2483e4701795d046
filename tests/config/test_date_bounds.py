"""Every date and instant given to the app is bounded by the calendar's SUPPORTED_YEARS (config.dates).

Out of range, each was a 500 somewhere (the calendar's CalendarRangeError, an OverflowError when
shifted to UTC, or PostgreSQL refusing an offset beyond ±15:59). Now: 400 with the message in the
API, the message next to the field on a page, a row error in an import, a validation error in the
admin. Run on SQLite and on PostgreSQL (DATABASE_URL), where the offsets used to fail.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook
from rest_framework.test import APIClient

from accounts.roles import STATISTICS
from apology_letters import services as letter_services
from config.dates import OFFSET_MESSAGE, RANGE_MESSAGE, validate_supported
from dossiers.importing import COLUMNS
from dossiers.models import Dossier
from feedback.models import FeedbackItem, SurveyPlan
from procedures.calendar import SUPPORTED_YEARS, VN_TZ
from procedures.models import CalendarOverride
from tests import factories

OUT_OF_RANGE_DATES = ["0001-01-01", "1900-01-01", "1989-12-31", "2101-01-01", "9999-12-31"]
# Offsets Python parses but PostgreSQL refuses (its limit is ±15:59).
WILD_OFFSETS = ["2026-11-25T09:00:00+16:00", "2026-11-25T09:00:00-23:59", "2026-11-25T09:00:00+23:00"]


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def late_letter(procedure, head):
    """A draft letter for a dossier received Mon 16/11 and late by now (Wed 25/11)."""
    factories.receive_dossier(procedure=procedure, actor=head, received_at=dt.datetime(2026, 11, 16, 14, tzinfo=VN_TZ))
    (letter,) = letter_services.sweep_late_dossiers().drafted
    return letter


# ---------------------------------------------------------------------------- the validator


def test_supported_years_are_the_calendars():
    assert SUPPORTED_YEARS == (1990, 2100)
    assert RANGE_MESSAGE == "Năm phải trong khoảng 1990–2100."


@pytest.mark.parametrize(
    "value",
    [
        dt.date(1990, 1, 1),
        dt.date(2100, 12, 31),
        dt.datetime(2026, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=15, minutes=59))),
    ],
)
def test_the_validator_accepts_the_bounds(value):
    validate_supported(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (dt.date(1989, 12, 31), RANGE_MESSAGE),
        (dt.date(2101, 1, 1), RANGE_MESSAGE),
        (dt.datetime(2026, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=16))), OFFSET_MESSAGE),
        (dt.datetime(2026, 1, 1, tzinfo=dt.timezone(-dt.timedelta(hours=16))), OFFSET_MESSAGE),
    ],
)
def test_the_validator_refuses_with_the_message(value, message):
    with pytest.raises(ValidationError) as excinfo:
        validate_supported(value)
    assert excinfo.value.messages == [message]


# ---------------------------------------------------------------------------- pages


@pytest.mark.parametrize("url", ["/hai-long/bao-cao/", "/hai-long/bao-cao.xlsx"])
@pytest.mark.parametrize(("param", "value"), [("tu", "0001-01-01"), ("den", "9999-12-31"), ("tu", "1900-06-01")])
def test_satisfaction_report_page_refuses_a_date_out_of_range_next_to_the_field(client, agency, url, param, value):
    client.force_login(factories.staff(agency=agency, roles=[STATISTICS], username="thongke"))
    response = client.get(url, {param: value})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert f'<div class="field-error" id="{param}-error"><p>{RANGE_MESSAGE}</p></div>' in html
    assert f'name="{param}" value="{value}" aria-invalid="true"' in html


def test_satisfaction_report_page_still_takes_a_good_period(client, agency):
    client.force_login(factories.staff(agency=agency, roles=[STATISTICS], username="thongke"))
    response = client.get("/hai-long/bao-cao/", {"tu": "2026-11-01", "den": "2026-11-30"})
    assert response.status_code == 200
    assert "field-error" not in response.content.decode()


@pytest.mark.parametrize("new_due_at", ["2101-01-05T09:00", "9999-12-31T09:00", "1900-01-01T09:00"])
def test_letter_new_date_out_of_range_is_an_error_next_to_the_field(client, head, late_letter, new_due_at):
    client.force_login(head)
    response = client.post(
        f"/phieu-xin-loi/{late_letter.pk}/sua/", {"edit-reason": "Chờ ý kiến phối hợp", "edit-new_due_at": new_due_at}
    )
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert f'<div class="field-error" id="id_edit-new_due_at_error"><p>{RANGE_MESSAGE}</p></div>' in html
    late_letter.refresh_from_db()
    assert late_letter.new_due_at.year == 2026


@pytest.mark.parametrize("received_at", ["1900-01-01T08:00", "2101-01-01T08:00"])
def test_staff_feedback_received_out_of_range_is_an_error_next_to_the_field(client, officer, procedure, received_at):
    client.force_login(officer)
    data = {
        "channel": "hotline", "category": "comment", "content": "Góp ý về bãi giữ xe.", "dossier_code": "",
        "procedure": str(procedure.pk), "contact_name": "Bà Tư", "contact_phone": "0912000111",
        "contact_email": "", "contact_address": "", "received_at": received_at,
    }
    response = client.post("/pakn/ghi-nhan/", data)
    assert response.status_code == 200
    assert RANGE_MESSAGE in response.content.decode()
    assert not FeedbackItem.objects.exists()


@pytest.mark.parametrize("value", ["abc", "-1", "1e3", "١٢", "99999999999999999999999", "%00"])
def test_intake_page_ignores_a_procedure_hint_that_is_no_id(client, officer, procedure, value):
    client.force_login(officer)
    response = client.get("/ho-so/tiep-nhan/", {"procedure": value})
    assert response.status_code == 200


def test_intake_page_still_preselects_a_procedure(client, officer, procedure):
    client.force_login(officer)
    response = client.get("/ho-so/tiep-nhan/", {"procedure": str(procedure.pk)})
    assert response.context["form"].initial["procedure"] == procedure.pk


# ---------------------------------------------------------------------------- API


@pytest.mark.parametrize("value", OUT_OF_RANGE_DATES)
@pytest.mark.parametrize(
    ("url", "param", "extra"),
    [
        ("/api/v1/feedback-items/report/", "date_from", {"date_to": "2026-11-30"}),
        ("/api/v1/satisfaction-ratings/report/", "date_from", {"date_to": "2026-11-30"}),
        ("/api/v1/satisfaction-ratings/report-xlsx/", "date_from", {"date_to": "2026-11-30"}),
        ("/api/v1/dossiers/", "received_from", {}),
        ("/api/v1/feedback-items/", "received_from", {}),
        ("/api/v1/satisfaction-ratings/", "rated_to", {}),
        ("/api/v1/calendar-overrides/", "date_from", {}),
        ("/api/v1/calendar/non-working-days/", "from", {"to": "2026-12-31"}),
        ("/api/v1/reports/online/", "from", {"to": "2026-11-30"}),
    ],
)
def test_api_query_dates_out_of_range_are_400(admin_user, url, param, extra, value):
    response = api(admin_user).get(url, {param: value, **extra})
    assert response.status_code == 400, response.content
    assert response.json()[param] == [RANGE_MESSAGE]


@pytest.mark.parametrize("value", [*WILD_OFFSETS, "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59Z"])
@pytest.mark.parametrize(
    ("url", "param"), [("/api/v1/dossiers/", "due_before"), ("/api/v1/apology-letters/", "drafted_from")]
)
def test_api_instant_filters_out_of_range_are_400(admin_user, url, param, value):
    response = api(admin_user).get(url, {param: value})
    assert response.status_code == 400, response.content
    assert response.json()[param] in ([RANGE_MESSAGE], [OFFSET_MESSAGE])


def test_api_instant_filter_in_range_still_filters(admin_user, procedure, head):
    factories.receive_dossier(procedure=procedure, actor=head)
    client = api(admin_user)
    assert client.get("/api/v1/dossiers/", {"due_before": "2026-12-31T00:00:00+14:00"}).json()["count"] == 1
    assert client.get("/api/v1/dossiers/", {"due_before": "2026-11-01T00:00:00-12:00"}).json()["count"] == 0


@pytest.mark.parametrize("value", ["0001-01-01", "2101-01-01"])
def test_api_survey_plan_out_of_range_is_400(head, value):
    client = api(head)
    body = {"year": 2026, "returned_from": value, "returned_to": "2026-11-30", "per_field": 5}
    response = client.post("/api/v1/survey-plans/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["returned_from"] == [RANGE_MESSAGE]
    assert not SurveyPlan.objects.exists()


@pytest.mark.parametrize("value", ["2101-01-05T09:00:00+07:00", "9999-12-31T09:00:00+07:00", "1900-01-01T09:00:00Z"])
def test_api_letter_new_date_out_of_range_is_400(head, late_letter, value):
    response = api(head).patch(f"/api/v1/apology-letters/{late_letter.pk}/", {"new_due_at": value}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["new_due_at"] == [RANGE_MESSAGE]


@pytest.mark.parametrize("value", ["1900-01-01T08:00:00+07:00", "2101-01-01T08:00:00+07:00"])
def test_api_feedback_received_out_of_range_is_400(officer, value):
    body = {
        "channel": "hotline", "category": "comment", "content": "Góp ý", "contact_name": "Bà Tư", "received_at": value
    }
    response = api(officer).post("/api/v1/feedback-items/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["received_at"] == [RANGE_MESSAGE]


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+07:00", "2101-01-01T00:00:00Z", "9999-12-31T23:59:59-05:00"])
def test_api_at_instant_out_of_range_is_400(head, procedure, value):
    dossier = factories.receive_dossier(procedure=procedure, actor=head)
    client = api(head)
    detail = client.get(f"/api/v1/dossiers/{dossier.code}/", {"at": value})
    assert detail.status_code == 400, detail.content
    assert detail.json()["at"]
    action = client.post(f"/api/v1/dossiers/{dossier.code}/finish/", {"at": value}, format="json")
    assert action.status_code == 400, action.content
    assert action.json()["at"]
    due = client.get("/api/v1/calendar/due-at/", {"received_at": value, "amount": 5, "unit": "working_days"})
    assert due.status_code == 400, due.content
    assert due.json()["received_at"]


# ---------------------------------------------------------------------------- imports and admin


def test_import_refuses_a_due_date_after_the_calendar_and_imports_nothing(tmp_path, head, procedure):
    keys = [key for key, _header in COLUMNS]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([header for _key, header in COLUMNS])
    values = {
        "code": "SO-2101", "procedure_code": procedure.code, "applicant_name": "Lê Thị Mai",
        "applicant_phone": "0987654321", "received_at": "20/11/2026 08:30", "due_at": "01/01/2101",
        "channel": "Trực tiếp",
    }
    sheet.append([values.get(key) for key in keys])
    path = tmp_path / "so.xlsx"
    workbook.save(path)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_dossiers", str(path), "--user", head.username, stdout=io.StringIO(), stderr=err)
    assert "năm 2101 không hợp lệ (ngày 01/01/2101): năm phải trong khoảng 2000–2100." in err.getvalue()
    assert not Dossier.objects.exists()


@pytest.mark.parametrize("value", [dt.date(1, 1, 1), dt.date(9999, 12, 31)])
def test_calendar_override_out_of_range_is_refused_by_the_model_admin_and_api(admin_user, client, value):
    override = CalendarOverride(date=value, kind="off", reason="Nghỉ", legal_reference="CV 1")
    with pytest.raises(ValidationError) as excinfo:
        override.full_clean()
    assert excinfo.value.message_dict["date"] == [RANGE_MESSAGE]

    client.force_login(admin_user)
    response = client.post(
        "/admin/procedures/calendaroverride/add/",
        {"date": value.isoformat(), "kind": "off", "reason": "Nghỉ", "legal_reference": "CV 1"},
    )
    assert response.status_code == 200
    assert RANGE_MESSAGE in response.content.decode()

    body = {"date": value.isoformat(), "kind": "off", "reason": "Nghỉ", "legal_reference": "CV 1"}
    response = api(admin_user).post("/api/v1/calendar-overrides/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["date"] == [RANGE_MESSAGE]
    assert not CalendarOverride.objects.exists()


def test_sweep_command_refuses_an_instant_out_of_range(db):
    with pytest.raises(CommandError, match="Năm phải trong khoảng 1990–2100"):
        call_command("sweep_late_dossiers", "--at", "2101-01-01T00:00+07:00", stdout=io.StringIO())


def test_reporting_commands_refuse_a_date_out_of_range(agency):
    with pytest.raises(CommandError, match=r"--from: Năm phải trong khoảng 1990–2100\."):
        call_command(
            "export_tracking_book", "--agency", agency.code, "--from", "0001-01-01", "--to", "2026-11-30",
            "--output", "/dev/null", stdout=io.StringIO(),
        )
