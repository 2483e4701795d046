"""Hand-computed cases for the working-time calendar (docs/calendar.md).

Every expected instant below was worked out by hand from the rules in shared/domain.md
("Working time") and the `holidays.VN` calendar; none is computed by the code under test.
Office hours are 07:00–11:00 and 13:00–17:00 unless a case says otherwise.
"""

from __future__ import annotations

import datetime as dt

import holidays
import pytest

from procedures import calendar
from procedures.calendar import VN_TZ
from procedures.models import CalendarOverride
from tests.factories import AgencyFactory, CalendarOverrideFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
PLUS_7 = dt.timezone(dt.timedelta(hours=7))
WD, WH, CD = "working_days", "working_hours", "calendar_days"


def at(year, month=None, day=None, hour=0, minute=0):
    """An aware instant in Vietnam's time zone, from numbers or from "YYYY-MM-DD HH:MM"."""
    if isinstance(year, str):
        return dt.datetime.fromisoformat(year).replace(tzinfo=VN_TZ)
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


def d(year, month=None, day=None):
    if isinstance(year, str):
        return dt.date.fromisoformat(year)
    return dt.date(year, month, day)


def case(case_id, *values):
    """A parametrize row: "YYYY-MM-DD HH:MM" becomes an instant, "YYYY-MM-DD" a date."""

    def convert(value):
        if isinstance(value, str) and value[:4].isdigit():
            return at(value) if len(value) == 16 else d(value)
        return value

    return pytest.param(*map(convert, values), id=case_id)


# --- the working calendar itself ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        case("tet-2025-last-friday-before", "2025-01-24", True),
        case("tet-2025-mon-27-1", "2025-01-27", False),
        case("tet-2025-tue-28-1", "2025-01-28", False),
        case("tet-2025-wed-29-1", "2025-01-29", False),
        case("tet-2025-thu-30-1", "2025-01-30", False),
        case("tet-2025-fri-31-1", "2025-01-31", False),
        case("tet-2025-sat-1-2", "2025-02-01", False),
        case("tet-2025-back-mon-3-2", "2025-02-03", True),
        case("tet-2026-fri-13-2", "2026-02-13", True),
        case("tet-2026-mon-16-2", "2026-02-16", False),
        case("tet-2026-wed-18-2", "2026-02-18", False),
        case("tet-2026-fri-20-2", "2026-02-20", False),
        case("tet-2026-back-mon-23-2", "2026-02-23", True),
        case("sat-26-4-2025-worked-swap", "2025-04-26", True),
        case("fri-2-5-2025-off-swap", "2025-05-02", False),
        case("fri-2-1-2026-without-override", "2026-01-02", True),
        case("sat-10-1-2026-without-override", "2026-01-10", False),
        case("vietnam-culture-day-2026", "2026-11-24", False),
        case("plain-saturday", "2026-11-28", False),
        case("plain-sunday", "2026-11-29", False),
        case("plain-wednesday", "2026-11-25", True),
    ],
)
def test_is_working_day(day, working):
    assert calendar.is_working_day(day) is working


# --- working days --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "amount", "start", "due"),
    [
        # A plain week: the receipt minute is kept.
        case("wed-9h", "2026-11-25 09:00", 1, "2026-11-25 09:00", "2026-11-26 09:00"),
        case("wed-9h-5d", "2026-11-25 09:00", 5, "2026-11-25 09:00", "2026-12-02 09:00"),
        # Friday 16:30: half an hour on Friday, the rest on Monday.
        case("fri-16h30", "2026-11-27 16:30", 1, "2026-11-27 16:30", "2026-11-30 16:30"),
        case("fri-16h30-2d", "2026-11-27 16:30", 2, "2026-11-27 16:30", "2026-12-01 16:30"),
        # Saturday: counting starts Monday 07:00, one full day ends Monday 17:00.
        case("saturday", "2026-11-28 10:00", 1, "2026-11-30 07:00", "2026-11-30 17:00"),
        case("sunday-night-2d", "2026-11-29 23:59", 2, "2026-11-30 07:00", "2026-12-01 17:00"),
        # Lunch: 11:45 starts at 13:00; 13:00 + 1 day lands on a boundary, the end of the morning.
        case("lunch-11h45", "2026-11-25 11:45", 1, "2026-11-25 13:00", "2026-11-26 11:00"),
        case("13h-boundary", "2026-11-25 13:00", 1, "2026-11-25 13:00", "2026-11-26 11:00"),
        case("11h-is-lunch", "2026-11-25 11:00", 1, "2026-11-25 13:00", "2026-11-26 11:00"),
        # Before opening and after closing.
        case("before-opening", "2026-11-25 06:15", 1, "2026-11-25 07:00", "2026-11-25 17:00"),
        case("monday-7h-sharp", "2026-11-23 07:00", 1, "2026-11-23 07:00", "2026-11-23 17:00"),
        case("17h-is-closed", "2026-11-25 17:00", 1, "2026-11-26 07:00", "2026-11-26 17:00"),
        case("after-closing", "2026-11-25 17:30", 1, "2026-11-26 07:00", "2026-11-26 17:00"),
        case("friday-evening", "2026-11-27 18:00", 1, "2026-11-30 07:00", "2026-11-30 17:00"),
        case("midnight", "2026-11-25 00:00", 1, "2026-11-25 07:00", "2026-11-25 17:00"),
        # Monday 23/11/2026 16:00, Tuesday 24/11 is Vietnam Culture Day.
        case("over-culture-day", "2026-11-23 16:00", 1, "2026-11-23 16:00", "2026-11-25 16:00"),
        # Tết 2025: 27/1–31/1 off, Saturday 1/2 a Tết day, back Monday 3/2.
        case("tet-2025", "2025-01-24 10:00", 1, "2025-01-24 10:00", "2025-02-03 10:00"),
        case("tet-2025-3d", "2025-01-24 10:00", 3, "2025-01-24 10:00", "2025-02-05 10:00"),
        case("during-tet-2025", "2025-01-29 09:00", 1, "2025-02-03 07:00", "2025-02-03 17:00"),
        # Tết 2026: 16/2–20/2 off.
        case("tet-2026", "2026-02-13 14:00", 1, "2026-02-13 14:00", "2026-02-23 14:00"),
        case("tet-2026-5d", "2026-02-12 09:00", 5, "2026-02-12 09:00", "2026-02-26 09:00"),
        # The 2025 swap: Saturday 26/4 worked, Friday 2/5 off (with 30/4 and 1/5).
        case("to-worked-sat", "2025-04-25 10:00", 1, "2025-04-25 10:00", "2025-04-26 10:00"),
        case("on-worked-sat", "2025-04-26 10:00", 1, "2025-04-26 10:00", "2025-04-28 10:00"),
        case("30-4-to-2-5", "2025-04-29 10:00", 1, "2025-04-29 10:00", "2025-05-05 10:00"),
        # Year end: 31/12/2026 is a Thursday, 1/1/2027 a Friday holiday.
        case("year-end-2026", "2026-12-31 10:00", 1, "2026-12-31 10:00", "2027-01-04 10:00"),
        case("year-end-2025", "2025-12-31 15:00", 2, "2025-12-31 15:00", "2026-01-05 15:00"),
    ],
)
def test_working_days(received, amount, start, due):
    result = calendar.deadline(received, amount, "working_days")
    assert result.received_at == received
    assert result.start_at == start
    assert result.due_at == due
    assert calendar.due_at(received, amount, "working_days") == due


def test_results_are_aware_in_vietnam():
    result = calendar.deadline(at(2026, 11, 25, 9), 1, "working_days")
    for instant in (result.received_at, result.start_at, result.due_at):
        assert instant.utcoffset() == dt.timedelta(hours=7)
        assert instant.tzinfo == VN_TZ


def test_zero_amount_is_due_at_the_start():
    # Not at Friday 17:00, the close of the session before a Monday-morning start.
    received = at(2026, 11, 23, 6)
    assert calendar.due_at(received, 0, "working_days") == at(2026, 11, 23, 7)
    assert calendar.due_at(received, 0, "working_hours") == at(2026, 11, 23, 7)
    assert calendar.due_at(at(2026, 11, 25, 9, 10), 0, "working_days") == at(2026, 11, 25, 9, 10)


def test_negative_amount_is_refused():
    with pytest.raises(ValueError):
        calendar.due_at(at(2026, 11, 25, 9), -1, "working_days")


def test_unknown_unit_is_refused():
    with pytest.raises(ValueError):
        calendar.due_at(at(2026, 11, 25, 9), 1, "fortnights")


def test_seconds_are_dropped_from_the_start():
    result = calendar.deadline(at(2026, 11, 25, 9).replace(second=45), 1, "working_days")
    assert result.start_at == at(2026, 11, 25, 9)
    assert result.due_at == at(2026, 11, 26, 9)


# --- working hours -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "amount", "due"),
    [
        case("crosses-lunch", "2026-11-25 10:00", 2, "2026-11-25 14:00"),
        case("half-hour-each-side", "2026-11-25 10:30", 1, "2026-11-25 13:30"),
        case("ends-at-11h-not-13h", "2026-11-25 09:00", 2, "2026-11-25 11:00"),
        case("a-whole-day", "2026-11-25 07:00", 8, "2026-11-25 17:00"),
        case("ends-at-closing", "2026-11-25 16:00", 1, "2026-11-25 17:00"),
        case("overnight", "2026-11-25 16:00", 2, "2026-11-26 08:00"),
        case("over-the-weekend", "2026-11-27 16:00", 2, "2026-11-30 08:00"),
        case("received-at-lunch", "2026-11-25 12:00", 1, "2026-11-25 14:00"),
        case("over-culture-day", "2026-11-23 15:00", 4, "2026-11-25 09:00"),
    ],
)
def test_working_hours(received, amount, due):
    assert calendar.due_at(received, amount, "working_hours") == due


# --- calendar days -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "amount", "due"),
    [
        case("ends-on-sunday", "2026-11-25 09:00", 4, "2026-11-30 17:00"),
        case("ends-on-saturday", "2026-11-25 09:00", 3, "2026-11-30 17:00"),
        case("ends-on-a-working-day", "2026-11-25 09:00", 6, "2026-12-01 09:00"),
        case("zero", "2026-11-25 09:00", 0, "2026-11-25 09:00"),
        # Start 13:00 (received at lunch), five days later is Monday at 13:00.
        case("start-after-lunch", "2026-11-25 11:30", 5, "2026-11-30 13:00"),
        # Received Saturday: the start is Monday 07:00, one day later Tuesday 07:00.
        case("received-saturday", "2026-11-28 10:00", 1, "2026-12-01 07:00"),
        # 9/2/2026 + 7 = Monday 16/2 (Tết): the close of the next working day, 23/2.
        case("ends-in-tet-2026", "2026-02-09 10:00", 7, "2026-02-23 17:00"),
        # 23/10/2026 + 32 = 24/11/2026 (Culture Day): Wednesday 25/11 17:00.
        case("ends-on-culture-day", "2026-10-23 08:00", 32, "2026-11-25 17:00"),
        case("ends-new-year-day", "2026-12-25 09:00", 7, "2027-01-04 17:00"),
    ],
)
def test_calendar_days(received, amount, due):
    assert calendar.due_at(received, amount, "calendar_days") == due


def test_calendar_days_are_not_monotonic_by_rule():
    """Start date + N, moved to the close of the next working day, can overtake a later receipt.

    Thursday 16:00 + 3 days = Sunday, so Monday 17:00; Friday 08:00 + 3 days = Monday 08:00.
    That is the rule of domain.md (and Civil Code Art. 148) applied literally.
    """
    earlier = calendar.due_at(at(2026, 11, 26, 16), 3, "calendar_days")
    later = calendar.due_at(at(2026, 11, 27, 8), 3, "calendar_days")
    assert earlier == at(2026, 11, 30, 17)
    assert later == at(2026, 11, 30, 8)


# --- overrides and the cache ------------------------------------------------------------------


def test_override_2026_swap_and_cache_invalidation():
    """Official Letter 12729/VPCP-KGVX: Friday 2/1/2026 off, Saturday 10/1/2026 worked."""
    before_new_year = at(2025, 12, 31, 10)
    friday_9 = at(2026, 1, 9, 10)
    assert calendar.is_working_day(d(2026, 1, 2))
    assert not calendar.is_working_day(d(2026, 1, 10))
    assert calendar.due_at(before_new_year, 1, "working_days") == at(2026, 1, 2, 10)
    assert calendar.due_at(friday_9, 1, "working_days") == at(2026, 1, 12, 10)

    day_off = CalendarOverrideFactory(
        date=d(2026, 1, 2), kind=CalendarOverride.Kind.OFF, reason="Nghỉ bù Tết Dương lịch 2026"
    )
    CalendarOverrideFactory(
        date=d(2026, 1, 10), kind=CalendarOverride.Kind.WORKING, reason="Làm bù cho ngày 2/1/2026"
    )

    assert not calendar.is_working_day(d(2026, 1, 2))
    assert calendar.is_working_day(d(2026, 1, 10))
    assert calendar.due_at(before_new_year, 1, "working_days") == at(2026, 1, 5, 10)
    assert calendar.due_at(friday_9, 1, "working_days") == at(2026, 1, 10, 10)
    # Across both: Wed 31/12 10:00 + 7 days = 5, 6, 7, 8, 9, Sat 10, 12/1.
    assert calendar.due_at(before_new_year, 7, "working_days") == at(2026, 1, 12, 10)
    assert calendar.non_working_weekdays(d(2025, 12, 29), d(2026, 1, 11)) == [
        d(2026, 1, 1),
        d(2026, 1, 2),
    ]

    day_off.delete()
    assert calendar.is_working_day(d(2026, 1, 2))
    assert calendar.due_at(before_new_year, 1, "working_days") == at(2026, 1, 2, 10)
    # The working Saturday is still there: 31/12 + 7 = 2, 5, 6, 7, 8, 9, Sat 10.
    assert calendar.due_at(before_new_year, 7, "working_days") == at(2026, 1, 10, 10)


def test_override_change_of_kind_is_seen():
    override = CalendarOverrideFactory(date=d(2026, 11, 26), kind=CalendarOverride.Kind.OFF)
    assert not calendar.is_working_day(d(2026, 11, 26))
    override.kind = CalendarOverride.Kind.WORKING
    override.save()
    assert calendar.is_working_day(d(2026, 11, 26))


def test_override_can_make_a_holiday_worked():
    CalendarOverrideFactory(date=d(2026, 11, 24), kind=CalendarOverride.Kind.WORKING)
    assert calendar.is_working_day(d(2026, 11, 24))
    assert calendar.due_at(at(2026, 11, 23, 16), 1, "working_days") == at(2026, 11, 24, 16)


def test_agency_override_does_not_affect_another_agency():
    closed, other = AgencyFactory(code="SGDDT"), AgencyFactory(code="SYT")
    CalendarOverrideFactory(date=d(2026, 11, 26), agency=closed, kind=CalendarOverride.Kind.OFF)
    received = at(2026, 11, 25, 9)

    assert not calendar.is_working_day(d(2026, 11, 26), closed)
    assert calendar.is_working_day(d(2026, 11, 26), other)
    assert calendar.is_working_day(d(2026, 11, 26))
    assert calendar.due_at(received, 1, "working_days", closed) == at(2026, 11, 27, 9)
    assert calendar.due_at(received, 1, "working_days", other) == at(2026, 11, 26, 9)
    assert calendar.due_at(received, 1, "working_days") == at(2026, 11, 26, 9)


def test_agency_override_wins_over_the_global_one():
    open_agency, other = AgencyFactory(code="SGDDT"), AgencyFactory(code="SYT")
    CalendarOverrideFactory(
        date=d(2026, 11, 27), kind=CalendarOverride.Kind.OFF, reason="Nghỉ toàn tỉnh"
    )
    CalendarOverrideFactory(
        date=d(2026, 11, 27), agency=open_agency, kind=CalendarOverride.Kind.WORKING, reason="Trực"
    )
    assert calendar.is_working_day(d(2026, 11, 27), open_agency)
    assert not calendar.is_working_day(d(2026, 11, 27), other)
    assert not calendar.is_working_day(d(2026, 11, 27))
    received = at(2026, 11, 26, 10)
    assert calendar.due_at(received, 1, "working_days", open_agency) == at(2026, 11, 27, 10)
    assert calendar.due_at(received, 1, "working_days", other) == at(2026, 11, 30, 10)


# --- agencies: convention and office hours -------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "amount", "start", "due"),
    [
        case("wed-9h", "2026-11-25 09:00", 1, "2026-11-26 07:00", "2026-11-26 17:00"),
        case("before-opening", "2026-11-25 06:00", 1, "2026-11-26 07:00", "2026-11-26 17:00"),
        case("wed-3d", "2026-11-25 09:00", 3, "2026-11-26 07:00", "2026-11-30 17:00"),
        case("friday-16h30", "2026-11-27 16:30", 1, "2026-11-30 07:00", "2026-11-30 17:00"),
        case("saturday", "2026-11-28 10:00", 1, "2026-11-30 07:00", "2026-11-30 17:00"),
        case("next-day-holiday", "2026-11-23 09:00", 1, "2026-11-25 07:00", "2026-11-25 17:00"),
        case("tet-2025", "2025-01-24 10:00", 1, "2025-02-03 07:00", "2025-02-03 17:00"),
    ],
)
def test_next_working_day_convention(received, amount, start, due):
    agency = AgencyFactory(counting_convention="next_working_day")
    result = calendar.deadline(received, amount, "working_days", agency)
    assert (result.start_at, result.due_at) == (start, due)


def test_next_working_day_convention_in_hours_and_calendar_days():
    agency = AgencyFactory(counting_convention="next_working_day")
    assert calendar.due_at(at(2026, 11, 25, 9), 5, "working_hours", agency) == at(2026, 11, 26, 14)
    # Start Thursday 26/11 07:00, + 3 days = Sunday: Monday 30/11 17:00.
    assert calendar.due_at(at(2026, 11, 25, 9), 3, "calendar_days", agency) == at(2026, 11, 30, 17)


@pytest.fixture
def late_agency():
    """Office hours 07:30–11:30 and 13:30–17:30 (still 8 hours)."""
    return AgencyFactory(
        code="LATE",
        morning_start=dt.time(7, 30),
        morning_end=dt.time(11, 30),
        afternoon_start=dt.time(13, 30),
        afternoon_end=dt.time(17, 30),
    )


@pytest.mark.parametrize(
    ("received", "amount", "unit", "start", "due"),
    [
        case("before-opening", "2026-11-25 07:15", 1, WD, "2026-11-25 07:30", "2026-11-25 17:30"),
        case("11h15-morning", "2026-11-25 11:15", 1, WD, "2026-11-25 11:15", "2026-11-26 11:15"),
        case("lunch", "2026-11-25 11:45", 1, WD, "2026-11-25 13:30", "2026-11-26 11:30"),
        case("17h-still-open", "2026-11-25 17:00", 1, WD, "2026-11-25 17:00", "2026-11-26 17:00"),
        case("after-closing", "2026-11-25 17:45", 1, WD, "2026-11-26 07:30", "2026-11-26 17:30"),
        case("hours-lunch", "2026-11-25 11:00", 1, WH, "2026-11-25 11:00", "2026-11-25 14:00"),
        case("days-to-sunday", "2026-11-25 09:00", 4, CD, "2026-11-25 09:00", "2026-11-30 17:30"),
    ],
)
def test_custom_office_hours(late_agency, received, amount, unit, start, due):
    result = calendar.deadline(received, amount, unit, late_agency)
    assert (result.start_at, result.due_at) == (start, due)
    assert calendar.working_minutes_per_day(late_agency) == 480


def test_short_office_day():
    agency = AgencyFactory(
        code="SHORT",
        morning_start=dt.time(7, 30),
        morning_end=dt.time(11, 30),
        afternoon_start=dt.time(13, 30),
        afternoon_end=dt.time(16, 30),
    )
    assert calendar.working_minutes_per_day(agency) == 420
    # A working day is the agency's whole day: 420 minutes, so 09:00 + 1 day = 09:00 next day.
    assert calendar.due_at(at(2026, 11, 25, 9), 1, "working_days", agency) == at(2026, 11, 26, 9)
    assert calendar.due_at(at(2026, 11, 25, 16), 1, "working_hours", agency) == at(2026, 11, 26, 8)
    whole_day = calendar.working_minutes_between(at(2026, 11, 25, 7), at(2026, 11, 25, 18), agency)
    assert whole_day == 420


# --- the working-minute axis -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        case("same-session", "2026-11-25 09:00", "2026-11-25 10:30", 90),
        case("across-lunch", "2026-11-25 10:00", "2026-11-25 14:00", 120),
        case("across-weekend", "2026-11-27 16:00", "2026-11-30 08:00", 120),
        case("zero", "2026-11-25 09:00", "2026-11-25 09:00", 0),
        case("negative", "2026-11-30 08:00", "2026-11-27 16:00", -120),
        case("from-lunch", "2026-11-25 12:00", "2026-11-25 13:30", 30),
        case("within-a-weekend", "2026-11-28 09:00", "2026-11-29 15:00", 0),
        case("a-whole-day", "2026-11-25 06:00", "2026-11-25 18:00", 480),
        case("over-culture-day", "2026-11-23 16:00", "2026-11-25 08:00", 120),
        case("over-tet-2025", "2025-01-24 16:00", "2025-02-03 08:00", 120),
        pytest.param(at(2026, 11, 25, 9, 10).replace(second=59), at(2026, 11, 25, 9, 11), 1,
                     id="seconds-dropped"),
    ],
)
def test_working_minutes_between(start, end, minutes):
    assert calendar.working_minutes_between(start, end) == minutes


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        case("same-session", "2026-11-25 09:00", 90, "2026-11-25 10:30"),
        case("across-lunch", "2026-11-25 10:30", 60, "2026-11-25 13:30"),
        case("lands-on-11h", "2026-11-25 10:00", 60, "2026-11-25 11:00"),
        case("lands-on-friday-close", "2026-11-27 16:00", 60, "2026-11-27 17:00"),
        case("across-weekend", "2026-11-27 16:00", 120, "2026-11-30 08:00"),
        case("zero-in-hours", "2026-11-25 09:00", 0, "2026-11-25 09:00"),
        case("zero-snaps-to-opening", "2026-11-25 12:00", 0, "2026-11-25 13:00"),
        case("zero-on-saturday", "2026-11-28 12:00", 0, "2026-11-30 07:00"),
        case("negative-across-weekend", "2026-11-30 08:00", -120, "2026-11-27 16:00"),
        case("negative-lands-on-close", "2026-11-30 07:30", -30, "2026-11-27 17:00"),
        case("negative-across-lunch", "2026-11-25 13:30", -60, "2026-11-25 10:30"),
        case("three-days", "2026-11-25 09:00", 480 * 3, "2026-11-30 09:00"),
    ],
)
def test_add_working_minutes(start, minutes, expected):
    assert calendar.add_working_minutes(start, minutes) == expected


# --- time zones and naive datetimes ------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda naive: calendar.due_at(naive, 1, "working_days"), id="due_at"),
        pytest.param(lambda naive: calendar.deadline(naive, 1, "working_hours"), id="deadline"),
        pytest.param(lambda naive: calendar.working_minutes_between(naive, at(2026, 11, 26, 9)),
                     id="between-start"),
        pytest.param(lambda naive: calendar.working_minutes_between(at(2026, 11, 26, 9), naive),
                     id="between-end"),
        pytest.param(lambda naive: calendar.add_working_minutes(naive, 60), id="add"),
    ],
)
def test_naive_datetimes_raise(call):
    naive = dt.datetime(2026, 11, 25, 9, 0)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="naive"):
        call(naive)


@pytest.mark.parametrize(
    ("instant", "due"),
    [
        pytest.param(dt.datetime(2026, 11, 25, 2, tzinfo=UTC), at(2026, 11, 26, 9), id="utc"),
        pytest.param(dt.datetime(2026, 11, 25, 9, tzinfo=PLUS_7), at(2026, 11, 26, 9), id="plus-7"),
        # 23:30 UTC on 24/11 is 06:30 on 25/11 in Vietnam: before opening, not a day earlier.
        pytest.param(
            dt.datetime(2026, 11, 24, 23, 30, tzinfo=UTC), at(2026, 11, 25, 17), id="utc-day-before"
        ),
        # 10:30 UTC Friday is 17:30 Friday in Vietnam: after closing.
        pytest.param(
            dt.datetime(2026, 11, 27, 10, 30, tzinfo=UTC), at(2026, 11, 30, 17), id="utc-friday"
        ),
    ],
)
def test_other_time_zones_give_the_same_answer(instant, due):
    local = instant.astimezone(VN_TZ)
    assert calendar.due_at(instant, 1, "working_days") == due
    assert calendar.due_at(instant, 1, "working_days") == calendar.due_at(local, 1, "working_days")
    result = calendar.deadline(instant, 1, "working_days")
    assert result.received_at == instant
    assert result.received_at.tzinfo == VN_TZ
    assert calendar.working_minutes_between(instant, local) == 0


# --- far outside the precomputed 2015–2035 span -------------------------------------------------


@pytest.mark.parametrize(
    ("received", "amount", "due"),
    [
        # 30/4/2010 Friday, 1/5 Saturday, 3/5 Monday in lieu: back Tuesday 4/5.
        case("2010", "2010-04-29 10:00", 1, "2010-05-04 10:00"),
        # 1/9/2045 Friday, 2/9 Saturday, 4/9 Monday in lieu: back Tuesday 5/9.
        case("2045", "2045-08-31 10:00", 1, "2045-09-05 10:00"),
        case("2045-year-end", "2045-12-29 16:00", 1, "2046-01-02 16:00"),
    ],
)
def test_far_dates_grow_the_span(received, amount, due):
    assert calendar.due_at(received, amount, "working_days") == due
    # The answer must not depend on whether the span had already grown.
    assert calendar.due_at(received, amount, "working_days") == due


def test_working_minutes_between_across_a_grown_span():
    old, now = at(2010, 6, 1, 9), at(2026, 11, 25, 9)
    vn = holidays.VN(years=range(2010, 2027))
    expected = vn.get_working_days_count(d(2010, 6, 1), d(2026, 11, 24)) * 480
    assert calendar.working_minutes_between(old, now) == expected  # the span grows mid-call
    calendar.invalidate()
    assert calendar.working_minutes_between(now, old) == -expected
    assert calendar.working_minutes_between(old, now) == expected


def test_add_working_minutes_before_the_span():
    # Mon 5/1/2015 08:00 − 1000 min: 60 on 5/1 (2/1 and 1/1/2015 off), 480 on Wed 31/12/2014,
    # the last 460 from Tuesday 30/12's close: 07:20.
    assert calendar.add_working_minutes(at(2015, 1, 5, 8), -1000) == at(2014, 12, 30, 7, 20)


def test_working_days_object_far_away():
    days = calendar.WorkingDays({})
    assert days.nth_working_day(d(2045, 8, 31), 1) == d(2045, 9, 5)
    assert days.nth_working_day(d(2010, 4, 29), 1) == d(2010, 5, 4)
    assert days.nth_working_day(d(2026, 11, 23), 1) == d(2026, 11, 25)


# --- WorkingDays.nth_working_day against holidays' own helper -----------------------------------


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        case("tet-2025", "2025-01-24", 1, "2025-02-03"),
        case("zero-on-a-working-day", "2025-01-24", 0, "2025-01-24"),
        case("zero-in-tet", "2025-01-27", 0, "2025-02-03"),
        case("zero-on-saturday", "2026-11-28", 0, "2026-11-30"),
        case("one-from-saturday", "2026-11-28", 1, "2026-11-30"),
        case("tet-2026", "2026-02-13", 1, "2026-02-23"),
        case("worked-saturday", "2025-04-25", 1, "2025-04-26"),
        case("30-4-to-2-5", "2025-04-29", 1, "2025-05-05"),
        case("year-end", "2026-12-31", 1, "2027-01-04"),
        case("a-month", "2026-11-25", 22, "2026-12-25"),
    ],
)
def test_nth_working_day(day, n, expected):
    assert calendar.WorkingDays({}).nth_working_day(day, n) == expected
    assert holidays.VN(years=range(2024, 2028)).get_nth_working_day(day, n) == expected


def test_nth_working_day_with_overrides():
    days = calendar.WorkingDays({d(2026, 1, 2): False, d(2026, 1, 10): True})
    assert days.nth_working_day(d(2025, 12, 31), 1) == d(2026, 1, 5)
    assert days.nth_working_day(d(2026, 1, 9), 1) == d(2026, 1, 10)
    assert days.nth_working_day(d(2026, 1, 2), 0) == d(2026, 1, 5)


# --- non-working weekdays and their reasons -----------------------------------------------------


def test_non_working_weekdays_2026():
    assert calendar.non_working_weekdays(d(2026, 1, 1), d(2026, 2, 28)) == [
        d(2026, 1, 1),
        d(2026, 2, 16),
        d(2026, 2, 17),
        d(2026, 2, 18),
        d(2026, 2, 19),
        d(2026, 2, 20),
    ]
    assert calendar.non_working_weekdays(d(2026, 11, 28), d(2026, 11, 29)) == []
    assert calendar.non_working_weekdays(d(2026, 11, 24), d(2026, 11, 24)) == [d(2026, 11, 24)]


def test_non_working_reasons_are_vietnamese_holiday_names():
    days = calendar.non_working_weekdays(d(2025, 1, 1), d(2025, 5, 31))
    reasons = calendar.non_working_reasons(days)
    assert reasons == {
        d(2025, 1, 1): "Tết Dương lịch",
        d(2025, 1, 27): "29 Tết",
        d(2025, 1, 28): "Giao thừa Tết Nguyên Đán",
        d(2025, 1, 29): "Tết Nguyên Đán",
        d(2025, 1, 30): "Mùng hai Tết Nguyên Đán",
        d(2025, 1, 31): "Mùng ba Tết Nguyên Đán",
        d(2025, 4, 7): "Ngày Giỗ Tổ Hùng Vương",
        d(2025, 4, 30): "Ngày Chiến thắng",
        d(2025, 5, 1): "Ngày Quốc tế Lao động",
        d(2025, 5, 2): "Ngày nghỉ (thay cho ngày 26/04/2025)",
    }


def test_non_working_reasons_weekend_and_empty():
    assert calendar.non_working_reasons([]) == {}
    assert calendar.non_working_reasons([d(2026, 11, 28), d(2026, 11, 29), d(2025, 2, 1)]) == {
        d(2026, 11, 28): "Thứ Bảy",
        d(2026, 11, 29): "Chủ nhật",
        d(2025, 2, 1): "Mùng bốn Tết Nguyên Đán",
    }


def test_override_reason_wins():
    agency, other = AgencyFactory(code="SGDDT"), AgencyFactory(code="SYT")
    CalendarOverrideFactory(date=d(2026, 1, 2), reason="Nghỉ theo Công văn 12729/VPCP-KGVX")
    CalendarOverrideFactory(date=d(2026, 1, 1), reason="Tết Dương lịch (điều chỉnh)")
    CalendarOverrideFactory(date=d(2026, 1, 1), agency=agency, reason="Nghỉ riêng của Sở")
    days = calendar.non_working_weekdays(d(2026, 1, 1), d(2026, 1, 9))
    assert days == [d(2026, 1, 1), d(2026, 1, 2)]
    assert calendar.non_working_reasons(days) == {
        d(2026, 1, 1): "Tết Dương lịch (điều chỉnh)",
        d(2026, 1, 2): "Nghỉ theo Công văn 12729/VPCP-KGVX",
    }
    assert calendar.non_working_reasons(days, agency)[d(2026, 1, 1)] == "Nghỉ riêng của Sở"
    assert calendar.non_working_reasons(days, other)[d(2026, 1, 1)] == "Tết Dương lịch (điều chỉnh)"


def test_agency_only_day_off_is_listed_for_that_agency():
    agency, other = AgencyFactory(code="SGDDT"), AgencyFactory(code="SYT")
    CalendarOverrideFactory(date=d(2026, 11, 26), agency=agency, reason="Đại hội công đoàn")
    span = (d(2026, 11, 23), d(2026, 11, 29))
    assert calendar.non_working_weekdays(*span, agency) == [d(2026, 11, 24), d(2026, 11, 26)]
    assert calendar.non_working_weekdays(*span, other) == [d(2026, 11, 24)]
    reasons = calendar.non_working_reasons([d(2026, 11, 26)], agency)
    assert reasons == {d(2026, 11, 26): "Đại hội công đoàn"}
