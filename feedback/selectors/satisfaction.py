"""Satisfaction reports (SIPAS), aggregated in SQL: one query per figure set, never a loop over rows.

- Satisfaction rate: ratings whose overall score is at least 4, over all ratings whose first
  rating falls on a local date of the period (`SatisfactionRating.rated_date`).
- Response rate: dossiers returned in the period (local dates) that hold a rating, over all
  dossiers returned in the period. Both sides are the same dossiers, so it never exceeds 100%.
- Criteria: the mean score of each criterion, lowest first.

No row of a report carries a dossier code, a name or a phone: only counts and means.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg, Count, DateField, F, Q, QuerySet, Value
from django.db.models.functions import TruncMonth

from accounts.scoping import report_scope, scope_to_user
from dossiers.models import Dossier, Status
from feedback.models import CRITERIA, SATISFIED_FROM, SatisfactionRating
from feedback.periods import local_day_bounds
from procedures.calendar import VN_TZ


@dataclass(frozen=True)
class Grouping:
    label: str
    rating_keys: tuple  # (id, code, name) expressions on SatisfactionRating
    dossier_keys: tuple  # the same on Dossier


GROUPINGS: dict[str, Grouping] = {
    "field": Grouping(
        "Lĩnh vực",
        (F("dossier__field_id"), F("dossier__field__code"), F("dossier__field__name")),
        (F("field_id"), F("field__code"), F("field__name")),
    ),
    "procedure": Grouping(
        "Thủ tục",
        (F("dossier__procedure_id"), F("dossier__procedure__code"), F("dossier__procedure__name")),
        (F("procedure_id"), F("procedure__code"), F("procedure__name")),
    ),
    "agency": Grouping(
        "Cơ quan",
        (F("agency_id"), F("agency__code"), F("agency__name")),
        (F("agency_id"), F("agency__code"), F("agency__name")),
    ),
    "month": Grouping(
        "Tháng",
        (TruncMonth("rated_date"), TruncMonth("rated_date"), Value("")),
        (
            TruncMonth("returned_at", output_field=DateField(), tzinfo=VN_TZ),
            TruncMonth("returned_at", output_field=DateField(), tzinfo=VN_TZ),
            Value(""),
        ),
    ),
}


def dossier_for_public_rating(code: str, last_digits: str) -> Dossier | None:
    """The dossier with this code whose phone ends with these digits; None for any mismatch."""
    candidates = Dossier.objects.filter(code__iexact=(code or "").strip()).select_related("procedure", "agency")
    for dossier in candidates[:5]:
        if hmac.compare_digest(dossier.applicant_phone[-4:], last_digits or ""):
            return dossier
    return None


def rating_of(dossier: Dossier) -> SatisfactionRating | None:
    return SatisfactionRating.objects.filter(dossier=dossier).first()


def satisfaction_target(year: int) -> float:
    """The target in force in `year`: the entry of SATISFACTION_TARGET with the latest year ≤ it."""
    targets = sorted(settings.SATISFACTION_TARGET.items())
    applicable = [share for since, share in targets if since <= year]
    return float(applicable[-1] if applicable else targets[0][1])


def _rating_aggregates() -> dict:
    aggregates = {
        "ratings": Count("id"),
        "satisfied": Count("id", filter=Q(overall__gte=SATISFIED_FROM)),
        "avg_overall": Avg("overall"),
    }
    for key, _ in CRITERIA:
        aggregates[f"avg_{key}"] = Avg(f"{key}_score")
    return aggregates


def _dossier_aggregates() -> dict:
    return {"returned": Count("id"), "rated": Count("satisfaction_rating")}


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _mean(value) -> float | None:
    return None if value is None else round(float(value), 2)


def _scoped(user, agency_code: str | None, date_from: dt.date, date_to: dt.date) -> tuple[QuerySet, QuerySet]:
    """The period's ratings and returned dossiers the user may see; a foreign or unknown code raises NotFound."""
    ratings = scope_to_user(SatisfactionRating.objects.all(), user).filter(rated_date__range=(date_from, date_to))
    start, end = local_day_bounds(date_from, date_to)
    returned = scope_to_user(Dossier.objects.all(), user).filter(
        status=Status.RETURNED, returned_at__gte=start, returned_at__lt=end
    )
    if agency_code:
        _, agency = report_scope(user, agency_code)  # an empty report would hide the refusal
        ratings = ratings.filter(agency=agency)
        returned = returned.filter(agency=agency)
    return ratings, returned


def _row(ratings: dict, dossiers: dict, target: float) -> dict:
    rate = _ratio(ratings.get("satisfied") or 0, ratings.get("ratings") or 0)
    return {
        "ratings": ratings.get("ratings") or 0,
        "satisfied": ratings.get("satisfied") or 0,
        "satisfaction_rate": rate,
        "target": target,
        "meets_target": None if rate is None else rate >= target,
        "returned": dossiers.get("returned") or 0,
        "rated": dossiers.get("rated") or 0,
        "response_rate": _ratio(dossiers.get("rated") or 0, dossiers.get("returned") or 0),
        "overall_average": _mean(ratings.get("avg_overall")),
        "averages": {key: _mean(ratings.get(f"avg_{key}")) for key, _ in CRITERIA},
    }


def _criteria(averages: dict[str, float | None]) -> list[dict]:
    """Criteria with their mean, lowest first (criteria without ratings last)."""
    rows = [{"criterion": key, "label": label, "average": averages[key]} for key, label in CRITERIA]
    return sorted(rows, key=lambda row: (row["average"] is None, row["average"] or 0))


def _group_label(group_by: str, code, name: str) -> tuple[str, str]:
    if group_by == "month":
        return f"{code:%Y-%m}", f"Tháng {code:%m/%Y}"
    return str(code), name


def satisfaction_report(
    *, user, date_from: dt.date, date_to: dt.date, group_by: str = "field", agency_code: str | None = None
) -> dict:
    """Satisfaction and response rates per field, procedure, agency or month, beside the target.

    Four queries whatever the data: grouped ratings, grouped returned dossiers, and the two totals.
    """
    grouping = GROUPINGS[group_by]
    target = satisfaction_target(date_to.year)
    ratings, returned = _scoped(user, agency_code, date_from, date_to)
    names = ("group_id", "group_code", "group_name")
    rating_groups = (
        ratings.annotate(**dict(zip(names, grouping.rating_keys, strict=True)))
        .values(*names)
        .annotate(**_rating_aggregates())
        .order_by()
    )
    dossier_groups = (
        returned.annotate(**dict(zip(names, grouping.dossier_keys, strict=True)))
        .values(*names)
        .annotate(**_dossier_aggregates())
        .order_by()
    )
    merged: dict = {}
    for kind, groups in (("ratings", rating_groups), ("dossiers", dossier_groups)):
        for group in groups:
            entry = merged.setdefault(group["group_id"], {"ratings": {}, "dossiers": {}, "group": group})
            entry[kind] = group
    rows = []
    for group_id, entry in merged.items():
        code, name = _group_label(group_by, entry["group"]["group_code"], entry["group"]["group_name"])
        rows.append({"key": group_id, "code": code, "name": name, **_row(entry["ratings"], entry["dossiers"], target)})
    rows.sort(key=lambda row: row["code"])
    total = _row(ratings.aggregate(**_rating_aggregates()), returned.aggregate(**_dossier_aggregates()), target)
    return {
        "date_from": date_from,
        "date_to": date_to,
        "group_by": group_by,
        "group_label": grouping.label,
        "target": target,
        "total": total,
        "rows": rows,
        "criteria": _criteria(total["averages"]),
    }


def satisfaction_summary(*, user, date_from: dt.date, date_to: dt.date, agency_code: str | None = None) -> dict:
    """For the head's dashboard: the period's totals beside the target, and the weakest criterion.

    Plain values only (numbers, strings, dates); two queries.
    """
    target = satisfaction_target(date_to.year)
    ratings, returned = _scoped(user, agency_code, date_from, date_to)
    total = _row(ratings.aggregate(**_rating_aggregates()), returned.aggregate(**_dossier_aggregates()), target)
    criteria = _criteria(total["averages"])
    return {
        "date_from": date_from,
        "date_to": date_to,
        **total,
        "criteria": criteria,
        "lowest_criterion": criteria[0] if criteria[0]["average"] is not None else None,
    }
