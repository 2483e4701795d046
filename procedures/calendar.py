"""The working-time calendar: every due instant in the product is computed here.

Rules (docs/calendar.md, from shared/domain.md "Working time"):
- a working day is Monday–Friday, minus `holidays.VN` (with its make-up days off), plus the
  package's `weekend_workdays`, then the `CalendarOverride` rows (global, then per agency);
- working time is the agency's office sessions, by default 07:00–11:00 and 13:00–17:00;
- counting starts at the minute of receipt, or at the opening of the next working session when
  received outside office hours; agencies counting "from the next working day" start at the
  first session of the next working day;
- `working_days` adds N × (a day's working minutes), `working_hours` adds N × 60 working
  minutes, `calendar_days` adds N days at the same time of day and, when that day is not a
  working day, ends at the close of the next working day.

Implementation: working time is laid on one axis of "working minutes since the first day of the
precomputed span". A prefix count of working days turns an instant into a position and a list of
working-day ordinals turns a position back into an instant, so each call does O(1) index work
plus one conversion between time zones. The precomputed span grows on demand and is rebuilt
when an override is saved or deleted (see `invalidate`).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.signals import setting_changed

from procedures.timeunits import ProcessingUnit

if TYPE_CHECKING:
    from procedures.models import Agency

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_SESSIONS = ((7 * 60, 11 * 60), (13 * 60, 17 * 60))
_DEFAULT_SPAN = (2015, 2035)
# The calendar grows on demand, so a far-off instant would rebuild it over centuries in every
# worker (and offsets before 1911 are not whole minutes). Nothing administrative lies outside.
SUPPORTED_YEARS = (1990, 2100)


class CalendarRangeError(ValueError):
    """An instant outside SUPPORTED_YEARS."""


_VERSION_KEY = "procedures:calendar:version"


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """An agency's working sessions (minutes since midnight) and counting convention."""

    sessions: tuple[tuple[int, int], ...] = DEFAULT_SESSIONS
    from_next_working_day: bool = False
    # Derived from the sessions once, since every computation reads them: the two lookup
    # tables turn a minute of the day into worked minutes and back without a loop.
    minutes_per_day: int = field(init=False, repr=False, compare=False)
    opening: int = field(init=False, repr=False, compare=False)
    closing: int = field(init=False, repr=False, compare=False)
    worked_at: tuple[int, ...] = field(init=False, repr=False, compare=False)
    closing_minute: tuple[int, ...] = field(init=False, repr=False, compare=False)
    opening_minute: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        per_day = sum(end - start for start, end in self.sessions)
        object.__setattr__(self, "minutes_per_day", per_day)
        object.__setattr__(self, "opening", self.sessions[0][0])
        object.__setattr__(self, "closing", self.sessions[-1][1])
        object.__setattr__(self, "worked_at", tuple(self._worked_before(m) for m in range(24 * 60 + 1)))
        for name, closing in (("closing_minute", True), ("opening_minute", False)):
            table = tuple(self._minute_at(worked, closing=closing) for worked in range(per_day + 1))
            object.__setattr__(self, name, table)

    def worked_before(self, minute: int) -> int:
        """Working minutes of a working day that have elapsed at `minute` past midnight."""
        return self.worked_at[minute]

    def minute_at(self, worked: int, *, closing: bool) -> int:
        """The minute of the day at which `worked` working minutes have elapsed.

        At a session boundary, `closing=True` answers the end of the earlier session (a due
        instant) and `closing=False` the opening of the next one (a start instant).
        """
        return (self.closing_minute if closing else self.opening_minute)[worked]

    def _worked_before(self, minute: int) -> int:
        worked = 0
        for start, end in self.sessions:
            if minute <= start:
                break
            worked += min(minute, end) - start
        return worked

    def _minute_at(self, worked: int, *, closing: bool) -> int:
        for start, end in self.sessions:
            length = end - start
            if worked < length or (closing and worked == length):
                return start + worked
            worked -= length
        return self.sessions[-1][1]


DEFAULT_HOURS = OfficeHours()


@dataclass(frozen=True, slots=True)
class Deadline:
    """The result of a due-date computation, all instants aware in Asia/Ho_Chi_Minh."""

    received_at: dt.datetime
    start_at: dt.datetime
    due_at: dt.datetime


class WorkingDays:
    """Working days precomputed over a span of years, from holidays.VN plus overrides.

    `overrides` maps a date to True (working) or False (day off); it wins over the package.
    """

    def __init__(self, overrides: dict[dt.date, bool] | None = None, span: tuple[int, int] = _DEFAULT_SPAN):
        self.overrides = dict(overrides or {})
        # Ranks count from the first day of the initial span, so that growing the span backwards
        # does not shift the positions already handed out (they may be negative before it).
        self.origin = dt.date(span[0], 1, 1).toordinal()
        self._build(*span)

    def _build(self, first_year: int, last_year: int) -> None:
        if first_year < SUPPORTED_YEARS[0] - 1 or last_year > SUPPORTED_YEARS[1] + 1:
            raise CalendarRangeError(
                f"Thời điểm nằm ngoài phạm vi lịch làm việc ({SUPPORTED_YEARS[0]}–{SUPPORTED_YEARS[1]})."
            )
        vn = holidays.VN(years=range(first_year, last_year + 1), language="vi")
        first = dt.date(first_year, 1, 1)
        days = (dt.date(last_year, 12, 31) - first).days + 1
        flags = bytearray(days)
        prefix = array("l", bytes(array("l").itemsize * (days + 1)))
        ordinals = array("l")
        one = dt.timedelta(days=1)
        day = first
        for i in range(days):
            working = self.overrides.get(day)
            if working is None:
                working = vn.is_working_day(day)
            prefix[i] = len(ordinals)
            if working:
                flags[i] = 1
                ordinals.append(day.toordinal())
            day += one
        prefix[days] = len(ordinals)
        # Local midnight of every working day, so an instant is one addition away (no DST here).
        self.midnights = [dt.datetime.combine(dt.date.fromordinal(ordinal), dt.time(), VN_TZ) for ordinal in ordinals]
        self.first_year, self.last_year = first_year, last_year
        self.first_ordinal = first.toordinal()
        self.flags, self.prefix, self.ordinals = flags, prefix, ordinals
        self.base = prefix[self.origin - self.first_ordinal]
        self.reasons = vn

    def _index(self, ordinal: int) -> int:
        """Index of an ordinal in the span, growing the span when it falls outside."""
        index = ordinal - self.first_ordinal
        if index < 0 or index >= len(self.flags):
            year = dt.date.fromordinal(ordinal).year
            self._build(min(self.first_year, year - 1), max(self.last_year, year + 1))
            index = ordinal - self.first_ordinal
        return index

    # `_index` may rebuild the arrays, so it runs before an array attribute is read.

    def is_working(self, ordinal: int) -> bool:
        index = self._index(ordinal)
        return bool(self.flags[index])

    def rank_before(self, ordinal: int) -> int:
        """Number of working days from the origin strictly before this day (negative before it)."""
        index = self._index(ordinal)
        return self.prefix[index] - self.base

    def rank_after(self, ordinal: int) -> int:
        """Number of working days from the origin up to and including this day."""
        index = self._index(ordinal) + 1
        return self.prefix[index] - self.base

    def ordinal_of(self, rank: int) -> int:
        """The ordinal of the working day with this rank (0-based), growing the span if needed."""
        while rank + self.base >= len(self.ordinals):
            self._build(self.first_year, self.last_year + 10)
        while rank + self.base < 0:
            self._build(self.first_year - 10, self.last_year)
        return self.ordinals[rank + self.base]

    def midnight_of(self, rank: int) -> dt.datetime:
        """Local midnight of the working day with this rank (see `ordinal_of`)."""
        self.ordinal_of(rank)  # grows the span if needed
        return self.midnights[rank + self.base]

    def nth_working_day(self, day: dt.date, n: int) -> dt.date:
        """Same contract as holidays' get_nth_working_day for n >= 0."""
        ordinal = day.toordinal()
        if n == 0:
            return dt.date.fromordinal(self.ordinal_of(self.rank_before(ordinal)))
        return dt.date.fromordinal(self.ordinal_of(self.rank_after(ordinal) + n - 1))

    def reason(self, day: dt.date) -> str:
        return self.reasons.get(day, "")


# --- per-process cache, invalidated when overrides change -------------------------------------

_lock = threading.Lock()
_cache: dict[int | None, WorkingDays] = {}
_hours_cache: dict[tuple, OfficeHours] = {}
_state = {"version": None, "checked": 0.0, "interval": None}


def _shared_version():
    from django.core.cache import cache

    return cache.get(_VERSION_KEY)


def invalidate() -> None:
    """Forget every precomputed calendar here, and tell other processes through the cache."""
    from django.core.cache import cache

    with _lock:
        _cache.clear()
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 1, timeout=None)


def _check_version() -> None:
    now = time.monotonic()
    interval = _state["interval"]
    if interval is None:  # read once: reading Django settings costs more than the arithmetic
        interval = _state["interval"] = getattr(settings, "CALENDAR_VERSION_CHECK_SECONDS", 5)
    if now - _state["checked"] < interval:
        return
    _state["checked"] = now
    version = _shared_version()
    if version != _state["version"]:
        with _lock:
            _cache.clear()
        _state["version"] = version


def _forget_interval(*, setting, **kwargs) -> None:
    if setting == "CALENDAR_VERSION_CHECK_SECONDS":
        _state["interval"] = None


setting_changed.connect(_forget_interval)


def _load_overrides(agency_id: int | None) -> dict[dt.date, bool]:
    from procedures.models import CalendarOverride

    overrides: dict[dt.date, bool] = {}
    rows = CalendarOverride.objects.filter(agency__isnull=True).values_list("date", "kind")
    for day, kind in rows:
        overrides[day] = kind == CalendarOverride.Kind.WORKING
    if agency_id is not None:  # an agency's own decision wins over the province-wide one
        rows = CalendarOverride.objects.filter(agency_id=agency_id).values_list("date", "kind")
        for day, kind in rows:
            overrides[day] = kind == CalendarOverride.Kind.WORKING
    return overrides


def working_days(agency: Agency | None = None) -> WorkingDays:
    """The precomputed working days for an agency (or for all agencies when None)."""
    _check_version()
    key = agency.pk if agency is not None else None
    calendar = _cache.get(key)
    if calendar is None:
        calendar = WorkingDays(_load_overrides(key))
        with _lock:
            _cache[key] = calendar
    return calendar


def office_hours(agency: Agency | None = None) -> OfficeHours:
    if agency is None:
        return DEFAULT_HOURS
    key = (
        agency.morning_start,
        agency.morning_end,
        agency.afternoon_start,
        agency.afternoon_end,
        agency.counting_convention,
    )
    hours = _hours_cache.get(key)
    if hours is None:
        sessions = tuple((start.hour * 60 + start.minute, end.hour * 60 + end.minute) for start, end in agency.sessions)
        hours = OfficeHours(sessions, agency.counting_convention == "next_working_day")
        _hours_cache[key] = hours
    return hours


# --- the axis of working minutes ---------------------------------------------------------------


def _to_local_minute(instant: dt.datetime) -> tuple[int, int]:
    """(date ordinal, minute of day) of an aware instant in Vietnam, seconds dropped."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("a naive datetime has no place on the calendar; pass an aware one")
    local = instant.astimezone(VN_TZ)
    return local.toordinal(), local.hour * 60 + local.minute


def _from_local_minute(ordinal: int, minute: int) -> dt.datetime:
    day, time_of_day = dt.date.fromordinal(ordinal), dt.time(minute // 60, minute % 60)
    return dt.datetime.combine(day, time_of_day, VN_TZ)


def _position(days: WorkingDays, hours: OfficeHours, ordinal: int, minute: int) -> int:
    index = days._index(ordinal)  # first: it may rebuild the arrays read below
    rank = days.prefix[index] - days.base
    if days.flags[index]:
        return rank * hours.minutes_per_day + hours.worked_before(minute)
    return rank * hours.minutes_per_day


def _locate(days: WorkingDays, hours: OfficeHours, position: int, *, closing: bool) -> tuple[int, int]:
    """(date ordinal, minute of day) of a position; see `OfficeHours.minute_at` for `closing`."""
    per_day = hours.minutes_per_day
    rank = (position - 1) // per_day if closing else position // per_day
    return days.ordinal_of(rank), hours.minute_at(position - rank * per_day, closing=closing)


_MINUTE_DELTAS = [dt.timedelta(minutes=minute) for minute in range(24 * 60 + 1)]


def _instant(days: WorkingDays, hours: OfficeHours, position: int, *, closing: bool) -> dt.datetime:
    per_day = hours.minutes_per_day
    rank = (position - 1) // per_day if closing else position // per_day
    minute = hours.minute_at(position - rank * per_day, closing=closing)
    return days.midnight_of(rank) + _MINUTE_DELTAS[minute]


_WORKING_DAYS = ProcessingUnit.WORKING_DAYS.value
_WORKING_HOURS = ProcessingUnit.WORKING_HOURS.value
_CALENDAR_DAYS = ProcessingUnit.CALENDAR_DAYS.value
_UNITS = (_WORKING_DAYS, _WORKING_HOURS, _CALENDAR_DAYS)


def _check(amount: int, unit: str) -> None:
    if amount < 0:
        raise ValueError("the processing time cannot be negative")
    if unit not in _UNITS:
        ProcessingUnit(unit)  # raises ValueError naming the unit


def _start(days: WorkingDays, hours: OfficeHours, received_at: dt.datetime) -> int:
    """The position at which counting starts for a dossier received then."""
    ordinal, minute = _to_local_minute(received_at)
    if hours.from_next_working_day:
        return days.rank_after(ordinal) * hours.minutes_per_day
    return _position(days, hours, ordinal, minute)


def _due(days: WorkingDays, hours: OfficeHours, start: int, amount: int, unit: str) -> dt.datetime:
    # A zero amount is due at the start itself, not at the close of the session before it.
    if unit == _WORKING_DAYS:
        return _instant(days, hours, start + amount * hours.minutes_per_day, closing=amount > 0)
    if unit == _WORKING_HOURS:
        return _instant(days, hours, start + amount * 60, closing=amount > 0)
    ordinal, minute = _locate(days, hours, start, closing=False)
    end_ordinal = ordinal + amount
    if days.is_working(end_ordinal):
        return _from_local_minute(end_ordinal, minute)
    return _from_local_minute(days.ordinal_of(days.rank_after(end_ordinal)), hours.closing)


# --- the public API ----------------------------------------------------------------------------


def is_working_day(day: dt.date, agency: Agency | None = None) -> bool:
    """Whether `day` is a working day for the agency (holidays, swaps and overrides applied)."""
    return working_days(agency).is_working(day.toordinal())


def non_working_reasons(dates: list[dt.date], agency: Agency | None = None) -> dict[dt.date, str]:
    """Why each day is not worked: its override's reason, its holiday's name, or the weekend."""
    from django.db.models import Q

    from procedures.models import CalendarOverride

    if not dates:
        return {}
    scope = Q(agency__isnull=True) | (Q(agency=agency) if agency is not None else Q(pk__in=[]))
    overrides: dict[dt.date, str] = {}
    rows = CalendarOverride.objects.filter(scope, date__in=dates)
    for row in rows.values("date", "reason", "agency_id"):
        if row["agency_id"] is not None or row["date"] not in overrides:
            overrides[row["date"]] = row["reason"]
    days = working_days(agency)
    weekend = {5: "Thứ Bảy", 6: "Chủ nhật"}
    return {day: overrides.get(day) or days.reason(day) or weekend.get(day.weekday(), "Ngày nghỉ") for day in dates}


def deadline(received_at: dt.datetime, amount: int, unit: str, agency: Agency | None = None) -> Deadline:
    """Receipt instant, counting start and due instant of a processing time, exact at the minute."""
    _check(amount, unit)
    days, hours = working_days(agency), office_hours(agency)
    start = _start(days, hours, received_at)
    return Deadline(
        received_at.astimezone(VN_TZ),
        _instant(days, hours, start, closing=False),
        _due(days, hours, start, amount, unit),
    )


def due_at(received_at: dt.datetime, amount: int, unit: str, agency: Agency | None = None) -> dt.datetime:
    """The due instant of a processing time of `amount` `unit`s for a dossier received then.

    The hot path of the product: the same as `deadline(...).due_at`, without building the
    start instant and the `Deadline`.
    """
    _check(amount, unit)
    days, hours = working_days(agency), office_hours(agency)
    return _due(days, hours, _start(days, hours, received_at), amount, unit)


def due_at_many(
    received: Sequence[dt.datetime], amounts: Sequence[int], unit: str, agency: Agency | None = None
) -> list[dt.datetime]:
    """`due_at` for many dossiers of one agency at once (imports, generated data, re-derivation).

    Same answers as calling `due_at` for each pair; the common case (working days or hours,
    counted from receipt, inside the precomputed span) runs with the lookups hoisted out of the
    loop, and everything else falls back to `due_at`.
    """
    _check(min(amounts, default=0), unit)
    days, hours = working_days(agency), office_hours(agency)
    if unit == _CALENDAR_DAYS or hours.from_next_working_day:
        return [due_at(moment, amount, unit, agency) for moment, amount in zip(received, amounts, strict=True)]
    per_day = hours.minutes_per_day
    step = per_day if unit == _WORKING_DAYS else 60
    worked_at, closing_minute, deltas = hours.worked_at, hours.closing_minute, _MINUTE_DELTAS
    first, flags, prefix, base, midnights = days.first_ordinal, days.flags, days.prefix, days.base, days.midnights
    span, last_rank = len(flags), len(midnights) - base
    due: list[dt.datetime] = []
    append = due.append
    for moment, amount in zip(received, amounts, strict=True):
        if moment.tzinfo is None:
            raise ValueError("a naive datetime has no place on the calendar; pass an aware one")
        local = moment.astimezone(VN_TZ)
        index = local.toordinal() - first
        if amount > 0 and 0 <= index < span:
            position = (prefix[index] - base) * per_day
            if flags[index]:
                position += worked_at[local.hour * 60 + local.minute]
            end = position + amount * step
            rank = (end - 1) // per_day
            if 0 <= rank < last_rank:
                append(midnights[rank + base] + deltas[closing_minute[end - rank * per_day]])
                continue
        append(due_at(moment, amount, unit, agency))  # outside the span, or a zero amount
    return due


def working_minutes_between(start: dt.datetime, end: dt.datetime, agency: Agency | None = None) -> int:
    """Working minutes from `start` to `end` (negative when `end` is earlier)."""
    days, hours = working_days(agency), office_hours(agency)
    return _position(days, hours, *_to_local_minute(end)) - _position(days, hours, *_to_local_minute(start))


def add_working_minutes(start: dt.datetime, minutes: int, agency: Agency | None = None) -> dt.datetime:
    """The instant at which `minutes` working minutes have elapsed since `start`.

    A positive result lands on the close of a session rather than the next opening; adding 0
    snaps an out-of-hours instant forward to the next opening.
    """
    days, hours = working_days(agency), office_hours(agency)
    position = _position(days, hours, *_to_local_minute(start)) + minutes
    return _instant(days, hours, position, closing=minutes != 0)


def working_minutes_per_day(agency: Agency | None = None) -> int:
    return office_hours(agency).minutes_per_day


def non_working_weekdays(start: dt.date, end: dt.date, agency: Agency | None = None) -> list[dt.date]:
    """Monday–Friday dates in [start, end] that are not worked."""
    days = working_days(agency)
    one = dt.timedelta(days=1)
    found, day = [], start
    while day <= end:
        if day.weekday() < 5 and not days.is_working(day.toordinal()):
            found.append(day)
        day += one
    return found
