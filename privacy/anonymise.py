"""Anonymising closed dossiers once their retention period has run out (docs/privacy.md).

Only personal data is replaced, by one fixed marker: every code, date, status, count and
score stays, so every statistic (Biểu 06, the satisfaction and feedback reports) is the same
before and after. The django-simple-history rows of the same records are rewritten too, or
the data would live on in the history. Updates go through `QuerySet.update`, so no new
history row is written and the append-only guards of the event log are not involved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, CharField, Max, Min, Q, QuerySet, Value, When
from django.utils import timezone

from dossiers.models import Dossier, DossierEvent, Status
from feedback.models import FeedbackItem, SatisfactionRating, SurveySample
from procedures.calendar import VN_TZ

MARKER = "[đã ẩn danh]"  # 12 characters: fits the shortest column it replaces (the ID number)
CLOSED_STATUSES = (Status.RETURNED, Status.REFUSED, Status.WITHDRAWN)

# model -> personal-data columns. A blank value stays blank (there was nothing to hide);
# anything else becomes MARKER.
PERSONAL_FIELDS: dict[type, tuple[str, ...]] = {
    Dossier: (
        "applicant_name", "applicant_id_number", "applicant_phone", "applicant_email", "applicant_address",
        "notes", "result_note",
    ),
    DossierEvent: ("note",),
    FeedbackItem: ("contact_name", "contact_phone", "contact_email", "contact_address", "content"),
    SatisfactionRating: ("information_comment", "attitude_comment", "timeliness_comment", "result_comment"),
    SurveySample: ("note",),
}


def retention_cutoff(today: dt.date | None = None) -> dt.date:
    """The first local day whose dossiers are still within PERSONAL_DATA_RETENTION_YEARS."""
    today = today or timezone.now().astimezone(VN_TZ).date()
    years = settings.PERSONAL_DATA_RETENTION_YEARS
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _closed_before(before: dt.date) -> Q:
    instant = dt.datetime.combine(before, dt.time.min, tzinfo=VN_TZ)
    return Q(status=Status.RETURNED, returned_at__lt=instant) | Q(
        status__in=(Status.REFUSED, Status.WITHDRAWN), closed_at__lt=instant
    )


@dataclass
class AnonymiseReport:
    before: dt.date
    dry_run: bool
    dossiers: int = 0
    first_code: str = ""
    last_code: str = ""
    first_closed: dt.datetime | None = None
    last_closed: dt.datetime | None = None
    left_open: int = 0
    already_done: int = 0
    rows: dict[str, int] = field(default_factory=dict)  # table label -> rows rewritten (or to rewrite)

    def lines(self) -> list[str]:
        def day(value):
            return f"{value.astimezone(VN_TZ):%d/%m/%Y}" if value else "—"

        head = "CHẠY THỬ, không thay đổi dữ liệu" if self.dry_run else "ĐÃ ẨN DANH"
        lines = [
            f"Ẩn danh hồ sơ đã kết thúc trước ngày {self.before:%d/%m/%Y} ({head})",
            f"Số hồ sơ: {self.dossiers}",
            f"Mã hồ sơ: từ {self.first_code or '—'} đến {self.last_code or '—'}",
            f"Kết thúc (trả kết quả, từ chối, rút): từ {day(self.first_closed)} đến {day(self.last_closed)}",
            f"Đã ẩn danh từ trước, bỏ qua: {self.already_done}",
            f"Chưa kết thúc, tiếp nhận trước ngày đó, giữ nguyên: {self.left_open}",
        ]
        lines += [f"  {label}: {count} dòng" for label, count in self.rows.items()]
        return lines


def _masked(model: type) -> dict:
    return {
        name: Case(When(**{name: ""}, then=Value("")), default=Value(MARKER), output_field=CharField())
        for name in PERSONAL_FIELDS[model]
    }


def _targets(dossier_ids: QuerySet) -> list[tuple[str, QuerySet, type]]:
    """(label, rows to rewrite, model whose personal fields they carry), history tables included.

    `dossier_ids` is a subquery on the dossiers not anonymised yet, so the dossier table
    itself comes last: once it is rewritten, the subquery selects nothing.
    """
    targets = []
    for model, link in (
        (DossierEvent, "dossier_id__in"), (FeedbackItem, "dossier_id__in"),
        (SatisfactionRating, "dossier_id__in"), (SurveySample, "dossier_id__in"), (Dossier, "pk__in"),
    ):
        history = getattr(model, "history", None)
        if history is not None:
            history_link = "id__in" if model is Dossier else link
            label = f"{model._meta.verbose_name_plural} (lịch sử thay đổi)"
            targets.append((label, history.model.objects.filter(**{history_link: dossier_ids}), model))
        targets.append((model._meta.verbose_name_plural, model.objects.filter(**{link: dossier_ids}), model))
    return targets


def dossiers_anonymise(*, before: dt.date, codes: Iterable[str] = (), dry_run: bool = False) -> AnonymiseReport:
    """Replace the personal data of dossiers closed before `before` (and what links to them) with MARKER.

    `codes` narrows the run to those dossiers; a named dossier that is still open, or not
    closed before the date, is refused with the reason and nothing changes. `before` may not
    be later than the retention cutoff. One transaction: all or nothing.
    """
    cutoff = retention_cutoff()
    if before > cutoff:
        raise ValidationError(
            f"Ngày {before:%d/%m/%Y} còn trong thời hạn lưu giữ "
            f"({settings.PERSONAL_DATA_RETENTION_YEARS} năm): chỉ ẩn danh được hồ sơ kết thúc trước ngày "
            f"{cutoff:%d/%m/%Y}."
        )
    codes = sorted({code.strip() for code in codes if code.strip()})
    with transaction.atomic():
        scope = Dossier.objects.all()
        if codes:
            named = Dossier.objects.filter(code__in=codes).select_for_update(of=("self",))
            found = {dossier.code: dossier for dossier in named}
            missing = [code for code in codes if code not in found]
            if missing:
                raise ValidationError(f"Không có hồ sơ mã {', '.join(missing)}.")
            open_ones = [code for code, dossier in found.items() if dossier.status not in CLOSED_STATUSES]
            if open_ones:
                raise ValidationError(
                    f"Hồ sơ {', '.join(open_ones)} chưa kết thúc (chưa trả kết quả, từ chối hoặc rút): không ẩn danh."
                )
            late = [code for code in found if not Dossier.objects.filter(_closed_before(before), code=code).exists()]
            if late:
                raise ValidationError(f"Hồ sơ {', '.join(late)} kết thúc từ ngày {before:%d/%m/%Y} trở đi.")
            scope = scope.filter(code__in=codes)
        closed = scope.filter(_closed_before(before))
        chosen = closed.exclude(applicant_name=MARKER)
        report = AnonymiseReport(before=before, dry_run=dry_run)
        report.already_done = closed.filter(applicant_name=MARKER).count()
        start = dt.datetime.combine(before, dt.time.min, tzinfo=VN_TZ)
        report.left_open = scope.exclude(status__in=CLOSED_STATUSES).filter(received_at__lt=start).count()
        summary = chosen.aggregate(
            first_code=Min("code"), last_code=Max("code"),
            first_returned=Min("returned_at"), last_returned=Max("returned_at"),
            first_closed=Min("closed_at"), last_closed=Max("closed_at"),
        )
        report.dossiers = chosen.count()
        report.first_code, report.last_code = summary["first_code"] or "", summary["last_code"] or ""
        keys = ("first_returned", "last_returned", "first_closed", "last_closed")
        ends = [summary[key] for key in keys if summary[key]]
        report.first_closed, report.last_closed = (min(ends), max(ends)) if ends else (None, None)
        for label, rows, model in _targets(chosen.values("pk")):
            report.rows[label] = rows.count() if dry_run else rows.update(**_masked(model))
    return report
