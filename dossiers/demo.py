"""Demo data: the shipped education catalogue, staff of every role and a living office.

Everything is relative to the instant it runs, so a new user sees dossiers received over the
last weeks in every state: in progress, overdue, waiting for a supplement, suspended, settled
early, on time and late, returned, refused and withdrawn.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts.models import StaffProfile
from apology_letters.models import ApologyLetter
from apology_letters.services import letter_issue, sweep_late_dossiers
from dossiers import services
from dossiers.models import ONE_STOP_UNIT, Dossier
from feedback.demo import load_feedback
from procedures import calendar
from procedures.calendar import VN_TZ
from procedures.catalogue import catalogue_upsert
from procedures.models import Agency, CalendarOverride, Procedure

CATALOGUE = Path(__file__).resolve().parent.parent / "procedures" / "data" / "demo_catalogue.json"

AGENCY_FIELDS = [
    "name",
    "level",
    "locality",
    "head_name",
    "head_title",
    "letter_prefix",
    "address",
    "phone",
]

OVERRIDES = [
    (dt.date(2026, 1, 2), CalendarOverride.Kind.OFF, "Nghỉ Tết Dương lịch 2026 (hoán đổi)"),
    (dt.date(2026, 1, 10), CalendarOverride.Kind.WORKING, "Làm bù cho ngày 02/01/2026"),
]
OVERRIDE_REFERENCE = "Công văn 12729/VPCP-KGVX"

# username, role, agency index (None: province-wide), display name
STAFF = [
    ("motcua", roles.COUNTER_OFFICER, 0, "Nguyễn Thị", "Hoa"),
    ("chuyenvien", roles.SPECIALIST, 0, "Trần Văn", "Nam"),
    ("lanhdao", roles.DEPARTMENT_HEAD, 0, "Lê Minh", "Tuấn"),
    ("thongke", roles.STATISTICS, 0, "Phạm Thu", "Trang"),
    ("motcua_huyen", roles.COUNTER_OFFICER, 1, "Đỗ Thị", "Lan"),
    ("lanhdao_huyen", roles.DEPARTMENT_HEAD, 1, "Vũ Đức", "Thắng"),
    ("thongke_tinh", roles.STATISTICS, None, "Hoàng Văn", "Sơn"),
]

# The unit each demo account works in: the counter acts on what is at the counter, the
# specialist on what was transferred to their unit (dossiers.permissions), heads everywhere.
UNITS = {
    roles.COUNTER_OFFICER: ONE_STOP_UNIT,
    roles.SPECIALIST: "Phòng Khảo thí và Quản lý chất lượng",
    roles.DEPARTMENT_HEAD: "Ban Giám đốc",
    roles.STATISTICS: "Văn phòng",
}

NAMES = [
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Hoàng Cường",
    "Phạm Thị Dung",
    "Hoàng Minh Đức",
    "Vũ Thị Hạnh",
    "Đặng Quốc Huy",
    "Bùi Thị Khánh Linh",
    "Đỗ Văn Long",
    "Ngô Thị Mai",
    "Dương Văn Nghĩa",
    "Lý Thị Oanh",
    "Phan Thanh Phong",
    "Trịnh Thị Quỳnh",
    "Đinh Công Sơn",
]


def load_agencies(data: dict) -> list[Agency]:
    agencies = []
    for row in data["agencies"]:
        values = {key: row.get(key, "") for key in AGENCY_FIELDS}
        values["result_place"] = f"Bộ phận Một cửa – {row.get('address', '')}".rstrip(" –")
        agency, _ = Agency.objects.update_or_create(code=row["code"], defaults=values)
        agencies.append(agency)
    return agencies


def load_overrides() -> None:
    for day, kind, reason in OVERRIDES:
        CalendarOverride.objects.update_or_create(
            date=day, agency=None, defaults={"kind": kind, "reason": reason, "legal_reference": OVERRIDE_REFERENCE}
        )


def load_staff(agencies: list[Agency], password: str) -> list[tuple[str, str, str]]:
    User = get_user_model()
    groups = roles.ensure_roles()
    created = []
    admin, _ = User.objects.get_or_create(username="admin", defaults={"is_staff": True, "is_superuser": True})
    admin.is_staff = admin.is_superuser = True
    admin.set_password(password)
    admin.save()
    created.append(("admin", "Quản trị hệ thống (superuser)", "mọi cơ quan"))
    for username, role, index, last, first in STAFF:
        user, _ = User.objects.get_or_create(username=username)
        user.last_name, user.first_name, user.is_staff = last, first, role == roles.ADMINISTRATOR
        user.set_password(password)
        user.save()
        user.groups.set([groups[role]])
        agency = agencies[index] if index is not None else None
        StaffProfile.objects.update_or_create(
            user=user, defaults={"agency": agency, "province_wide": index is None, "unit": UNITS[role]}
        )
        created.append((username, role, agency.code if agency else "toàn tỉnh"))
    return created


def _working_instant(rng: random.Random, day: dt.date, agency: Agency) -> dt.datetime:
    minute = rng.choice([7 * 60 + 30, 8 * 60 + 15, 9 * 60 + 40, 10 * 60 + 20, 13 * 60 + 45, 14 * 60 + 30, 15 * 60 + 50])
    moment = dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=VN_TZ)
    return calendar.add_working_minutes(moment, 0, agency)


def _scenario_steps(kind: str, dossier: Dossier, now: dt.datetime, agency: Agency):
    """(service, kwargs, instant) steps that bring a fresh dossier into the scenario's state."""
    received, due = dossier.received_at, dossier.due_at
    day = calendar.working_minutes_per_day(agency)

    def after(start, minutes):
        return min(calendar.add_working_minutes(start, minutes, agency), now - dt.timedelta(minutes=10))

    if kind == "early":
        return [(services.dossier_finish, {"result_note": "Đã ký, đóng dấu"}, after(received, day))]
    if kind == "early_returned":
        ready = after(received, day)
        return [
            (services.dossier_transfer, {"to_unit": "Phòng chuyên môn"}, after(received, 60)),
            (services.dossier_finish, {"result_note": "Đã ký"}, ready),
            (services.dossier_return, {}, after(ready, 120)),
        ]
    if kind == "on_time":
        return [(services.dossier_finish, {"result_note": "Đã ký"}, due - dt.timedelta(minutes=30))]
    if kind == "late":
        return [(services.dossier_finish, {"result_note": "Hoàn thành muộn"}, after(due, day))]
    if kind == "supplement":
        return [
            (
                services.dossier_request_supplement,
                {"items": ["Bản sao giấy khai sinh"], "reason": "Hồ sơ thiếu giấy khai sinh"},
                after(received, 120),
            )
        ]
    if kind == "suspended":
        return [(services.dossier_suspend, {"reason": "Chờ xác minh văn bằng tại trường cấp"}, after(received, 240))]
    if kind == "refused":
        return [
            (services.dossier_refuse, {"reason": "Không thuộc thẩm quyền giải quyết của cơ quan"}, after(received, 30))
        ]
    if kind == "withdrawn":
        return [(services.dossier_withdraw, {"reason": "Công dân xin rút hồ sơ"}, after(received, 90))]
    if kind == "transferred":
        return [(services.dossier_transfer, {"to_unit": "Phòng Khảo thí và Quản lý chất lượng"}, after(received, 60))]
    return []  # in progress: overdue or within deadline depending on when it was received


SCENARIOS = [
    "early",
    "early_returned",
    "on_time",
    "late",
    "supplement",
    "suspended",
    "refused",
    "withdrawn",
    "transferred",
    "in_progress",
]


@transaction.atomic
def load_dossiers(agencies: list[Agency], actor, *, count_per_agency: int = 30, seed: int = 61) -> int:
    """Create demo dossiers once: nothing is added when an agency already has dossiers."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not a secret
    now = timezone.now()
    created = 0
    for agency in agencies:
        if Dossier.objects.filter(agency=agency).exists():
            continue
        procedures = list(Procedure.objects.filter(agency=agency, is_active=True).select_related("agency"))
        today = now.astimezone(VN_TZ).date()
        for i in range(count_per_agency):
            kind = SCENARIOS[i % len(SCENARIOS)]
            day = today - dt.timedelta(days=rng.randint(1, 45))
            received = _working_instant(rng, day, agency)
            if received >= now:
                continue
            name = rng.choice(NAMES)
            dossier = services.dossier_receive(
                procedure=rng.choice(procedures),
                actor=actor,
                applicant_name=name,
                applicant_phone=f"09{rng.randint(10_000_000, 99_999_999)}",
                applicant_id_number=f"0{rng.randint(10, 96):02d}{rng.randint(100_000_000, 999_999_999)}",
                applicant_address=f"Thôn {rng.randint(1, 9)}, xã Hòa Đông, tỉnh Bình Minh",
                channel=rng.choice(["counter", "counter", "post", "online", "online"]),
                documents=[{"name": "Đơn đề nghị (theo mẫu)", "kind": "original", "count": 1}],
                received_at=received,
            )
            for service, kwargs, at in _scenario_steps(kind, dossier, now, agency):
                if at <= dossier.events.order_by("-at").values_list("at", flat=True).first():
                    break
                dossier = service(dossier=dossier, actor=actor, at=at, **kwargs)
            created += 1
    return created


def load_letters(agencies: list[Agency]) -> int:
    """Run the late-dossier sweep; the head issues the oldest draft of each agency, leaving the
    rest waiting on the review page. Issues nothing when an agency already has an issued letter.
    """
    drafted = len(sweep_late_dossiers().drafted)
    User = get_user_model()
    for agency in agencies:
        if ApologyLetter.objects.filter(agency=agency, status=ApologyLetter.Status.ISSUED).exists():
            continue
        draft = (
            ApologyLetter.objects.filter(agency=agency, status=ApologyLetter.Status.DRAFT).order_by("number").first()
        )
        head = User.objects.filter(groups__name=roles.DEPARTMENT_HEAD, staff_profile__agency=agency).first()
        if draft is not None and head is not None:
            letter_issue(
                letter=draft,
                actor=head,
                sent_via="counter",
                reason="Cần xác minh thông tin văn bằng với cơ sở giáo dục đã cấp.",
            )
    return drafted


def load_demo(*, password: str) -> dict:
    data = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    with transaction.atomic():
        agencies = load_agencies(data)
        load_overrides()
        staff = load_staff(agencies, password)
        admin = get_user_model().objects.get(username="admin")
        catalogue = catalogue_upsert(rows=data["procedures"], user=admin)
    dossiers = load_dossiers(agencies, admin)
    letters = load_letters(agencies)
    feedback = load_feedback(agencies)
    return {
        "agencies": agencies,
        "staff": staff,
        "catalogue": catalogue,
        "dossiers": dossiers,
        "letters": letters,
        "feedback": feedback,
    }
