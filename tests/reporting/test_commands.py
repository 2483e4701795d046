"""The reporting commands: Biểu 06 and tracking-book exports, and the demo-data generator."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from openpyxl import load_workbook

from accounts.roles import COUNTER_OFFICER
from apology_letters.models import ApologyLetter
from dossiers.deadlines import derive_schedule
from dossiers.models import Dossier, DossierCounter, Status
from procedures import calendar
from procedures.calendar import VN_TZ
from procedures.models import Agency, Procedure
from reporting.periods import Period
from reporting.selectors import classification_at_end, report_summary
from tests import factories
from tests.reporting.helpers import assert_invariants


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_export_monthly_stats_official(office, tmp_path):
    target = tmp_path / "bieu06.xlsx"
    output = run("export_monthly_stats", "--agency", office.agency.code, "--period", "2026-11", "-o", str(target))
    assert "Nhận 22" in output
    ws = load_workbook(target)["Biểu 06"]
    assert ws["A5"].value == "(Từ ngày 15/10/2026 đến ngày 14/11/2026)"
    assert ws.cell(12, 3).value == 22


def test_export_monthly_stats_calendar(office, tmp_path):
    target = tmp_path / "bieu06.xlsx"
    run("export_monthly_stats", "--agency", office.agency.code, "--period", "2026-10", "--convention", "calendar",
        "-o", str(target))
    ws = load_workbook(target)["Biểu 06"]
    assert ws["A5"].value == "(Từ ngày 01/10/2026 đến ngày 31/10/2026)"
    assert [ws.cell(12, col).value for col in range(3, 14)] == [19, 5, 8, 6, 11, 4, 4, 3, 8, 4, 4]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agency", "KHONG-CO", "--period", "2026-10"], "Không có cơ quan"),
        (["--period", "2026-13"], "không hợp lệ"),
        (["--period", "2026-10", "-o", "/khong/co/thu/muc/x.xlsx"], "Không có thư mục"),
    ],
)
def test_export_monthly_stats_errors(office, tmp_path, args, message):
    base = {"--agency": office.agency.code, "-o": str(tmp_path / "x.xlsx")}
    given = dict(zip(args[::2], args[1::2], strict=True))
    options = [item for key, value in {**base, **given}.items() for item in (key, value)]
    with pytest.raises(CommandError, match=message):
        run("export_monthly_stats", *options)


def test_export_tracking_book(office, tmp_path):
    target = tmp_path / "so.xlsx"
    output = run("export_tracking_book", "--agency", office.agency.code, "--from", "2026-10-01", "--to", "2026-10-31",
                 "-o", str(target), "--max-rows", "10")
    assert "Đã ghi 13 hồ sơ vào 2 trang tính" in output
    wb = load_workbook(target)
    assert [ws.max_row for ws in wb.worksheets] == [10, 5]


def test_export_tracking_book_errors(office, tmp_path):
    with pytest.raises(CommandError, match="--from"):
        run("export_tracking_book", "--agency", office.agency.code, "--from", "01/10/2026", "--to", "2026-10-31",
            "-o", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="--to"):
        run("export_tracking_book", "--agency", office.agency.code, "--from", "2026-11-01", "--to", "2026-10-31",
            "-o", str(tmp_path / "x.xlsx"))


# --- the generator -------------------------------------------------------------------------------


def _fingerprint():
    return list(Dossier.objects.order_by("code").values_list("code", "due_at", "status", "result_ready_at"))


@pytest.fixture
def generated(db):
    output = run("generate_demo_data", "--dossiers", "400", "--seed", "11", "--agencies", "2", "--from", "2026-06-01")
    assert "400 hồ sơ" in output
    return Agency.objects.filter(code__in=["DEMO11-1", "DEMO11-2"])


def test_generated_dossiers_are_consistent(generated):
    assert generated.count() == 2
    assert Dossier.objects.count() == 400
    levels = set(Procedure.objects.filter(agency__in=generated).values_list("online_level", flat=True))
    assert levels == {1, 2, 3, 4}
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert {Status.IN_PROGRESS, Status.RETURNED, Status.RESULT_READY, Status.WITHDRAWN} <= statuses
    assert set(Dossier.objects.values_list("channel", flat=True)) == {"online", "counter", "post"}
    dossiers = Dossier.objects.select_related("procedure", "agency").prefetch_related("events")
    for dossier in dossiers:
        dates = (dossier.received_date, dossier.due_date, dossier.finished_date, dossier.closed_date)
        dossier.sync_local_dates()
        assert dates == (dossier.received_date, dossier.due_date, dossier.finished_date, dossier.closed_date)
        events = [(event.type, event.at, event.payload) for event in dossier.events.all()]
        schedule = derive_schedule(procedure=dossier.procedure, agency=dossier.agency, events=events)
        assert (schedule.due_at, schedule.paused_at) == (dossier.due_at, dossier.paused_at), dossier.code
        if dossier.result_ready_at:
            minutes = calendar.working_minutes_between(dossier.received_at, dossier.result_ready_at, dossier.agency)
            assert dossier.processing_minutes == max(0, minutes)
        else:
            assert dossier.processing_minutes is None
        assert dossier.received_at < dt.datetime(2026, 11, 25, tzinfo=VN_TZ)
        assert dossier.code.startswith(f"{dossier.agency.code}-{dossier.received_at.astimezone(VN_TZ):%Y%m%d}-")
    for agency in generated:  # book lines run in the order of receipt
        in_order = Dossier.objects.filter(agency=agency).order_by("received_at", "id")
        lines = list(in_order.values_list("book_line", flat=True))
        assert lines == list(range(1, len(lines) + 1))
    issued = ApologyLetter.objects.filter(status=ApologyLetter.Status.ISSUED).select_related("dossier")
    assert issued.exists()
    assert all(letter.dossier.appointment_at == letter.new_due_at for letter in issued)
    assert Dossier.objects.filter(supplement_rule_breached=True).exists()
    assert DossierCounter.objects.filter(agency__in=generated, scope="Y2026").exists()


def test_generated_office_reports_hold_the_invariants(generated):
    period = Period.calendar_month(2026, 10)
    report = report_summary(period=period, group_by="procedure", agency_ids=[a.pk for a in generated])
    assert_invariants(report)
    assert report.total.settled_total > 0 and report.total.carried_over > 0
    received = Dossier.objects.filter(received_date__lte=period.end).annotate(at_end=classification_at_end(period))
    assert all(dossier.at_end == dossier.classify(period.end_instant) for dossier in received)


def test_generator_is_reproducible_and_refuses_a_used_seed(db):
    with transaction.atomic():
        run("generate_demo_data", "--dossiers", "50", "--seed", "3", "--agencies", "1")
        first = _fingerprint()
        transaction.set_rollback(True)
    run("generate_demo_data", "--dossiers", "50", "--seed", "3", "--agencies", "1")
    assert _fingerprint() == first
    with pytest.raises(CommandError, match="seed 3"):
        run("generate_demo_data", "--dossiers", "50", "--seed", "3", "--agencies", "1")


def test_generator_refuses_a_database_with_real_dossiers(db):
    agency = factories.AgencyFactory(code="SGDDT")
    officer = factories.staff(agency=agency, roles=[COUNTER_OFFICER], username="motcua")
    factories.receive_dossier(procedure=factories.ProcedureFactory(field__agency=agency), actor=officer)
    with pytest.raises(CommandError, match="đã có hồ sơ của cơ quan SGDDT"):
        run("generate_demo_data", "--dossiers", "10", "--seed", "5", "--agencies", "1")
    assert Dossier.objects.count() == 1


def test_generator_without_events(db):
    run("generate_demo_data", "--dossiers", "30", "--seed", "4", "--agencies", "1", "--skip-events")
    assert Dossier.objects.count() == 30
    assert not Dossier.objects.filter(events__isnull=False).exists()
