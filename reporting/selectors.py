"""Reads for the periodic statistics (Biểu 06/VPCP/KSTT) and the figures around it.

`report_summary` is the one entry point. It runs one aggregate query over the dossiers, grouped
by procedure (which fixes the field and the agency), with a conditional COUNT/SUM per column
over the indexed local-date columns and plain column comparisons, then three small catalogue
queries for labels. Rows for fields or agencies, and the total row, are sums of those
procedure rows: no dossier ever reaches Python. Definitions are in docs/reporting.md.

A dossier's place in a period mirrors `Dossier.classify(period.end_instant)`: see
`classification_at_end`, which the tests compare with `classify` dossier by dossier.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Case, Count, F, Q, QuerySet, Sum, Value, When

from apology_letters.models import ApologyLetter
from dossiers.models import Channel, Classification, Dossier, Status
from procedures import calendar
from procedures.models import Agency, Field, Procedure
from reporting import targets as targets_module
from reporting.figures import COUNT_COLUMNS, GROUPINGS, OnlineFigures, OnlineRow, Report, Row, roll_up, total_of
from reporting.periods import Period

ONLINE_LEVELS = (Procedure.OnlineLevel.PARTIAL, Procedure.OnlineLevel.FULL)


class _Conditions:
    """The WHERE fragments of every column for one period (S = start, E = end, T = end instant)."""

    def __init__(self, period: Period):
        start, end, instant = period.start, period.end, period.end_instant
        # Touches the period: received by its end, not settled or closed before its start.
        self.in_scope = (
            Q(received_date__lte=end)
            & (Q(closed_date__isnull=True) | Q(closed_date__gte=start))
            & (Q(finished_date__isnull=True) | Q(finished_date__gte=start))
        )
        # As seen at the end instant (Dossier.classify): closed first, then settled, then open.
        self.closed = Q(closed_date__lte=end)
        self.counted = Q(closed_date__isnull=True) | Q(closed_date__gt=end)
        self.finished = Q(finished_date__lte=end)
        self.unfinished = Q(finished_date__isnull=True) | Q(finished_date__gt=end)
        self.late_result = Q(result_ready_at__gt=F("due_at"))
        self.early_result = Q(result_ready_at__lte=F("due_at")) & Q(finished_date__lt=F("due_date"))
        self.on_time_result = Q(result_ready_at__lte=F("due_at")) & Q(finished_date__gte=F("due_date"))
        # Overdue: past the due instant, unless the clock stopped at or before both T and the due.
        self.past_due = (
            Q(due_at__lt=instant)
            & (Q(paused_at__isnull=True) | Q(paused_at__gt=instant) | Q(paused_at__gt=F("due_at")))
        )
        # Its exact complement, written out rather than negated so that NULLs stay obvious.
        self.not_past_due = Q(due_at__gte=instant) | (Q(paused_at__lte=instant) & Q(paused_at__lte=F("due_at")))
        self.received_in = Q(received_date__gte=start)
        self.received_before = Q(received_date__lt=start)
        self.closed_in = Q(closed_date__gte=start, closed_date__lte=end)
        # An apology letter counts once issued by the end of the period.
        self.letter_issued = Q(
            pk__in=ApologyLetter.objects.filter(status=ApologyLetter.Status.ISSUED, issued_at__lt=instant).values(
                "dossier_id"
            )
        )

    def columns(self) -> dict[str, Q]:
        """Each counted column's condition, to be ANDed with `in_scope`."""
        counted = self.counted
        settled = counted & self.finished
        in_progress = counted & self.unfinished
        late = settled & self.late_result
        overdue = in_progress & self.past_due
        settled_with_letter = settled & self.letter_issued
        return {
            "received_total": counted,
            "received_online": counted & self.received_in & Q(channel=Channel.ONLINE),
            "received_counter_post": counted & self.received_in & Q(channel__in=(Channel.COUNTER, Channel.POST)),
            "carried_over": counted & self.received_before,
            "settled_total": settled,
            "settled_early": settled & self.early_result,
            "settled_on_time": settled & self.on_time_result,
            "settled_late": late,
            "in_progress_total": in_progress,
            "in_progress_within": in_progress & self.not_past_due,
            "in_progress_overdue": overdue,
            "withdrawn": self.closed_in & Q(status=Status.WITHDRAWN),
            "refused": self.closed_in & Q(status=Status.REFUSED),
            "late_total": late | overdue,
            "late_with_letter": (late | overdue) & self.letter_issued,
            "settled_with_letter": settled_with_letter,
            "appointment_kept": settled_with_letter & Q(result_ready_at__lte=F("appointment_at")),
            "supplement_breaches": self.received_in & Q(supplement_rule_breached=True),
        }

    def classification(self) -> Case:
        return Case(
            When(self.closed, then=Value(Classification.LEFT_OUT)),
            When(self.finished & self.late_result, then=Value(Classification.LATE)),
            When(self.finished & self.early_result, then=Value(Classification.EARLY)),
            When(self.finished, then=Value(Classification.ON_TIME)),
            When(self.past_due, then=Value(Classification.OVERDUE)),
            default=Value(Classification.WITHIN_DEADLINE),
        )


def classification_at_end(period: Period) -> Case:
    """SQL for `Dossier.classify(period.end_instant)` of a dossier received by the period's end."""
    return _Conditions(period).classification()


def report_aggregates(period: Period) -> dict:
    """The aggregate expressions of every column, keyed by column name."""
    conditions = _Conditions(period)
    aggregates = {name: Count("pk", filter=condition) for name, condition in conditions.columns().items()}
    settled = conditions.counted & conditions.finished
    aggregates["processing_count"] = Count("processing_minutes", filter=settled)
    aggregates["processing_minutes_sum"] = Sum("processing_minutes", filter=settled)
    return aggregates


def dossiers_in_scope(period: Period, agency_ids: Sequence[int] | None) -> QuerySet[Dossier]:
    """Dossiers that touch the period, in the agencies given (None: every agency)."""
    queryset = Dossier.objects.filter(_Conditions(period).in_scope)
    if agency_ids is not None:
        queryset = queryset.filter(agency_id__in=agency_ids)
    return queryset.order_by()


def _catalogue(model, agency_ids: Sequence[int] | None) -> QuerySet:
    queryset = model.objects.all() if agency_ids is None else model.objects.filter(**_agency_filter(model, agency_ids))
    return queryset.order_by()


def _agency_filter(model, agency_ids: Sequence[int]) -> dict:
    return {"pk__in": agency_ids} if model is Agency else {"agency_id__in": agency_ids}


def report_summary(*, period: Period, group_by: str = "field", agency_ids: Sequence[int] | None = None) -> Report:
    """Biểu 06 by field, procedure or agency, with the total row, online figures and targets.

    Four queries whatever the number of dossiers or rows: the aggregate, agencies, fields,
    procedures. `agency_ids` must already be scoped to what the user may see.
    """
    if group_by not in GROUPINGS:
        raise ValueError(f"group_by must be one of {', '.join(GROUPINGS)}")
    sql_rows = list(
        dossiers_in_scope(period, agency_ids)
        .values("agency_id", "field_id", "procedure_id")
        .annotate(**report_aggregates(period))
    )
    agencies = {agency.pk: agency for agency in _catalogue(Agency, agency_ids)}
    fields = {item.pk: item for item in _catalogue(Field, agency_ids)}
    procedures = {item.pk: item for item in _catalogue(Procedure, agency_ids)}

    base: list[tuple[dict, Row]] = []
    for values in sql_rows:
        row = Row(key=values["procedure_id"], code="", name="")
        for name in COUNT_COLUMNS:
            setattr(row, name, values[name])
        minutes_per_day = calendar.working_minutes_per_day(agencies[values["agency_id"]])
        row.processing_days_sum = (values["processing_minutes_sum"] or 0) / minutes_per_day
        base.append((values, row))

    def label_field(pk):
        return fields[pk].code, fields[pk].name, agencies[fields[pk].agency_id].code

    def label_procedure(pk):
        return procedures[pk].code, procedures[pk].name, agencies[procedures[pk].agency_id].code

    def label_agency(pk):
        return agencies[pk].code, agencies[pk].name, agencies[pk].code

    by_procedure = roll_up(((values["procedure_id"], row) for values, row in base), label_procedure)
    by_field = roll_up(((values["field_id"], row) for values, row in base), label_field)
    rows = {
        "field": by_field,
        "procedure": by_procedure,
        "agency": roll_up(((values["agency_id"], row) for values, row in base), label_agency),
    }[group_by]
    total = total_of(rows)
    online = _online_figures(base, fields, procedures)
    goals = targets_module.report_targets()
    offenders = [
        f"{row.code} – {row.name}"
        for row in (*by_field, *by_procedure)
        if row.late_share is not None and row.late_share > goals["max_late_share"]
    ]
    shares = [row.late_share for row in (*by_field, *by_procedure) if row.late_share is not None]
    checks = [
        targets_module.check("on_time_rate", total.on_time_rate, goals),
        targets_module.check(
            "max_late_share", max(shares) if shares else None, goals, detail="; ".join(offenders)
        ),
        targets_module.check("apology_coverage", total.apology_coverage, goals),
        targets_module.check("online_services_share", online.services_share, goals),
        targets_module.check("online_processing_rate", online.total.online_rate, goals),
    ]
    agency_name = agencies[agency_ids[0]].name if agency_ids is not None and len(agency_ids) == 1 else ""
    return Report(
        period=period, group_by=group_by, rows=rows, total=total, online=online, targets=checks,
        agency_name=agency_name, late_offenders=offenders,
    )


def _online_figures(base: list[tuple[dict, Row]], fields: dict, procedures: dict) -> OnlineFigures:
    """Per field and level, over the procedures offered online at level 3 or 4 (their current level)."""
    figures = OnlineFigures()
    cells: dict[tuple[int, int], OnlineRow] = {}
    with_online: set[int] = set()
    for values, row in base:
        level = procedures[values["procedure_id"]].online_level
        if level not in ONLINE_LEVELS:
            continue
        field = fields[values["field_id"]]
        cell = cells.setdefault((field.pk, level), OnlineRow(field.code, field.name, level))
        cell.received += row.received_online + row.received_counter_post
        cell.online += row.received_online
        if row.received_online:
            with_online.add(values["procedure_id"])
    figures.rows = sorted(cells.values(), key=lambda cell: (cell.field_code, cell.level))
    for level in ONLINE_LEVELS:
        figures.by_level[level] = OnlineRow("", "Tổng số", level)
    for cell in figures.rows:
        for bucket in (figures.by_level[cell.level], figures.total):
            bucket.received += cell.received
            bucket.online += cell.online
    offered = [pk for pk, item in procedures.items() if item.is_active and item.online_level in ONLINE_LEVELS]
    figures.services_total = len(offered)
    figures.services_with_online = len(with_online.intersection(offered))
    return figures
