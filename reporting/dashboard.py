"""Reads for the department head's dashboard (bảng điều khiển): plain data, a constant number of queries.

- the late and at-risk dossiers: overdue first, most late first, then those due within
  `RISK_WORKING_DAYS` working days; capped at `LATE_LIST_LIMIT` rows, each with the officer who
  last acted (one Subquery, no N+1). Lateness is working time, computed for the shown rows only;
- per field: in progress, overdue, due soon, from one aggregate query;
- the on-time rate of each of the last 12 complete official months, from one query;
- the targets (`report_summary`), overdue feedback and satisfaction of the running official month.

"Overdue" is the rule of `Dossier.is_overdue` and `DossierFilterSet.filter_overdue`: open, past the
due instant, and the clock not stopped at or before the due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Concat, NullIf, Trim

from dossiers.models import OPEN_STATUSES, Dossier, DossierEvent, overdue_q
from feedback.selectors.items import overdue_feedback
from feedback.selectors.satisfaction import satisfaction_summary
from procedures import calendar
from procedures.calendar import VN_TZ
from procedures.models import Agency
from reporting.figures import Report, ratio
from reporting.periods import OFFICIAL_FIRST_DAY, Period, month_shift
from reporting.selectors import report_summary

RISK_WORKING_DAYS = 2  # "due soon": within this many working days from now
LATE_LIST_LIMIT = 100  # rows of the late and at-risk list; the dossier search shows the rest
SERIES_MONTHS = 12  # official months in the on-time chart


# --- periods --------------------------------------------------------------------------------


def latest_complete_official_month(today: dt.date) -> Period:
    """The last official month whose 14th has passed: on 14/11 that is 10/2026, from 15/11 it is 11/2026."""
    year, month = today.year, today.month
    if today.day < OFFICIAL_FIRST_DAY:
        year, month = month_shift(year, month, -1)
    return Period.official_month(year, month)


def running_official_month(today: dt.date) -> Period:
    """The official month that contains `today`, from its 15th up to today (so far)."""
    year, month = today.year, today.month
    if today.day >= OFFICIAL_FIRST_DAY:
        year, month = month_shift(year, month, 1)
    full = Period.official_month(year, month)
    return Period(full.start, today, f"Tháng {month:02d}/{year} (từ {full.start:%d/%m/%Y} đến {today:%d/%m/%Y})")


def last_official_months(today: dt.date, count: int = SERIES_MONTHS) -> list[Period]:
    """The `count` complete official months ending with the latest one, oldest first."""
    last = latest_complete_official_month(today)
    year, month = last.end.year, last.end.month
    months = [month_shift(year, month, -back) for back in range(count - 1, -1, -1)]
    return [Period.official_month(y, m) for y, m in months]


# --- rules as SQL ---------------------------------------------------------------------------


def due_soon_q(at: dt.datetime, horizon: dt.datetime) -> Q:
    """Open, the clock running, not yet due at `at` but due by `horizon`."""
    return Q(status__in=OPEN_STATUSES, paused_at__isnull=True, due_at__gte=at, due_at__lte=horizon)


def risk_horizon(at: dt.datetime, agency: Agency | None = None) -> dt.datetime:
    """`RISK_WORKING_DAYS` working days after `at` on the agency's calendar (the default one for all)."""
    minutes = RISK_WORKING_DAYS * calendar.working_minutes_per_day(agency)
    return calendar.add_working_minutes(at, minutes, agency)


def scoped_dossiers(agency_ids: Sequence[int] | None) -> QuerySet[Dossier]:
    """Every dossier of the agencies given (None: every agency), unordered."""
    queryset = Dossier.objects.all()
    if agency_ids is not None:
        queryset = queryset.filter(agency_id__in=agency_ids)
    return queryset.order_by()


# --- the late and at-risk list ----------------------------------------------------------------


@dataclass(frozen=True)
class LateDossier:
    """One row of the list: overdue (`minutes` late) or due soon (`minutes` left), in working time."""

    code: str
    procedure_code: str
    procedure_name: str
    applicant_name: str
    agency_code: str
    due_at: dt.datetime
    overdue: bool
    minutes: int
    minutes_per_day: int
    current_unit: str
    last_actor: str

    @property
    def working_time(self) -> str:
        """'2 ngày 3 giờ', '45 phút': working days of the agency's length, hours, minutes."""
        days, rest = divmod(max(self.minutes, 0), self.minutes_per_day)
        hours, minutes = divmod(rest, 60)
        parts = [f"{days} ngày"] if days else []
        if hours:
            parts.append(f"{hours} giờ")
        if minutes and not days:
            parts.append(f"{minutes} phút")
        return " ".join(parts) or "dưới 1 phút"


def _last_actor_name() -> Subquery:
    """The display name of whoever recorded the dossier's latest event."""
    name = Coalesce(
        NullIf(Trim(Concat("actor__last_name", Value(" "), "actor__first_name")), Value("")),
        "actor__username",
    )
    latest = DossierEvent.objects.filter(dossier=OuterRef("pk")).order_by("-at", "-id").annotate(name=name)
    return Subquery(latest.values("name")[:1])


def late_and_at_risk(
    dossiers: QuerySet[Dossier], *, at: dt.datetime, horizon: dt.datetime, limit: int = LATE_LIST_LIMIT
) -> list[LateDossier]:
    """Overdue dossiers, most late first, then those due by `horizon`, soonest first. One query."""
    overdue = overdue_q(at)
    queryset = (
        dossiers.filter(overdue | due_soon_q(at, horizon))
        .annotate(
            is_late=Case(When(overdue, then=Value(True)), default=Value(False), output_field=BooleanField()),
            last_actor=_last_actor_name(),
        )
        .select_related("procedure", "agency")
        .order_by("-is_late", "due_at", "code")[:limit]
    )
    rows = []
    for dossier in queryset:
        agency = dossier.agency
        if dossier.is_late:
            minutes = calendar.working_minutes_between(dossier.due_at, at, agency)
        else:
            minutes = calendar.working_minutes_between(at, dossier.due_at, agency)
        rows.append(
            LateDossier(
                code=dossier.code,
                procedure_code=dossier.procedure.code,
                procedure_name=dossier.procedure.name,
                applicant_name=dossier.applicant_name,
                agency_code=agency.code,
                due_at=dossier.due_at,
                overdue=dossier.is_late,
                minutes=minutes,
                minutes_per_day=calendar.working_minutes_per_day(agency),
                current_unit=dossier.current_unit,
                last_actor=dossier.last_actor or "",
            )
        )
    # SQL orders by due instant; agencies may keep different calendars, so sort the shown
    # overdue rows by their working-time lateness (stable: ties keep the due order).
    late = sorted((row for row in rows if row.overdue), key=lambda row: -row.minutes)
    return late + [row for row in rows if not row.overdue]


# --- counts per field -------------------------------------------------------------------------


@dataclass
class FieldCount:
    """Open dossiers of one field (or the total): in progress, overdue, due soon."""

    code: str
    name: str
    agency_code: str = ""
    in_progress: int = 0
    overdue: int = 0
    due_soon: int = 0


def field_counts(dossiers: QuerySet[Dossier], *, at: dt.datetime, horizon: dt.datetime) -> list[FieldCount]:
    """One row per field with open dossiers, by agency then field code. One aggregate query."""
    rows = (
        dossiers.filter(status__in=OPEN_STATUSES)
        .values("field_id", "field__code", "field__name", "agency__code")
        .annotate(
            in_progress=Count("pk"),
            overdue=Count("pk", filter=overdue_q(at)),
            due_soon=Count("pk", filter=due_soon_q(at, horizon)),
        )
        .order_by("agency__code", "field__code", "field_id")
    )
    return [
        FieldCount(
            code=row["field__code"], name=row["field__name"], agency_code=row["agency__code"],
            in_progress=row["in_progress"], overdue=row["overdue"], due_soon=row["due_soon"],
        )
        for row in rows
    ]


def total_counts(rows: Sequence[FieldCount]) -> FieldCount:
    return FieldCount(
        code="", name="Tổng số",
        in_progress=sum(row.in_progress for row in rows),
        overdue=sum(row.overdue for row in rows),
        due_soon=sum(row.due_soon for row in rows),
    )


# --- the on-time series ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesPoint:
    """Settled dossiers of one official month and how many were early or on time."""

    period: Period
    settled: int
    on_time: int

    @property
    def label(self) -> str:
        return f"T{self.period.end.month:02d}/{self.period.end.year}"

    @property
    def rate(self) -> float | None:
        return ratio(self.on_time, self.settled)


def on_time_series(dossiers: QuerySet[Dossier], periods: Sequence[Period]) -> list[SeriesPoint]:
    """(early + on time) / settled for each period, as Biểu 06 counts them. One query.

    Each settled dossier falls in the period of its `finished_date` (Case/When), unless it was
    withdrawn or refused by that period's end, exactly as `report_summary` counts `settled_total`.
    """
    if not periods:
        return []
    buckets = [
        When(
            Q(finished_date__gte=period.start, finished_date__lte=period.end)
            & (Q(closed_date__isnull=True) | Q(closed_date__gt=period.end)),
            then=Value(index),
        )
        for index, period in enumerate(periods)
    ]
    rows = (
        dossiers.filter(finished_date__gte=periods[0].start, finished_date__lte=periods[-1].end)
        .annotate(bucket=Case(*buckets, default=Value(None), output_field=IntegerField()))
        .values("bucket")
        .annotate(settled=Count("pk"), on_time=Count("pk", filter=Q(result_ready_at__lte=F("due_at"))))
        .order_by()
    )
    found = {row["bucket"]: row for row in rows if row["bucket"] is not None}
    return [
        SeriesPoint(period, found.get(index, {}).get("settled", 0), found.get(index, {}).get("on_time", 0))
        for index, period in enumerate(periods)
    ]


# --- the whole page ---------------------------------------------------------------------------------


@dataclass
class Dashboard:
    """Everything the dashboard shows, for one agency scope at one instant."""

    at: dt.datetime
    horizon: dt.datetime
    late: list[LateDossier]
    counts: list[FieldCount]
    total: FieldCount
    series: list[SeriesPoint]
    period: Period  # the running official month, for targets, feedback and satisfaction
    report: Report
    overdue_feedback: list[dict] | None = None  # None: not shown to this user
    satisfaction: dict | None = None
    truncated: bool = field(init=False)

    def __post_init__(self) -> None:
        self.truncated = self.total.overdue + self.total.due_soon > len(self.late)


def dashboard(
    *,
    user,
    agency_ids: Sequence[int] | None,
    agency: Agency | None,
    at: dt.datetime,
    with_feedback: bool = True,
    with_satisfaction: bool = True,
) -> Dashboard:
    """The head's dashboard. `agency_ids` must already be scoped to what `user` may see; `agency` is
    the single agency in scope, if one (its calendar sets the "due soon" horizon).

    Constant queries: list 1, counts 1, series 1, report 4, feedback 1, satisfaction 2 (plus each
    agency's calendar overrides the first time this process meets that agency).
    """
    today = at.astimezone(VN_TZ).date()
    dossiers = scoped_dossiers(agency_ids)
    horizon = risk_horizon(at, agency)
    counts = field_counts(dossiers, at=at, horizon=horizon)
    period = running_official_month(today)
    agency_code = agency.code if agency is not None else None
    return Dashboard(
        at=at,
        horizon=horizon,
        late=late_and_at_risk(dossiers, at=at, horizon=horizon, limit=LATE_LIST_LIMIT),
        counts=counts,
        total=total_counts(counts),
        series=on_time_series(dossiers, last_official_months(today)),
        period=period,
        report=report_summary(period=period, group_by="field", agency_ids=agency_ids),
        overdue_feedback=overdue_feedback(user=user, at=at, agency_code=agency_code) if with_feedback else None,
        satisfaction=(
            satisfaction_summary(user=user, date_from=period.start, date_to=period.end, agency_code=agency_code)
            if with_satisfaction
            else None
        ),
    )
