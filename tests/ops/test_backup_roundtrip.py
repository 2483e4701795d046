"""A logical backup (`dumpdata`) restores the same data: codes, instants, events, letters, ratings,
feedback, API tokens, and every history table.

docs/deployment.md uses pg_dump/pg_restore for the nightly backup; `dumpdata` is the portable
form (another database engine, a staging copy), and this test keeps it lossless.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from accounts.models import ApiToken
from accounts.roles import COUNTER_OFFICER, DEPARTMENT_HEAD, SPECIALIST
from apology_letters.models import ApologyLetter
from apology_letters.services import letter_draft, letter_issue
from dossiers import services
from dossiers.models import Dossier, DossierEvent
from feedback.models import FeedbackItem, SatisfactionRating
from feedback.services import feedback_answer, feedback_receive, rating_submit
from procedures.models import CalendarOverride
from tests import factories
from tests.conftest import NOW

pytestmark = pytest.mark.django_db
# The domain, its history tables (they live in the same apps) and what they point at.
APPS = ["contenttypes", "auth", "accounts", "procedures", "dossiers", "apology_letters", "feedback"]


def _models():
    return [model for label in APPS for model in apps.get_app_config(label).get_models()]


def _snapshot() -> dict:
    User = get_user_model()
    return {
        "counts": {model._meta.label: model._default_manager.count() for model in _models()},
        "dossiers": sorted(
            Dossier.objects.values_list(
                "code", "due_at", "received_at", "status", "applicant_id_number", "applicant_phone",
                "appointment_at", "book_volume", "book_line", "documents",
            )
        ),
        "events": sorted(
            DossierEvent.objects.values_list("dossier__code", "type", "at", "actor__username", "to_unit", "payload")
        ),
        "letters": sorted(
            ApologyLetter.objects.values_list("year", "number", "status", "new_due_at", "issued_by__username")
        ),
        "dossier_history": sorted(
            (h.code, h.history_date, h.history_type, h.history_user.username if h.history_user else None, h.status)
            for h in Dossier.history.select_related("history_user")
        ),
        "user_history": sorted(
            (h.username, h.history_date, h.history_user_id) for h in User.history.all()
        ),
        "roles": sorted(
            (user.username, group.name, perm.codename)
            for user in User.objects.prefetch_related("groups__permissions")
            for group in user.groups.all()
            for perm in group.permissions.all()
        ),
        "overrides": sorted(CalendarOverride.objects.values_list("date", "kind", "reason")),
        "tokens": sorted(ApiToken.objects.values_list("digest", "user__username", "created", "expires")),
        "ratings": sorted(
            SatisfactionRating.objects.values_list(
                "dossier__code", "channel", "result_score", "first_rated_at", "overall", "attitude_comment"
            )
        ),
        "feedback": sorted(
            FeedbackItem.objects.values_list("code", "status", "token_digest", "due_at", "answer", "answered_at")
        ),
        "feedback_history": sorted(
            (h.code, h.history_date, h.history_user_id or 0, h.status) for h in FeedbackItem.history.all()
        ),
    }


def _a_working_office(frozen_now):
    agency = factories.AgencyFactory(code="SGDDT")
    procedure = factories.ProcedureFactory(field__agency=agency)
    officer = factories.staff(agency=agency, roles=[COUNTER_OFFICER], username="motcua")
    specialist = factories.staff(agency=agency, roles=[SPECIALIST], username="chuyenvien")
    head = factories.staff(agency=agency, roles=[DEPARTMENT_HEAD], username="lanhdao")
    factories.CalendarOverrideFactory(date=dt.date(2026, 12, 31), agency=agency)
    frozen_now.move_to(NOW + dt.timedelta(microseconds=123_456))  # instants with sub-millisecond parts
    first = factories.receive_dossier(procedure=procedure, actor=officer, applicant_id_number="079301000123")
    second = factories.receive_dossier(procedure=procedure, actor=officer)
    frozen_now.shift(dt.timedelta(hours=2, microseconds=7))
    services.dossier_transfer(dossier=first, actor=specialist, to_unit="Phòng Khảo thí")
    services.dossier_request_supplement(dossier=second, actor=specialist, items=["Học bạ"], reason="Thiếu")
    letter = letter_draft(dossier=first, actor=head, reason="Chờ xác minh")
    letter_issue(letter=letter, actor=head, sent_via="counter")
    frozen_now.shift(dt.timedelta(days=1))
    services.dossier_finish(dossier=first, actor=specialist, result_note="Đã cấp")
    services.dossier_return(dossier=first, actor=officer)
    rating_submit(dossier=first, channel=SatisfactionRating.Channel.COUNTER, actor=officer, information_score=5,
                  attitude_score=4, timeliness_score=3, result_score=5, attitude_comment="Cán bộ nhiệt tình")
    item = feedback_receive(
        agency=agency, channel="web", category="complaint", content="Phản ánh thời gian chờ.",
        contact_name="Vũ Hà", contact_phone="0977111222", dossier=first,
    ).item
    feedback_answer(item=item, actor=head, answer="Đã chấn chỉnh bộ phận một cửa.")
    factories.api_key(officer)


def _to_milliseconds(value):
    """What Django's JSON serializer keeps of an instant: it cuts microseconds to milliseconds."""
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    if isinstance(value, list | tuple):
        return type(value)(_to_milliseconds(item) for item in value)
    if isinstance(value, dict):
        return {key: _to_milliseconds(item) for key, item in value.items()}
    return value


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_dump_flush_load_gives_back_the_same_data(frozen_now, tmp_path, fmt, settings):
    _a_working_office(frozen_now)
    before = _snapshot()
    assert before["counts"]["dossiers.HistoricalDossier"] >= 5
    assert before["counts"]["accounts.HistoricalUser"] >= 3
    assert len(before["ratings"]) == len(before["feedback"]) == len(before["tokens"]) == 1
    assert len(before["feedback_history"]) >= 2

    backup = tmp_path / f"backup.{fmt}"
    call_command("dumpdata", *APPS, format=fmt, output=str(backup), verbosity=0)
    if connection.vendor == "postgresql":
        # The test's transaction holds deferred foreign-key checks, which TRUNCATE refuses to skip.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # loaddata relies on deferred checks, as a restore does
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    assert Dossier.objects.count() == 0 and get_user_model().objects.count() == 0
    settings.SIMPLE_HISTORY_ENABLED = False  # SIMPLE_HISTORY_ENABLED=false, as docs/deployment.md says
    call_command("loaddata", str(backup), verbosity=0)
    settings.SIMPLE_HISTORY_ENABLED = True

    after = _snapshot()
    if fmt == "json":  # lossless but for sub-millisecond digits: docs/deployment.md says to use xml
        before = _to_milliseconds(before)
    for key in before:
        assert after[key] == before[key], key
