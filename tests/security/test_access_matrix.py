"""Who may do what, across two agencies: every role against every kind of endpoint.

The rules under test (README "Roles"):
- a user without the read permission of an endpoint gets 403 whatever the object;
- an object of another agency is a 404 for every role that may read the endpoint;
- on their own agency's objects, each role gets 200/201 for what it may do and 403 otherwise;
- a province-wide account sees (and, with the role, acts on) every agency;
- anonymous callers get 403 from the API and a login redirect from the pages.

Every URL here exists: a missing one fails. Letter pages and actions, reports, feedback and
the dossier forms are in test_access_matrix_more.py.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import NoReverseMatch, reverse
from rest_framework.test import APIClient

from accounts.models import StaffProfile
from accounts.roles import ADMINISTRATOR, COUNTER_OFFICER, DEPARTMENT_HEAD, SPECIALIST, STATISTICS
from apology_letters.services import letter_draft
from dossiers import services
from dossiers.models import Dossier, Status
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = {
    "counter": [COUNTER_OFFICER],
    "specialist": [SPECIALIST],
    "head": [DEPARTMENT_HEAD],
    "statistics": [STATISTICS],
    "administrator": [ADMINISTRATOR],
}
PRINCIPALS = [*ROLES, "province_statistics", "province_head", "anonymous"]
READERS = {"counter", "specialist", "head", "statistics", "province_statistics", "province_head"}
PROVINCE_WIDE = {"province_statistics", "province_head"}

# API action -> (body, the state the dossier must be in, roles that may do it)
COUNTER_ACTIONS = {"transfer", "receive-supplement", "return", "refuse", "withdraw"}  # transfer: to the unit
SPECIALIST_ACTIONS = {"transfer", "request-supplement", "suspend", "resume", "finish"}
ACTIONS = {
    "transfer": ({"to_unit": "Phòng Khảo thí"}, "in_progress"),
    "request-supplement": ({"items": ["Bản sao học bạ"], "reason": "Thiếu học bạ"}, "in_progress"),
    "receive-supplement": ({}, "awaiting_supplement"),
    "suspend": ({"reason": "Chờ xác minh"}, "in_progress"),
    "resume": ({}, "suspended"),
    "finish": ({"result_note": "Đã cấp"}, "in_progress"),
    "return": ({}, "result_ready"),
    "refuse": ({"reason": "Không thuộc thẩm quyền"}, "in_progress"),
    "withdraw": ({}, "in_progress"),
}
WEB_KINDS = {
    "transfer": "transferred", "request-supplement": "supplement_requested",
    "receive-supplement": "supplement_received", "suspend": "suspended", "resume": "resumed",
    "finish": "result_ready", "return": "returned", "refuse": "refused", "withdraw": "withdrawn",
}
WEB_DATA = {
    "transfer": {"transferred-to_unit": "Phòng Khảo thí"},
    "request-supplement": {"supplement_requested-items": "Học bạ", "supplement_requested-reason": "Thiếu học bạ"},
    "suspend": {"suspended-reason": "Chờ xác minh"},
    "refuse": {"refused-reason": "Không thuộc thẩm quyền"},
}


def may_act(principal: str, action: str) -> bool:
    if principal in {"head", "province_head"}:
        return True
    if principal == "counter":
        return action in COUNTER_ACTIONS
    if principal == "specialist":
        return action in SPECIALIST_ACTIONS
    return False


class World:
    """Two agencies, each with a procedure, a dossier factory and one account per principal."""

    def __init__(self):
        self.a = factories.AgencyFactory(code="SO-A")
        self.b = factories.AgencyFactory(code="SO-B")
        self.proc = {
            "a": factories.ProcedureFactory(field__agency=self.a),
            "b": factories.ProcedureFactory(field__agency=self.b),
        }
        self.groups = {group.name: group for group in Group.objects.all()}  # made by `migrate`
        self.heads = {
            "a": self._staff(self.a, [DEPARTMENT_HEAD], "head-a-setup"),
            "b": self._staff(self.b, [DEPARTMENT_HEAD], "head-b-setup"),
        }
        self.users = {name: self._staff(self.a, roles, name) for name, roles in ROLES.items()}
        self.users["province_statistics"] = self._staff(self.a, [STATISTICS], "province_statistics", province_wide=True)
        self.users["province_head"] = self._staff(self.a, [DEPARTMENT_HEAD], "province_head", province_wide=True)

    def _staff(self, agency, roles, username, *, province_wide=False):
        """factories.staff without its ensure_roles() call, which would dominate this module's time."""
        user = factories.UserFactory(username=username)
        StaffProfile.objects.create(user=user, agency=agency, province_wide=province_wide)
        user.groups.set([self.groups[role] for role in roles])
        return type(user).objects.get(pk=user.pk)

    def dossier(self, side: str, state: str = "in_progress") -> Dossier:
        head = self.heads[side]
        dossier = factories.receive_dossier(procedure=self.proc[side], actor=head)
        if state == "awaiting_supplement":
            services.dossier_request_supplement(dossier=dossier, actor=head, items=["Học bạ"], reason="Thiếu")
        elif state == "suspended":
            services.dossier_suspend(dossier=dossier, actor=head, reason="Chờ")
        elif state == "result_ready":
            services.dossier_finish(dossier=dossier, actor=head)
        return Dossier.objects.get(pk=dossier.pk)

    def letter(self, side: str):
        return letter_draft(dossier=self.dossier(side), actor=self.heads[side], reason="Chờ kết quả xác minh")

    def api(self, principal: str) -> APIClient:
        client = APIClient()
        if principal != "anonymous":
            client.force_authenticate(self.users[principal])
        return client

    def web(self, client, principal: str):
        if principal != "anonymous":
            client.force_login(self.users[principal])
        return client


@pytest.fixture
def world():
    return World()


def expected_for_object(principal: str, side: str, allowed: bool, *, readers=READERS) -> int:
    """The status for a request on one object: 403 without read, 404 across agencies, then the role."""
    if principal not in readers:
        return 403
    if side == "b" and principal not in PROVINCE_WIDE:
        return 404
    return 200 if allowed else 403


# ---------------------------------------------------------------------------- dossiers (API)


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_dossier_list_shows_only_what_the_user_may_see(world, principal):
    own, foreign = world.dossier("a"), world.dossier("b")
    response = world.api(principal).get("/api/v1/dossiers/")
    if principal not in READERS:
        assert response.status_code == 403
        assert "detail" in response.json()
        return
    assert response.status_code == 200
    codes = {row["code"] for row in response.json()["results"]}
    assert codes == ({own.code, foreign.code} if principal in PROVINCE_WIDE else {own.code})


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_dossier_detail(world, principal):
    for side in ["a", "b"]:
        dossier = world.dossier(side)
        response = world.api(principal).get(f"/api/v1/dossiers/{dossier.code}/")
        assert response.status_code == expected_for_object(principal, side, True), side


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_dossier_actions(world, principal):
    """Every action on both agencies' dossiers, compared as one table so a failure shows it all."""
    observed, expected = {}, {}
    client = world.api(principal)
    for side in ["a", "b"]:
        for action, (body, state) in ACTIONS.items():
            dossier = world.dossier(side, state)
            events_before = dossier.events.count()
            response = client.post(f"/api/v1/dossiers/{dossier.code}/{action}/", body, format="json")
            changed = dossier.events.count() - events_before
            observed[side, action] = (response.status_code, changed)
            status = expected_for_object(principal, side, may_act(principal, action))
            expected[side, action] = (status, int(status == 200))
    assert observed == expected


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_dossier_intake(world, principal):
    for side in ["a", "b"]:
        body = {
            "procedure": world.proc[side].code,
            "applicant_name": "Lê Thị Mai",
            "applicant_phone": "0987654321",
            "channel": "counter",
        }
        response = world.api(principal).post("/api/v1/dossiers/", body, format="json")
        may_take_in = principal in {"counter", "head", "province_head"}
        if not may_take_in:
            expected = 403
        elif side == "b" and principal not in PROVINCE_WIDE:
            expected = 400  # another agency's procedure is simply not in the user's catalogue
        else:
            expected = 201
        assert response.status_code == expected, (side, response.content)
        if expected == 400:
            assert "procedure" in response.json()
        assert Dossier.objects.filter(agency__code=f"SO-{side.upper()}").count() == (1 if expected == 201 else 0)


# ---------------------------------------------------------------------------- apology letters (API)


LETTER_READERS = READERS


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_letter_list(world, principal):
    own, foreign = world.letter("a"), world.letter("b")
    response = world.api(principal).get("/api/v1/apology-letters/")
    if principal not in LETTER_READERS:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == ({own.pk, foreign.pk} if principal in PROVINCE_WIDE else {own.pk})


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_letter_detail(world, principal):
    for side in ["a", "b"]:
        letter = world.letter(side)
        response = world.api(principal).get(f"/api/v1/apology-letters/{letter.pk}/")
        assert response.status_code == expected_for_object(principal, side, True), side


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_letter_issue(world, principal):
    for side in ["a", "b"]:
        letter = world.letter(side)
        url = f"/api/v1/apology-letters/{letter.pk}/issue/"
        response = world.api(principal).post(url, {"sent_via": "sms"}, format="json")
        allowed = principal in {"head", "province_head"}
        assert response.status_code == expected_for_object(principal, side, allowed), (side, response.content)
        letter.refresh_from_db()
        assert (letter.status == "issued") == (response.status_code == 200)


# ---------------------------------------------------------------------------- catalogue and calendar (API)


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_catalogue_write_is_for_administrators_only(world, principal):
    """Every logged-in user reads the whole catalogue; an administrator writes their own
    agency's entries only: another agency's entry is a 404, a body naming it a 400
    (tests/security/test_catalogue_scope.py has the province-level administrator)."""
    client = world.api(principal)
    read = client.get("/api/v1/procedures/")
    observed = {"read": read.status_code}
    for side in ["a", "b"]:
        body = {"code": f"F-MOI-{side.upper()}", "name": "Lĩnh vực mới", "agency": f"SO-{side.upper()}"}
        observed["create", side] = client.post("/api/v1/fields/", body, format="json").status_code
        path = f"/api/v1/procedures/{world.proc[side].pk}/"
        observed["patch", side] = client.patch(path, {"name": "Tên mới"}, format="json").status_code
    if principal == "administrator":
        expected = {"read": 200, ("create", "a"): 201, ("patch", "a"): 200, ("create", "b"): 400, ("patch", "b"): 404}
    elif principal == "anonymous":
        expected = {"read": 403, **{(verb, side): 403 for verb in ["create", "patch"] for side in "ab"}}
    else:
        expected = {"read": 200, **{(verb, side): 403 for verb in ["create", "patch"] for side in "ab"}}
    assert observed == expected


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_calendar_endpoints_need_a_login_only(world, principal):
    client = world.api(principal)
    query = {"received_at": "2026-11-25T09:00:00+07:00", "amount": 5, "unit": "working_days"}
    due = client.get("/api/v1/calendar/due-at/", query)
    days = client.get("/api/v1/calendar/non-working-days/", {"from": "2026-01-01", "to": "2026-12-31"})
    expected = 403 if principal == "anonymous" else 200
    assert (due.status_code, days.status_code) == (expected, expected)


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_report_summary(world, principal):
    world.dossier("a")
    world.dossier("b")
    client = world.api(principal)
    period = {"from": "2026-11-01", "to": "2026-11-30", "group_by": "agency"}
    mine = client.get("/api/v1/reports/summary/", period)
    theirs = client.get("/api/v1/reports/summary/", {**period, "agency": "SO-B"})
    if principal not in READERS:
        assert (mine.status_code, theirs.status_code) == (403, 403)
        return
    assert mine.status_code == 200
    agencies = {row["agency_code"] for row in mine.json()["rows"]}
    assert agencies == ({"SO-A", "SO-B"} if principal in PROVINCE_WIDE else {"SO-A"})
    assert theirs.status_code == (200 if principal in PROVINCE_WIDE else 404)


# ---------------------------------------------------------------------------- web pages


def _page_paths(world) -> list[str]:
    dossier = world.dossier("a")
    code = dossier.code
    return ["/ho-so/", f"/ho-so/{code}/", f"/ho-so/{code}/bien-nhan/", "/ho-so/tiep-nhan/", "/phieu-xin-loi/"]


def test_pages_redirect_anonymous_users_to_the_login(world, client):
    for path in _page_paths(world):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("login")), path


@pytest.mark.parametrize("principal", [p for p in PRINCIPALS if p != "anonymous"])
def test_dossier_page(world, client, principal):
    world.web(client, principal)
    for side in ["a", "b"]:
        dossier = world.dossier(side)
        response = client.get(f"/ho-so/{dossier.code}/")
        assert response.status_code == expected_for_object(principal, side, True), side


@pytest.mark.parametrize("principal", [p for p in PRINCIPALS if p != "anonymous"])
def test_dossier_page_actions(world, client, principal):
    observed, expected = {}, {}
    world.web(client, principal)
    for side in ["a", "b"]:
        for action, (_, state) in ACTIONS.items():
            dossier = world.dossier(side, state)
            events_before = dossier.events.count()
            url = f"/ho-so/{dossier.code}/thao-tac/{WEB_KINDS[action]}/"
            response = client.post(url, WEB_DATA.get(action, {}))
            observed[side, action] = (response.status_code, dossier.events.count() - events_before)
            status = expected_for_object(principal, side, may_act(principal, action))
            expected[side, action] = (302 if status == 200 else status, int(status == 200))
    assert observed == expected


@pytest.mark.parametrize("principal", ["counter", "specialist", "head", "statistics"])
def test_dossier_page_offers_only_the_roles_actions(world, client, principal):
    dossier = world.dossier("a")
    html = world.web(client, principal).get(f"/ho-so/{dossier.code}/").content.decode()
    for action, (_, state) in ACTIONS.items():
        if state != "in_progress":
            continue
        offered = f"/thao-tac/{WEB_KINDS[action]}/" in html
        assert offered == may_act(principal, action), action


def test_anonymous_api_action_is_403_and_changes_nothing(world):
    dossier = world.dossier("a")
    response = APIClient().post(f"/api/v1/dossiers/{dossier.code}/finish/", {}, format="json")
    assert response.status_code == 403
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS


def test_reverse_names_exist():
    """Guard against a silently renamed route making the matrix above test nothing."""
    for name in ["dossiers:search", "login"]:
        try:
            reverse(name)
        except NoReverseMatch:  # pragma: no cover
            pytest.fail(name)
