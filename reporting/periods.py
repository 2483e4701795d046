"""Reporting periods: inclusive local dates, official (15th–14th) or calendar conventions.

Decree 09/2019/NĐ-CP, Art. 12 (domain.md "Periodic statistics"): an official month runs from
the 15th of the previous month to the 14th of the report month, a quarter from the 15th of the
month before it to the 14th of its last month, a year from 15/12 of the previous year to 14/12.
A period covers whole local days; its end instant is 00:00 Asia/Ho_Chi_Minh of the day after
`end`, the instant at which in-progress dossiers are classified.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from procedures.calendar import VN_TZ

OFFICIAL = "official"
CALENDAR = "calendar"
CONVENTIONS = (OFFICIAL, CALENDAR)
OFFICIAL_FIRST_DAY = 15  # an official period starts on the 15th and ends on the 14th
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

_YEAR = r"(?P<year>\d{4})"
_PATTERNS = [
    ("year", re.compile(rf"^{_YEAR}$")),
    ("month", re.compile(rf"^{_YEAR}-(?P<n>\d{{1,2}})$")),
    ("quarter", re.compile(rf"^{_YEAR}-Q(?P<n>[1-4])$", re.IGNORECASE)),
    ("half", re.compile(rf"^{_YEAR}-H(?P<n>[12])$", re.IGNORECASE)),
]


def month_shift(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def _month_end(year: int, month: int) -> dt.date:
    next_year, next_month = month_shift(year, month, 1)
    return dt.date(next_year, next_month, 1) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """A reporting period: every local day from `start` to `end`, both included."""

    start: dt.date
    end: dt.date
    label: str = ""

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError("Ngày bắt đầu kỳ báo cáo phải trước hoặc bằng ngày kết thúc.")
        if not self.label:
            object.__setattr__(self, "label", f"Từ {self.start:%d/%m/%Y} đến {self.end:%d/%m/%Y}")

    @property
    def start_instant(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(0, 0), VN_TZ)

    @property
    def end_instant(self) -> dt.datetime:
        """00:00 in Vietnam of the day after `end`: in-progress dossiers are judged then."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(0, 0), VN_TZ)

    @property
    def range_text(self) -> str:
        """The line printed under the title of Biểu 06."""
        return f"(Từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y})"

    # --- constructors ---------------------------------------------------------------------

    @classmethod
    def custom(cls, start: dt.date, end: dt.date) -> Period:
        return cls(start, end)

    @classmethod
    def calendar_month(cls, year: int, month: int) -> Period:
        _check_month(month)
        return cls(dt.date(year, month, 1), _month_end(year, month), f"Tháng {month:02d}/{year}")

    @classmethod
    def official_month(cls, year: int, month: int) -> Period:
        """15th of the previous month to the 14th: official 2026-10 is 15/09/2026–14/10/2026."""
        _check_month(month)
        return cls(_official_start(year, month, months=1), dt.date(year, month, OFFICIAL_FIRST_DAY - 1),
                   f"Tháng {month:02d}/{year}")

    @classmethod
    def official_quarter(cls, year: int, quarter: int) -> Period:
        last = _quarter_last_month(quarter)
        return cls(_official_start(year, last, months=3), dt.date(year, last, OFFICIAL_FIRST_DAY - 1),
                   f"Quý {ROMAN[quarter]}/{year}")

    @classmethod
    def calendar_quarter(cls, year: int, quarter: int) -> Period:
        last = _quarter_last_month(quarter)
        return cls(dt.date(year, last - 2, 1), _month_end(year, last), f"Quý {ROMAN[quarter]}/{year}")

    @classmethod
    def official_half_year(cls, year: int, half: int) -> Period:
        last = _half_last_month(half)
        return cls(_official_start(year, last, months=6), dt.date(year, last, OFFICIAL_FIRST_DAY - 1),
                   _half_label(year, half))

    @classmethod
    def calendar_half_year(cls, year: int, half: int) -> Period:
        last = _half_last_month(half)
        return cls(dt.date(year, last - 5, 1), _month_end(year, last), _half_label(year, half))

    @classmethod
    def official_year(cls, year: int) -> Period:
        """15/12 of the previous year to 14/12."""
        return cls(dt.date(year - 1, 12, OFFICIAL_FIRST_DAY), dt.date(year, 12, OFFICIAL_FIRST_DAY - 1), f"Năm {year}")

    @classmethod
    def calendar_year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), f"Năm {year}")


def _check_month(month: int) -> None:
    if not 1 <= month <= 12:
        raise ValueError(f"Tháng {month} không hợp lệ (1–12).")


def _quarter_last_month(quarter: int) -> int:
    if quarter not in ROMAN:
        raise ValueError(f"Quý {quarter} không hợp lệ (1–4).")
    return quarter * 3


def _half_last_month(half: int) -> int:
    if half not in (1, 2):
        raise ValueError(f"Nửa năm {half} không hợp lệ (1 hoặc 2).")
    return half * 6


def _half_label(year: int, half: int) -> str:
    return f"6 tháng đầu năm {year}" if half == 1 else f"6 tháng cuối năm {year}"


def _official_start(year: int, last_month: int, *, months: int) -> dt.date:
    """The 15th of the month before the first month of a period of `months` ending in `last_month`."""
    start_year, start_month = month_shift(year, last_month, -months)
    return dt.date(start_year, start_month, OFFICIAL_FIRST_DAY)


def parse_period(text: str, convention: str = OFFICIAL) -> Period:
    """'2026-10', '2026-Q4', '2026-H2' or '2026' under the official or calendar convention.

    Raises ValueError with a message fit for the user.
    """
    if convention not in CONVENTIONS:
        raise ValueError(f"Cách tính kỳ '{convention}' không hợp lệ; dùng official hoặc calendar.")
    value = (text or "").strip()
    official = convention == OFFICIAL
    for kind, pattern in _PATTERNS:
        match = pattern.match(value)
        if not match:
            continue
        year = int(match["year"])
        if kind == "year":
            return Period.official_year(year) if official else Period.calendar_year(year)
        n = int(match["n"])
        if kind == "month":
            return Period.official_month(year, n) if official else Period.calendar_month(year, n)
        if kind == "quarter":
            return Period.official_quarter(year, n) if official else Period.calendar_quarter(year, n)
        return Period.official_half_year(year, n) if official else Period.calendar_half_year(year, n)
    raise ValueError(
        f"Kỳ báo cáo '{text}' không hợp lệ; dùng dạng 2026-10 (tháng), 2026-Q4 (quý), "
        "2026-H2 (6 tháng) hoặc 2026 (năm)."
    )
