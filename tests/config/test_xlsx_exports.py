"""Every .xlsx export writes text as text: no formula from stored names, and no crash on control characters.

The workbooks are found by grepping openpyxl across the project: the survey call list, Biểu 06
(API and page), the satisfaction report (API and page), the tracking book and the catalogue
export. The stored text below is written straight to the rows (as old data, an import or the
admin could have left it), then each workbook is read back with openpyxl. No export writes a
formula of its own, so no cell may hold one.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from dossiers.models import Dossier
from feedback.models import SatisfactionRating
from feedback.services import rating_submit, survey_plan_create
from procedures.catalogue import write_catalogue_xlsx
from procedures.models import Agency, Field, Procedure
from tests.feedback.conftest import SCORES, returned, vn

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://ke-xau.example/","bấm")'
STORED = {
    "agency": "=1+2 Sở\x01",
    "field": LINK,
    "procedure": "@SUM(1+1)\x01",
    "applicant": LINK,
    "address": "+84-cmd|' /C calc'!A0\x0b",
    "notes": "-2+3\x1b\tghi chú",
}
MONTH = {"date_from": "2026-11-01", "date_to": "2026-11-30"}


@pytest.fixture
def poisoned(agency, head, procedure, frozen_now):
    """Two returned dossiers in November (one rated), and a survey plan that draws the other."""
    frozen_now.move_to(vn(2026, 11, 5, 9))
    rated = returned(procedure=procedure, actor=head)
    rating_submit(dossier=rated, channel=SatisfactionRating.Channel.COUNTER, actor=head, **SCORES)
    returned(procedure=procedure, actor=head)
    frozen_now.move_to(vn(2026, 11, 25, 9))
    Agency.objects.filter(pk=agency.pk).update(name=STORED["agency"])
    Field.objects.filter(pk=procedure.field_id).update(name=STORED["field"])
    Procedure.objects.filter(pk=procedure.pk).update(name=STORED["procedure"])
    Dossier.objects.update(
        applicant_name=STORED["applicant"], applicant_address=STORED["address"], notes=STORED["notes"]
    )
    return survey_plan_create(
        agency=agency, actor=head, title=LINK, year=2026, per_field=5, seed=1,
        returned_from=dt.date(2026, 11, 1), returned_to=dt.date(2026, 11, 30),
    )


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _cells(workbook):
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_all_text(workbook, *expected: str) -> None:
    cells = _cells(workbook)
    formulas = [(cell.parent.title, cell.coordinate, cell.value) for cell in cells if cell.data_type == "f"]
    assert formulas == []
    values = [cell.value for cell in cells if isinstance(cell.value, str)]
    for text in expected:
        assert any(text in value for value in values), text
    assert not any(char in value for value in values for char in "\x01\x0b\x1b")


@pytest.mark.parametrize(
    ("url", "query", "expected"),
    [
        ("/api/v1/reports/summary.xlsx", {"from": "2026-11-01", "to": "2026-11-30", "group_by": "procedure"},
         ["@SUM(1+1)"]),
        ("/bao-cao/bieu-06.xlsx", {"kind": "official_month", "month": "2026-11", "group_by": "field"}, [LINK]),
        ("/api/v1/satisfaction-ratings/report-xlsx/", MONTH, [LINK, "@SUM(1+1)", "=1+2 Sở"]),
        ("/hai-long/bao-cao.xlsx", {"tu": "2026-11-01", "den": "2026-11-30"}, [LINK, "@SUM(1+1)"]),
    ],
)
def test_report_workbooks_write_catalogue_text_as_text(poisoned, staff_client, url, query, expected):
    response = staff_client.get(url, query)

    assert response.status_code == 200, response.content[:300]
    _assert_all_text(load_workbook(BytesIO(response.content)), *expected)


def test_survey_call_list_writes_applicant_names_as_text(poisoned, staff_client):
    response = staff_client.get(f"/api/v1/survey-plans/{poisoned.pk}/export/")

    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))
    _assert_all_text(workbook, LINK, "@SUM(1+1)")
    names = [row[5] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert names == [LINK]


def test_tracking_book_writes_stored_text_as_text(poisoned, agency, tmp_path):
    target = tmp_path / "so.xlsx"

    call_command("export_tracking_book", "--agency", agency.code, "--from", "2026-11-01", "--to", "2026-11-30",
                 "-o", str(target))

    workbook = load_workbook(target)
    _assert_all_text(workbook, LINK, "+84-cmd|' /C calc'!A0", "-2+3\tghi chú", "@SUM(1+1)")
    assert workbook.active.max_row == 3


def test_catalogue_export_writes_names_as_text(poisoned, tmp_path):
    target = tmp_path / "danh-muc.xlsx"

    assert write_catalogue_xlsx(Procedure.objects.all(), target) == 1

    _assert_all_text(load_workbook(target), LINK, "@SUM(1+1)")


def test_a_new_export_passes_through_the_helper(poisoned):
    """The helper itself: a formula-looking string stays a string cell, numbers stay numbers."""
    from openpyxl import Workbook

    from config.xlsx import append_row, put

    workbook = Workbook()
    sheet = workbook.active
    append_row(sheet, [LINK, 3, "x\x01"])
    put(sheet, 2, 1, "=A1")
    buffer = BytesIO()
    workbook.save(buffer)

    read = load_workbook(BytesIO(buffer.getvalue())).active
    assert [(cell.value, cell.data_type) for cell in read[1]] == [(LINK, "s"), (3, "n"), ("x", "s")]
    assert (read["A2"].value, read["A2"].data_type) == ("=A1", "s")
