"""Demo data: satisfaction ratings and feedback items (GYPAKN) for the demo agencies.

Runs after the demo dossiers. Every row goes through the services, so the history rows and
events exist and name the officer who acted. The services stamp `timezone.now()` on ratings
and on the assign, answer and close steps, so those are dated at load time; only the receipt
of a feedback item is back-dated (staff may enter an earlier `received_at`).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts import roles
from dossiers.models import Channel as DossierChannel
from dossiers.models import Dossier, Status
from feedback.models import FeedbackItem, SatisfactionRating
from feedback.services import (
    feedback_answer,
    feedback_assign,
    feedback_close,
    feedback_receive,
    rating_submit,
)
from feedback.services.items import response_working_days
from procedures import calendar
from procedures.calendar import VN_TZ
from procedures.models import Agency, Procedure

RATED_SHARE = 0.6  # of the returned dossiers; the rest stay unrated, as in a real office

# (weight, score choices): mostly satisfied, some lukewarm, a few unhappy.
SCORE_PROFILES = [
    (70, (4, 5, 5)),
    (20, (3, 4, 4)),
    (10, (2, 3, 3)),
]

COMMENTS = {
    "happy": [
        ("attitude_comment", "Cán bộ một cửa hướng dẫn tận tình, dễ hiểu."),
        ("timeliness_comment", "Nhận kết quả sớm hơn ngày hẹn."),
        ("information_comment", "Thông tin thủ tục trên cổng dịch vụ công đầy đủ, rõ ràng."),
    ],
    "unhappy": [
        ("timeliness_comment", "Phải chờ khá lâu tại quầy mới được tiếp nhận."),
        ("information_comment", "Thành phần hồ sơ niêm yết chưa rõ, phải đi lại bổ sung."),
        ("attitude_comment", "Cán bộ trả lời còn vội, chưa giải thích kỹ."),
    ],
}

CONTACTS = [
    ("Nguyễn Thị Hồng", "0912 458 201", "hong.nguyen@example.vn"),
    ("Trần Quốc Bảo", "0983 112 574", "bao.tranquoc@example.vn"),
    ("Lê Thị Thanh Hương", "0905 337 819", "huong.le@example.vn"),
    ("Phạm Đức Minh", "0868 240 916", "minh.phamduc@example.vn"),
    ("Võ Thị Ngọc Anh", "0977 604 358", "ngocanh.vo@example.vn"),
    ("Hồ Văn Tài", "0934 829 127", "tai.ho@example.vn"),
    ("Đoàn Thị Thu", "0356 781 440", "thu.doan@example.vn"),
]

S = FeedbackItem.Status
Channel = FeedbackItem.Channel
Category = FeedbackItem.Category


@dataclass(frozen=True)
class ItemPlan:
    """One demo feedback item: how it arrived, how old it is and how far it has been handled."""

    channel: str
    category: str
    content: str
    working_days_ago: int  # 0: now; ignored when `overdue`
    target: str  # the status it ends in
    overdue: bool = False  # received long enough ago to be past its deadline
    with_procedure: bool = False
    with_late_dossier: bool = False
    answer: str = ""


ITEMS = [
    ItemPlan(
        Channel.WEB,
        Category.COMMENT,
        "Đề nghị cổng dịch vụ công trực tuyến cho phép tải lên tệp ảnh chụp bằng điện thoại (định dạng "
        "HEIC); hiện tại tôi phải chuyển sang PDF mới nộp được hồ sơ.",
        0,
        S.RECEIVED,
    ),
    ItemPlan(
        Channel.HOTLINE,
        Category.COMPLAINT,
        "Sáng thứ Hai tôi đến Bộ phận Một cửa lúc 8 giờ nhưng phải chờ gần hai tiếng mới được tiếp nhận "
        "hồ sơ; chỉ có một quầy làm việc, máy bốc số thứ tự bị hỏng.",
        0,
        S.PROCESSING,
        overdue=True,
    ),
    ItemPlan(
        Channel.EMAIL,
        Category.RECOMMENDATION,
        "Kiến nghị cơ quan cho phép nhận kết quả qua dịch vụ bưu chính công ích và thanh toán phí "
        "trực tuyến, để người dân ở xa không phải đi lại nhiều lần.",
        0,
        S.RECEIVED,
        overdue=True,
    ),
    ItemPlan(
        Channel.COUNTER,
        Category.COMPLAINT,
        "Hồ sơ của tôi đã quá ngày hẹn trả kết quả nhưng chưa nhận được phiếu xin lỗi hay thông báo "
        "hẹn lại; đề nghị cơ quan cho biết lý do chậm và thời gian trả kết quả.",
        2,
        S.PROCESSING,
        with_late_dossier=True,
    ),
    ItemPlan(
        Channel.EMAIL,
        Category.COMPLAINT,
        "Cán bộ tiếp nhận hồ sơ có thái độ thiếu niềm nở, không giải thích vì sao hồ sơ phải bổ sung "
        "mà chỉ yêu cầu về làm lại.",
        5,
        S.ANSWERED,
        answer="Cơ quan đã làm việc với cán bộ tiếp nhận, nhắc nhở việc giải thích rõ lý do yêu cầu bổ sung "
        "và ghi đầy đủ vào Phiếu yêu cầu bổ sung (Mẫu 02). Cảm ơn Ông/Bà đã phản ánh.",
    ),
    ItemPlan(
        Channel.COUNTER,
        Category.COMMENT,
        "Góp ý: hướng dẫn thủ tục niêm yết tại quầy chưa ghi rõ số lượng bản sao cần nộp; đề nghị bổ sung "
        "mẫu đơn điền sẵn để người dân tham khảo.",
        7,
        S.CLOSED,
        with_procedure=True,
        answer="Bộ phận Một cửa đã bổ sung mẫu đơn điền sẵn và ghi rõ số lượng bản sao cho từng thủ tục "
        "tại khu vực niêm yết. Trân trọng cảm ơn góp ý của Ông/Bà.",
    ),
]


def _staff(agency: Agency, role: str):
    User = get_user_model()
    return (
        User.objects.filter(groups__name=role, staff_profile__agency=agency, is_active=True).order_by("id").first()
    )


def _working_day_back(today: dt.date, count: int, agency: Agency) -> dt.date:
    day = today
    while count > 0:
        day -= dt.timedelta(days=1)
        if calendar.is_working_day(day, agency):
            count -= 1
    return day


def _received_at(rng: random.Random, now: dt.datetime, working_days_ago: int, agency: Agency) -> dt.datetime:
    """An office-hours instant that many working days before today (always in the past)."""
    day = _working_day_back(now.astimezone(VN_TZ).date(), working_days_ago, agency)
    minute = rng.choice([7 * 60 + 45, 8 * 60 + 20, 9 * 60 + 10, 10 * 60 + 35, 14 * 60 + 5, 15 * 60 + 25])
    moment = dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=VN_TZ)
    return min(calendar.add_working_minutes(moment, 0, agency), now - dt.timedelta(minutes=5))


def _scores(rng: random.Random) -> dict:
    weights, profiles = zip(*SCORE_PROFILES, strict=True)
    choices = rng.choices(profiles, weights=weights)[0]
    keys = ("information_score", "attitude_score", "timeliness_score", "result_score")
    return {key: rng.choice(choices) for key in keys}


def _comments(rng: random.Random, scores: dict) -> dict:
    mood = "happy" if min(scores.values()) >= 4 else "unhappy"
    if mood == "happy" and rng.random() > 0.35:
        return {}
    field, text = rng.choice(COMMENTS[mood])
    return {field: text}


def load_ratings(agency: Agency, rng: random.Random, officer) -> int:
    """Rate a share of the agency's returned dossiers; nothing when the agency has ratings."""
    if SatisfactionRating.objects.filter(agency=agency).exists():
        return 0
    returned = list(Dossier.objects.filter(agency=agency, status=Status.RETURNED).order_by("returned_at", "id"))
    if not returned:
        return 0
    chosen = rng.sample(returned, max(1, round(len(returned) * RATED_SHARE)))
    for dossier in chosen:
        at_counter = officer is not None and (dossier.channel != DossierChannel.ONLINE or rng.random() < 0.2)
        scores = _scores(rng)
        rating_submit(
            dossier=dossier,
            channel=SatisfactionRating.Channel.COUNTER if at_counter else SatisfactionRating.Channel.ONLINE,
            actor=officer if at_counter else None,
            **scores,
            **_comments(rng, scores),
        )
    return len(chosen)


def _late_dossier(agency: Agency, before: dt.datetime) -> Dossier | None:
    return (
        Dossier.objects.filter(agency=agency, status=Status.IN_PROGRESS, due_at__lt=before)
        .order_by("due_at", "id")
        .first()
    )


def load_items(agency: Agency, rng: random.Random, *, officer, head, specialist) -> int:
    """Receive and handle the demo items; nothing when the agency already has feedback items."""
    if head is None or FeedbackItem.objects.filter(agency=agency).exists():
        return 0
    now = timezone.now()
    recorder = officer or head
    handler = specialist or head
    procedures = list(Procedure.objects.filter(agency=agency, is_active=True).order_by("code"))
    contacts = rng.sample(CONTACTS, len(ITEMS))
    for plan, (name, phone, email) in zip(ITEMS, contacts, strict=True):
        if plan.overdue:
            days = response_working_days(plan.category) + rng.randint(2, 4)
        else:
            days = min(plan.working_days_ago, response_working_days(plan.category) - 1)
        received_at = _received_at(rng, now, days, agency) if days > 0 else None
        public = plan.channel == Channel.WEB
        contact = {"contact_name": name, "contact_phone": phone.replace(" ", "")}
        if plan.channel == Channel.EMAIL or public:
            contact["contact_email"] = email
        links = {}
        if plan.with_procedure and procedures:
            links["procedure"] = rng.choice(procedures)
        if plan.with_late_dossier:
            dossier = _late_dossier(agency, received_at or now)
            if dossier is not None:
                links["dossier"] = dossier
                contact = {"contact_name": dossier.applicant_name, "contact_phone": dossier.applicant_phone}
        item = feedback_receive(
            agency=agency,
            channel=plan.channel,
            category=plan.category,
            content=plan.content,
            actor=None if public else recorder,
            received_at=received_at,
            **contact,
            **links,
        ).item
        if plan.target == S.PROCESSING or (plan.target == S.ANSWERED and handler != head):
            item = feedback_assign(item=item, actor=head, assignee=handler, note="Đề nghị xác minh và trả lời.")
        if plan.target in (S.ANSWERED, S.CLOSED):
            answerer = handler if plan.target == S.ANSWERED else head
            item = feedback_answer(item=item, actor=answerer, answer=plan.answer)
        if plan.target == S.CLOSED:
            feedback_close(item=item, actor=head, note="Đã thông báo kết quả cho người gửi.")
    return len(ITEMS)


def load_feedback(agencies: list[Agency], *, seed: int = 67) -> dict:
    """Ratings and feedback items for each agency, each agency in its own transaction.

    Idempotent: an agency that already has ratings (or items) gets no new ones.
    """
    counts = {"ratings": 0, "feedback_items": 0}
    for agency in agencies:
        rng = random.Random(f"{seed}:{agency.code}")  # noqa: S311 - reproducible demo data, not a secret
        officer = _staff(agency, roles.COUNTER_OFFICER)
        head = _staff(agency, roles.DEPARTMENT_HEAD)
        specialist = _staff(agency, roles.SPECIALIST)
        with transaction.atomic():
            counts["ratings"] += load_ratings(agency, rng, officer)
            counts["feedback_items"] += load_items(agency, rng, officer=officer, head=head, specialist=specialist)
    return counts
