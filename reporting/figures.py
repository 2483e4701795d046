"""The figures of a report: plain data computed by `reporting.selectors`, shown by the API and exports.

Counts come from SQL; this module only adds group rows together and divides.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field, fields

from reporting.periods import Period
from reporting.targets import TargetCheck

# The Biểu 06 columns, in the order of the form.
BIEU06_COLUMNS = (
    "received_total",
    "received_online",
    "received_counter_post",
    "carried_over",
    "settled_total",
    "settled_early",
    "settled_on_time",
    "settled_late",
    "in_progress_total",
    "in_progress_within",
    "in_progress_overdue",
)
# Counted apart from Biểu 06, or needed for the rates.
EXTRA_COLUMNS = (
    "withdrawn",
    "refused",
    "late_total",  # settled late + overdue in progress: the dossiers that needed an apology
    "late_with_letter",
    "settled_with_letter",
    "appointment_kept",
    "supplement_breaches",
    "processing_count",  # settled dossiers with their processing time recorded
)
COUNT_COLUMNS = BIEU06_COLUMNS + EXTRA_COLUMNS
GROUPINGS = ("field", "procedure", "agency")


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Row:
    """One line of the report (a field, a procedure or an agency), or the total line."""

    key: int | None
    code: str
    name: str
    agency_code: str = ""
    received_total: int = 0
    received_online: int = 0
    received_counter_post: int = 0
    carried_over: int = 0
    settled_total: int = 0
    settled_early: int = 0
    settled_on_time: int = 0
    settled_late: int = 0
    in_progress_total: int = 0
    in_progress_within: int = 0
    in_progress_overdue: int = 0
    withdrawn: int = 0
    refused: int = 0
    late_total: int = 0
    late_with_letter: int = 0
    settled_with_letter: int = 0
    appointment_kept: int = 0
    supplement_breaches: int = 0
    processing_count: int = 0
    processing_days_sum: float = 0.0  # working days, each procedure's minutes / its agency's day

    def add(self, other: Row) -> None:
        for name in COUNT_COLUMNS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.processing_days_sum += other.processing_days_sum

    @property
    def on_time_rate(self) -> float | None:
        return ratio(self.settled_early + self.settled_on_time, self.settled_total)

    @property
    def late_share(self) -> float | None:
        return ratio(self.settled_late, self.settled_total)

    @property
    def apology_coverage(self) -> float | None:
        return ratio(self.late_with_letter, self.late_total)

    @property
    def appointment_kept_rate(self) -> float | None:
        return ratio(self.appointment_kept, self.settled_with_letter)

    @property
    def avg_processing_days(self) -> float | None:
        return self.processing_days_sum / self.processing_count if self.processing_count else None

    def as_dict(self) -> dict:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "processing_days_sum"}
        for name in ("on_time_rate", "late_share", "apology_coverage", "appointment_kept_rate", "avg_processing_days"):
            data[name] = getattr(self, name)
        return data


def roll_up(items: Iterable[tuple[Hashable, Row]], label: Callable[[Hashable], tuple[str, str, str]]) -> list[Row]:
    """Add the rows sharing a key into one row per key, labelled by `label(key)` -> (code, name, agency)."""
    grouped: dict[Hashable, Row] = {}
    for key, row in items:
        if key not in grouped:
            code, name, agency_code = label(key)
            grouped[key] = Row(key=key, code=code, name=name, agency_code=agency_code)
        grouped[key].add(row)
    return sorted(grouped.values(), key=lambda row: (row.agency_code, row.code, str(row.key)))


def total_of(rows: Iterable[Row]) -> Row:
    total = Row(key=None, code="", name="Tổng số")
    for row in rows:
        total.add(row)
    return total


@dataclass
class OnlineRow:
    """Dossiers of level 3/4 procedures received in the period, and how many of them online."""

    field_code: str
    field_name: str
    level: int
    received: int = 0
    online: int = 0

    @property
    def mode(self) -> str:
        """Decree 42/2022 naming of the level."""
        return {3: "Một phần", 4: "Toàn trình"}.get(self.level, "")

    @property
    def online_rate(self) -> float | None:
        return ratio(self.online, self.received)

    def as_dict(self) -> dict:
        return {
            "field_code": self.field_code, "field_name": self.field_name, "level": self.level,
            "mode": self.mode, "received": self.received, "online": self.online, "online_rate": self.online_rate,
        }


@dataclass
class OnlineFigures:
    """Online submission per field and level (3 một phần, 4 toàn trình), and services with online use."""

    rows: list[OnlineRow] = field(default_factory=list)
    by_level: dict[int, OnlineRow] = field(default_factory=dict)
    total: OnlineRow = field(default_factory=lambda: OnlineRow("", "Tổng số", 0))
    services_total: int = 0  # active procedures at level 3 or 4
    services_with_online: int = 0  # of those, with at least one online dossier in the period

    @property
    def services_share(self) -> float | None:
        return ratio(self.services_with_online, self.services_total)


@dataclass
class Report:
    """Biểu 06 and the figures around it, for one period, one grouping and one agency scope."""

    period: Period
    group_by: str
    rows: list[Row]
    total: Row
    online: OnlineFigures
    targets: list[TargetCheck]
    agency_name: str = ""
    late_offenders: list[str] = field(default_factory=list)  # fields and procedures above the late ceiling
