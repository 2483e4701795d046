"""The access matrix, continued: letter pages and actions, reports, feedback, the dossier forms.

The rules are those of test_access_matrix.py (README "Roles", docs/feedback.md "Roles",
docs/apology-letters.md "Pages"):
- a user without the read permission of an endpoint gets 403 whatever the object;
- an object of another agency is a 404 for every role that may read the endpoint, before the
  role's own permission is looked at;
- `?agency=` naming another agency is a 404 for every reader but the province-wide accounts,
  on lists, reports, exports and the dashboard alike;
- anonymous callers get 403 from the API and a login redirect from the pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from accounts.roles import COUNTER_OFFICER, DEPARTMENT_HEAD, ROLE_PERMISSIONS, SPECIALIST, STATISTICS
from apology_letters.models import ApologyLetter
from dossiers import services
from feedback.models import FeedbackItem, SatisfactionRating
from feedback.services import feedback_answer, feedback_receive, rating_submit, survey_plan_create
from procedures.calendar import VN_TZ
from tests.feedback.conftest import SCORES
from tests.security.test_access_matrix import PRINCIPALS, PROVINCE_WIDE, READERS, World, expected_for_object

pytestmark = pytest.mark.django_db

# Who may read what (accounts/roles.py; docs/feedback.md "Roles"); checked against roles.py below.
RATING_READERS = READERS - {"specialist"}  # feedback.view_satisfactionrating
ITEM_READERS = READERS  # feedback.view_feedbackitem
ITEM_CHANGERS = {"specialist", "head", "province_head"}  # feedback.change_feedbackitem
SURVEY_READERS = {"head", "statistics", "province_statistics", "province_head"}  # view and export surveyplan
LETTER_DRAFTERS = {"specialist", "head", "province_head"}  # apology_letters.add_apologyletter
HEADS = {"head", "province_head"}  # change and issue apology letters
LOCAL_READERS = READERS - PROVINCE_WIDE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_PERIOD = {"from": "2026-11-01", "to": "2026-11-30"}
FEEDBACK_PERIOD = {"date_from": "2026-11-01", "date_to": "2026-11-30"}
TODAY = dt.date(2026, 11, 25)


class FeedbackWorld(World):
    """The two agencies of test_access_matrix.World, plus the feedback objects and dossier forms."""

    def agency(self, side: str):
        return {"a": self.a, "b": self.b}[side]

    def returned(self, side: str):
        dossier = self.dossier(side, "result_ready")
        return services.dossier_return(dossier=dossier, actor=self.heads[side])

    def item(self, side: str, *, answered: bool = False) -> FeedbackItem:
        """An email complaint received on 05/11, so already past its deadline (overdue list)."""
        item = feedback_receive(
            agency=self.agency(side), channel="email", category="complaint", content="Phản ánh thái độ.",
            contact_name="Vũ Hà", contact_phone="0977111222", actor=self.heads[side],
            received_at=dt.datetime(2026, 11, 5, 9, tzinfo=VN_TZ),
        ).item
        if answered:
            item = feedback_answer(item=item, actor=self.heads[side], answer="Đã chấn chỉnh.")
        return item

    def plan(self, side: str):
        self.returned(side)  # the one dossier of the sample
        return survey_plan_create(
            agency=self.agency(side), actor=self.heads[side], title="Khảo sát", year=2026,
            returned_from=TODAY, returned_to=TODAY, per_field=5, seed=1,
        )

    def make(self, kind: str, side: str) -> Any:
        """One object of `side`, by the key its endpoints use (code or id)."""
        head = self.heads[side]
        if kind == "dossier":
            return self.dossier(side).code
        if kind == "awaiting_supplement":
            return self.dossier(side, kind).code
        if kind == "refused":
            return services.dossier_refuse(dossier=self.dossier(side), actor=head, reason="Sai thẩm quyền").code
        if kind == "letter":
            return self.letter(side).pk
        if kind == "rating":
            rating = rating_submit(
                dossier=self.returned(side), channel=SatisfactionRating.Channel.COUNTER, actor=head, **SCORES
            )
            return rating.pk
        if kind == "item":
            return self.item(side).code
        if kind == "plan":
            return self.plan(side).pk
        if kind == "sample":
            return self.plan(side).samples.get().pk
        raise AssertionError(kind)


@pytest.fixture
def world():
    return FeedbackWorld()


def results(key: str):
    return lambda response: {row[key] for row in response.json()["results"]}


@dataclass(frozen=True)
class Collection:
    kind: str  # "api" or "web"
    path: str
    query: dict
    readers: set
    data: str  # FeedbackWorld.make kind
    keys: Any = None  # response -> the keys it lists, for lists
    agency_param: bool = True  # False: the page has no agency choice and ignores ?agency=


COLLECTIONS = {
    # reports: Biểu 06 .xlsx and the online figures (API), the report page and its .xlsx, the dashboard
    "reports-xlsx": Collection("api", "/api/v1/reports/summary.xlsx", REPORT_PERIOD, READERS, "dossier"),
    "reports-online": Collection("api", "/api/v1/reports/online/", REPORT_PERIOD, READERS, "dossier"),
    "report-page": Collection("web", "/bao-cao/", {}, READERS, "dossier"),
    "report-page-xlsx": Collection("web", "/bao-cao/bieu-06.xlsx", {}, READERS, "dossier"),
    "dashboard": Collection("web", "/bang-dieu-khien/", {}, READERS, "dossier"),
    # feedback: lists, reports and exports
    "ratings": Collection("api", "/api/v1/satisfaction-ratings/", {}, RATING_READERS, "rating", results("id")),
    "rating-report": Collection(
        "api", "/api/v1/satisfaction-ratings/report/", FEEDBACK_PERIOD, RATING_READERS, "rating"
    ),
    "rating-report-xlsx": Collection(
        "api", "/api/v1/satisfaction-ratings/report-xlsx/", FEEDBACK_PERIOD, RATING_READERS, "rating"
    ),
    "satisfaction-page": Collection("web", "/hai-long/bao-cao/", {}, RATING_READERS, "rating"),
    "satisfaction-page-xlsx": Collection("web", "/hai-long/bao-cao.xlsx", {}, RATING_READERS, "rating"),
    "items": Collection("api", "/api/v1/feedback-items/", {}, ITEM_READERS, "item", results("code")),
    "items-overdue": Collection(
        "api", "/api/v1/feedback-items/overdue/", {}, ITEM_READERS, "item", lambda r: {row["code"] for row in r.json()}
    ),
    "items-report": Collection("api", "/api/v1/feedback-items/report/", FEEDBACK_PERIOD, ITEM_READERS, "item"),
    "items-page": Collection(
        "web", "/pakn/", {}, ITEM_READERS, "item", lambda r: {item.code for item, _ in r.context["rows"]}
    ),
    "survey-plans": Collection("api", "/api/v1/survey-plans/", {}, SURVEY_READERS, "plan", results("id")),
    "survey-samples": Collection("api", "/api/v1/survey-samples/", {}, SURVEY_READERS, "sample", results("id")),
    # the other lists that take ?agency=, and the letters' review page, which does not
    "dossiers": Collection("api", "/api/v1/dossiers/", {}, READERS, "dossier", results("code")),
    "dossiers-page": Collection(
        "web", "/ho-so/", {}, READERS, "dossier", lambda r: {dossier.code for dossier, _ in r.context["rows"]}
    ),
    "letters": Collection("api", "/api/v1/apology-letters/", {}, READERS, "letter", results("id")),
    "letters-page": Collection(
        "web", "/phieu-xin-loi/", {}, READERS, "letter", lambda r: {letter.pk for letter, _ in r.context["draft_rows"]},
        agency_param=False,
    ),
}




def _denied(principal: str, kind: str) -> int:
    return 302 if principal == "anonymous" and kind == "web" else 403


def _get(world, client, principal: str, kind: str, path: str, query: dict | None = None):
    if kind == "api":
        return world.api(principal).get(path, query or {})
    response = world.web(client, principal).get(path, query or {})
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login")), path
    return response


@pytest.mark.parametrize(("principal", "name"), [(p, n) for p in PRINCIPALS for n in COLLECTIONS])
def test_lists_reports_and_exports(world, client, principal, name):
    spec = COLLECTIONS[name]
    keys = {side: world.make(spec.data, side) for side in "ab"}
    mine = _get(world, client, principal, spec.kind, spec.path, spec.query)
    theirs = _get(world, client, principal, spec.kind, spec.path, {**spec.query, "agency": "SO-B"})
    if principal not in spec.readers:
        denied = _denied(principal, spec.kind)
        assert (mine.status_code, theirs.status_code) == (denied, denied)
        return
    province = principal in PROVINCE_WIDE
    assert mine.status_code == 200, mine.content[:300]
    if spec.path.endswith("xlsx"):
        assert mine["Content-Type"] == XLSX
    if spec.keys:
        assert spec.keys(mine) == ({keys["a"], keys["b"]} if province else {keys["a"]})
    if not spec.agency_param:  # ignored: it must not widen what the user sees
        assert (theirs.status_code, spec.keys(theirs)) == (200, spec.keys(mine))
        return
    assert theirs.status_code == (200 if province else 404), theirs.content[:300]
    if province and spec.keys:
        assert spec.keys(theirs) == {keys["b"]}


# ---------------------------------------------------------------------------- one object, read


# name -> (api or web, path with {key}, readers, FeedbackWorld.make kind)
OBJECTS = {
    "letter-page": ("web", "/phieu-xin-loi/{key}/", READERS, "letter"),
    "letter-print": ("web", "/phieu-xin-loi/{key}/in/", READERS, "letter"),
    "letter-docx": ("web", "/phieu-xin-loi/{key}/tai-ve.docx", READERS, "letter"),
    "receipt-mau-01": ("web", "/ho-so/{key}/bien-nhan/", READERS, "dossier"),
    "form-mau-02": ("web", "/ho-so/{key}/mau-02/", READERS, "awaiting_supplement"),
    "form-mau-03": ("web", "/ho-so/{key}/mau-03/", READERS, "refused"),
    "rating": ("api", "/api/v1/satisfaction-ratings/{key}/", RATING_READERS, "rating"),
    "item": ("api", "/api/v1/feedback-items/{key}/", ITEM_READERS, "item"),
    "item-page": ("web", "/pakn/{key}/", ITEM_READERS, "item"),
    "survey-plan": ("api", "/api/v1/survey-plans/{key}/", SURVEY_READERS, "plan"),
    "survey-export": ("api", "/api/v1/survey-plans/{key}/export/", SURVEY_READERS, "plan"),
}


@pytest.mark.parametrize("name", OBJECTS)
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_one_object(world, client, principal, name):
    kind, path, readers, data = OBJECTS[name]
    observed, expected = {}, {}
    for side in "ab":
        response = _get(world, client, principal, kind, path.format(key=world.make(data, side)))
        observed[side] = response.status_code
        expected[side] = _denied(principal, kind) if principal == "anonymous" else (
            expected_for_object(principal, side, True, readers=readers)
        )
    assert observed == expected


# ---------------------------------------------------------------------------- apology letters, actions


# API action -> (method, path, body, roles that may do it)
LETTER_API = {
    "update": ("patch", "/api/v1/apology-letters/{pk}/", {"reason": "Chờ ý kiến liên ngành"}, HEADS),
    "cancel": ("post", "/api/v1/apology-letters/{pk}/cancel/", {"reason": "Kết quả kịp hạn"}, HEADS),
}


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_letter_api_actions(world, principal):
    observed, expected = {}, {}
    client = world.api(principal)
    for side in "ab":
        for action, (method, path, body, allowed) in LETTER_API.items():
            letter = world.letter(side)
            response = getattr(client, method)(path.format(pk=letter.pk), body, format="json")
            letter.refresh_from_db()
            done = letter.reason == body["reason"] or letter.status == ApologyLetter.Status.CANCELLED
            observed[side, action] = (response.status_code, done)
            status = expected_for_object(principal, side, principal in allowed)
            expected[side, action] = (status, status == 200)
        # Drafting names the dossier in the body: another agency's is "not in your agency" (400), as
        # for intake, with the same answer as a code that does not exist.
        dossier = world.dossier(side)
        response = client.post("/api/v1/apology-letters/", {"dossier": dossier.code, "reason": "Chờ"}, format="json")
        if principal not in LETTER_DRAFTERS:
            status = 403
        else:
            status = 400 if side == "b" and principal not in PROVINCE_WIDE else 201
        observed[side, "draft"] = (response.status_code, dossier.apology_letters.exists())
        expected[side, "draft"] = (status, status == 201)
    assert observed == expected


# page action (POST) -> (path, form data, roles that may do it)
LETTER_PAGES = {
    "update": ("/phieu-xin-loi/{pk}/sua/", {"edit-reason": "Chờ ý kiến liên ngành", "edit-new_due_at": ""}, HEADS),
    "issue": ("/phieu-xin-loi/{pk}/ban-hanh/", {"issue-sent_via": "sms"}, HEADS),
    "cancel": ("/phieu-xin-loi/{pk}/huy/", {"cancel-reason": "Kết quả kịp hạn"}, HEADS),
    "draft": ("/ho-so/{code}/xin-loi/", {"reason": "Chờ kết quả xác minh", "new_due_at": ""}, LETTER_DRAFTERS),
}




@pytest.mark.parametrize(("principal", "action"), [(p, a) for p in PRINCIPALS for a in LETTER_PAGES])
def test_letter_page_actions(world, client, principal, action):
    path, data, allowed = LETTER_PAGES[action]
    world.web(client, principal)
    observed, expected = {}, {}
    for side in "ab":
        if action == "draft":
            dossier = world.dossier(side)
            url = path.format(code=dossier.code)
        else:
            letter = world.letter(side)
            dossier, url = letter.dossier, path.format(pk=letter.pk)
        before = list(dossier.apology_letters.values_list("status", "reason"))
        response = client.post(url, data)
        changed = list(dossier.apology_letters.values_list("status", "reason")) != before
        observed[side] = (response.status_code, changed)
        if principal == "anonymous":
            expected[side] = (302, False)
        else:
            status = expected_for_object(principal, side, principal in allowed)
            expected[side] = (302 if status == 200 else status, status == 200)
    assert observed == expected


# ---------------------------------------------------------------------------- feedback items, actions


ITEM_ACTIONS = {
    # action -> (API body, page form data, answered first?)
    "assign": (lambda world, side: {"assignee": world.heads[side].username},
               lambda world, side: {"assigned-assignee": str(world.heads[side].pk)}, False),
    "answer": (lambda world, side: {"answer": "Đã chấn chỉnh quầy số 2."},
               lambda world, side: {"answered-answer": "Đã chấn chỉnh quầy số 2."}, False),
    "close": (lambda world, side: {}, lambda world, side: {"closed-note": ""}, True),
}
WEB_ITEM_KINDS = {"assign": "assigned", "answer": "answered", "close": "closed"}


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_feedback_item_actions(world, client, principal):
    """The API and the page, on both agencies' items, compared as one table."""
    observed, expected = {}, {}
    api = world.api(principal)
    world.web(client, principal)
    for side in "ab":
        for action, (api_body, page_data, answered) in ITEM_ACTIONS.items():
            for kind in ("api", "web"):
                item = world.item(side, answered=answered)
                events_before = item.events.count()
                if kind == "api":
                    url = f"/api/v1/feedback-items/{item.code}/{action}/"
                    response = api.post(url, api_body(world, side), format="json")
                else:
                    url = f"/pakn/{item.code}/thao-tac/{WEB_ITEM_KINDS[action]}/"
                    response = client.post(url, page_data(world, side))
                observed[kind, side, action] = (response.status_code, item.events.count() - events_before)
                if kind == "web" and principal == "anonymous":
                    expected[kind, side, action] = (302, 0)
                    continue
                status = expected_for_object(principal, side, principal in ITEM_CHANGERS, readers=ITEM_READERS)
                ok = 302 if kind == "web" else 200
                expected[kind, side, action] = (ok if status == 200 else status, int(status == 200))
    assert observed == expected


# ---------------------------------------------------------------------------- the sets above


def test_the_reader_sets_are_the_roles_permissions():
    """Guard: the sets of this matrix say what accounts/roles.py grants (and the docs' tables)."""
    role_of = {
        "counter": COUNTER_OFFICER, "specialist": SPECIALIST, "head": DEPARTMENT_HEAD, "statistics": STATISTICS,
        "province_statistics": STATISTICS, "province_head": DEPARTMENT_HEAD,
    }

    def holders(*perms: str) -> set:
        return {p for p, role in role_of.items() if all(perm in ROLE_PERMISSIONS[role] for perm in perms)}

    assert holders("dossiers.view_dossier", "apology_letters.view_apologyletter") == READERS
    assert holders("feedback.view_satisfactionrating") == RATING_READERS
    assert holders("feedback.view_feedbackitem") == ITEM_READERS
    assert holders("feedback.change_feedbackitem") == ITEM_CHANGERS
    assert holders("feedback.view_surveyplan") == holders("feedback.export_surveyplan") == SURVEY_READERS
    assert holders("apology_letters.add_apologyletter") == LETTER_DRAFTERS
    assert holders("apology_letters.change_apologyletter") == holders("apology_letters.issue_apologyletter") == HEADS
