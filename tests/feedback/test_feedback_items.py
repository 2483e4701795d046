"""Feedback items (GYPAKN): codes, deadlines in working days, the state machine, report, overdue list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from config.exceptions import ConflictError
from feedback.models import FeedbackEvent, FeedbackItem
from feedback.selectors import feedback_report, overdue_feedback
from feedback.services import feedback_answer, feedback_assign, feedback_close, feedback_receive, token_matches
from procedures.models import CalendarOverride
from tests import factories
from tests.feedback.conftest import vn

pytestmark = pytest.mark.django_db

Category = FeedbackItem.Category
Channel = FeedbackItem.Channel


def receive(agency, actor, **overrides):
    values = {
        "channel": Channel.EMAIL,
        "category": Category.COMMENT,
        "content": "Đề nghị niêm yết rõ phí, lệ phí tại quầy.",
        "contact_name": "Trần Thị Bích",
        "contact_phone": "0987654321",
    }
    values.update(overrides)
    return feedback_receive(agency=agency, actor=actor, **values).item


# ---------------------------------------------------------------------------- deadlines


def test_ten_working_days_from_friday_skip_the_culture_day_holiday(agency, officer):
    # Received Fri 20/11/2026 09:00. Working days after it: Mon 23 (1), [Tue 24/11 Vietnam Culture
    # Day, off], Wed 25 (2), Thu 26 (3), Fri 27 (4), Mon 30 (5), Tue 1/12 (6), Wed 2 (7), Thu 3 (8),
    # Fri 4 (9), Mon 7/12 (10): due Mon 07/12/2026 at 09:00, the same minute of the day.
    item = receive(agency, officer, received_at=vn(2026, 11, 20, 9, 0))
    assert item.response_working_days == 10
    assert item.due_at == vn(2026, 12, 7, 9, 0)


def test_without_the_holiday_the_same_item_would_be_due_on_friday(agency, officer):
    # Control: make 24/11 a working day by override, and the deadline comes one working day earlier.
    CalendarOverride.objects.create(
        date=dt.date(2026, 11, 24), kind=CalendarOverride.Kind.WORKING, reason="thử", legal_reference="thử"
    )
    item = receive(agency, officer, received_at=vn(2026, 11, 20, 9, 0))
    assert item.due_at == vn(2026, 12, 4, 9, 0)


def test_received_after_hours_counts_from_the_next_opening(agency, officer):
    # Fri 20/11 18:00 → counting starts Mon 23/11 07:00; 10 working days end at 17:00 on Mon 07/12.
    item = receive(agency, officer, received_at=vn(2026, 11, 20, 18, 0))
    assert item.due_at == vn(2026, 12, 7, 17, 0)


def test_the_deadline_is_overridable_per_category(agency, officer, settings):
    settings.FEEDBACK_RESPONSE_WORKING_DAYS_BY_CATEGORY = {"complaint": 15}
    # 15 working days from Fri 20/11 09:00: the 10 above to Mon 7/12, then Tue 8, Wed 9, Thu 10,
    # Fri 11, Mon 14/12.
    complaint = receive(agency, officer, category=Category.COMPLAINT, received_at=vn(2026, 11, 20, 9, 0))
    comment = receive(agency, officer, category=Category.COMMENT, received_at=vn(2026, 11, 20, 9, 0))
    assert (complaint.response_working_days, complaint.due_at) == (15, vn(2026, 12, 14, 9, 0))
    assert (comment.response_working_days, comment.due_at) == (10, vn(2026, 12, 7, 9, 0))


def test_a_future_receipt_is_refused_and_the_public_cannot_backdate(agency, officer):
    with pytest.raises(ValidationError) as caught:
        receive(agency, officer, received_at=vn(2026, 11, 26, 9, 0))
    assert "received_at" in caught.value.message_dict
    public = feedback_receive(
        agency=agency, channel=Channel.WEB, category=Category.COMMENT, content="Góp ý", contact_name="An",
        contact_email="an@example.vn", received_at=vn(2026, 11, 1, 9, 0),
    ).item
    assert public.received_at == vn(2026, 11, 25, 9, 0)


# ---------------------------------------------------------------------------- codes and tokens


def test_codes_are_gap_free_per_agency_and_day(agency, officer, other_agency, other_officer):
    first = receive(agency, officer)
    with pytest.raises(ValidationError):
        # The email is checked by full_clean, after the number was drawn: the transaction rolls back.
        receive(agency, officer, contact_email="không-phải-email")
    second = receive(agency, officer)
    other = receive(other_agency, other_officer)
    earlier = receive(agency, officer, received_at=vn(2026, 11, 20, 9, 0))
    assert first.code == f"PAKN-{agency.code}-20261125-0001"
    assert second.code == f"PAKN-{agency.code}-20261125-0002"
    assert other.code == f"PAKN-{other_agency.code}-20261125-0001"
    assert earlier.code == f"PAKN-{agency.code}-20261120-0001"


def test_the_token_is_stored_as_a_digest_only(agency):
    receipt = feedback_receive(
        agency=agency, channel=Channel.WEB, category=Category.COMPLAINT, content="Phản ánh", contact_name="An",
        contact_phone="0912345678",
    )
    item = FeedbackItem.objects.get()
    assert len(receipt.token) == 8
    assert receipt.token not in item.token_digest
    assert token_matches(item, receipt.token)
    assert token_matches(item, f"{receipt.token[:4].lower()}-{receipt.token[4:].lower()}")
    assert not token_matches(item, "AAAA-AAAA")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"contact_phone": "", "contact_email": ""}, "contact_phone"),
        ({"contact_phone": "12345"}, "contact_phone"),
        ({"contact_name": "  "}, "contact_name"),
        ({"content": ""}, "content"),
        ({"content": "x" * 5001}, "content"),
        ({"category": "spam"}, "category"),
        ({"channel": Channel.WEB}, "channel"),  # staff record email / hotline / counter items
    ],
)
def test_bad_input_is_refused_per_field_and_draws_no_number(agency, officer, overrides, field):
    with pytest.raises(ValidationError) as caught:
        receive(agency, officer, **overrides)
    assert field in caught.value.message_dict
    assert receive(agency, officer).code.endswith("-0001")


def test_related_dossier_must_be_of_the_agency_and_brings_its_procedure(agency, officer, procedure, other_returned):
    dossier = factories.receive_dossier(procedure=procedure, actor=officer)
    item = receive(agency, officer, dossier=dossier)
    assert item.procedure == procedure
    with pytest.raises(ValidationError) as caught:
        receive(agency, officer, dossier=other_returned)
    assert "dossier" in caught.value.message_dict


# ---------------------------------------------------------------------------- state machine


def test_assign_answer_close(agency, officer, head, specialist):
    item = receive(agency, officer)
    item = feedback_assign(item=item, actor=head, assignee=specialist, note="Xử lý trong tuần")
    assert (item.status, item.assignee) == (FeedbackItem.Status.PROCESSING, specialist)
    item = feedback_answer(item=item, actor=specialist, answer="Đã niêm yết bảng phí tại quầy số 3.")
    assert item.status == FeedbackItem.Status.ANSWERED
    assert item.answered_at == vn(2026, 11, 25, 9, 0)
    assert item.answered_on_time()
    item = feedback_close(item=item, actor=head)
    assert item.status == FeedbackItem.Status.CLOSED
    assert list(item.events.values_list("type", flat=True)) == ["received", "assigned", "answered", "closed"]
    assert item.history.first().history_user == head


def test_answering_directly_makes_the_answerer_the_assignee(agency, officer, head):
    item = feedback_answer(item=receive(agency, officer), actor=head, answer="Cảm ơn góp ý.")
    assert item.assignee == head


@pytest.mark.parametrize(
    ("steps", "action", "message"),
    [
        ([], "close", "Góp ý PAKN-{code} mới tiếp nhận, không thể đóng."),
        (["answer"], "assign", "Góp ý PAKN-{code} đã được trả lời, không thể phân công xử lý."),
        (["answer"], "answer", "Góp ý PAKN-{code} đã được trả lời, không thể trả lời."),
        (["answer", "close"], "answer", "Góp ý PAKN-{code} đã đóng, không thể trả lời."),
        (["answer", "close"], "close", "Góp ý PAKN-{code} đã đóng, không thể đóng."),
    ],
)
def test_disallowed_transitions_are_409_in_vietnamese(agency, officer, head, specialist, steps, action, message):
    item = receive(agency, officer)
    calls = {
        "assign": lambda: feedback_assign(item=item, actor=head, assignee=specialist),
        "answer": lambda: feedback_answer(item=item, actor=head, answer="Trả lời"),
        "close": lambda: feedback_close(item=item, actor=head),
    }
    for step in steps:
        calls[step]()
    with pytest.raises(ConflictError) as caught:
        calls[action]()
    assert str(caught.value) == message.format(code=item.code.removeprefix("PAKN-"))
    assert item.events.count() == 1 + len(steps)


def test_assignee_must_belong_to_the_agency(agency, officer, head, other_head):
    item = receive(agency, officer)
    with pytest.raises(ValidationError) as caught:
        feedback_assign(item=item, actor=head, assignee=other_head)
    assert caught.value.message_dict["assignee"] == [
        "Không có cán bộ xử lý đang hoạt động với tên đăng nhập này trong cơ quan nhận phản ánh."
    ]
    with pytest.raises(ValidationError):
        feedback_answer(item=item, actor=head, answer="   ")


def test_events_are_append_only(agency, officer):
    event = receive(agency, officer).events.get()
    event.note = "sửa"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    assert FeedbackEvent.objects.get().note == ""


# ---------------------------------------------------------------------------- report and overdue list


@pytest.fixture
def november(agency, officer, head, frozen_now, other_agency, other_officer):
    """Items received in and around November 2026 (now: Wed 25/11 09:00), answered at set times.

    | item | category       | received     | due (10 wd)   | answered      |
    | c1   | comment        | Mon 02/11 9h | Mon 16/11 9h  | Tue 10/11     | on time
    | c2   | complaint      | Tue 03/11 9h | Tue 17/11 9h  | Fri 20/11     | late
    | c3   | recommendation | Thu 05/11 9h | Thu 19/11 9h  | —             | open, overdue on 25/11
    | c4   | comment        | Fri 20/11 9h | Mon 07/12 9h  | —             | open, within deadline
    | c5   | complaint      | Fri 30/10 9h | —             | —             | outside the period
    | c6   | comment        | Mon 23/11 9h | —             | Mon 23/11 15h | on time
    """
    def at(moment, **overrides):
        frozen_now.move_to(moment)
        return receive(agency, officer, **overrides)

    items = {
        "c1": at(vn(2026, 11, 2, 9), category=Category.COMMENT),
        "c2": at(vn(2026, 11, 3, 9), category=Category.COMPLAINT),
        "c3": at(vn(2026, 11, 5, 9), category=Category.RECOMMENDATION),
        "c4": at(vn(2026, 11, 20, 9), category=Category.COMMENT),
        "c5": at(vn(2026, 10, 30, 9), category=Category.COMPLAINT),
        "c6": at(vn(2026, 11, 23, 9), category=Category.COMMENT),
    }
    assert items["c1"].due_at == vn(2026, 11, 16, 9)
    assert items["c3"].due_at == vn(2026, 11, 19, 9)
    for key, moment in (("c1", vn(2026, 11, 10, 10)), ("c2", vn(2026, 11, 20, 10)), ("c6", vn(2026, 11, 23, 15))):
        frozen_now.move_to(moment)
        items[key] = feedback_answer(item=items[key], actor=head, answer="Đã tiếp thu.")
    frozen_now.move_to(vn(2026, 11, 2, 9))
    receive(other_agency, other_officer, category=Category.RECOMMENDATION)  # another agency's, overdue too
    frozen_now.move_to(vn(2026, 11, 25, 9))
    return items


def rows_by_category(report):
    return {row["category"]: row for row in report["rows"]}


def test_report_by_category_for_the_month(november, head):
    report = feedback_report(user=head, date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30))
    rows = rows_by_category(report)
    figures = ("received", "answered_on_time", "answered_late", "open", "open_overdue")
    # comment: c1 c4 c6 received; c1 and c6 answered by their deadline; c4 open within its deadline.
    assert tuple(rows["comment"][f] for f in figures) == (3, 2, 0, 1, 0)
    # complaint: c2 only (c5 is October's); answered after its deadline.
    assert tuple(rows["complaint"][f] for f in figures) == (1, 0, 1, 0, 0)
    # recommendation: c3, unanswered and past its deadline on 25/11.
    assert tuple(rows["recommendation"][f] for f in figures) == (1, 0, 0, 1, 1)
    total = report["total"]
    assert tuple(total[f] for f in figures) == (5, 2, 1, 2, 1)
    assert total["received"] == total["answered_on_time"] + total["answered_late"] + total["open"]
    assert total["on_time_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert report["as_of"] == vn(2026, 11, 25, 9)


def test_report_is_as_seen_at_the_period_end(november, head):
    # 01–15/11, seen at 16/11 00:00: c1 answered on time; c2 answered on 20/11, so open at the end
    # and not yet overdue (due 17/11); c3 open, due 19/11, not yet overdue either.
    report = feedback_report(user=head, date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 15))
    total = report["total"]
    assert (total["received"], total["answered_on_time"], total["answered_late"]) == (3, 1, 0)
    assert (total["open"], total["open_overdue"]) == (2, 0)


def test_report_is_two_queries(november, head, django_assert_num_queries):
    assert head.staff_profile.agency
    with django_assert_num_queries(2):
        feedback_report(user=head, date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30))


def test_overdue_list_for_the_dashboard(november, head, agency, django_assert_num_queries):
    assert head.staff_profile.agency
    with django_assert_num_queries(1):
        rows = overdue_feedback(user=head)
    # c5 (October, due Fri 13/11) and c3 (due Thu 19/11) are open past their deadline on 25/11.
    assert [row["code"] for row in rows] == [november["c5"].code, november["c3"].code]
    assert rows[1] == {
        "code": november["c3"].code,
        "category": "recommendation",
        "category_display": "Kiến nghị",
        "channel": "email",
        "status": "received",
        "status_display": "Đã tiếp nhận",
        "received_at": vn(2026, 11, 5, 9),
        "due_at": vn(2026, 11, 19, 9),
        "agency_code": agency.code,
        "assignee_username": None,
    }
    later = overdue_feedback(user=head, at=vn(2026, 12, 8, 9))
    assert [row["code"] for row in later] == [november[key].code for key in ("c5", "c3", "c4")]
