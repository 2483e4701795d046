"""Property tests: the calendar agrees with `holidays` and its working-minute axis is coherent."""

from __future__ import annotations

import datetime as dt

import holidays
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from procedures import calendar
from procedures.calendar import VN_TZ

VN = holidays.VN(years=range(2019, 2030))
OPENING = dt.time(7, 0)

PROPERTY = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2027, 12, 31))
minutes_of_day = st.integers(min_value=0, max_value=24 * 60 - 1)
zones = st.sampled_from([VN_TZ, dt.UTC, dt.timezone(dt.timedelta(hours=-5))])
# Minutes inside a default session: 07:00 ≤ t < 11:00 or 13:00 ≤ t < 17:00.
office_minutes = st.one_of(st.integers(7 * 60, 11 * 60 - 1), st.integers(13 * 60, 17 * 60 - 1))


def local(day: dt.date, minute: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=VN_TZ)


@st.composite
def instants(draw, minutes=minutes_of_day):
    """A minute in 2020–2027, Vietnamese local time, handed over in a random time zone."""
    return local(draw(dates), draw(minutes)).astimezone(draw(zones))


@st.composite
def office_instants(draw):
    """A minute inside office hours of a working day in 2020–2027."""
    day = VN.get_nth_working_day(draw(dates), 0)
    return local(day, draw(office_minutes))


@PROPERTY
@given(received=instants(), n=st.integers(1, 60))
@example(received=local(dt.date(2026, 11, 23), 7 * 60), n=1)  # exactly at the opening
@example(received=local(dt.date(2025, 1, 24), 16 * 60 + 59), n=1)  # just before Tết 2025
@example(received=local(dt.date(2025, 4, 26), 3 * 60), n=1)  # worked Saturday, before opening
def test_working_days_agree_with_holidays(db, received, n):
    """due_at(received, N working days).date() == holidays' get_nth_working_day(ref, N).

    ref is the local receipt date when received after the 07:00 opening, else the previous
    calendar day: a dossier received before opening counts as received the evening before.
    """
    received_local = received.astimezone(VN_TZ)
    ref = received_local.date()
    if received_local.time() <= OPENING:
        ref -= dt.timedelta(days=1)
    assert calendar.due_at(received, n, "working_days").date() == VN.get_nth_working_day(ref, n)


@PROPERTY
@given(start=office_instants(), minutes=st.integers(-200_000, 200_000))
@example(start=local(dt.date(2026, 11, 27), 16 * 60), minutes=60)  # lands on Friday's close
@example(start=local(dt.date(2026, 11, 30), 7 * 60 + 30), minutes=-30)  # back to Friday's close
def test_add_then_measure_gives_back_the_minutes(db, start, minutes):
    end = calendar.add_working_minutes(start, minutes)
    assert calendar.working_minutes_between(start, end) == minutes
    assert (end > start) if minutes > 0 else (end < start) if minutes < 0 else (end == start)


@PROPERTY
@given(start=instants(), minutes=st.integers(-200_000, 200_000))
def test_add_then_measure_from_any_instant(db, start, minutes):
    """Out of hours too: the start snaps to the next opening, which is 0 minutes away."""
    end = calendar.add_working_minutes(start, minutes)
    assert calendar.working_minutes_between(start, end) == minutes


@PROPERTY
@given(
    first=instants(),
    later_by=st.integers(0, 20 * 24 * 60),
    n=st.integers(0, 60),
    unit=st.sampled_from(["working_days", "working_hours"]),
)
def test_due_at_is_monotonic(db, first, later_by, n, unit):
    """A later receipt is never due earlier (calendar days are the exception, see docs)."""
    second = first + dt.timedelta(minutes=later_by)
    assert calendar.due_at(first, n, unit) <= calendar.due_at(second, n, unit)


@PROPERTY
@given(received=instants(), n=st.integers(1, 200))
def test_working_hours_measure_back(db, received, n):
    result = calendar.deadline(received, n, "working_hours")
    assert calendar.working_minutes_between(result.start_at, result.due_at) == n * 60
    assert calendar.working_minutes_between(received, result.due_at) == n * 60
    # A due instant is inside a session or at its close, on a working day.
    due = result.due_at
    minute = due.hour * 60 + due.minute
    assert 7 * 60 < minute <= 11 * 60 or 13 * 60 < minute <= 17 * 60
    assert VN.is_working_day(due.date())


@PROPERTY
@given(
    cases=st.lists(st.tuples(instants(), st.integers(0, 60)), min_size=1, max_size=20),
    unit=st.sampled_from(["working_days", "working_hours", "calendar_days"]),
    years_away=st.sampled_from([0, 0, 0, 20]),
)
def test_batch_agrees_with_one_call_each(db, cases, unit, years_away):
    """due_at_many is only a faster loop: it answers exactly what due_at answers, pair by pair."""
    received = [moment + dt.timedelta(days=365 * years_away) for moment, _ in cases]
    amounts = [amount for _, amount in cases]
    expected = [calendar.due_at(moment, amount, unit) for moment, amount in zip(received, amounts, strict=True)]
    assert calendar.due_at_many(received, amounts, unit) == expected
