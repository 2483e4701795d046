"""Every write to a dossier: one function per action, each in one transaction with its event.

The state machine lives in `TRANSITIONS`. A service locks the dossier row, checks the action is
allowed, appends the event, re-derives the schedule from the whole event log and saves, so two
officers acting at once cannot both succeed (the second gets a 409 ConflictError). Everything
that depends on the dossier's state is decided on the locked row: the transition, the unit rule
of dossiers/permissions.py (checked again here, since the caller saw the row before the lock),
and "now", taken after the lock so that it is never earlier than the step the action waited for.

Lock order, for every write in the project (apology letters and ratings included):

1. the object acted on when it is not a dossier (a survey sample, a feedback item);
2. the dossier row, with `lock_dossier`: that row only (`FOR NO KEY UPDATE OF` the dossier),
   never its agency or procedure, so one dossier's action waits for nothing of another;
3. the dossier's apology letters;
4. last, the agency's counters (`next_sequence_values`, daily before yearly), held only for
   the few writes left in the transaction.

A transaction that needs a later lock never goes back for an earlier one, so two writes can
wait for each other but never deadlock. Agency, procedure and field rows are never locked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from config.exceptions import ConflictError
from dossiers.deadlines import derive_schedule
from dossiers.models import ONE_STOP_UNIT, Dossier, DossierCounter, DossierEvent, Status
from dossiers.permissions import unit_refusal
from procedures import calendar
from procedures.calendar import VN_TZ

E = DossierEvent.Type

# How far from "now" an instant may be before it counts as entered after the fact.
CLOCK_TOLERANCE = dt.timedelta(minutes=5)
SUPPLEMENT_WINDOW_DAYS = 3


@dataclass(frozen=True)
class Transition:
    allowed_from: tuple[str, ...]
    to: str | None  # None keeps the current status
    verb: str  # Vietnamese, for the 409 message


OPEN = (Status.IN_PROGRESS, Status.AWAITING_SUPPLEMENT, Status.SUSPENDED)
TRANSITIONS: dict[str, Transition] = {
    E.SUPPLEMENT_REQUESTED: Transition((Status.IN_PROGRESS,), Status.AWAITING_SUPPLEMENT, "yêu cầu bổ sung"),
    E.SUPPLEMENT_RECEIVED: Transition((Status.AWAITING_SUPPLEMENT,), Status.IN_PROGRESS, "nhận hồ sơ bổ sung"),
    E.SUSPENDED: Transition((Status.IN_PROGRESS,), Status.SUSPENDED, "tạm dừng"),
    E.RESUMED: Transition((Status.SUSPENDED,), Status.IN_PROGRESS, "tiếp tục xử lý"),
    E.TRANSFERRED: Transition((Status.IN_PROGRESS,), None, "chuyển xử lý"),
    E.RESULT_READY: Transition((Status.IN_PROGRESS,), Status.RESULT_READY, "ghi nhận có kết quả"),
    E.RETURNED: Transition((Status.RESULT_READY,), Status.RETURNED, "trả kết quả"),
    E.REFUSED: Transition(OPEN, Status.REFUSED, "từ chối giải quyết"),
    E.WITHDRAWN: Transition(OPEN, Status.WITHDRAWN, "rút hồ sơ"),
}

STATUS_PHRASES = {
    Status.IN_PROGRESS: "đang giải quyết",
    Status.AWAITING_SUPPLEMENT: "đang chờ bổ sung",
    Status.SUSPENDED: "đang tạm dừng",
    Status.RESULT_READY: "đã có kết quả",
    Status.RETURNED: "đã trả kết quả",
    Status.REFUSED: "đã bị từ chối",
    Status.WITHDRAWN: "đã được rút",
}


def allowed_actions(dossier: Dossier) -> list[str]:
    """Event types that may be recorded next, for the buttons on the dossier page."""
    return [kind for kind, rule in TRANSITIONS.items() if dossier.status in rule.allowed_from]


def resolve_instant(*, actor, at: dt.datetime | None, field: str = "at") -> dt.datetime:
    """`at`, or now; a past instant needs the permission to enter paper records."""
    now = timezone.now()
    if at is None:
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at, VN_TZ)
    if at > now + CLOCK_TOLERANCE:
        raise ValidationError({field: "Thời điểm không được ở tương lai."})
    if at.year < calendar.SUPPORTED_YEARS[0]:
        raise ValidationError({field: f"Thời điểm không được trước năm {calendar.SUPPORTED_YEARS[0]}."})
    if at < now - CLOCK_TOLERANCE and not actor.has_perm("dossiers.backdate_dossier"):
        raise PermissionDenied("Bạn không có quyền nhập thời điểm trong quá khứ (hồ sơ giấy).")
    return at


def lock_dossier(pk: int) -> Dossier:
    """The dossier, its row locked until the transaction ends (step 2 of the lock order).

    `of=("self",)` keeps the lock off the joined agency and procedure rows, which every intake
    and every action of the agency would otherwise wait for; `no_key` is the lock an UPDATE takes
    itself, so inserting a row that merely refers to the dossier is not held up.
    """
    return (
        Dossier.objects.select_for_update(of=("self",), no_key=True)
        .select_related("procedure", "agency")
        .get(pk=pk)
    )


def next_sequence_values(agency, *scopes: str) -> tuple[int, ...]:
    """Gap-free counters: each row stays locked until the surrounding transaction ends.

    One upsert statement (PostgreSQL, SQLite >= 3.35) for all the scopes, instead of
    insert-if-missing, increment and read for each: the counter rows are the locks every intake
    of an agency waits for. Callers name their scopes in one fixed order (daily before yearly),
    so two transactions never take the same rows in opposite orders.
    """
    table = connection.ops.quote_name(DossierCounter._meta.db_table)
    rows = ", ".join(["(%s, %s, 1)"] * len(scopes))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, scope, last_value) VALUES {rows} "  # noqa: S608 - table name only
            f"ON CONFLICT (agency_id, scope) DO UPDATE SET last_value = {table}.last_value + 1 "
            "RETURNING scope, last_value",
            [value for scope in scopes for value in (agency.pk, scope)],
        )
        values = dict(cursor.fetchall())
    return tuple(values[scope] for scope in scopes)


def reserve_sequence_block(agency, scope: str, count: int) -> range:
    """`count` consecutive numbers of one counter in one statement (for an import).

    Called outside a transaction, the counter row is locked only for that statement: the
    import then writes its rows with these numbers while intakes go on taking the next ones.
    """
    table = connection.ops.quote_name(DossierCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, scope, last_value) VALUES (%s, %s, %s) "  # noqa: S608 - table name only
            f"ON CONFLICT (agency_id, scope) DO UPDATE SET last_value = {table}.last_value + %s "
            "RETURNING last_value",
            [agency.pk, scope, count, count],
        )
        (last,) = cursor.fetchone()
    return range(last - count + 1, last + 1)


def release_sequence_block(agency, scope: str, block: range) -> bool:
    """Give back a reserved block nobody used; False when a later number was taken meanwhile.

    Only the top of a counter can be given back, so a block reserved before another intake
    stays a gap in the numbering (docs/import-dossiers.md).
    """
    if not block:
        return True
    counters = DossierCounter.objects.filter(agency=agency, scope=scope, last_value=block[-1])
    return counters.update(last_value=block[0] - 1) == 1


def next_sequence_value(agency, scope: str) -> int:
    """The next number of one gap-free counter (see next_sequence_values)."""
    return next_sequence_values(agency, scope)[0]


def _allocate_code(agency, received_at: dt.datetime) -> tuple[str, int, int]:
    """The dossier code (agency, day, daily number), and the tracking-book volume and line."""
    local = received_at.astimezone(VN_TZ)
    day, year = f"D{local:%Y%m%d}", f"Y{local:%Y}"
    daily, line = next_sequence_values(agency, day, year)
    while True:  # skip a number an imported paper record already holds
        code = f"{agency.code}-{local:%Y%m%d}-{daily:04d}"
        if not Dossier.objects.filter(code=code).exists():
            return code, local.year, line
        daily = next_sequence_value(agency, day)


def _events_of(dossier: Dossier) -> list[tuple[str, dt.datetime, dict]]:
    return list(dossier.events.order_by("at", "id").values_list("type", "at", "payload"))


def _apply_schedule(dossier: Dossier) -> None:
    schedule = derive_schedule(procedure=dossier.procedure, agency=dossier.agency, events=_events_of(dossier))
    dossier.due_at = schedule.due_at
    dossier.paused_at = schedule.paused_at


def dossier_receive(
    *,
    procedure,
    actor,
    applicant_name: str,
    applicant_phone: str,
    channel: str,
    applicant_id_number: str = "",
    applicant_email: str = "",
    applicant_address: str = "",
    documents: list[dict] | None = None,
    notes: str = "",
    received_at: dt.datetime | None = None,
    original_due_at: dt.datetime | None = None,
    code: str | None = None,
    book_line: int | None = None,
) -> Dossier:
    """Log a complete dossier at the counter: allocate its code, compute its due instant.

    An imported paper record keeps its `code`, and may bring a tracking-book line reserved
    beforehand with `reserve_sequence_block` (the import does, so as not to hold the counter).
    """
    received_at = resolve_instant(actor=actor, at=received_at, field="received_at")
    if original_due_at is not None:
        if timezone.is_naive(original_due_at):
            original_due_at = timezone.make_aware(original_due_at, VN_TZ)
        if original_due_at < received_at:
            raise ValidationError({"due_at": "Hạn trả kết quả không được trước thời điểm tiếp nhận."})
    if not procedure.is_active:
        raise ValidationError({"procedure": "Thủ tục này đã ngừng áp dụng."})
    agency = procedure.agency
    imported = code is not None
    year = received_at.astimezone(VN_TZ).year
    payload = {"due_at": original_due_at.isoformat()} if original_due_at else {}
    dossier = Dossier(
        code=code or "",
        agency=agency,
        procedure=procedure,
        field=procedure.field,
        applicant_name=applicant_name.strip(),
        applicant_phone=applicant_phone.strip().replace(" ", "").replace(".", ""),
        applicant_id_number=applicant_id_number.strip(),
        applicant_email=applicant_email.strip(),
        applicant_address=applicant_address.strip(),
        channel=channel,
        documents=documents or [],
        notes=notes,
        received_at=received_at,
        received_by=actor,
        status=Status.IN_PROGRESS,
        current_unit=ONE_STOP_UNIT,
        book_volume=year,
    )
    schedule = derive_schedule(procedure=procedure, agency=agency, events=[(E.RECEIVED, received_at, payload)])
    dossier.due_at, dossier.paused_at = schedule.due_at, schedule.paused_at
    dossier.sync_local_dates()
    # Everything is checked before the counters are taken, so that their lock (which every
    # intake of the agency waits for) is held only for the writes. The related objects are in
    # hand: skip their existence queries. An allocated code is checked to be free below; an
    # imported one is checked here.
    exclude = ["agency", "procedure", "field", "received_by", "book_line", *([] if imported else ["code"])]
    dossier.full_clean(exclude=exclude, validate_unique=imported)
    dossier._history_user = actor
    with transaction.atomic():
        if imported:  # a paper record keeps its own code
            dossier.book_line = book_line if book_line is not None else next_sequence_value(agency, f"Y{year}")
        else:
            dossier.code, dossier.book_volume, dossier.book_line = _allocate_code(agency, received_at)
        dossier.save()
        DossierEvent.objects.create(
            dossier=dossier, type=E.RECEIVED, at=received_at, actor=actor, to_unit=dossier.current_unit, payload=payload
        )
    return dossier


def _act(
    *,
    dossier: Dossier,
    kind: str,
    actor,
    at: dt.datetime | None,
    note: str = "",
    payload: dict | None = None,
    to_unit: str = "",
    change=None,
) -> Dossier:
    """Record one event on a locked dossier, re-derive its schedule and save it."""
    if at is not None:  # a given instant is checked before waiting for the lock
        at = resolve_instant(actor=actor, at=at)
    rule = TRANSITIONS[kind]
    with transaction.atomic():
        locked = lock_dossier(dossier.pk)
        if at is None:  # after the lock: never before the step this action may have waited for
            at = timezone.now()
        refusal = unit_refusal(actor, kind, locked) if actor is not None else ""
        if refusal:  # the dossier moved to another unit since the caller's permission check
            raise PermissionDenied(refusal)
        if locked.status not in rule.allowed_from:
            raise ConflictError(f"Hồ sơ {STATUS_PHRASES[locked.status]}, không thể {rule.verb}.")
        last = locked.events.order_by("-at", "-id").values_list("at", flat=True).first()
        if last is not None and at < last:
            raise ValidationError(
                {"at": f"Thời điểm phải sau bước trước ({last.astimezone(VN_TZ):%H:%M %d/%m/%Y})."}
            )
        payload = dict(payload or {})
        if change is not None:
            change(locked, at, payload)
        from_unit = locked.current_unit
        if to_unit:
            locked.current_unit = to_unit
        DossierEvent.objects.create(
            dossier=locked,
            type=kind,
            at=at,
            actor=actor,
            from_unit=from_unit if to_unit else "",
            to_unit=to_unit,
            note=note,
            payload=payload,
        )
        if rule.to is not None:
            locked.status = rule.to
        _apply_schedule(locked)
        locked.sync_local_dates()
        locked._history_user = actor
        locked.save()
    return locked


def dossier_request_supplement(*, dossier: Dossier, actor, items: list[str], reason: str, at=None) -> Dossier:
    """Ask the applicant to complete the dossier (Mẫu 02); the clock stops until it arrives.

    Allowed more than once or after the 3-working-day window, but flagged as a breach.
    """
    if not items:
        raise ValidationError({"items": "Cần nêu ít nhất một nội dung phải bổ sung."})
    if not reason.strip():
        raise ValidationError({"reason": "Cần nêu lý do yêu cầu bổ sung."})

    def change(locked: Dossier, at: dt.datetime, payload: dict) -> None:
        breaches = []
        if locked.supplement_count >= 1:
            breaches.append("more_than_once")
        window = SUPPLEMENT_WINDOW_DAYS * calendar.working_minutes_per_day(locked.agency)
        if calendar.working_minutes_between(locked.received_at, at, locked.agency) > window:
            breaches.append("after_window")
        payload.update(items=list(items), breaches=breaches)
        locked.supplement_count += 1
        locked.supplement_rule_breached = locked.supplement_rule_breached or bool(breaches)

    return _act(dossier=dossier, kind=E.SUPPLEMENT_REQUESTED, actor=actor, at=at, note=reason.strip(), change=change)


def dossier_receive_supplement(*, dossier: Dossier, actor, at=None, note: str = "") -> Dossier:
    return _act(dossier=dossier, kind=E.SUPPLEMENT_RECEIVED, actor=actor, at=at, note=note)


def dossier_suspend(*, dossier: Dossier, actor, reason: str, at=None) -> Dossier:
    if not reason.strip():
        raise ValidationError({"reason": "Cần nêu lý do tạm dừng."})
    return _act(dossier=dossier, kind=E.SUSPENDED, actor=actor, at=at, note=reason.strip())


def dossier_resume(*, dossier: Dossier, actor, at=None, note: str = "") -> Dossier:
    return _act(dossier=dossier, kind=E.RESUMED, actor=actor, at=at, note=note)


def dossier_transfer(*, dossier: Dossier, actor, to_unit: str, at=None, note: str = "") -> Dossier:
    """Hand the dossier over to another unit (a row of the process-control slip, Mẫu 05)."""
    if not to_unit.strip():
        raise ValidationError({"to_unit": "Cần chọn bộ phận nhận hồ sơ."})
    return _act(dossier=dossier, kind=E.TRANSFERRED, actor=actor, at=at, note=note, to_unit=to_unit.strip())


def dossier_finish(
    *, dossier: Dossier, actor, at=None, result_note: str = "", draft_apology: bool = True
) -> Dossier:
    """The result is ready: the dossier is settled and classified against its due instant.

    A result later than the appointment with no apology letter gets one drafted, except when
    a legacy tracking book is imported (`draft_apology=False`): those delays are long past.
    """

    from apology_letters.services import draft_if_finished_late

    def change(locked: Dossier, at: dt.datetime, payload: dict) -> None:
        locked.result_ready_at = at
        locked.result_note = result_note
        locked.processing_minutes = max(0, calendar.working_minutes_between(locked.received_at, at, locked.agency))

    with transaction.atomic():
        dossier = _act(dossier=dossier, kind=E.RESULT_READY, actor=actor, at=at, note=result_note, change=change)
        # A late result with no letter gets one drafted, so nothing slips through between sweeps.
        if draft_apology:
            draft_if_finished_late(dossier, actor=actor, at=dossier.result_ready_at)
    return dossier


def dossier_return(*, dossier: Dossier, actor, at=None, note: str = "") -> Dossier:
    def change(locked: Dossier, at: dt.datetime, payload: dict) -> None:
        locked.returned_at = at

    return _act(dossier=dossier, kind=E.RETURNED, actor=actor, at=at, note=note, change=change)


def dossier_refuse(*, dossier: Dossier, actor, reason: str, at=None) -> Dossier:
    """Refuse to process (Mẫu 03); the dossier leaves the statistics from that instant."""
    if not reason.strip():
        raise ValidationError({"reason": "Cần nêu lý do từ chối."})

    def change(locked: Dossier, at: dt.datetime, payload: dict) -> None:
        locked.closed_at = at

    return _act(dossier=dossier, kind=E.REFUSED, actor=actor, at=at, note=reason.strip(), change=change)


def dossier_withdraw(*, dossier: Dossier, actor, reason: str = "", at=None) -> Dossier:
    def change(locked: Dossier, at: dt.datetime, payload: dict) -> None:
        locked.closed_at = at

    return _act(dossier=dossier, kind=E.WITHDRAWN, actor=actor, at=at, note=reason.strip(), change=change)
