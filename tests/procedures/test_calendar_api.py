"""The calendar endpoints: /api/v1/calendar/due-at/ and /api/v1/calendar/non-working-days/."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from procedures.models import CalendarOverride
from tests.factories import AgencyFactory, CalendarOverrideFactory

pytestmark = pytest.mark.django_db

DUE_AT = "/api/v1/calendar/due-at/"
NON_WORKING = "/api/v1/calendar/non-working-days/"


def due_at_query(**overrides):
    query = {"received_at": "2026-11-25T09:00:00+07:00", "amount": 1, "unit": "working_days"}
    query.update(overrides)
    return {key: value for key, value in query.items() if value is not None}


# --- due-at ------------------------------------------------------------------------------------


def vn(local: str) -> str:
    """The ISO string the API answers for a Vietnamese local time "YYYY-MM-DDTHH:MM"."""
    return f"{local}:00+07:00"


@pytest.mark.parametrize(
    ("received_at", "amount", "unit", "start_at", "due_at"),
    [
        pytest.param(vn("2026-11-25T09:00"), 1, "working_days",
                     vn("2026-11-25T09:00"), vn("2026-11-26T09:00"), id="plain"),
        pytest.param(vn("2026-11-27T16:30"), 1, "working_days",
                     vn("2026-11-27T16:30"), vn("2026-11-30T16:30"), id="friday-16h30"),
        pytest.param(vn("2026-11-25T11:45"), 1, "working_days",
                     vn("2026-11-25T13:00"), vn("2026-11-26T11:00"), id="lunch"),
        pytest.param(vn("2025-01-24T10:00"), 1, "working_days",
                     vn("2025-01-24T10:00"), vn("2025-02-03T10:00"), id="tet-2025"),
        pytest.param(vn("2026-11-25T10:00"), 2, "working_hours",
                     vn("2026-11-25T10:00"), vn("2026-11-25T14:00"), id="hours-over-lunch"),
        pytest.param(vn("2026-11-25T09:00"), 4, "calendar_days",
                     vn("2026-11-25T09:00"), vn("2026-11-30T17:00"), id="calendar-sunday"),
        # Input in UTC answers in +07:00 with the same instant.
        pytest.param("2026-11-25T02:00:00Z", 1, "working_days",
                     vn("2026-11-25T09:00"), vn("2026-11-26T09:00"), id="utc-input"),
        # Without an offset the instant is read as Vietnamese local time.
        pytest.param("2026-11-25T09:00", 1, "working_days",
                     vn("2026-11-25T09:00"), vn("2026-11-26T09:00"), id="naive-is-local"),
        pytest.param(vn("2026-11-28T10:00"), 0, "working_days",
                     vn("2026-11-30T07:00"), vn("2026-11-30T07:00"), id="zero-amount"),
    ],
)
def test_due_at(user_client, received_at, amount, unit, start_at, due_at):
    response = user_client.get(DUE_AT, {"received_at": received_at, "amount": amount, "unit": unit})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["start_at"] == start_at
    assert body["due_at"] == due_at
    assert body["received_at"].endswith("+07:00")
    assert set(body) == {"received_at", "start_at", "due_at"}


def test_due_at_received_at_is_echoed_in_vietnam_time(user_client):
    response = user_client.get(DUE_AT, due_at_query(received_at="2026-11-25T02:00:00Z"))
    assert response.json()["received_at"] == "2026-11-25T09:00:00+07:00"


def test_due_at_accepts_an_unencoded_plus(user_client):
    # "+07:00" typed into a URL arrives as " 07:00".
    response = user_client.get(
        f"{DUE_AT}?received_at=2026-11-27T16:30:00+07:00&amount=1&unit=working_days"
    )
    assert response.status_code == 200, response.content
    assert response.json()["due_at"] == "2026-11-30T16:30:00+07:00"


def test_due_at_for_an_agency(user_client):
    AgencyFactory(
        code="LATE",
        morning_start=dt.time(7, 30),
        morning_end=dt.time(11, 30),
        afternoon_start=dt.time(13, 30),
        afternoon_end=dt.time(17, 30),
    )
    query = due_at_query(received_at="2026-11-25T11:45:00+07:00", agency="LATE")
    response = user_client.get(DUE_AT, query)
    assert response.status_code == 200, response.content
    assert response.json()["start_at"] == "2026-11-25T13:30:00+07:00"
    assert response.json()["due_at"] == "2026-11-26T11:30:00+07:00"


def test_due_at_next_working_day_agency(user_client):
    AgencyFactory(code="NEXT", counting_convention="next_working_day")
    response = user_client.get(DUE_AT, due_at_query(agency="NEXT"))
    assert response.json()["start_at"] == "2026-11-26T07:00:00+07:00"
    assert response.json()["due_at"] == "2026-11-26T17:00:00+07:00"


def test_due_at_sees_overrides(user_client):
    query = due_at_query(received_at="2025-12-31T10:00:00+07:00")
    assert user_client.get(DUE_AT, query).json()["due_at"] == "2026-01-02T10:00:00+07:00"
    CalendarOverrideFactory(date=dt.date(2026, 1, 2), kind=CalendarOverride.Kind.OFF)
    assert user_client.get(DUE_AT, query).json()["due_at"] == "2026-01-05T10:00:00+07:00"


def test_due_at_agency_override_only_for_that_agency(user_client):
    agency = AgencyFactory(code="SGDDT")
    AgencyFactory(code="SYT")
    CalendarOverrideFactory(date=dt.date(2026, 11, 26), agency=agency)
    closed = user_client.get(DUE_AT, due_at_query(agency="SGDDT")).json()
    other = user_client.get(DUE_AT, due_at_query(agency="SYT")).json()
    assert closed["due_at"] == "2026-11-27T09:00:00+07:00"
    assert other["due_at"] == "2026-11-26T09:00:00+07:00"


def test_due_at_needs_a_login(api_client):
    response = api_client.get(DUE_AT, due_at_query())
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        pytest.param(due_at_query(received_at=None), "received_at", id="missing-received-at"),
        pytest.param(due_at_query(received_at="25/11/2026 09:00"), "received_at", id="not-iso"),
        pytest.param(due_at_query(received_at="2026-13-45T09:00"), "received_at", id="no-such-day"),
        pytest.param(due_at_query(received_at="9999-12-31T09:00:00+07:00"), "received_at",
                     id="beyond-the-calendar"),
        pytest.param(due_at_query(amount=None), "amount", id="missing-amount"),
        pytest.param(due_at_query(amount=-1), "amount", id="negative-amount"),
        pytest.param(due_at_query(amount="two"), "amount", id="amount-not-a-number"),
        pytest.param(due_at_query(amount="1.5"), "amount", id="amount-not-an-integer"),
        pytest.param(due_at_query(unit=None), "unit", id="missing-unit"),
        pytest.param(due_at_query(unit="fortnights"), "unit", id="unknown-unit"),
        pytest.param(due_at_query(agency="NOPE"), "agency", id="unknown-agency"),
    ],
)
def test_due_at_bad_parameters(user_client, query, parameter):
    response = user_client.get(DUE_AT, query)
    assert response.status_code == 400
    body = response.json()
    assert parameter in body, body
    assert body[parameter]


def test_due_at_query_count(user_client, django_assert_num_queries):
    # Cold: the global overrides are read once; warm: the cached calendar answers alone.
    with django_assert_num_queries(1):
        assert user_client.get(DUE_AT, due_at_query()).status_code == 200
    with django_assert_num_queries(0):
        assert user_client.get(DUE_AT, due_at_query(amount=5)).status_code == 200


def test_due_at_query_count_with_agency(user_client, django_assert_num_queries):
    AgencyFactory(code="SGDDT")
    # Cold: the agency, the global overrides and the agency's own; warm: only the agency.
    with django_assert_num_queries(3):
        assert user_client.get(DUE_AT, due_at_query(agency="SGDDT")).status_code == 200
    with django_assert_num_queries(1):
        assert user_client.get(DUE_AT, due_at_query(agency="SGDDT", amount=3)).status_code == 200


# --- non-working-days --------------------------------------------------------------------------


def test_non_working_days_tet_2026(user_client):
    response = user_client.get(NON_WORKING, {"from": "2026-02-01", "to": "2026-02-28"})
    assert response.status_code == 200, response.content
    assert response.json() == [
        {"date": "2026-02-16", "weekday": "Thứ Hai", "reason": "Giao thừa Tết Nguyên Đán"},
        {"date": "2026-02-17", "weekday": "Thứ Ba", "reason": "Tết Nguyên Đán"},
        {"date": "2026-02-18", "weekday": "Thứ Tư", "reason": "Mùng hai Tết Nguyên Đán"},
        {"date": "2026-02-19", "weekday": "Thứ Năm", "reason": "Mùng ba Tết Nguyên Đán"},
        {"date": "2026-02-20", "weekday": "Thứ Sáu", "reason": "Mùng bốn Tết Nguyên Đán"},
    ]


def test_non_working_days_swap_2025(user_client):
    response = user_client.get(NON_WORKING, {"from": "2025-04-26", "to": "2025-05-04"})
    assert response.json() == [
        {"date": "2025-04-30", "weekday": "Thứ Tư", "reason": "Ngày Chiến thắng"},
        {"date": "2025-05-01", "weekday": "Thứ Năm", "reason": "Ngày Quốc tế Lao động"},
        {
            "date": "2025-05-02",
            "weekday": "Thứ Sáu",
            "reason": "Ngày nghỉ (thay cho ngày 26/04/2025)",
        },
    ]


def test_non_working_days_weekends_only_is_empty(user_client):
    response = user_client.get(NON_WORKING, {"from": "2026-11-28", "to": "2026-11-29"})
    assert response.status_code == 200
    assert response.json() == []


def test_non_working_days_single_day(user_client):
    response = user_client.get(NON_WORKING, {"from": "2026-11-24", "to": "2026-11-24"})
    assert response.json() == [
        {"date": "2026-11-24", "weekday": "Thứ Ba", "reason": "Ngày Văn hóa Việt Nam"}
    ]


def test_non_working_days_override_reason_and_agency(user_client):
    agency = AgencyFactory(code="SGDDT")
    AgencyFactory(code="SYT")
    CalendarOverrideFactory(date=dt.date(2026, 1, 2), reason="Nghỉ theo CV 12729/VPCP-KGVX")
    CalendarOverrideFactory(date=dt.date(2026, 1, 7), agency=agency, reason="Đại hội công đoàn")
    window = {"from": "2026-01-01", "to": "2026-01-09"}

    everyone = user_client.get(NON_WORKING, window).json()
    assert everyone == [
        {"date": "2026-01-01", "weekday": "Thứ Năm", "reason": "Tết Dương lịch"},
        {"date": "2026-01-02", "weekday": "Thứ Sáu", "reason": "Nghỉ theo CV 12729/VPCP-KGVX"},
    ]
    assert user_client.get(NON_WORKING, {**window, "agency": "SYT"}).json() == everyone
    assert user_client.get(NON_WORKING, {**window, "agency": "SGDDT"}).json() == [
        *everyone,
        {"date": "2026-01-07", "weekday": "Thứ Tư", "reason": "Đại hội công đoàn"},
    ]


def test_non_working_days_needs_a_login(api_client):
    response = api_client.get(NON_WORKING, {"from": "2026-02-01", "to": "2026-02-28"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        pytest.param({"from": "2026-02-28", "to": "2026-02-01"}, "to", id="from-after-to"),
        pytest.param({"to": "2026-02-01"}, "from", id="missing-from"),
        pytest.param({"from": "2026-02-01"}, "to", id="missing-to"),
        pytest.param({"from": "01/02/2026", "to": "2026-02-28"}, "from", id="bad-from"),
        pytest.param({"from": "2026-02-01", "to": "2026-02-30"}, "to", id="bad-to"),
        pytest.param({"from": "2010-01-01", "to": "2026-02-28"}, "to", id="longer-than-ten-years"),
        pytest.param({"from": "2026-02-01", "to": "2026-02-28", "agency": "NOPE"}, "agency",
                     id="unknown-agency"),
    ],
)
def test_non_working_days_bad_parameters(user_client, query, parameter):
    response = user_client.get(NON_WORKING, query)
    assert response.status_code == 400
    assert parameter in response.json(), response.json()


def test_non_working_days_query_count(user_client, django_assert_num_queries):
    window = {"from": "2026-01-01", "to": "2026-12-31"}
    # Cold: the global overrides to build the calendar, then the reasons; warm: the reasons.
    with django_assert_num_queries(2):
        assert user_client.get(NON_WORKING, window).status_code == 200
    with django_assert_num_queries(1):
        assert user_client.get(NON_WORKING, window).status_code == 200
    # No non-working weekday, no reason to look up.
    with django_assert_num_queries(0):
        assert user_client.get(NON_WORKING, {"from": "2026-11-28", "to": "2026-11-29"}).json() == []


def test_anonymous_client_is_separate():
    """Sanity for the 403 tests: a fresh client is anonymous whatever other fixtures did."""
    assert APIClient().get(DUE_AT, due_at_query()).status_code == 403
