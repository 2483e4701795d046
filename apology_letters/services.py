"""Drafting, editing, issuing and cancelling apology letters; the sweep that drafts them.

Locks follow the order of dossiers/services.py: the dossier row, then its letter, then the
agency's letter counter. The sweep locks each dossier before drafting, and retries a dossier
whose transaction the database aborted to break a deadlock.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from apology_letters.models import PLACEHOLDER_REASON, ApologyLetter
from config.db import is_lock_conflict
from config.exceptions import ConflictError
from dossiers.models import OPEN_STATUSES, Dossier, clock_running_q
from dossiers.services import lock_dossier, next_sequence_value
from procedures import calendar
from procedures.calendar import VN_TZ
from procedures.models import Agency

Status = ApologyLetter.Status


def proposed_new_due(dossier: Dossier, at: dt.datetime) -> dt.datetime:
    """The procedure's extension in working days after the appointment or `at`, whichever is later."""
    base = max(dossier.current_appointment, at)
    minutes = dossier.procedure.apology_extension_days * calendar.working_minutes_per_day(dossier.agency)
    return calendar.add_working_minutes(base, minutes, dossier.agency)


def _current_delay(dossier: Dossier) -> int:
    return dossier.apology_letters.filter(status=Status.ISSUED).count() + 1


def _create(*, dossier: Dossier, actor, at: dt.datetime, reason: str, new_due_at: dt.datetime) -> ApologyLetter:
    """Insert a draft with the next number, in the caller's transaction."""
    delay = _current_delay(dossier)
    year = at.astimezone(VN_TZ).year
    letter = ApologyLetter(
        dossier=dossier,
        agency=dossier.agency,
        year=year,
        number=next_sequence_value(dossier.agency, f"L{year}"),
        delay_number=delay,
        exceeds_limit=delay > settings.APOLOGY_MAX_RESCHEDULES,
        reason=reason,
        original_due_at=dossier.current_appointment,
        new_due_at=new_due_at,
        drafted_by=actor,
        drafted_at=at,
    )
    letter.full_clean(validate_constraints=False)
    letter._history_user = actor
    letter.save()
    return letter


def _check_new_due(dossier: Dossier, new_due_at: dt.datetime) -> None:
    if new_due_at <= dossier.current_appointment:
        raise ValidationError(
            {
                "new_due_at": "Ngày hẹn mới phải sau ngày hẹn trả kết quả "
                f"({dossier.current_appointment.astimezone(VN_TZ):%H:%M %d/%m/%Y})."
            }
        )
    if not calendar.is_working_day(new_due_at.astimezone(VN_TZ).date(), dossier.agency):
        raise ValidationError({"new_due_at": "Ngày hẹn mới phải là ngày làm việc."})


def letter_draft(
    *, dossier: Dossier, actor, reason: str, new_due_at: dt.datetime | None = None, at=None
) -> ApologyLetter:
    """Draft a letter by hand, typically before the deadline, with a reason and a new date."""
    at = at or timezone.now()
    if not reason or not reason.strip():
        raise ValidationError({"reason": "Cần nêu lý do trễ hẹn."})
    with transaction.atomic():
        dossier = lock_dossier(dossier.pk)
        if not dossier.is_open:
            raise ConflictError("Hồ sơ không còn đang giải quyết, không thể lập phiếu xin lỗi.")
        if dossier.apology_letters.filter(status=Status.DRAFT).exists():
            raise ConflictError("Hồ sơ đã có phiếu xin lỗi đang dự thảo.")
        new_due_at = new_due_at or proposed_new_due(dossier, at)
        _check_new_due(dossier, new_due_at)
        return _create(dossier=dossier, actor=actor, at=at, reason=reason.strip(), new_due_at=new_due_at)


def _locked_letter(letter: ApologyLetter, *, allowed: tuple[str, ...], verb: str) -> ApologyLetter:
    """The letter, its row only locked (a caller that needs the dossier locks it first)."""
    locked = (
        ApologyLetter.objects.select_for_update(of=("self",))
        .select_related("dossier__agency", "dossier__procedure", "agency")
        .get(pk=letter.pk)
    )
    if locked.status not in allowed:
        raise ConflictError(f"Phiếu {locked.get_status_display().lower()}, không thể {verb}.")
    return locked


def _apply_edits(letter: ApologyLetter, *, reason: str | None, new_due_at: dt.datetime | None) -> None:
    if reason is not None:
        if not reason.strip():
            raise ValidationError({"reason": "Cần nêu lý do trễ hẹn."})
        letter.reason = reason.strip()
    if new_due_at is not None:
        _check_new_due(letter.dossier, new_due_at)
        letter.new_due_at = new_due_at


def letter_update(
    *, letter: ApologyLetter, actor, reason: str | None = None, new_due_at: dt.datetime | None = None
) -> ApologyLetter:
    """A head edits a draft's reason and new appointment."""
    with transaction.atomic():
        letter = _locked_letter(letter, allowed=(Status.DRAFT,), verb="sửa")
        _apply_edits(letter, reason=reason, new_due_at=new_due_at)
        letter._history_user = actor
        letter.save()
    return letter


def letter_issue(
    *,
    letter: ApologyLetter,
    actor,
    sent_via: str,
    signer_name: str = "",
    signer_title: str = "",
    at=None,
    reason: str | None = None,
    new_due_at: dt.datetime | None = None,
) -> ApologyLetter:
    """Sign and send: the dossier's appointment becomes the new date; its due instant stays.

    The reason and date may be edited in the same step.
    """
    at = at or timezone.now()
    if sent_via not in ApologyLetter.SentVia.values:
        raise ValidationError({"sent_via": "Chọn hình thức gửi: trực tiếp, bưu chính, thư điện tử hoặc SMS."})
    with transaction.atomic():
        dossier = lock_dossier(letter.dossier_id)  # the dossier before its letter (lock order)
        letter = _locked_letter(letter, allowed=(Status.DRAFT,), verb="ban hành")
        letter.dossier = dossier
        _apply_edits(letter, reason=reason, new_due_at=new_due_at)
        if letter.reason.strip() == PLACEHOLDER_REASON:
            raise ValidationError({"reason": "Cần cập nhật lý do trễ hẹn trước khi ban hành."})
        letter.status = Status.ISSUED
        letter.issued_by = actor
        letter.issued_at = at
        letter.sent_via = sent_via
        letter.signer_name = signer_name or letter.agency.head_name or actor.get_full_name()
        letter.signer_title = signer_title or letter.agency.head_title
        letter._history_user = actor
        letter.save()
        dossier.appointment_at = letter.new_due_at
        dossier._history_user = actor
        dossier.save(update_fields=["appointment_at", "updated_at"])
    return letter


def letter_cancel(*, letter: ApologyLetter, actor, reason: str, at=None) -> ApologyLetter:
    if not reason or not reason.strip():
        raise ValidationError({"reason": "Cần nêu lý do hủy phiếu."})
    with transaction.atomic():
        letter = _locked_letter(letter, allowed=(Status.DRAFT,), verb="hủy")
        letter.status = Status.CANCELLED
        letter.cancelled_reason = reason.strip()
        letter.cancelled_at = at or timezone.now()
        letter._history_user = actor
        letter.save()
    return letter


def draft_if_finished_late(dossier: Dossier, *, actor, at: dt.datetime) -> ApologyLetter | None:
    """Called when a result is recorded: a late result without a letter gets one drafted."""
    if at <= dossier.current_appointment:
        return None
    if dossier.apology_letters.exclude(status=Status.CANCELLED).filter(delay_number=_current_delay(dossier)).exists():
        return None
    return _create(
        dossier=dossier,
        actor=None,
        at=at,
        reason=PLACEHOLDER_REASON,
        new_due_at=proposed_new_due(dossier, at),
    )


# --- the sweep ---------------------------------------------------------------------------------


@dataclass
class SweepReport:
    at: dt.datetime
    agencies: list[str] = field(default_factory=list)
    drafted: list[ApologyLetter] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)  # codes still locked after every attempt

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1


def sweep_candidates(agency: Agency, at: dt.datetime):
    """Open dossiers with a running clock, due before the warning horizon, with no live letter."""
    window = settings.APOLOGY_WARNING_WORKING_DAYS * calendar.working_minutes_per_day(agency)
    horizon = calendar.add_working_minutes(at, window, agency) if window else at
    live = ApologyLetter.objects.filter(dossier=OuterRef("pk"), status=Status.DRAFT)
    return (
        Dossier.objects.filter(agency=agency, status__in=OPEN_STATUSES)
        .filter(clock_running_q())
        .filter(Q(appointment_at__isnull=True, due_at__lte=horizon) | Q(appointment_at__lte=horizon))
        .annotate(has_draft=Exists(live))
        .select_related("agency", "procedure")
        .order_by("due_at", "pk")
    )


SWEEP_ATTEMPTS = 3  # per dossier, when the database breaks a deadlock by aborting the sweep's side


def sweep_late_dossiers(*, at: dt.datetime | None = None, agency_code: str | None = None) -> SweepReport:
    """Draft one letter per overdue or at-risk dossier; running it again drafts nothing new.

    Each dossier is its own transaction: it is locked, checked again (an officer may have
    finished it or drafted a letter since the list was read), then drafted. Two sweeps at once
    are safe: the second waits for the lock and finds the draft. A dossier that loses a lock race
    is retried; after SWEEP_ATTEMPTS it is reported in `failed` and the sweep goes on.
    """
    report = SweepReport(at=at or timezone.now())
    agencies = Agency.objects.all() if agency_code is None else Agency.objects.filter(code=agency_code)
    for agency in agencies:
        report.agencies.append(agency.code)
        candidates = sweep_candidates(agency, report.at)
        for dossier in list(candidates):
            if dossier.has_draft:
                report.skip("đã có phiếu dự thảo")
                continue
            _sweep_one(dossier, candidates, report)
    return report


def _sweep_one(dossier: Dossier, candidates, report: SweepReport) -> None:
    for attempt in range(SWEEP_ATTEMPTS):
        try:
            with transaction.atomic():
                locked = lock_dossier(dossier.pk)
                if not candidates.filter(pk=locked.pk, has_draft=False).exists():
                    report.skip("vừa được xử lý hoặc lập phiếu trong lúc rà soát")
                    return
                letter = _create(
                    dossier=locked,
                    actor=None,
                    at=report.at,
                    reason=PLACEHOLDER_REASON,
                    new_due_at=proposed_new_due(locked, report.at),
                )
        except IntegrityError:
            report.skip("một lượt rà soát khác vừa lập phiếu")
            return
        except OperationalError as exc:
            if not is_lock_conflict(exc):
                raise
            time.sleep(0.05 * (attempt + 1))  # let the other transaction finish first
            continue
        report.drafted.append(letter)
        return
    report.failed.append(dossier.code)
