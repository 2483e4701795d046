"""Every write to a feedback item (GYPAKN): receive, assign, answer, close.

The state machine lives in `TRANSITIONS`. A service locks the item row, checks the action is
allowed from the current status (409 ConflictError otherwise, in Vietnamese), appends the
event and saves, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.scoping import sees_all_agencies, user_agency
from config.exceptions import ConflictError
from dossiers.models import phone_validator
from dossiers.services import CLOCK_TOLERANCE, next_sequence_value
from feedback.models import FeedbackEvent, FeedbackItem
from procedures import calendar
from procedures.calendar import VN_TZ

S = FeedbackItem.Status
E = FeedbackEvent.Type

# Unambiguous letters and digits (no 0/O, 1/I/L) so a token read over the phone survives.
TOKEN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # noqa: S105 - an alphabet, not a password
TOKEN_LENGTH = 8
CONTENT_MAX_LENGTH = 5000


@dataclass(frozen=True)
class Transition:
    allowed_from: tuple[str, ...]
    to: str
    verb: str  # Vietnamese, for the 409 message


TRANSITIONS: dict[str, Transition] = {
    E.ASSIGNED: Transition((S.RECEIVED, S.PROCESSING), S.PROCESSING, "phân công xử lý"),
    E.ANSWERED: Transition((S.RECEIVED, S.PROCESSING), S.ANSWERED, "trả lời"),
    E.CLOSED: Transition((S.ANSWERED,), S.CLOSED, "đóng"),
}

STATUS_PHRASES = {
    S.RECEIVED: "mới tiếp nhận",
    S.PROCESSING: "đang xử lý",
    S.ANSWERED: "đã được trả lời",
    S.CLOSED: "đã đóng",
}


@dataclass(frozen=True)
class FeedbackReceipt:
    """A received item and its plain look-up token, which is never stored and shown only once."""

    item: FeedbackItem
    token: str


def allowed_actions(item: FeedbackItem) -> list[str]:
    return [kind for kind, rule in TRANSITIONS.items() if item.status in rule.allowed_from]


def response_working_days(category: str) -> int:
    """The answer deadline of a category, in working days (settings, per-category override)."""
    overrides = getattr(settings, "FEEDBACK_RESPONSE_WORKING_DAYS_BY_CATEGORY", {}) or {}
    return int(overrides.get(category, settings.FEEDBACK_RESPONSE_WORKING_DAYS))


def response_due_at(received_at: dt.datetime, category: str, agency) -> dt.datetime:
    """The due instant: N working days of the agency's calendar from receipt (holidays skipped)."""
    return calendar.due_at(received_at, response_working_days(category), "working_days", agency)


def token_digest(token: str) -> str:
    return hashlib.sha256(normalise_token(token).encode()).hexdigest()


def normalise_token(token: str) -> str:
    return "".join(ch for ch in (token or "").upper() if ch.isalnum())


def format_token(token: str) -> str:
    return f"{token[:4]}-{token[4:]}"


def token_matches(item: FeedbackItem, token: str) -> bool:
    return hmac.compare_digest(item.token_digest, token_digest(token))


def _new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def _allocate_code(agency, received_at: dt.datetime) -> str:
    local = received_at.astimezone(VN_TZ)
    number = next_sequence_value(agency, f"P{local:%Y%m%d}")
    return f"PAKN-{agency.code}-{local:%Y%m%d}-{number:04d}"


def _resolve_received_at(*, actor, received_at: dt.datetime | None) -> dt.datetime:
    """Now, or an earlier instant that staff copy from an email or a hotline log.

    The public form always uses now. An earlier instant only brings the deadline forward,
    so it needs no special permission; a future one is refused.
    """
    now = timezone.now()
    if received_at is None or actor is None:
        return now
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at, VN_TZ)
    if received_at > now + CLOCK_TOLERANCE:
        raise ValidationError({"received_at": "Thời điểm tiếp nhận không được ở tương lai."})
    return received_at


def feedback_receive(
    *,
    agency,
    channel: str,
    category: str,
    content: str,
    contact_name: str,
    contact_phone: str = "",
    contact_email: str = "",
    contact_address: str = "",
    dossier=None,
    procedure=None,
    actor=None,
    received_at: dt.datetime | None = None,
) -> FeedbackReceipt:
    """Log a feedback item from the public form (actor None) or recorded by staff.

    Allocates `PAKN-<AGENCY>-YYYYMMDD-NNNN` (gap-free per agency and day, on the day of
    receipt), computes the answer deadline and returns the plain look-up token once.
    """
    errors: dict[str, str] = {}
    content = (content or "").strip()
    contact_name = (contact_name or "").strip()
    contact_phone = (contact_phone or "").strip().replace(" ", "").replace(".", "")
    contact_email = (contact_email or "").strip()
    if category not in FeedbackItem.Category.values:
        errors["category"] = "Cần chọn loại: góp ý, phản ánh hoặc kiến nghị."
    if not content:
        errors["content"] = "Cần nhập nội dung góp ý, phản ánh, kiến nghị."
    elif len(content) > CONTENT_MAX_LENGTH:
        errors["content"] = f"Nội dung tối đa {CONTENT_MAX_LENGTH} ký tự."
    if not contact_name:
        errors["contact_name"] = "Cần nhập họ tên người gửi."
    if not contact_phone and not contact_email:
        errors["contact_phone"] = "Cần ít nhất số điện thoại hoặc thư điện tử để cơ quan trả lời."
    if contact_phone:
        try:
            phone_validator(contact_phone)
        except ValidationError as exc:
            errors["contact_phone"] = exc.messages[0]
    if actor is None and channel != FeedbackItem.Channel.WEB:
        errors["channel"] = "Góp ý trên trang công khai chỉ nhận qua kênh trực tuyến."
    elif actor is not None and channel == FeedbackItem.Channel.WEB:
        errors["channel"] = "Cán bộ ghi nhận góp ý nhận qua thư điện tử, đường dây nóng hoặc trực tiếp."
    if channel not in FeedbackItem.Channel.values:
        errors["channel"] = "Kênh tiếp nhận không hợp lệ."
    if dossier is not None and dossier.agency_id != agency.pk:
        errors["dossier"] = "Hồ sơ liên quan không thuộc cơ quan này."
    if procedure is None and dossier is not None:
        procedure = dossier.procedure
    if procedure is not None and procedure.agency_id != agency.pk:
        errors["procedure"] = "Thủ tục liên quan không thuộc cơ quan này."
    if errors:
        raise ValidationError(errors)
    received_at = _resolve_received_at(actor=actor, received_at=received_at)
    token = _new_token()
    with transaction.atomic():
        item = FeedbackItem(
            code=_allocate_code(agency, received_at),
            agency=agency,
            channel=channel,
            category=category,
            content=content,
            dossier=dossier,
            procedure=procedure,
            contact_name=contact_name,
            contact_phone=contact_phone,
            contact_email=contact_email,
            contact_address=(contact_address or "").strip(),
            token_digest=token_digest(token),
            received_at=received_at,
            received_date=received_at.astimezone(VN_TZ).date(),
            recorded_by=actor,
            status=S.RECEIVED,
            response_working_days=response_working_days(category),
            due_at=response_due_at(received_at, category, agency),
        )
        item.full_clean()
        item._history_user = actor
        item.save()
        FeedbackEvent.objects.create(item=item, type=E.RECEIVED, at=received_at, actor=actor)
    return FeedbackReceipt(item=item, token=token)


def _act(*, item: FeedbackItem, kind: str, actor, note: str = "", payload: dict | None = None, change=None):
    """Lock the item, check the transition, apply `change`, append the event and save."""
    rule = TRANSITIONS[kind]
    now = timezone.now()
    with transaction.atomic():
        locked = FeedbackItem.objects.select_for_update().get(pk=item.pk)
        if locked.status not in rule.allowed_from:
            label = locked.get_category_display()
            raise ConflictError(f"{label} {locked.code} {STATUS_PHRASES[locked.status]}, không thể {rule.verb}.")
        if change is not None:
            change(locked, now)
        locked.status = rule.to
        locked.full_clean()
        locked._history_user = actor
        locked.save()
        FeedbackEvent.objects.create(item=locked, type=kind, at=now, actor=actor, note=note, payload=payload or {})
    return locked


ASSIGNEE_REFUSAL = "Không có cán bộ xử lý đang hoạt động với tên đăng nhập này trong cơ quan nhận phản ánh."


def _check_assignee(item: FeedbackItem, assignee) -> None:
    # One answer for a missing, inactive or other agency's account: the API must not tell
    # another agency's usernames apart from names that do not exist.
    if (
        assignee is None
        or not assignee.is_active
        or not (sees_all_agencies(assignee) or user_agency(assignee) == item.agency)
    ):
        raise ValidationError({"assignee": ASSIGNEE_REFUSAL})


def feedback_assign(*, item: FeedbackItem, actor, assignee, note: str = "") -> FeedbackItem:
    """Hand the item to an officer of its agency; it is then being processed."""
    _check_assignee(item, assignee)

    def change(locked: FeedbackItem, now: dt.datetime) -> None:
        locked.assignee = assignee
        locked.assigned_at = now

    payload = {"assignee": assignee.get_username()}
    return _act(item=item, kind=E.ASSIGNED, actor=actor, note=(note or "").strip(), payload=payload, change=change)


def feedback_answer(*, item: FeedbackItem, actor, answer: str) -> FeedbackItem:
    """Record the answer; the citizen sees it through the look-up. On time when by the deadline."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": "Cần nhập nội dung trả lời."})

    def change(locked: FeedbackItem, now: dt.datetime) -> None:
        locked.answer = answer
        locked.answered_at = now
        locked.answered_by = actor
        if locked.assignee_id is None:
            locked.assignee = actor
            locked.assigned_at = now

    return _act(item=item, kind=E.ANSWERED, actor=actor, change=change)


def feedback_close(*, item: FeedbackItem, actor, note: str = "") -> FeedbackItem:
    """Close an answered item (the citizen was informed, nothing more to do)."""

    def change(locked: FeedbackItem, now: dt.datetime) -> None:
        locked.closed_at = now

    return _act(item=item, kind=E.CLOSED, actor=actor, note=(note or "").strip(), change=change)
