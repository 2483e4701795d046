"""The demo data's ratings and feedback items: through the services, plausible, loaded once."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from accounts.roles import COUNTER_OFFICER, DEPARTMENT_HEAD
from dossiers.demo import load_demo
from dossiers.models import Status
from feedback.models import FeedbackEvent, FeedbackItem, SatisfactionRating
from feedback.selectors.items import overdue_feedback
from tests.conftest import NOW

pytestmark = pytest.mark.django_db

PASSWORD = "demo-password-123"


def _staff(agency, role):
    return get_user_model().objects.get(groups__name=role, staff_profile__agency=agency)


def test_every_demo_agency_gets_ratings_and_feedback_items_in_several_states():
    result = load_demo(password=PASSWORD)

    assert result["feedback"] == {
        "ratings": SatisfactionRating.objects.count(),
        "feedback_items": FeedbackItem.objects.count(),
    }
    for agency in result["agencies"]:
        officer = _staff(agency, COUNTER_OFFICER)
        ratings = SatisfactionRating.objects.filter(agency=agency).select_related("dossier")
        assert ratings, agency.code
        for rating in ratings:
            assert rating.dossier.status == Status.RETURNED
            assert 1 <= min(rating.scores.values()) <= max(rating.scores.values()) <= 5
            expected_recorder = officer if rating.channel == SatisfactionRating.Channel.COUNTER else None
            assert rating.recorded_by == expected_recorder
            assert rating.history.count() == 1

        items = FeedbackItem.objects.filter(agency=agency)
        assert len(set(items.values_list("status", flat=True))) >= 3, agency.code
        for item in items:
            events = list(item.events.values_list("type", flat=True))
            assert events[0] == FeedbackEvent.Type.RECEIVED
            assert (item.recorded_by is None) == (item.channel == FeedbackItem.Channel.WEB)
            assert item.received_at <= NOW
        assert items.filter(status=FeedbackItem.Status.CLOSED, closed_at__isnull=False).exists()

        # The head's dashboard list (the selector's overdue rule) shows this agency's overdue items.
        overdue = overdue_feedback(user=_staff(agency, DEPARTMENT_HEAD), at=NOW)
        assert overdue, agency.code
        assert {row["agency_code"] for row in overdue} == {agency.code}
        assert all(item.is_overdue(NOW) for item in items.filter(code__in=[row["code"] for row in overdue]))


def test_a_second_load_demo_adds_no_rating_and_no_feedback_item():
    first = io.StringIO()
    call_command("load_demo", "--password", PASSWORD, stdout=first)
    ratings, items, events = (
        SatisfactionRating.objects.count(),
        FeedbackItem.objects.count(),
        FeedbackEvent.objects.count(),
    )
    assert ratings and items
    assert f"Đánh giá hài lòng mới: {ratings}; phản ánh, kiến nghị mới: {items}." in first.getvalue()

    second = io.StringIO()
    call_command("load_demo", "--password", PASSWORD, stdout=second)

    assert "Đánh giá hài lòng mới: 0; phản ánh, kiến nghị mới: 0." in second.getvalue()
    assert SatisfactionRating.objects.count() == ratings
    assert FeedbackItem.objects.count() == items
    assert FeedbackEvent.objects.count() == events
