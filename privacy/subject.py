"""What the office holds about one person, for a data subject's request to see their data."""

from __future__ import annotations

from django.db.models import Prefetch, Q

from accounts.scoping import scope_to_user
from dossiers.models import Dossier, DossierEvent
from feedback.models import CRITERIA, FeedbackItem, SatisfactionRating, SurveySample
from privacy.masking import mask_id_number
from privacy.models import PersonalDataAccess


def _iso(value):
    return value.isoformat() if value else None


def _dossier(dossier: Dossier, accesses: list[PersonalDataAccess]) -> dict:
    rating: SatisfactionRating | None = getattr(dossier, "satisfaction_rating", None)
    return {
        "code": dossier.code,
        "agency": dossier.agency.name,
        "procedure": f"{dossier.procedure.code} {dossier.procedure.name}",
        "channel": dossier.get_channel_display(),
        "status": dossier.get_status_display(),
        "received_at": _iso(dossier.received_at),
        "due_at": _iso(dossier.due_at),
        "returned_at": _iso(dossier.returned_at),
        "closed_at": _iso(dossier.closed_at),
        "applicant": {
            "name": dossier.applicant_name,
            "id_number": dossier.applicant_id_number,
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
            "address": dossier.applicant_address,
        },
        "documents": dossier.documents,
        "notes": dossier.notes,
        "result_note": dossier.result_note,
        "events": [
            {"type": event.get_type_display(), "at": _iso(event.at), "note": event.note}
            for event in dossier.events.all()
        ],
        "rating": None if rating is None else {
            "channel": rating.get_channel_display(),
            "first_rated_at": _iso(rating.first_rated_at),
            "scores": rating.scores,
            "comments": {key: getattr(rating, f"{key}_comment") for key, _ in CRITERIA},
        },
        # Staff are not named: the person learns when and how their record was read.
        "accesses": [
            {"at": _iso(access.at), "kind": access.get_kind_display(), "source": access.get_source_display()}
            for access in accesses
        ],
    }


def _feedback(item: FeedbackItem) -> dict:
    return {
        "code": item.code,
        "category": item.get_category_display(),
        "channel": item.get_channel_display(),
        "received_at": _iso(item.received_at),
        "status": item.get_status_display(),
        "dossier": item.dossier.code if item.dossier_id else None,
        "contact": {
            "name": item.contact_name, "phone": item.contact_phone,
            "email": item.contact_email, "address": item.contact_address,
        },
        "content": item.content,
        "answer": item.answer,
    }


def personal_data_held(*, user, id_number: str = "", phone: str = "") -> dict:
    """Every dossier, feedback item and survey call about the person `user` may see; a fixed number of queries."""
    id_number, phone = id_number.strip(), phone.strip().replace(" ", "").replace(".", "")
    who = Q()
    if id_number:
        who |= Q(applicant_id_number=id_number)
    if phone:
        who |= Q(applicant_phone=phone)
    dossiers = list(
        scope_to_user(Dossier.objects.filter(who), user)
        .select_related("agency", "procedure", "satisfaction_rating")
        .prefetch_related(Prefetch("events", queryset=DossierEvent.objects.order_by("at", "id")))
        .order_by("received_at", "id")
    )
    ids = [dossier.pk for dossier in dossiers]
    accesses: dict[int, list[PersonalDataAccess]] = {pk: [] for pk in ids}
    for access in PersonalDataAccess.objects.filter(dossier_id__in=ids).order_by("at", "id"):
        accesses[access.dossier_id].append(access)
    feedback_who = Q(dossier_id__in=ids)
    if phone:
        feedback_who |= Q(contact_phone=phone)
    items = scope_to_user(FeedbackItem.objects.filter(feedback_who), user).select_related("dossier")
    samples = SurveySample.objects.filter(dossier_id__in=ids).select_related("plan", "dossier")
    return {
        "query": {"id_number": mask_id_number(id_number), "phone": phone},
        "dossiers": [_dossier(dossier, accesses[dossier.pk]) for dossier in dossiers],
        "feedback_items": [_feedback(item) for item in items.order_by("received_at", "id")],
        "survey_calls": [
            {
                "plan": sample.plan.title, "dossier": sample.dossier.code, "outcome": sample.get_outcome_display(),
                "called_at": _iso(sample.called_at), "note": sample.note,
            }
            for sample in samples.order_by("plan_id", "position")
        ],
    }
