"""`?agency=CODE` on every feedback list, report and export: another agency's code is a 404.

The rule is the reports' (`accounts.scoping.report_scope`): a user sees their own agency, a
province-wide account any agency; another agency's code, or an unknown one, is a 404 rather
than an empty answer, on the API and on the pages alike.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook
from rest_framework.exceptions import NotFound

from accounts.roles import DEPARTMENT_HEAD
from feedback.models import SatisfactionRating, SurveyPlan
from feedback.selectors import feedback_report, overdue_feedback, satisfaction_report, satisfaction_summary
from feedback.services import feedback_receive, rating_submit, survey_plan_create
from tests import factories
from tests.feedback.conftest import SCORES, api_client_for, returned, vn

pytestmark = pytest.mark.django_db

NOV = {"date_from": "2026-11-01", "date_to": "2026-11-30"}
NOV_PAGE = {"tu": "2026-11-01", "den": "2026-11-30"}


def _xlsx_ratings(response) -> set:
    summary = load_workbook(BytesIO(response.content)).active
    assert summary["A4"].value == "Số phiếu đánh giá"
    return {summary["B4"].value}


# name -> (api or web, path, query, what the answer counts: one item/rating/plan per agency)
ENDPOINTS = {
    "feedback-report": ("api", "/api/v1/feedback-items/report/", NOV, lambda r: {r.json()["total"]["received"]}),
    "feedback-overdue": ("api", "/api/v1/feedback-items/overdue/", {}, lambda r: {len(r.json())}),
    "feedback-list": ("api", "/api/v1/feedback-items/", {}, lambda r: {r.json()["count"]}),
    "rating-report": ("api", "/api/v1/satisfaction-ratings/report/", NOV, lambda r: {r.json()["total"]["ratings"]}),
    "rating-report-xlsx": ("api", "/api/v1/satisfaction-ratings/report-xlsx/", NOV, _xlsx_ratings),
    "rating-list": ("api", "/api/v1/satisfaction-ratings/", {}, lambda r: {r.json()["count"]}),
    "survey-plans": ("api", "/api/v1/survey-plans/", {}, lambda r: {r.json()["count"]}),
    "survey-samples": ("api", "/api/v1/survey-samples/", {}, lambda r: {r.json()["count"]}),
    "report-page": (
        "web", "/hai-long/bao-cao/", NOV_PAGE,
        lambda r: {r.context["satisfaction"]["total"]["ratings"], r.context["feedback"]["total"]["received"]},
    ),
    "report-page-xlsx": ("web", "/hai-long/bao-cao.xlsx", NOV_PAGE, _xlsx_ratings),
    "feedback-list-page": ("web", "/pakn/", {}, lambda r: {r.context["page"].paginator.count}),
}


@pytest.fixture
def two_agencies(frozen_now, agency, head, procedure, other_agency, other_head, other_procedure):
    """Per agency: one overdue open item, one rated returned dossier, one survey plan of one sample."""
    sides = ((agency, head, procedure), (other_agency, other_head, other_procedure))
    for side_agency, side_head, side_procedure in sides:
        frozen_now.move_to(vn(2026, 11, 5, 9))
        feedback_receive(
            agency=side_agency, channel="web", category="complaint", content="Phản ánh thái độ.",
            contact_name="Vũ Hà", contact_phone="0977111222",
        )
        frozen_now.move_to(vn(2026, 11, 10, 9))
        rated = returned(procedure=side_procedure, actor=side_head)
        rating_submit(dossier=rated, channel=SatisfactionRating.Channel.COUNTER, actor=side_head, **SCORES)
        returned(procedure=side_procedure, actor=side_head)
        frozen_now.move_to(vn(2026, 11, 25, 9))
        survey_plan_create(
            agency=side_agency, actor=side_head, title="", year=2026, per_field=1, seed=1,
            returned_from=dt.date(2026, 11, 1), returned_to=dt.date(2026, 11, 30),
        )


@pytest.fixture
def province(agency):
    return factories.staff(agency=agency, roles=[DEPARTMENT_HEAD], province_wide=True, username="tinh")


def get(user, endpoint: str, code: str | None, client):
    kind, path, query, _ = ENDPOINTS[endpoint]
    params = {**query, **({"agency": code} if code is not None else {})}
    if kind == "api":
        return api_client_for(user).get(path, params)
    client.force_login(user)
    return client.get(path, params)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("code", ["PGDDT-KHAC", "KHONG-CO-MA-NAY"], ids=["other-agency", "unknown"])
def test_a_code_the_user_may_not_see_is_404(two_agencies, head, client, endpoint, code):
    response = get(head, endpoint, code, client)
    assert response.status_code == 404, response.content[:300]
    if ENDPOINTS[endpoint][0] == "api":
        assert response.json() == {"detail": f"Không tìm thấy cơ quan có mã {code!r}."}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_own_agency_code_is_200_with_the_agencys_figures(two_agencies, head, agency, client, endpoint):
    for code in (agency.code, None):
        response = get(head, endpoint, code, client)
        assert response.status_code == 200, (code, response.content[:300])
        assert ENDPOINTS[endpoint][3](response) == {1}, code


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_province_wide_account_reads_any_agency(two_agencies, province, agency, other_agency, client, endpoint):
    for code, expected in ((agency.code, {1}), (other_agency.code, {1}), (None, {2})):
        response = get(province, endpoint, code, client)
        assert response.status_code == 200, (code, response.content[:300])
        assert ENDPOINTS[endpoint][3](response) == expected, code
    assert get(province, endpoint, "KHONG-CO-MA-NAY", client).status_code == 404


def test_statistics_role_gets_404_on_the_report_page_too(two_agencies, statistician, client):
    client.force_login(statistician)
    assert client.get("/hai-long/bao-cao/", {"agency": "PGDDT-KHAC"}).status_code == 404
    assert client.get("/hai-long/bao-cao/", {"agency": statistician.staff_profile.agency.code}).status_code == 200


def test_another_agencys_survey_plan_as_a_filter_is_404(two_agencies, head, agency, other_agency):
    client = api_client_for(head)
    theirs, mine = (SurveyPlan.objects.get(agency=side) for side in (other_agency, agency))
    assert client.get("/api/v1/survey-samples/", {"plan": theirs.pk}).status_code == 404
    assert client.get("/api/v1/survey-samples/", {"plan": mine.pk}).json()["count"] == 1


@pytest.mark.parametrize(
    "read",
    [
        lambda user, code: feedback_report(
            user=user, date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30), agency_code=code
        ),
        lambda user, code: overdue_feedback(user=user, agency_code=code),
        lambda user, code: satisfaction_report(
            user=user, date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30), agency_code=code
        ),
        lambda user, code: satisfaction_summary(
            user=user, date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30), agency_code=code
        ),
    ],
    ids=["feedback_report", "overdue_feedback", "satisfaction_report", "satisfaction_summary"],
)
def test_selectors_refuse_a_foreign_code_whoever_calls_them(two_agencies, head, province, other_agency, read):
    with pytest.raises(NotFound):
        read(head, other_agency.code)
    read(province, other_agency.code)  # no error
