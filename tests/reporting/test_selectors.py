"""Biểu 06 over the hand-built office (tests/reporting/office.py): every figure counted by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers.models import Dossier
from reporting.figures import BIEU06_COLUMNS
from reporting.periods import Period
from reporting.selectors import classification_at_end, report_summary
from tests import factories
from tests.reporting.helpers import assert_invariants, counts
from tests.reporting.office import vn

OM = Period.official_month(2026, 11)  # 15/10–14/11/2026
CM = Period.calendar_month(2026, 10)  # 01/10–31/10/2026
CR = Period.custom(dt.date(2026, 11, 9), dt.date(2026, 11, 24))

BIEU06_AND_CLOSED = (*BIEU06_COLUMNS, "withdrawn", "refused")


def biểu(*values: int) -> dict[str, int]:
    """received total, online, counter/post, carried | settled, early, on time, late |
    in progress, within, overdue | withdrawn, refused."""
    return dict(zip(BIEU06_AND_CLOSED, values, strict=True))


# From the per-dossier comments in office.py.
EXPECTED = {
    "CM": {
        # F1 carried: a2 a3 a4 a5 a7 a8; online: b1 c1 c2; counter/post: b2 b3 b4 b7 c3 c4 c5 c6.
        # settled early a3 b1 c1, on time a4 b2 b7 c2, late a5 b3 b4;
        # within a8 c4 c5 c6, overdue a2 a7 c3; withdrawn a6.
        "VBCC": biểu(17, 3, 8, 6, 10, 3, 4, 3, 7, 4, 3, 1, 0),
        # F2 online b5 b6: b6 early, b5 overdue.
        "GDTH": biểu(2, 2, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0),
        "total": biểu(19, 5, 8, 6, 11, 4, 4, 3, 8, 4, 4, 1, 0),
    },
    "OM": {
        # F1 carried: a2 a5 a7 a8 b4 b7; online: c1 c2 c14; counter/post: c3 c4 c5 c6 c11 c12 c13 d9.
        # early c1 c5 c11, on time b7 c2, late a5 b4 c3;
        # within a8 c6 c12 c13 c14 d9, overdue a2 a7 c4; withdrawn c9, refused c10.
        "VBCC": biểu(17, 3, 8, 6, 8, 3, 2, 3, 9, 6, 3, 1, 1),
        # F2 carried b5 b6; online c7 c8 c15: early b6, on time c7, overdue b5 c8 c15.
        "GDTH": biểu(5, 3, 0, 2, 2, 1, 1, 0, 3, 0, 3, 0, 0),
        "total": biểu(22, 6, 8, 8, 10, 4, 3, 3, 12, 6, 6, 1, 1),
    },
    "CR": {
        # F1 carried: a2 a8 c4 c5 c6; online: c14 d1; counter/post: c11 c12 c13 d2 d3 d6 d8 d9.
        # early c5 c11, on time c14 d1, late c12 d9;
        # within a8 c6 d2 d3 d6 d8, overdue a2 c4 c13; withdrawn c9, refused a7 c10 d7.
        "VBCC": biểu(15, 2, 8, 5, 6, 2, 2, 2, 9, 6, 3, 1, 3),
        # F2 carried b5 c8; online c15 d4 d5: early d4, late c15, within d5, overdue b5 c8.
        "GDTH": biểu(5, 3, 0, 2, 2, 1, 0, 1, 3, 1, 2, 0, 0),
        "total": biểu(20, 5, 8, 7, 8, 3, 2, 3, 12, 7, 5, 1, 3),
    },
}

# late_total (settled late + overdue), late_with_letter (issued by the end), settled_with_letter,
# appointment_kept, supplement_breaches (received in the period with the flag).
APOLOGY_COLUMNS = ("late_total", "late_with_letter", "settled_with_letter", "appointment_kept", "supplement_breaches")
EXPECTED_APOLOGY = {
    # F1: late a5 b3 b4 + overdue a2 a7 c3; letters a2 b3 b4; settled with letter b3 (kept) b4; breach c6.
    # F2: overdue b5, no letter.
    "CM": {"VBCC": (6, 3, 2, 1, 1), "GDTH": (1, 0, 0, 0, 0), "total": (7, 3, 2, 1, 1)},
    # F1: late a5 b4 c3 + overdue a2 a7 c4; letters a2 b4; b4 missed its new date; breaches c6 d9.
    # F2: overdue b5 c8 c15; letters c8 c15.
    "OM": {"VBCC": (6, 2, 1, 0, 2), "GDTH": (3, 2, 0, 0, 0), "total": (9, 4, 1, 0, 2)},
    # F1: late c12 d9 + overdue a2 c4 c13; letter a2 (c12 and d9 have drafts only); breach d9.
    # F2: late c15 + overdue b5 c8; letters c15 (kept) c8.
    "CR": {"VBCC": (5, 1, 0, 0, 1), "GDTH": (3, 2, 1, 1, 0), "total": (8, 3, 1, 1, 1)},
}

# Working minutes from receipt to result of the settled dossiers, by hand (480 a day).
EXPECTED_MINUTES = {
    # F1 a3 2100, a4 2370, a5 6300, b1 1440, b2 2400, b3 3420, b4 5340, b7 5190, c1 1920, c2 2340; F2 b6 960
    "CM": {"VBCC": [2100, 2370, 6300, 1440, 2400, 3420, 5340, 5190, 1920, 2340], "GDTH": [960]},
    # F1 a5 6300, b4 5340, b7 5190, c1 1920, c2 2340, c3 4860, c5 6720, c11 1920; F2 b6 960, c7 1440
    "OM": {"VBCC": [6300, 5340, 5190, 1920, 2340, 4860, 6720, 1920], "GDTH": [960, 1440]},
    # F1 c5 6720, c11 1920, c12 2520, c14 2399 (from Mon 07:00), d1 2400, d9 4980; F2 c15 1980, d4 1020
    "CR": {"VBCC": [6720, 1920, 2520, 2399, 2400, 4980], "GDTH": [1980, 1020]},
}

PERIODS = {"CM": CM, "OM": OM, "CR": CR}


def by_code(report):
    return {row.code: row for row in report.rows}


@pytest.mark.parametrize("name", ["CM", "OM", "CR"])
def test_biểu06_by_field_matches_the_hand_counts(office, name):
    report = report_summary(period=PERIODS[name], group_by="field", agency_ids=[office.agency.pk])
    assert_invariants(report)
    rows = by_code(report)
    assert list(rows) == ["GDTH", "VBCC"]
    for code in ("VBCC", "GDTH"):
        assert counts(rows[code], BIEU06_AND_CLOSED) == EXPECTED[name][code], code
    assert counts(report.total, BIEU06_AND_CLOSED) == EXPECTED[name]["total"]
    for code in ("VBCC", "GDTH", "total"):
        row = report.total if code == "total" else rows[code]
        assert tuple(counts(row, APOLOGY_COLUMNS).values()) == EXPECTED_APOLOGY[name][code], code


@pytest.mark.parametrize("name", ["CM", "OM", "CR"])
def test_rates_and_average_processing_days(office, name):
    report = report_summary(period=PERIODS[name], group_by="field", agency_ids=[office.agency.pk])
    total = EXPECTED[name]["total"]
    in_time = total["settled_early"] + total["settled_on_time"]
    assert report.total.on_time_rate == pytest.approx(in_time / total["settled_total"])
    assert report.total.late_share == pytest.approx(total["settled_late"] / total["settled_total"])
    rows = by_code(report)
    minutes = EXPECTED_MINUTES[name]
    for code in ("VBCC", "GDTH"):
        assert rows[code].avg_processing_days == pytest.approx(sum(minutes[code]) / len(minutes[code]) / 480)
    every = minutes["VBCC"] + minutes["GDTH"]
    assert report.total.avg_processing_days == pytest.approx(sum(every) / len(every) / 480)


def test_official_month_rates_by_hand(office):
    report = report_summary(period=OM, group_by="field", agency_ids=[office.agency.pk])
    assert report.total.on_time_rate == pytest.approx(0.7)  # (4 + 3) / 10
    assert report.total.apology_coverage == pytest.approx(4 / 9)
    assert report.total.appointment_kept_rate == 0.0  # b4 missed its new date
    assert by_code(report)["GDTH"].appointment_kept_rate is None  # no settled dossier with a letter
    assert report.total.avg_processing_days == pytest.approx((34590 + 2400) / 10 / 480)


@pytest.mark.parametrize("name", ["CM", "OM", "CR"])
def test_sql_classification_equals_dossier_classify(office, name):
    period = PERIODS[name]
    dossiers = (
        Dossier.objects.filter(agency=office.agency, received_date__lte=period.end)
        .annotate(at_end=classification_at_end(period))
        .order_by("pk")
    )
    compared = 0
    for dossier in dossiers:
        assert dossier.at_end == dossier.classify(period.end_instant), dossier.code
        compared += 1
    # Received by the end: CM a1–a9, b1–b7, c1–c6 = 22; OM adds c7–c15 and d9 = 32;
    # CR adds d1–d8 = 40 (z1 came in on 25/11).
    assert compared == {"CM": 22, "OM": 32, "CR": 40}[name]


def test_grouping_by_procedure_and_agency_gives_the_same_total(office):
    by_field = report_summary(period=OM, group_by="field", agency_ids=[office.agency.pk])
    by_procedure = report_summary(period=OM, group_by="procedure", agency_ids=[office.agency.pk])
    by_agency = report_summary(period=OM, group_by="agency", agency_ids=[office.agency.pk])
    for report in (by_procedure, by_agency):
        assert_invariants(report)
        assert counts(report.total) == counts(by_field.total)
    procedures = by_code(by_procedure)
    # P1 settled a5 b4 b7 c1 c2 c3 c5 (3 late), P2 c11, P3 b6 c7; P4 and P5 have no dossier.
    assert list(procedures) == ["1.000001", "1.000002", "2.000003"]
    assert (procedures["1.000001"].settled_total, procedures["1.000001"].settled_late) == (7, 3)
    assert [row.code for row in by_agency.rows] == [office.agency.code]


def test_province_wide_report_includes_the_other_agency(office):
    report = report_summary(period=OM, group_by="agency")
    assert_invariants(report)
    rows = by_code(report)
    # e1: received 02/11 at the counter, due 09/11 09:00, still open: overdue at 15/11.
    assert counts(rows["PGDDT-B"], ("received_counter_post", "in_progress_overdue")) == {
        "received_counter_post": 1, "in_progress_overdue": 1,
    }
    assert rows[office.agency.code].received_total == EXPECTED["OM"]["total"]["received_total"]
    assert report.total.received_total == EXPECTED["OM"]["total"]["received_total"] + 1


def test_online_figures_official_month(office):
    report = report_summary(period=OM, agency_ids=[office.agency.pk])
    online = report.online
    # P1 (F1, level 3): online c1 c2 c14 of c1 c2 c3 c4 c5 c6 c13 c14 d9 (c9 c10 closed in OM).
    # P3 (F2, level 4): online c7 c8 c15 of the same three. P2 is level 1: not counted.
    assert [(c.field_code, c.level, c.mode, c.received, c.online) for c in online.rows] == [
        ("GDTH", 4, "Toàn trình", 3, 3),
        ("VBCC", 3, "Một phần", 9, 3),
    ]
    assert (online.by_level[3].received, online.by_level[3].online) == (9, 3)
    assert (online.by_level[4].received, online.by_level[4].online) == (3, 3)
    assert online.total.online_rate == pytest.approx(0.5)
    # Active level 3/4 services: P1, P3, P4 (P5 inactive); with an online dossier: P1, P3.
    assert (online.services_total, online.services_with_online) == (3, 2)


def test_targets_official_month(office):
    report = report_summary(period=OM, agency_ids=[office.agency.pk])
    checks = {check.key: check for check in report.targets}
    assert checks["on_time_rate"].value == pytest.approx(0.7)
    assert checks["on_time_rate"].passed is False
    # Worst late share: P1, 3 late of 7 settled (F1 is 3 of 8).
    assert checks["max_late_share"].value == pytest.approx(3 / 7)
    assert checks["max_late_share"].passed is False
    assert [name.split(" – ")[0] for name in report.late_offenders] == ["VBCC", "1.000001"]
    assert checks["apology_coverage"].value == pytest.approx(4 / 9)
    assert checks["online_services_share"].value == pytest.approx(2 / 3)
    assert checks["online_services_share"].passed is False
    assert checks["online_processing_rate"].value == pytest.approx(0.5)


def test_targets_come_from_settings(office, settings):
    settings.REPORT_TARGETS = {"on_time_rate": 0.6, "online_services_share": 0.5}
    report = report_summary(period=OM, agency_ids=[office.agency.pk])
    checks = {check.key: check for check in report.targets}
    assert (checks["on_time_rate"].target, checks["on_time_rate"].passed) == (0.6, True)
    assert checks["online_services_share"].passed is True
    assert checks["apology_coverage"].target == 1.0  # left to the default


def test_bad_report_targets_fail_loudly(db, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.REPORT_TARGETS = {"on_time_rate": 98}
    with pytest.raises(ImproperlyConfigured, match="on_time_rate"):
        report_summary(period=OM)


def test_empty_period_has_no_rates(office):
    report = report_summary(period=Period.calendar_month(2020, 1), agency_ids=[office.agency.pk])
    assert report.rows == []
    assert report.total.on_time_rate is None
    assert all(check.passed is None for check in report.targets if check.key != "online_services_share")


def test_result_at_exactly_midnight_belongs_to_the_next_day(agency, head):
    """The documented edge: the period is [start 00:00, end instant), by local date."""
    from dossiers import services

    procedure = factories.ProcedureFactory(field__agency=agency)
    dossier = factories.receive_dossier(procedure=procedure, actor=head, received_at=vn(2026, 10, 26, 9))
    services.dossier_finish(dossier=dossier, actor=head, at=vn(2026, 11, 1, 0, 0))
    october = report_summary(period=CM, agency_ids=[agency.pk]).total
    november = report_summary(period=Period.calendar_month(2026, 11), agency_ids=[agency.pk]).total
    assert (october.in_progress_within, october.settled_total) == (1, 0)
    assert (november.carried_over, november.settled_early) == (1, 1)


def test_report_is_four_queries_whatever_the_number_of_rows(office, agency, head):
    def run():
        with CaptureQueriesContext(connection) as queries:
            report = report_summary(period=OM, group_by="procedure", agency_ids=[agency.pk])
        return len(queries), len(report.rows)

    before, rows_before = run()
    for i in range(4):  # four new fields and procedures, each with dossiers in the period
        procedure = factories.ProcedureFactory(field__agency=agency, online_level=4)
        for day in (19, 20):
            factories.receive_dossier(
                procedure=procedure, actor=head, received_at=vn(2026, 10, day, 9 + i), channel="online"
            )
    after, rows_after = run()
    assert rows_after == rows_before + 4
    assert before == after == 4
