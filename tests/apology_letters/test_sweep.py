"""Automatic drafting, manual drafting, issuing and cancelling apology letters."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from accounts.roles import COUNTER_OFFICER, DEPARTMENT_HEAD
from apology_letters import services
from apology_letters.models import PLACEHOLDER_REASON, ApologyLetter
from config.exceptions import ConflictError
from dossiers import services as dossier_services
from dossiers.models import Classification, Dossier
from procedures.calendar import VN_TZ
from tests import factories


def vn(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN_TZ)


@pytest.fixture
def procedure(agency):
    return factories.ProcedureFactory(field__agency=agency, processing_amount=4, apology_extension_days=5)


def receive(procedure, head, at):
    return factories.receive_dossier(procedure=procedure, actor=head, received_at=at)


def test_dossier_due_within_one_working_day_is_drafted(procedure, head):
    # Thu 19/11 09:00 + 4 working days (20, 23, 25, 26/11; Tue 24/11 is a holiday) is due
    # Thu 26/11 09:00: exactly one working day after "now", so inside the warning window.
    at_risk = receive(procedure, head, vn(2026, 11, 19, 9, 0))
    assert at_risk.due_at == vn(2026, 11, 26, 9, 0)
    safe = receive(procedure, head, vn(2026, 11, 20, 9, 0))  # due Fri 27/11 09:00
    report = services.sweep_late_dossiers(at=vn(2026, 11, 25, 9, 0))
    assert [letter.dossier for letter in report.drafted] == [at_risk]
    letter = report.drafted[0]
    assert letter.reason == PLACEHOLDER_REASON
    assert letter.drafted_by is None
    assert letter.original_due_at == vn(2026, 11, 26, 9, 0)
    # Five working days after the due instant (later than now): 27, 30/11, 1, 2, 3/12.
    assert letter.new_due_at == vn(2026, 12, 3, 9, 0)
    assert (letter.year, letter.number, letter.delay_number, letter.exceeds_limit) == (2026, 1, 1, False)
    assert not safe.apology_letters.exists()


def test_overdue_across_a_weekend_is_drafted_from_now(procedure, head):
    dossier = receive(procedure, head, vn(2026, 11, 9, 16, 0))
    assert dossier.due_at == vn(2026, 11, 13, 16, 0)  # Friday
    report = services.sweep_late_dossiers(at=vn(2026, 11, 16, 8, 0))  # Monday morning
    (letter,) = report.drafted
    # Later of due (Fri 16:00) and now (Mon 08:00) is now; + 5 working days: 17, 18, 19, 20, 23/11.
    assert letter.new_due_at == vn(2026, 11, 23, 8, 0)


def test_settled_and_issued_are_skipped_and_second_sweep_changes_nothing(procedure, head):
    settled = receive(procedure, head, vn(2026, 11, 9, 9, 0))
    dossier_services.dossier_finish(dossier=settled, actor=head, at=vn(2026, 11, 12, 9, 0))
    issued = receive(procedure, head, vn(2026, 11, 10, 9, 0))
    letter = services.letter_draft(dossier=issued, actor=head, reason="Chờ xác minh", at=vn(2026, 11, 13, 9, 0))
    services.letter_issue(letter=letter, actor=head, sent_via="counter", at=vn(2026, 11, 13, 10, 0))
    pending = receive(procedure, head, vn(2026, 11, 11, 9, 0))

    first = services.sweep_late_dossiers(at=vn(2026, 11, 17, 9, 0))
    assert [letter.dossier for letter in first.drafted] == [pending]
    count = ApologyLetter.objects.count()
    second = services.sweep_late_dossiers(at=vn(2026, 11, 17, 9, 0))
    assert second.drafted == []
    assert second.skipped == {"đã có phiếu dự thảo": 1}
    assert ApologyLetter.objects.count() == count


def test_second_delay_is_drafted_and_flagged(procedure, head):
    dossier = receive(procedure, head, vn(2026, 11, 2, 9, 0))  # due Fri 6/11 09:00
    (first,) = services.sweep_late_dossiers(at=vn(2026, 11, 6, 9, 0)).drafted
    services.letter_issue(letter=first, actor=head, sent_via="sms", reason="Chờ ý kiến Bộ", at=vn(2026, 11, 6, 10, 0))
    dossier.refresh_from_db()
    assert dossier.current_appointment == vn(2026, 11, 13, 9, 0)
    assert dossier.due_at == vn(2026, 11, 6, 9, 0)  # statistics still judge the original due
    (second,) = services.sweep_late_dossiers(at=vn(2026, 11, 13, 9, 0)).drafted
    assert (second.delay_number, second.exceeds_limit) == (2, True)
    assert second.original_due_at == vn(2026, 11, 13, 9, 0)
    assert second.number == 2


def test_numbering_per_agency_and_year(head, agency, frozen_now):
    other = factories.AgencyFactory(code="PGD-B")
    other_head = factories.staff(agency=other, roles=[DEPARTMENT_HEAD], username="lanhdao_b")
    p1 = factories.ProcedureFactory(field__agency=agency, processing_amount=1)
    p2 = factories.ProcedureFactory(field__agency=other, processing_amount=1)
    for _ in range(2):
        receive(p1, head, vn(2026, 11, 2, 9, 0))
    receive(p2, other_head, vn(2026, 11, 2, 9, 0))
    services.sweep_late_dossiers(at=vn(2026, 11, 10, 9, 0))
    numbers = sorted(ApologyLetter.objects.values_list("agency__code", "year", "number"))
    assert numbers == [(agency.code, 2026, 1), (agency.code, 2026, 2), ("PGD-B", 2026, 1)]
    frozen_now.move_to(vn(2027, 1, 5, 9, 0))
    receive(p1, head, vn(2027, 1, 4, 8, 0))
    (letter,) = services.sweep_late_dossiers(at=vn(2027, 1, 5, 9, 0), agency_code=agency.code).drafted
    assert (letter.year, letter.number) == (2027, 1)
    assert letter.number_display == "01/PXL-SGDĐT"


def test_finishing_late_without_a_letter_drafts_one(procedure, head):
    dossier = receive(procedure, head, vn(2026, 11, 2, 9, 0))  # due Fri 6/11 09:00
    dossier_services.dossier_finish(dossier=dossier, actor=head, at=vn(2026, 11, 9, 9, 0))
    (letter,) = dossier.apology_letters.all()
    assert letter.original_due_at == vn(2026, 11, 6, 9, 0)
    assert letter.new_due_at == vn(2026, 11, 16, 9, 0)
    imported = receive(procedure, head, vn(2026, 11, 2, 9, 0))
    dossier_services.dossier_finish(dossier=imported, actor=head, at=vn(2026, 11, 9, 9, 0), draft_apology=False)
    assert not imported.apology_letters.exists()  # a legacy book's old delays draft nothing
    on_time = receive(procedure, head, vn(2026, 11, 2, 9, 0))
    dossier_services.dossier_finish(dossier=on_time, actor=head, at=vn(2026, 11, 5, 9, 0))
    assert not on_time.apology_letters.exists()


def test_issued_letter_does_not_make_a_late_dossier_on_time(procedure, head):
    dossier = receive(procedure, head, vn(2026, 11, 2, 9, 0))
    letter = services.letter_draft(dossier=dossier, actor=head, reason="Chờ xác minh", at=vn(2026, 11, 5, 9, 0))
    services.letter_issue(letter=letter, actor=head, sent_via="post", at=vn(2026, 11, 5, 10, 0))
    dossier = dossier_services.dossier_finish(dossier=dossier, actor=head, at=vn(2026, 11, 10, 9, 0))
    assert dossier.classify(vn(2026, 11, 25, 9, 0)) == Classification.LATE
    assert dossier.apology_letters.count() == 1  # kept the new appointment: no second letter


def test_manual_draft_validation(procedure, head):
    dossier = receive(procedure, head, vn(2026, 11, 20, 9, 0))  # due Fri 27/11 09:00
    with pytest.raises(ValidationError) as before_due:
        services.letter_draft(dossier=dossier, actor=head, reason="Chờ", new_due_at=dossier.due_at)
    assert "new_due_at" in before_due.value.message_dict
    with pytest.raises(ValidationError) as weekend:
        services.letter_draft(dossier=dossier, actor=head, reason="Chờ", new_due_at=vn(2026, 12, 5, 9, 0))
    assert before_due.value.message_dict["new_due_at"][0].startswith("Ngày hẹn mới phải sau")
    assert weekend.value.message_dict["new_due_at"] == ["Ngày hẹn mới phải là ngày làm việc."]
    with pytest.raises(ValidationError):
        services.letter_draft(dossier=dossier, actor=head, reason="  ")
    assert not ApologyLetter.objects.exists()
    letter = services.letter_draft(dossier=dossier, actor=head, reason="Chờ ý kiến", new_due_at=vn(2026, 12, 7, 9, 0))
    assert letter.drafted_by == head
    with pytest.raises(ConflictError):
        services.letter_draft(dossier=dossier, actor=head, reason="Lần nữa")


def test_issue_needs_a_real_reason_and_cancel_needs_a_draft(procedure, head):
    dossier = receive(procedure, head, vn(2026, 11, 2, 9, 0))
    (letter,) = services.sweep_late_dossiers(at=vn(2026, 11, 25, 9, 0)).drafted
    with pytest.raises(ValidationError) as error:
        services.letter_issue(letter=letter, actor=head, sent_via="counter")
    assert error.value.message_dict == {"reason": ["Cần cập nhật lý do trễ hẹn trước khi ban hành."]}
    letter = services.letter_cancel(letter=letter, actor=head, reason="Hồ sơ sẽ xong hôm nay")
    with pytest.raises(ConflictError, match=r"^Phiếu đã hủy, không thể ban hành\.$"):
        services.letter_issue(letter=letter, actor=head, sent_via="counter", reason="x")
    dossier.refresh_from_db()
    assert dossier.appointment_at is None
    # A cancelled letter frees the delay: the next sweep drafts again.
    assert len(services.sweep_late_dossiers(at=vn(2026, 11, 25, 9, 0)).drafted) == 1


def test_history_records_who_issued(procedure, head):
    dossier = receive(procedure, head, vn(2026, 11, 2, 9, 0))
    letter = services.letter_draft(dossier=dossier, actor=head, reason="Chờ xác minh", at=vn(2026, 11, 5, 9, 0))
    services.letter_issue(letter=letter, actor=head, sent_via="email", at=vn(2026, 11, 5, 10, 0))
    letter.refresh_from_db()
    assert (letter.issued_by, letter.signer_name, letter.signer_title) == (head, "Trần Văn Bình", "Giám đốc")
    assert letter.history.first().history_user == head
    assert Dossier.objects.get(pk=dossier.pk).history.first().history_user == head


def test_sweep_command_prints_a_summary(procedure, head):
    receive(procedure, head, vn(2026, 11, 2, 9, 0))
    out = io.StringIO()
    call_command("sweep_late_dossiers", "--at", "2026-11-25T09:00:00+07:00", stdout=out)
    text = out.getvalue()
    assert "Phiếu mới dự thảo: 1" in text and "01/PXL-SGDĐT" in text
    out = io.StringIO()
    call_command("sweep_late_dossiers", "--at", "2026-11-25T09:00:00+07:00", stdout=out)
    assert "Phiếu mới dự thảo: 0" in out.getvalue()
    assert "Bỏ qua 1 hồ sơ: đã có phiếu dự thảo" in out.getvalue()


# --- API --------------------------------------------------------------------------------------


def test_api_draft_issue_cancel_and_scope(procedure, head, agency):
    client = APIClient()
    client.force_authenticate(head)
    dossier = receive(procedure, head, vn(2026, 11, 2, 9, 0))
    response = client.post(
        "/api/v1/apology-letters/", {"dossier": dossier.code, "reason": "Chờ Bộ trả lời"}, format="json"
    )
    assert response.status_code == 201, response.json()
    letter_id = response.json()["id"]
    bad = client.patch(
        f"/api/v1/apology-letters/{letter_id}/", {"new_due_at": "2026-12-05T09:00:00+07:00"}, format="json"
    )
    assert bad.status_code == 400 and "new_due_at" in bad.json()
    issued = client.post(f"/api/v1/apology-letters/{letter_id}/issue/", {"sent_via": "counter"}, format="json")
    assert issued.status_code == 200 and issued.json()["status"] == "issued"
    again = client.post(f"/api/v1/apology-letters/{letter_id}/cancel/", {"reason": "x"}, format="json")
    assert again.status_code == 409
    assert client.get("/api/v1/apology-letters/", {"status": "issued"}).json()["count"] == 1

    other = factories.AgencyFactory(code="KHAC")
    outsider = factories.staff(agency=other, roles=[DEPARTMENT_HEAD], username="khac")
    client.force_authenticate(outsider)
    assert client.get(f"/api/v1/apology-letters/{letter_id}/").status_code == 404
    assert client.get("/api/v1/apology-letters/").json()["count"] == 0
    assert (
        client.post(f"/api/v1/apology-letters/{letter_id}/issue/", {"sent_via": "sms"}, format="json").status_code
        == 404
    )
    response = client.post("/api/v1/apology-letters/", {"dossier": dossier.code, "reason": "x"}, format="json")
    assert response.status_code == 400


def test_api_only_heads_issue(procedure, head, agency):
    dossier = receive(procedure, head, vn(2026, 11, 2, 9, 0))
    letter = services.letter_draft(dossier=dossier, actor=head, reason="Chờ")
    officer = factories.staff(agency=agency, roles=[COUNTER_OFFICER], username="mc")
    client = APIClient()
    client.force_authenticate(officer)
    assert client.get("/api/v1/apology-letters/").status_code == 200
    assert (
        client.post(f"/api/v1/apology-letters/{letter.pk}/issue/", {"sent_via": "sms"}, format="json").status_code
        == 403
    )


# --- two sweeps at once, on PostgreSQL ----------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_draft_one_letter(procedure, head):
    for day in (2, 3, 4):
        receive(procedure, head, vn(2026, 11, day, 9, 0))
    barrier = threading.Barrier(2)
    reports: list = [None, None]

    def run(i):
        try:
            barrier.wait()
            reports[i] = services.sweep_late_dossiers(at=vn(2026, 11, 25, 9, 0))
        except Exception as exc:
            reports[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(not isinstance(r, Exception) for r in reports), reports
    assert sum(len(r.drafted) for r in reports) == 3
    assert ApologyLetter.objects.count() == 3
    assert sorted(ApologyLetter.objects.values_list("number", flat=True)) == [1, 2, 3]
