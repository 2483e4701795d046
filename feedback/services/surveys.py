"""Telephone survey plans: draw a seeded sample stratified by field, record each call's outcome."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from itertools import groupby

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from config.exceptions import ConflictError
from dossiers.models import Dossier, Status
from feedback.models import CRITERIA, SatisfactionRating, SurveyPlan, SurveySample
from feedback.periods import local_day_bounds
from feedback.services.ratings import rating_submit

Outcome = SurveySample.Outcome


def survey_frame(*, agency, returned_from: dt.date, returned_to: dt.date):
    """Dossiers a survey may call: returned in the range and not rated yet (one rating each)."""
    start, end = local_day_bounds(returned_from, returned_to)
    return Dossier.objects.filter(
        agency=agency,
        status=Status.RETURNED,
        returned_at__gte=start,
        returned_at__lt=end,
        satisfaction_rating__isnull=True,
    )


def draw_sample(frame: list[tuple[int, int]], *, per_field: int, seed: int) -> list[tuple[int, int]]:
    """(dossier id, field id) pairs: up to `per_field` per field, drawn with a per-field seed.

    Each field gets its own generator seeded with (seed, field id), so adding a field or a
    dossier in another field does not change a field's draw. The result is ordered by field, then id.
    """
    chosen: list[tuple[int, int]] = []
    for field_id, rows in groupby(sorted(frame, key=lambda row: (row[1], row[0])), key=lambda row: row[1]):
        ids = [dossier_id for dossier_id, _ in rows]
        rng = random.Random(f"{seed}:{field_id}")  # noqa: S311 - a reproducible sample, not a secret
        picked = ids if len(ids) <= per_field else sorted(rng.sample(ids, per_field))
        chosen.extend((dossier_id, field_id) for dossier_id in picked)
    return chosen


def survey_plan_create(
    *,
    agency,
    actor,
    title: str,
    year: int,
    returned_from: dt.date,
    returned_to: dt.date,
    per_field: int,
    seed: int | None = None,
) -> SurveyPlan:
    """Create a plan and draw its sample at once; the seed is stored so the draw can be repeated."""
    if returned_from > returned_to:
        raise ValidationError({"returned_to": "Ngày kết thúc phải sau ngày bắt đầu."})
    seed = secrets.randbelow(2**31) if seed is None else seed
    with transaction.atomic():
        plan = SurveyPlan(
            agency=agency,
            title=(title or "").strip() or f"Kế hoạch đo lường sự hài lòng năm {year}",
            year=year,
            returned_from=returned_from,
            returned_to=returned_to,
            per_field=per_field,
            seed=seed,
            created_by=actor,
            created_at=timezone.now(),
        )
        plan.full_clean()
        plan._history_user = actor
        plan.save()
        frame = list(
            survey_frame(agency=agency, returned_from=returned_from, returned_to=returned_to).values_list(
                "id", "field_id"
            )
        )
        chosen = draw_sample(frame, per_field=per_field, seed=seed)
        SurveySample.objects.bulk_create(
            SurveySample(plan=plan, dossier_id=dossier_id, field_id=field_id, position=position)
            for position, (dossier_id, field_id) in enumerate(chosen, start=1)
        )
    return plan


def survey_record_result(
    *,
    sample: SurveySample,
    actor,
    outcome: str,
    note: str = "",
    scores: dict | None = None,
) -> SurveySample:
    """Record one call. `answered` stores the answers as a rating with channel "phone_survey".

    `scores` holds `<criterion>_score` (and optional `<criterion>_comment`) for an answered call.
    409 when the applicant rated the dossier by another channel meanwhile (one rating per dossier).
    """
    if outcome not in Outcome.values or outcome == Outcome.PENDING:
        raise ValidationError({"outcome": "Kết quả gọi không hợp lệ."})
    with transaction.atomic():
        # The sample only; rating_submit then locks the dossier (dossiers/services.py lock order).
        locked = SurveySample.objects.select_for_update(of=("self",)).select_related("dossier").get(pk=sample.pk)
        existing = SatisfactionRating.objects.filter(dossier_id=locked.dossier_id).first()
        if existing is not None and existing.pk != locked.rating_id:
            raise ConflictError(
                f"Hồ sơ {locked.dossier.code} đã được đánh giá qua kênh "
                f"“{existing.get_channel_display()}”, không ghi thêm kết quả khảo sát."
            )
        if outcome == Outcome.ANSWERED:
            scores = scores or {}
            missing = [key for key, _ in CRITERIA if scores.get(f"{key}_score") in (None, "")]
            if missing:
                raise ValidationError({f"{key}_score": "Cần chấm điểm từ 1 đến 5." for key in missing})
            kwargs = {name: value for name, value in scores.items() if name.endswith(("_score", "_comment"))}
            locked.rating = rating_submit(
                dossier=locked.dossier, channel=SatisfactionRating.Channel.PHONE_SURVEY, actor=actor, **kwargs
            )
        elif locked.rating_id is not None:
            raise ConflictError("Người dân đã trả lời khảo sát; không thể đổi kết quả gọi.")
        locked.outcome = outcome
        locked.note = (note or "").strip()
        locked.called_at = timezone.now()
        locked.called_by = actor
        locked.full_clean()
        locked._history_user = actor
        locked.save()
    return locked
