"""Writing a satisfaction rating: one per returned dossier, changeable for a few days."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from config.exceptions import ConflictError
from dossiers.models import Dossier, Status
from dossiers.services import lock_dossier
from feedback.models import CRITERIA, SatisfactionRating
from procedures.calendar import VN_TZ

Channel = SatisfactionRating.Channel


def _check_returned(dossier: Dossier) -> None:
    if dossier.status != Status.RETURNED:
        raise ConflictError(
            f"Hồ sơ {dossier.code} chưa trả kết quả ({dossier.get_status_display().lower()}), "
            "chưa thể đánh giá sự hài lòng."
        )


def rating_submit(
    *,
    dossier: Dossier,
    channel: str,
    information_score: int,
    attitude_score: int,
    timeliness_score: int,
    result_score: int,
    information_comment: str = "",
    attitude_comment: str = "",
    timeliness_comment: str = "",
    result_comment: str = "",
    actor=None,
) -> SatisfactionRating:
    """Rate a returned dossier, or change its rating within the change window.

    409 when the dossier is not returned, or when the window after the first rating is over.
    `actor` is the officer who opened the kiosk or made the call; None for the public page.
    """
    now = timezone.now()
    values = {
        "information_score": information_score,
        "attitude_score": attitude_score,
        "timeliness_score": timeliness_score,
        "result_score": result_score,
        "information_comment": (information_comment or "").strip(),
        "attitude_comment": (attitude_comment or "").strip(),
        "timeliness_comment": (timeliness_comment or "").strip(),
        "result_comment": (result_comment or "").strip(),
    }
    with transaction.atomic():
        # The dossier row lock serialises two first ratings of the same dossier.
        locked = lock_dossier(dossier.pk)
        _check_returned(locked)
        rating = SatisfactionRating.objects.filter(dossier=locked).first()
        if rating is None:
            rating = SatisfactionRating(
                dossier=locked,
                agency_id=locked.agency_id,
                first_rated_at=now,
                rated_date=now.astimezone(VN_TZ).date(),
            )
        else:
            if not rating.can_change(now):
                raise ConflictError(
                    f"Hồ sơ {locked.code} đã được đánh giá ngày {rating.rated_date:%d/%m/%Y}; chỉ được sửa "
                    f"đánh giá đến hết ngày {rating.change_deadline:%d/%m/%Y}."
                )
            rating.changed_at = now
            rating.change_count += 1
        for name, value in values.items():
            setattr(rating, name, value)
        rating.channel = channel
        rating.recorded_by = actor
        rating.full_clean(exclude=["overall"])
        rating.overall = rating.compute_overall()
        rating._history_user = actor
        rating.save()
    return rating


def criteria_kwargs(data: dict) -> dict:
    """The score and comment keyword arguments of `rating_submit`, picked out of `data`."""
    picked = {}
    for key, _ in CRITERIA:
        picked[f"{key}_score"] = data[f"{key}_score"]
        picked[f"{key}_comment"] = data.get(f"{key}_comment", "") or ""
    return picked
