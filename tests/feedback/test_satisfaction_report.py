"""Satisfaction report on a hand-made set: every figure below is worked out by hand.

The set, in agency A (fields F1 and F2) and period 01/11/2026–30/11/2026:

| dossier | field / procedure | returned  | rated    | scores (info, attitude, time, result) | overall | satisfied |
|---------|-------------------|-----------|----------|---------------------------------------|---------|-----------|
| d1      | F1 / P1           | 02/11     | 02/11    | 5 5 5 5                               | 5.00    | yes       |
| d2      | F1 / P1           | 03/11     | 05/11    | 4 4 4 4                               | 4.00    | yes (≥ 4) |
| d3      | F1 / P1           | 04/11     | 04/11    | 4 4 4 3                               | 3.75    | no        |
| d4      | F1 / P1           | 05/11     | —        |                                       |         |           |
| d5      | F2 / P2           | 06/11     | 06/11    | 3 2 1 2                               | 2.00    | no        |
| d6      | F2 / P2           | 09/11     | 09/11    | 5 4 3 4                               | 4.00    | yes       |
| d7      | F1 / P3           | 30/10 (*) | 02/11    | 5 5 4 4                               | 4.50    | yes       |
| d8      | F1 / P1           | 10/11     | 02/12 (*)| 1 1 1 1                               | 1.00    | no        |
| d9      | F2 / P2           | 01/12 06:30 local = 30/11 23:30 UTC (*) | — |                |         |           |

(*) outside the period on that side: d7's rating counts for satisfaction but d7 was not
returned in the period; d8 was returned in the period and is rated (later), so it counts for
the response rate only; d9 is outside the period in local time although inside in UTC.

Satisfaction (ratings whose first rating is in the period: d1 d2 d3 d5 d6 d7):
  total 6 ratings, 4 satisfied (d1 d2 d6 d7) → 4/6 = 0.6667, target 0.95 (2026) → not met.
  F1: d1 d2 d3 d7 → 3 of 4 = 0.75.   F2: d5 d6 → 1 of 2 = 0.5.
  P1: d1 d2 d3 → 2 of 3 = 0.6667.  P2: d5 d6 → 1 of 2 = 0.5.  P3: d7 → 1 of 1 = 1.0.
Response (dossiers returned in the period: d1 d2 d3 d4 d5 d6 d8):
  total 7 returned, 6 rated (all but d4) → 6/7 = 0.8571.
  F1: d1 d2 d3 d4 d8 → 4 of 5 = 0.8.  F2: d5 d6 → 2 of 2 = 1.0.
Criteria means over d1 d2 d3 d5 d6 d7:
  information (5+4+4+3+5+5)/6 = 26/6 = 4.33;  attitude (5+4+4+2+4+5)/6 = 24/6 = 4.00;
  timeliness (5+4+4+1+3+4)/6 = 21/6 = 3.50;    result (5+4+3+2+4+4)/6 = 22/6 = 3.67.
  Lowest first: timeliness, result, attitude, information.
Overall mean: (5 + 4 + 3.75 + 2 + 4 + 4.5) / 6 = 23.25 / 6 = 3.875 → 3.88.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from accounts.roles import DEPARTMENT_HEAD
from feedback.models import SatisfactionRating
from feedback.selectors import satisfaction_report, satisfaction_summary, satisfaction_target
from feedback.services import rating_submit
from tests import factories
from tests.feedback.conftest import api_client_for, returned, vn

pytestmark = pytest.mark.django_db

NOV_FROM, NOV_TO = dt.date(2026, 11, 1), dt.date(2026, 11, 30)


def scores(info, attitude, time, result) -> dict:
    return {"information_score": info, "attitude_score": attitude, "timeliness_score": time, "result_score": result}


@pytest.fixture
def hand_made(agency, head, frozen_now, other_agency, other_head):
    f1 = factories.FieldFactory(agency=agency, code="F1", name="Văn bằng, chứng chỉ")
    f2 = factories.FieldFactory(agency=agency, code="F2", name="Giáo dục trung học")
    p1 = factories.ProcedureFactory(field=f1, code="1.000001")
    p2 = factories.ProcedureFactory(field=f2, code="1.000002")
    p3 = factories.ProcedureFactory(field=f1, code="1.000003")
    plan = [
        # (procedure, returned at, rated at or None, scores)
        (p1, vn(2026, 11, 2, 9), vn(2026, 11, 2, 10), scores(5, 5, 5, 5)),
        (p1, vn(2026, 11, 3, 9), vn(2026, 11, 5, 10), scores(4, 4, 4, 4)),
        (p1, vn(2026, 11, 4, 9), vn(2026, 11, 4, 10), scores(4, 4, 4, 3)),
        (p1, vn(2026, 11, 5, 9), None, None),
        (p2, vn(2026, 11, 6, 9), vn(2026, 11, 6, 10), scores(3, 2, 1, 2)),
        (p2, vn(2026, 11, 9, 9), vn(2026, 11, 9, 10), scores(5, 4, 3, 4)),
        (p3, vn(2026, 10, 30, 9), vn(2026, 11, 2, 11), scores(5, 5, 4, 4)),
        (p1, vn(2026, 11, 10, 9), vn(2026, 12, 2, 10), scores(1, 1, 1, 1)),
        (p2, vn(2026, 12, 1, 6, 30), None, None),
    ]
    for procedure, returned_at, rated_at, values in plan:
        frozen_now.move_to(returned_at)
        dossier = returned(procedure=procedure, actor=head)
        if rated_at is not None:
            frozen_now.move_to(rated_at)
            rating_submit(dossier=dossier, channel=SatisfactionRating.Channel.ONLINE, **values)
    # Another agency: one returned and rated dossier that agency A's staff must never count.
    other_procedure = factories.ProcedureFactory(field__agency=other_agency, field__code="F9")
    frozen_now.move_to(vn(2026, 11, 2, 9))
    other = returned(procedure=other_procedure, actor=other_head)
    rating_submit(dossier=other, channel=SatisfactionRating.Channel.COUNTER, **scores(1, 1, 1, 1))
    frozen_now.move_to(vn(2026, 11, 25, 9))
    return {"f1": f1, "f2": f2, "p1": p1, "p2": p2, "p3": p3}


def by_code(rows):
    return {row["code"]: row for row in rows}


def test_totals_criteria_and_target(hand_made, head):
    report = satisfaction_report(user=head, date_from=NOV_FROM, date_to=NOV_TO)
    total = report["total"]
    assert (total["ratings"], total["satisfied"]) == (6, 4)
    assert total["satisfaction_rate"] == pytest.approx(4 / 6, abs=1e-4)
    assert report["target"] == 0.95
    assert total["meets_target"] is False
    assert (total["returned"], total["rated"]) == (7, 6)
    assert total["response_rate"] == pytest.approx(6 / 7, abs=1e-4)
    assert total["averages"] == {"information": 4.33, "attitude": 4.0, "timeliness": 3.5, "result": 3.67}
    assert total["overall_average"] == pytest.approx(3.875, abs=0.006)
    assert [c["criterion"] for c in report["criteria"]] == ["timeliness", "result", "attitude", "information"]


def test_by_field(hand_made, head):
    rows = by_code(satisfaction_report(user=head, date_from=NOV_FROM, date_to=NOV_TO, group_by="field")["rows"])
    assert set(rows) == {"F1", "F2"}
    assert (rows["F1"]["ratings"], rows["F1"]["satisfied"], rows["F1"]["satisfaction_rate"]) == (4, 3, 0.75)
    assert (rows["F1"]["returned"], rows["F1"]["rated"], rows["F1"]["response_rate"]) == (5, 4, 0.8)
    assert (rows["F2"]["ratings"], rows["F2"]["satisfied"], rows["F2"]["satisfaction_rate"]) == (2, 1, 0.5)
    assert (rows["F2"]["returned"], rows["F2"]["rated"], rows["F2"]["response_rate"]) == (2, 2, 1.0)
    assert rows["F1"]["name"] == "Văn bằng, chứng chỉ"
    assert rows["F2"]["meets_target"] is False


def test_by_procedure(hand_made, head):
    rows = by_code(satisfaction_report(user=head, date_from=NOV_FROM, date_to=NOV_TO, group_by="procedure")["rows"])
    assert rows["1.000001"]["satisfaction_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert rows["1.000002"]["satisfaction_rate"] == 0.5
    # P3's only dossier was returned in October: rated in the period, nothing returned in it.
    assert (rows["1.000003"]["ratings"], rows["1.000003"]["satisfaction_rate"]) == (1, 1.0)
    assert (rows["1.000003"]["returned"], rows["1.000003"]["response_rate"]) == (0, None)
    assert rows["1.000003"]["meets_target"] is True


def test_by_month_uses_local_dates(hand_made, head):
    report = satisfaction_report(user=head, date_from=dt.date(2026, 10, 1), date_to=NOV_TO, group_by="month")
    rows = by_code(report["rows"])
    assert set(rows) == {"2026-10", "2026-11"}
    # October: d7 returned (and rated, in November); no rating given in October.
    assert (rows["2026-10"]["ratings"], rows["2026-10"]["returned"], rows["2026-10"]["rated"]) == (0, 1, 1)
    assert rows["2026-10"]["name"] == "Tháng 10/2026"
    # November: d9 was returned at 06:30 on 01/12 local time, i.e. 30/11 in UTC: not counted.
    assert (rows["2026-11"]["ratings"], rows["2026-11"]["returned"]) == (6, 7)


def test_province_wide_sees_every_agency_and_agency_staff_only_theirs(hand_made, head, agency, other_agency):
    province = factories.staff(agency=None, roles=[DEPARTMENT_HEAD], province_wide=True, username="tinh")
    rows = by_code(satisfaction_report(user=province, date_from=NOV_FROM, date_to=NOV_TO, group_by="agency")["rows"])
    assert set(rows) == {agency.code, other_agency.code}
    assert (rows[other_agency.code]["ratings"], rows[other_agency.code]["satisfied"]) == (1, 0)
    assert rows[agency.code]["ratings"] == 6
    own = satisfaction_report(user=head, date_from=NOV_FROM, date_to=NOV_TO, group_by="agency")
    assert [row["code"] for row in own["rows"]] == [agency.code]
    only = satisfaction_report(user=province, date_from=NOV_FROM, date_to=NOV_TO, agency_code=other_agency.code)
    assert only["total"]["ratings"] == 1


def test_report_runs_four_queries_whatever_the_data(hand_made, head, django_assert_num_queries):
    assert head.staff_profile.agency  # load the user's agency once, as any request does
    for group_by in ("field", "procedure", "agency", "month"):
        with django_assert_num_queries(4):
            satisfaction_report(user=head, date_from=NOV_FROM, date_to=NOV_TO, group_by=group_by)


def test_report_shows_no_identity(hand_made, head):
    text = repr(satisfaction_report(user=head, date_from=NOV_FROM, date_to=NOV_TO, group_by="procedure"))
    assert "Nguyễn Văn Hùng" not in text  # the factories' applicant name
    assert "0912345678" not in text
    assert "-20261102-" not in text  # no dossier code either


def test_dashboard_summary_is_plain_and_matches(hand_made, head, django_assert_num_queries):
    assert head.staff_profile.agency
    with django_assert_num_queries(2):
        summary = satisfaction_summary(user=head, date_from=NOV_FROM, date_to=NOV_TO)
    assert summary["ratings"] == 6
    assert summary["satisfaction_rate"] == pytest.approx(0.6667, abs=1e-4)
    assert summary["response_rate"] == pytest.approx(0.8571, abs=1e-4)
    assert summary["target"] == 0.95
    assert summary["lowest_criterion"] == {
        "criterion": "timeliness", "label": "Thời gian giải quyết so với ngày hẹn", "average": 3.5
    }
    allowed = (int, float, str, bool, dt.date, dict, list, type(None))
    assert all(isinstance(value, allowed) for value in summary.values())


def test_empty_period_has_no_rates(head):
    summary = satisfaction_summary(user=head, date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 1, 31))
    assert summary["ratings"] == 0
    assert summary["satisfaction_rate"] is None
    assert summary["meets_target"] is None
    assert summary["lowest_criterion"] is None


@pytest.mark.parametrize(("year", "target"), [(2017, 0.90), (2024, 0.90), (2025, 0.95), (2030, 0.95)])
def test_target_by_year(year, target):
    assert satisfaction_target(year) == target


def test_target_is_a_setting_keyed_by_year(settings):
    settings.SATISFACTION_TARGET = {2018: 0.9, 2025: 0.95, 2027: 0.97}
    assert satisfaction_target(2026) == 0.95
    assert satisfaction_target(2027) == 0.97


# ---------------------------------------------------------------------------- API and .xlsx


def test_api_report_returns_the_same_figures(hand_made, head):
    response = api_client_for(head).get(
        "/api/v1/satisfaction-ratings/report/",
        {"date_from": "2026-11-01", "date_to": "2026-11-30", "group_by": "field"},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["total"]["ratings"] == 6
    assert {row["code"]: row["satisfaction_rate"] for row in body["rows"]} == {"F1": 0.75, "F2": 0.5}


def test_api_report_validates_the_period(head):
    response = api_client_for(head).get(
        "/api/v1/satisfaction-ratings/report/", {"date_from": "2026-11-30", "date_to": "2026-11-01"}
    )
    assert response.status_code == 400
    assert "date_to" in response.json()


def read_xlsx(content: bytes):
    return load_workbook(BytesIO(content), data_only=True)


def test_xlsx_export_reads_back_with_the_same_figures(hand_made, head):
    response = api_client_for(head).get(
        "/api/v1/satisfaction-ratings/report-xlsx/", {"date_from": "2026-11-01", "date_to": "2026-11-30"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = read_xlsx(response.content)
    assert workbook.sheetnames == ["Tổng hợp", "Theo lĩnh vực", "Theo thủ tục", "Theo cơ quan"]
    summary = {row[0]: row[1] for row in workbook["Tổng hợp"].iter_rows(values_only=True) if row and row[0]}
    assert summary["Số phiếu đánh giá"] == 6
    assert summary["Số phiếu hài lòng (điểm chung ≥ 4)"] == 4
    assert summary["Tỷ lệ hài lòng"] == pytest.approx(0.6667, abs=1e-4)
    assert summary["Chỉ tiêu"] == 0.95
    assert summary["Đạt chỉ tiêu"] == "Chưa đạt"
    assert summary["Tỷ lệ phản hồi"] == pytest.approx(0.8571, abs=1e-4)
    assert summary["Thời gian giải quyết so với ngày hẹn"] == 3.5
    fields = list(workbook["Theo lĩnh vực"].iter_rows(values_only=True))
    assert fields[0][:5] == ("Mã", "Tên", "Số phiếu đánh giá", "Số phiếu hài lòng", "Tỷ lệ hài lòng")
    assert [row[:5] for row in fields[1:]] == [
        ("F1", "Văn bằng, chứng chỉ", 4, 3, 0.75),
        ("F2", "Giáo dục trung học", 2, 1, 0.5),
        ("Tổng cộng", None, 6, 4, pytest.approx(0.6667, abs=1e-4)),
    ]
    text = " ".join(str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row)
    assert "Nguyễn Văn Hùng" not in text and "0912345678" not in text


def test_report_page_and_its_xlsx_link(client, hand_made, head):
    client.force_login(head)
    page = client.get("/hai-long/bao-cao/", {"tu": "2026-11-01", "den": "2026-11-30", "theo": "field"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Văn bằng, chứng chỉ" in html
    assert "67%" in html  # 4/6
    assert "/hai-long/bao-cao.xlsx?tu=2026-11-01&amp;den=2026-11-30" in html
    download = client.get("/hai-long/bao-cao.xlsx", {"tu": "2026-11-01", "den": "2026-11-30"})
    assert download.status_code == 200
    assert read_xlsx(download.content)["Theo lĩnh vực"]["C2"].value == 4
