"""Generated demo data at scale: an office with up to millions of dossiers, written with bulk_create.

`generate` builds the catalogue (reporting/demo/catalogue.py), then walks the days from `start`
to `until` in order, drawing each day's dossiers for each agency (reporting/demo/simulate.py),
so that codes and tracking-book lines follow the order of receipt, as the services would
number them. Rows are written in batches, one transaction each.

What differs from dossiers logged through the services, on purpose (docs/reporting.md):
- no django-simple-history rows (bulk_create sends no signals), for dossiers nor procedures;
- events are written with the dossiers unless `with_events=False` (then the dossier page shows
  no timeline, and a later action on such an open dossier cannot re-derive its schedule);
- no `full_clean`: every value is valid by construction.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from apology_letters.models import ApologyLetter
from dossiers.models import Dossier, DossierCounter, DossierEvent
from procedures import calendar
from procedures.calendar import VN_TZ
from reporting.demo.catalogue import build_catalogue
from reporting.demo.simulate import channel_for, live, received_instant

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Hoàng", "Ngọc", "Đức", "Thu", "Quốc", "Bảo"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Khánh", "Lan", "Long", "Mai", "Nam",
         "Ngân", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến"]
HAMLETS = ["Thôn 1", "Thôn 2", "Ấp Tân Hòa", "Khu phố 3", "Tổ 7", "Ấp Mỹ Lợi", "Xóm Đông"]
DOCUMENTS = [{"name": "Đơn đề nghị (theo mẫu)", "kind": "original", "count": 1}]
NON_WORKING_DAY_WEIGHT = 0.04  # online submissions on weekends and holidays, relative to a working day
CLOSING_NOTES = {DossierEvent.Type.REFUSED: "Không thuộc thẩm quyền giải quyết", DossierEvent.Type.WITHDRAWN: ""}


@dataclass
class Generated:
    agencies: list[str]
    dossiers: int = 0
    events: int = 0
    letters: int = 0
    seconds: float = 0.0


def _split(total: int, weights: list[float]) -> list[int]:
    shares = [int(total * weight / sum(weights)) for weight in weights]
    shares[0] += total - sum(shares)
    return shares


def generate(
    *,
    dossiers: int,
    seed: int,
    agencies: int = 3,
    start: dt.date | None = None,
    until: dt.datetime | None = None,
    batch_size: int = 5000,
    with_events: bool = True,
    progress: Callable[[int], None] | None = None,
) -> Generated:
    """Create `agencies` agencies and `dossiers` dossiers received from `start` to `until` (now)."""
    began = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    now = until or timezone.now()
    last_day = now.astimezone(VN_TZ).date() - dt.timedelta(days=1)  # whole days only, all before `now`
    first_day = start or dt.date(last_day.year - 1, 1, 1)
    with transaction.atomic():
        office = build_catalogue(seed=seed, count=agencies, rng=rng)
    result = Generated(agencies=[agency.code for agency in office.agencies])
    days = [first_day + dt.timedelta(days=i) for i in range((last_day - first_day).days + 1)]

    # How many dossiers each agency receives each day: the first agency (the province) takes more.
    per_agency = _split(dossiers, [2.0] + [1.0] * (agencies - 1))
    plan: list[tuple[object, list[bool], list[int]]] = []
    for agency, count in zip(office.agencies, per_agency, strict=True):
        working = [calendar.is_working_day(day, agency) for day in days]
        weights = [1.0 if flag else NON_WORKING_DAY_WEIGHT for flag in working]
        counts = [0] * len(days)
        for index in rng.choices(range(len(days)), weights=weights, k=count):
            counts[index] += 1
        plan.append((agency, working, counts))

    writer = _Writer(office.actor, batch_size, with_events, result, progress)
    for index, day in enumerate(days):
        for agency, working, counts in plan:
            if counts[index]:
                writer.day(rng, agency, office.procedures[agency.pk], day, counts[index], working[index], now)
    writer.flush()
    writer.save_counters()
    result.seconds = time.perf_counter() - began
    return result


class _Writer:
    """Builds model instances and writes them in batches; keeps the per-agency sequences."""

    def __init__(self, actor, batch_size: int, with_events: bool, result: Generated, progress):
        self.actor_id = actor.pk
        self.batch_size, self.with_events, self.result, self.progress = batch_size, with_events, result, progress
        self.pending: list[tuple[Dossier, object, object]] = []  # (dossier, its Life, its agency)
        self.sequences: dict[tuple[int, str], int] = {}

    def next(self, agency_id: int, scope: str) -> int:
        value = self.sequences.get((agency_id, scope), 0) + 1
        self.sequences[(agency_id, scope)] = value
        return value

    def day(self, rng, agency, procedures, day: dt.date, count: int, working: bool, now: dt.datetime) -> None:
        online_only = [item for item in procedures if item.online_level >= 3]
        choices = procedures if working else online_only
        arrivals = []
        for _ in range(count):
            procedure = choices[min(int(rng.paretovariate(1.2)) - 1, len(choices) - 1)]
            channel = channel_for(rng, procedure.online_level, working=working)
            at = received_instant(rng, day, working=working, online=channel == "online")
            arrivals.append((at, procedure, channel))
        arrivals.sort(key=lambda item: item[0])
        for at, procedure, channel in arrivals:
            self.add(rng, agency, procedure, channel, at, now)

    def add(self, rng, agency, procedure, channel, received: dt.datetime, now: dt.datetime) -> None:
        life = live(rng, procedure, agency, channel, received, now)
        local = received.astimezone(VN_TZ)
        dossier = Dossier(
            code=f"{agency.code}-{local:%Y%m%d}-{self.next(agency.pk, f'D{local:%Y%m%d}'):04d}",
            agency_id=agency.pk, procedure_id=procedure.pk, field_id=procedure.field_id,
            applicant_name=f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
            applicant_id_number=f"0{rng.randint(1, 96):02d}{rng.randint(0, 999_999_999):09d}",
            applicant_phone=f"0{rng.choice('3579')}{rng.randint(10_000_000, 99_999_999)}",
            applicant_address=f"{rng.choice(HAMLETS)}, {agency.locality}",
            channel=channel, documents=DOCUMENTS, received_at=received, received_by_id=self.actor_id,
            due_at=life.due_at, status=life.status, paused_at=life.paused_at,
            current_unit="Bộ phận Một cửa", result_ready_at=life.result_ready_at,
            result_note="Đã ký, đóng dấu" if life.result_ready_at else "",
            returned_at=life.returned_at, closed_at=life.closed_at,
            supplement_count=life.supplement_count, supplement_rule_breached=life.breached,
            book_volume=local.year, book_line=self.next(agency.pk, f"Y{local.year}"),
        )
        if life.result_ready_at is not None:
            minutes = calendar.working_minutes_between(received, life.result_ready_at, agency)
            dossier.processing_minutes = max(0, minutes)
        if life.letter is not None and life.letter[0] == "issued":
            dossier.appointment_at = life.letter[2]
        dossier.sync_local_dates()
        self.pending.append((dossier, life, agency))
        if len(self.pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        with transaction.atomic():
            Dossier.objects.bulk_create([dossier for dossier, _, _ in self.pending], batch_size=self.batch_size)
            events, letters = [], []
            for dossier, life, agency in self.pending:
                if self.with_events:
                    events.extend(
                        DossierEvent(dossier_id=dossier.pk, type=kind, at=at, actor_id=self.actor_id, payload=payload,
                                     note=CLOSING_NOTES.get(kind, ""))
                        for kind, at, payload in life.events
                    )
                if life.letter is not None:
                    letters.append(self.letter(dossier, life, agency))
            DossierEvent.objects.bulk_create(events, batch_size=self.batch_size)
            ApologyLetter.objects.bulk_create(letters, batch_size=self.batch_size)
        self.result.dossiers += len(self.pending)
        self.result.events += len(events)
        self.result.letters += len(letters)
        if self.progress is not None:
            self.progress(len(self.pending))
        self.pending = []

    def letter(self, dossier: Dossier, life, agency) -> ApologyLetter:
        status, at, new_due = life.letter
        year = at.astimezone(VN_TZ).year
        issued = status == "issued"
        return ApologyLetter(
            dossier_id=dossier.pk, agency_id=agency.pk, year=year, number=self.next(agency.pk, f"L{year}"),
            reason="Hồ sơ cần xác minh thêm với cơ quan liên quan", original_due_at=life.due_at, new_due_at=new_due,
            status=status, drafted_by_id=self.actor_id, drafted_at=at,
            issued_by_id=self.actor_id if issued else None, issued_at=at if issued else None,
            signer_name=agency.head_name if issued else "", signer_title=agency.head_title if issued else "",
            sent_via=ApologyLetter.SentVia.SMS if issued else "",
        )

    def save_counters(self) -> None:
        """Leave the sequences where the services will continue them (codes, book lines, letters)."""
        counters = [
            DossierCounter(agency_id=agency_id, scope=scope, last_value=value)
            for (agency_id, scope), value in self.sequences.items()
        ]
        DossierCounter.objects.bulk_create(counters, batch_size=self.batch_size)
