"""The dossier API: intake, actions, filters, scoping, errors and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.roles import COUNTER_OFFICER, SPECIALIST, STATISTICS
from dossiers.models import Dossier, DossierCounter, DossierEvent
from procedures.calendar import VN_TZ
from tests import factories
from tests.conftest import NOW

URL = "/api/v1/dossiers/"


@pytest.fixture
def officer(agency):
    """One account drives whole lifecycles here: a small office's officer who also processes.

    Each role on its own is checked in tests/security/test_access_matrix.py.
    """
    return factories.staff(agency=agency, roles=[COUNTER_OFFICER, SPECIALIST], username="motcua")


def vn(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN_TZ)


def intake(client, procedure_, **extra):
    body = {
        "procedure": procedure_.code,
        "applicant_name": "Lê Thị Mai",
        "applicant_phone": "0987 654 321",
        "applicant_id_number": "079301000123",
        "applicant_email": "mai@example.vn",
        "channel": "counter",
        "documents": [{"name": "Đơn đề nghị", "kind": "original", "count": 1}],
    }
    body.update(extra)
    return client.post(URL, body, format="json")


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def other_agency_dossier(db):
    other = factories.AgencyFactory(code="PGDDT-KHAC")
    officer = factories.staff(agency=other, roles=[COUNTER_OFFICER], username="khac")
    procedure = factories.ProcedureFactory(field__agency=other)
    return factories.receive_dossier(procedure=procedure, actor=officer)


def test_intake_returns_201_with_code_due_and_status(officer_client, procedure):
    response = intake(officer_client, procedure)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"] == f"{procedure.agency.code}-20261125-0001"
    assert body["due_at"] == "2026-12-02T09:00:00+07:00"
    assert body["received_at"] == NOW.isoformat()
    assert body["status"] == "in_progress"
    assert body["applicant_phone"] == "0987654321"
    assert body["classification"] == "within_deadline"
    assert [event["type"] for event in body["events"]] == ["received"]


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"applicant_phone": "12345"}, "applicant_phone"),
        ({"applicant_id_number": "12345678901"}, "applicant_id_number"),
        ({"applicant_email": "không-phải-email"}, "applicant_email"),
        ({"channel": "fax"}, "channel"),
        ({"procedure": "9.999999"}, "procedure"),
        ({"applicant_name": "  "}, "applicant_name"),
        ({"documents": [{"name": "Đơn", "kind": "photo"}]}, "documents"),
        ({"received_at": "2026-11-26T09:00:00+07:00"}, "received_at"),
    ],
)
def test_bad_intake_is_400_per_field_and_writes_nothing(officer_client, procedure, override, field):
    response = intake(officer_client, procedure, **override)
    assert response.status_code == 400
    assert field in response.json()
    assert Dossier.objects.count() == 0
    assert DossierEvent.objects.count() == 0
    assert not DossierCounter.objects.filter(last_value__gt=0).exists()
    assert intake(officer_client, procedure).json()["code"].endswith("-0001")  # no number was lost


def test_backdating_without_permission_is_403(officer_client, procedure):
    response = intake(officer_client, procedure, received_at="2026-11-20T09:00:00+07:00")
    assert response.status_code == 403
    assert "quá khứ" in response.json()["detail"]
    assert Dossier.objects.count() == 0


def test_backdating_with_permission(head, procedure):
    response = intake(client_for(head), procedure, received_at="2026-11-20T16:30:00+07:00")
    assert response.status_code == 201
    assert response.json()["code"].endswith("-20261120-0001")
    # Fri 20/11 16:30 + 5 working days, skipping Tue 24/11 (Vietnam Culture Day, from 2026).
    assert response.json()["due_at"] == "2026-11-30T16:30:00+07:00"


def test_actions_over_http(officer_client, procedure):
    code = intake(officer_client, procedure).json()["code"]
    response = officer_client.post(f"{URL}{code}/transfer/", {"to_unit": "Phòng Khảo thí"}, format="json")
    assert response.status_code == 200
    assert response.json()["current_unit"] == "Phòng Khảo thí"
    response = officer_client.post(
        f"{URL}{code}/request-supplement/", {"items": ["Học bạ"], "reason": "Thiếu học bạ"}, format="json"
    )
    assert response.json()["status"] == "awaiting_supplement"
    assert officer_client.post(f"{URL}{code}/receive-supplement/", {}, format="json").status_code == 200
    assert officer_client.post(f"{URL}{code}/suspend/", {"reason": "Chờ nộp phí"}, format="json").status_code == 200
    assert officer_client.post(f"{URL}{code}/resume/", {}, format="json").status_code == 200
    response = officer_client.post(f"{URL}{code}/finish/", {"result_note": "Đã cấp"}, format="json")
    assert response.json()["classification"] == "early"
    response = officer_client.post(f"{URL}{code}/return/", {}, format="json")
    assert response.json()["status"] == "returned"
    assert response.json()["allowed_actions"] == []
    types = [event["type"] for event in response.json()["events"]]
    assert types == [
        "received", "transferred", "supplement_requested", "supplement_received", "suspended", "resumed",
        "result_ready", "returned",
    ]


def test_refused_action_is_409_with_message(officer_client, procedure):
    code = intake(officer_client, procedure).json()["code"]
    officer_client.post(f"{URL}{code}/withdraw/", {}, format="json")
    response = officer_client.post(f"{URL}{code}/finish/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == "Hồ sơ đã được rút, không thể ghi nhận có kết quả."


def test_action_input_is_validated(officer_client, procedure):
    code = intake(officer_client, procedure).json()["code"]
    response = officer_client.post(f"{URL}{code}/request-supplement/", {"items": [], "reason": ""}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"items", "reason"}
    response = officer_client.post(f"{URL}{code}/finish/", {"at": "hôm qua"}, format="json")
    assert response.status_code == 400 and "at" in response.json()
    assert DossierEvent.objects.count() == 1


def test_other_agency_is_404_everywhere(officer_client, other_agency_dossier):
    code = other_agency_dossier.code
    assert officer_client.get(f"{URL}{code}/").status_code == 404
    assert officer_client.post(f"{URL}{code}/finish/", {}, format="json").status_code == 404
    assert officer_client.get(URL).json()["count"] == 0
    assert officer_client.get(URL, {"agency": "PGDDT-KHAC"}).status_code == 404  # not an empty list


def test_procedure_of_other_agency_cannot_be_used(officer_client, other_agency_dossier):
    response = intake(officer_client, other_agency_dossier.procedure)
    assert response.status_code == 400 and "procedure" in response.json()


def test_province_wide_user_sees_all_agencies(procedure, officer, other_agency_dossier):
    factories.receive_dossier(procedure=procedure, actor=officer)
    province = factories.staff(agency=None, roles=[STATISTICS], province_wide=True, username="tinh")
    assert client_for(province).get(URL).json()["count"] == 2


def test_login_and_role_required(api_client, procedure, agency):
    assert api_client.get(URL).status_code == 403
    reader = factories.staff(agency=agency, roles=[STATISTICS], username="thongke")
    response = intake(client_for(reader), procedure)
    assert response.status_code == 403


def test_list_filters(officer_client, procedure, officer, head):
    late = factories.receive_dossier(procedure=procedure, actor=head, received_at=vn(2026, 11, 2, 9, 0))
    factories.receive_dossier(procedure=procedure, actor=officer, applicant_name="Phạm Minh Châu",
                              applicant_phone="0909111222", channel="online")
    assert officer_client.get(URL, {"overdue": "true"}).json()["results"][0]["code"] == late.code
    assert officer_client.get(URL, {"overdue": "false"}).json()["count"] == 1
    assert officer_client.get(URL, {"q": "Châu"}).json()["count"] == 1
    assert officer_client.get(URL, {"q": "0909111"}).json()["count"] == 1
    assert officer_client.get(URL, {"q": "001203004567"}).json()["count"] == 2
    assert officer_client.get(URL, {"channel": "online"}).json()["count"] == 1
    assert officer_client.get(URL, {"received_from": "2026-11-20"}).json()["count"] == 1
    assert officer_client.get(URL, {"due_before": "2026-11-25T00:00:00+07:00"}).json()["count"] == 1
    assert officer_client.get(URL, {"status": "in_progress"}).json()["count"] == 2
    assert officer_client.get(URL, {"field": procedure.field.code}).json()["count"] == 2
    assert officer_client.get(URL, {"status": "nonsense"}).status_code == 400


def test_detail_classification_at_an_instant(officer_client, procedure, head):
    dossier = factories.receive_dossier(procedure=procedure, actor=head, received_at=vn(2026, 11, 16, 9, 0))
    url = f"{URL}{dossier.code}/"
    assert officer_client.get(url).json()["classification"] == "overdue"
    body = officer_client.get(url, {"at": "2026-11-20T09:00:00+07:00"}).json()
    assert (body["classification"], body["classification_display"]) == ("within_deadline", "Trong hạn")
    assert officer_client.get(url, {"at": "không"}).status_code == 400


def _list_queries(client) -> int:
    client.get(URL)  # the first request also loads the user's profile onto the cached user
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_list_query_count_is_constant(officer_client, procedure, officer):
    for _ in range(3):
        factories.receive_dossier(procedure=procedure, actor=officer)
    few = _list_queries(officer_client)
    other_procedure = factories.ProcedureFactory(field__agency=procedure.agency)
    for _ in range(10):
        factories.receive_dossier(procedure=other_procedure, actor=officer)
    assert _list_queries(officer_client) == few
    assert few == 2  # count and page: agency, procedure, field and officer come joined


def test_detail_query_count_is_constant(officer_client, procedure, officer):
    dossier = factories.receive_dossier(procedure=procedure, actor=officer)
    url = f"{URL}{dossier.code}/"
    officer_client.get(url)
    with CaptureQueriesContext(connection) as before:
        officer_client.get(url)
    from dossiers import services

    services.dossier_transfer(dossier=dossier, actor=officer, to_unit="A")
    services.dossier_transfer(dossier=dossier, actor=officer, to_unit="B")
    with CaptureQueriesContext(connection) as after:
        officer_client.get(url)
    assert len(after) == len(before)


def test_intake_query_count(agency, procedure):
    """An intake by token: the token with its user, profile and agency; the permissions; the
    procedure; both counters; the free-code check; dossier, history and event; the event read
    back for the answer. Nine statements, besides BEGIN/COMMIT, whatever the database."""
    officer = factories.staff(agency=agency, roles=[COUNTER_OFFICER], username="lan")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {factories.api_key(officer)}")
    assert intake(client, procedure).status_code == 201
    with CaptureQueriesContext(connection) as queries:
        response = intake(client, procedure)
    assert response.status_code == 201, response.json()
    assert response.json()["code"].endswith("-0002")
    statements = [q["sql"] for q in queries if q["sql"].split()[0] not in {"BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"}]
    assert len(statements) == 9, "\n".join(statements)


def test_list_filters_apply_to_the_list_only(officer_client, procedure, officer):
    dossier = factories.receive_dossier(procedure=procedure, actor=officer)
    assert officer_client.get(URL, {"status": "không-có"}).status_code == 400
    detail = officer_client.get(f"{URL}{dossier.code}/", {"status": "returned"})
    assert detail.status_code == 200  # not filtered away: the query string holds no filters here
    assert detail.json()["code"] == dossier.code
