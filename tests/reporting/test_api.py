"""The report API: figures, Excel download, agency scoping, bad parameters, query counts."""

from __future__ import annotations

import io
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.test import APIClient

from accounts.roles import COUNTER_OFFICER, STATISTICS
from tests import factories
from tests.reporting.office import vn

SUMMARY = "/api/v1/reports/summary/"
XLSX = "/api/v1/reports/summary.xlsx"
ONLINE = "/api/v1/reports/online/"
OM = {"from": "2026-10-15", "to": "2026-11-14"}  # the official month 2026-11


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def statistician(office):
    return factories.staff(agency=office.agency, roles=[STATISTICS], username="thongke")


@pytest.fixture
def province(office):
    return factories.staff(agency=None, roles=[STATISTICS], province_wide=True, username="thongke_tinh")


def test_summary_by_field(office, statistician):
    response = client_for(statistician).get(SUMMARY, OM)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["period"] == {
        "from": "2026-10-15", "to": "2026-11-14", "label": "Từ 15/10/2026 đến 14/11/2026",
        "end_instant": "2026-11-15T00:00:00+07:00",
    }
    assert body["agency"] == {"code": office.agency.code, "name": office.agency.name}
    assert [row["code"] for row in body["rows"]] == ["GDTH", "VBCC"]
    totals = body["totals"]
    assert (totals["received_total"], totals["settled_total"], totals["in_progress_total"]) == (22, 10, 12)
    assert (totals["withdrawn"], totals["refused"]) == (1, 1)
    assert totals["on_time_rate"] == pytest.approx(0.7)
    targets = {target["key"]: target for target in body["targets"]}
    assert targets["on_time_rate"]["passed"] is False and targets["on_time_rate"]["target"] == 0.98


def test_summary_group_by_procedure(office, head):
    response = client_for(head).get(SUMMARY, {**OM, "group_by": "procedure", "agency": office.agency.code})
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["rows"]] == ["1.000001", "1.000002", "2.000003"]


def test_summary_xlsx_download(office, statistician):
    response = client_for(statistician).get(XLSX, OM)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert unquote(disposition.split("''", 1)[1]) == (
        "Biểu 06 - Tình hình giải quyết TTHC từ 15-10-2026 đến 14-11-2026.xlsx"
    )
    ws = load_workbook(io.BytesIO(response.content))["Biểu 06"]
    assert ws["A5"].value == "(Từ ngày 15/10/2026 đến ngày 14/11/2026)"
    assert ws.cell(12, 2).value == "Tổng số" and ws.cell(12, 3).value == 22


def test_online_figures(office, statistician):
    response = client_for(statistician).get(ONLINE, OM)
    assert response.status_code == 200
    body = response.json()
    assert [(row["field_code"], row["level"], row["mode"], row["received"], row["online"]) for row in body["rows"]] == [
        ("GDTH", 4, "Toàn trình", 3, 3), ("VBCC", 3, "Một phần", 9, 3),
    ]
    assert [(row["level"], row["received"], row["online"]) for row in body["by_level"]] == [(3, 9, 3), (4, 3, 3)]
    assert body["total"]["online_rate"] == pytest.approx(0.5)
    assert (body["services_total"], body["services_with_online"]) == (3, 2)
    assert [target["key"] for target in body["targets"]] == ["online_services_share", "online_processing_rate"]


def test_summary_xlsx_when_asked_by_media_type(office, statistician):
    client = client_for(statistician)
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = client.get(XLSX, OM, HTTP_ACCEPT=media_type)
    assert response.status_code == 200 and response["Content-Type"] == media_type
    error = client.get(XLSX, {"from": "x"}, HTTP_ACCEPT=media_type)
    assert error.status_code == 400 and error["Content-Type"] == "application/json"
    assert set(error.json()) == {"from", "to"}


@pytest.mark.parametrize("url", [SUMMARY, XLSX, ONLINE])
def test_another_agency_is_404(office, statistician, url):
    response = client_for(statistician).get(url, {**OM, "agency": office.other_agency.code})
    assert response.status_code == 404
    assert client_for(statistician).get(url, {**OM, "agency": "KHONG-CO"}).status_code == 404


def test_own_agency_by_code_is_allowed(office, statistician):
    response = client_for(statistician).get(SUMMARY, {**OM, "agency": office.agency.code})
    assert response.status_code == 200
    assert response.json()["totals"]["received_total"] == 22


def test_province_wide_user_sees_every_agency(office, province):
    client = client_for(province)
    every = client.get(SUMMARY, {**OM, "group_by": "agency"}).json()
    assert [row["code"] for row in every["rows"]] == [office.agency.code, "PGDDT-B"]
    assert every["agency"] is None
    assert every["totals"]["received_total"] == 23  # agency B's e1 as well
    other = client.get(SUMMARY, {**OM, "agency": "PGDDT-B"}).json()
    assert other["totals"]["in_progress_overdue"] == 1


def test_superuser_sees_every_agency(office, admin_client):
    response = admin_client.get(SUMMARY, {**OM, "agency": "PGDDT-B"})
    assert response.status_code == 200


def test_login_and_permission_are_required(office):
    assert APIClient().get(SUMMARY, OM).status_code in (401, 403)
    no_role = factories.staff(agency=office.agency, roles=[], username="khong_quyen")
    assert client_for(no_role).get(SUMMARY, OM).status_code == 403
    officer = factories.staff(agency=office.agency, roles=[COUNTER_OFFICER], username="motcua2")
    assert client_for(officer).get(SUMMARY, OM).status_code == 200


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"to": "2026-11-14"}, "from"),
        ({"from": "2026-10-15"}, "to"),
        ({"from": "15/10/2026", "to": "2026-11-14"}, "from"),
        ({"from": "2026-10-15", "to": "2026-02-30"}, "to"),
        ({"from": "2026-11-15", "to": "2026-11-14"}, "to"),
        ({**OM, "group_by": "month"}, "group_by"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(statistician, params, name):
    response = client_for(statistician).get(SUMMARY, params)
    assert response.status_code == 400
    assert name in response.json()


def test_summary_query_count_does_not_grow_with_rows(office, statistician, head):
    client = client_for(statistician)

    def count(params):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(SUMMARY, params)
        assert response.status_code == 200
        return len(queries), len(response.json()["rows"])

    params = {**OM, "group_by": "procedure"}
    client.get(SUMMARY, params)  # the user's permission cache is warm from now on
    before, rows_before = count(params)
    for hour in (8, 9, 10):
        procedure = factories.ProcedureFactory(field__agency=office.agency)
        factories.receive_dossier(procedure=procedure, actor=head, received_at=vn(2026, 11, 2, hour))
    after, rows_after = count(params)
    assert rows_after == rows_before + 3
    # The report's four (aggregate, agencies, fields, procedures); the user's profile and
    # permissions are cached on the authenticated user by then.
    assert before == after == 4


def test_schema_documents_the_report_endpoints(admin_client):
    response = admin_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/reports/summary/", "/api/v1/reports/summary.xlsx", "/api/v1/reports/online/"} <= set(paths)
    names = {parameter["name"] for parameter in paths["/api/v1/reports/summary/"]["get"]["parameters"]}
    assert {"from", "to", "group_by", "agency"} <= names


@pytest.mark.parametrize(
    "bad", [{"from": "1900-01-01", "to": "2026-01-31"}, {"from": "2026-01-01", "to": "2200-01-31"}]
)
def test_period_years_are_bounded(bad, agency, head):
    client = APIClient()
    client.force_authenticate(head)
    response = client.get("/api/v1/reports/summary/", bad)
    assert response.status_code == 400
    key = "from" if bad["from"].startswith("1900") else "to"
    assert response.json()[key] == ["Năm phải trong khoảng 1990–2100."]
