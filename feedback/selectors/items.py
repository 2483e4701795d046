"""Reads of feedback items: staff lists, the public look-up, overdue items and the report."""

from __future__ import annotations

import datetime as dt
import hmac

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from accounts.scoping import scope_to_user, scoped
from feedback.models import OPEN_FEEDBACK_STATUSES, FeedbackItem
from feedback.periods import local_day_bounds
from feedback.services.items import token_matches

Category = FeedbackItem.Category
CATEGORY_LABELS = dict(Category.choices)
STATUS_LABELS = dict(FeedbackItem.Status.choices)


def feedback_items(user) -> QuerySet:
    """Every item the user may see (own agency, or all for province-wide accounts)."""
    queryset = FeedbackItem.objects.select_related("agency", "assignee", "dossier", "procedure")
    return scope_to_user(queryset, user)


def overdue_q(at: dt.datetime) -> Q:
    """Open and past the deadline at `at`; the same rule as `FeedbackItem.is_overdue`."""
    return Q(status__in=OPEN_FEEDBACK_STATUSES, due_at__lt=at)


def find_for_public(code: str, *, token: str = "", last_digits: str = "") -> FeedbackItem | None:
    """The item with this code when the token or the phone's last 4 digits match; else None."""
    item = FeedbackItem.objects.filter(code__iexact=(code or "").strip()).select_related("agency").first()
    if item is None:
        return None
    if token and token_matches(item, token):
        return item
    if last_digits and item.contact_phone and hmac.compare_digest(item.contact_phone[-4:], last_digits):
        return item
    return None


def overdue_feedback(*, user, at: dt.datetime | None = None, agency_code: str | None = None) -> list[dict]:
    """For the head's dashboard: open items past their deadline, oldest deadline first, as plain dicts.

    One query (two with `agency_code`); no contact details (the dashboard may be shown on a wall
    screen). An `agency_code` the user may not see raises NotFound.
    """
    at = at or timezone.now()
    queryset = scoped(FeedbackItem.objects.all(), user, agency_code).filter(overdue_q(at))
    rows = queryset.order_by("due_at", "id").values(
        "code",
        "category",
        "channel",
        "status",
        "received_at",
        "due_at",
        agency_code=F("agency__code"),
        assignee_username=F("assignee__username"),
    )
    return [
        {
            **row,
            "category_display": CATEGORY_LABELS[row["category"]],
            "status_display": STATUS_LABELS[row["status"]],
        }
        for row in rows
    ]


def feedback_report(
    *, user, date_from: dt.date, date_to: dt.date, agency_code: str | None = None, at: dt.datetime | None = None
) -> dict:
    """Items received in the period by category: answered on time, late, still open, open and overdue.

    As seen at the period's end (or now, if earlier): an answer given after the end counts as
    open. Invariant: received = answered_on_time + answered_late + open, and overdue ⊆ open.
    One grouped query plus one total. An `agency_code` the user may not see raises NotFound.
    """
    _, end = local_day_bounds(date_from, date_to)
    as_of = min(end, at or timezone.now())
    queryset = scoped(FeedbackItem.objects.all(), user, agency_code).filter(received_date__range=(date_from, date_to))
    answered = Q(answered_at__isnull=False, answered_at__lt=end)
    not_answered = Q(answered_at__isnull=True) | Q(answered_at__gte=end)
    aggregates = {
        "received": Count("id"),
        "answered_on_time": Count("id", filter=answered & Q(answered_at__lte=F("due_at"))),
        "answered_late": Count("id", filter=answered & Q(answered_at__gt=F("due_at"))),
        "open": Count("id", filter=not_answered),
        "open_overdue": Count("id", filter=not_answered & Q(due_at__lt=as_of)),
    }
    grouped = {row["category"]: row for row in queryset.values("category").annotate(**aggregates).order_by()}
    empty = dict.fromkeys(aggregates, 0)

    def shape(values: dict) -> dict:
        answered_count = values["answered_on_time"] + values["answered_late"]
        rate = round(values["answered_on_time"] / answered_count, 4) if answered_count else None
        return {**{name: values[name] for name in aggregates}, "on_time_rate": rate}

    rows = [
        {"category": value, "label": label, **shape(grouped.get(value, empty))} for value, label in Category.choices
    ]
    return {
        "date_from": date_from,
        "date_to": date_to,
        "as_of": as_of,
        "rows": rows,
        "total": shape(queryset.aggregate(**aggregates)),
    }
