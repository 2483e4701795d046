"""The lifecycle state machine and the schedule derived from the event log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from config.exceptions import ConflictError
from dossiers import services
from dossiers.models import Classification, Dossier, DossierEvent, Status
from procedures.calendar import VN_TZ
from tests import factories


def vn(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN_TZ)


# Every action with the keyword arguments it needs.
ACTION_CALLS = {
    "supplement_requested": (services.dossier_request_supplement, {"items": ["Bản sao học bạ"], "reason": "Thiếu"}),
    "supplement_received": (services.dossier_receive_supplement, {}),
    "suspended": (services.dossier_suspend, {"reason": "Chờ xác minh"}),
    "resumed": (services.dossier_resume, {}),
    "transferred": (services.dossier_transfer, {"to_unit": "Phòng Khảo thí"}),
    "result_ready": (services.dossier_finish, {"result_note": "Đã ký"}),
    "returned": (services.dossier_return, {}),
    "refused": (services.dossier_refuse, {"reason": "Không thuộc thẩm quyền"}),
    "withdrawn": (services.dossier_withdraw, {"reason": "Công dân rút"}),
}

# How to reach each status from a fresh dossier.
PATHS = {
    Status.IN_PROGRESS: [],
    Status.AWAITING_SUPPLEMENT: ["supplement_requested"],
    Status.SUSPENDED: ["suspended"],
    Status.RESULT_READY: ["result_ready"],
    Status.RETURNED: ["result_ready", "returned"],
    Status.REFUSED: ["refused"],
    Status.WITHDRAWN: ["withdrawn"],
}

# The allowed (status, action) pairs, written out by hand from the lifecycle in docs/dossiers.md.
ALLOWED = {
    (Status.IN_PROGRESS, "supplement_requested"),
    (Status.IN_PROGRESS, "suspended"),
    (Status.IN_PROGRESS, "transferred"),
    (Status.IN_PROGRESS, "result_ready"),
    (Status.IN_PROGRESS, "refused"),
    (Status.IN_PROGRESS, "withdrawn"),
    (Status.AWAITING_SUPPLEMENT, "supplement_received"),
    (Status.AWAITING_SUPPLEMENT, "refused"),
    (Status.AWAITING_SUPPLEMENT, "withdrawn"),
    (Status.SUSPENDED, "resumed"),
    (Status.SUSPENDED, "refused"),
    (Status.SUSPENDED, "withdrawn"),
    (Status.RESULT_READY, "returned"),
}

EXPECTED_STATUS = {
    "supplement_requested": Status.AWAITING_SUPPLEMENT,
    "supplement_received": Status.IN_PROGRESS,
    "suspended": Status.SUSPENDED,
    "resumed": Status.IN_PROGRESS,
    "transferred": Status.IN_PROGRESS,
    "result_ready": Status.RESULT_READY,
    "returned": Status.RETURNED,
    "refused": Status.REFUSED,
    "withdrawn": Status.WITHDRAWN,
}


def act(kind: str, dossier: Dossier, actor, **extra) -> Dossier:
    service, kwargs = ACTION_CALLS[kind]
    return service(dossier=dossier, actor=actor, **{**kwargs, **extra})


@pytest.fixture
def dossier(procedure, officer):
    return factories.receive_dossier(procedure=procedure, actor=officer)


def test_intake_allocates_code_due_and_book_line(procedure, officer):
    first = factories.receive_dossier(procedure=procedure, actor=officer)
    second = factories.receive_dossier(procedure=procedure, actor=officer)
    assert first.code == f"{procedure.agency.code}-20261125-0001"
    assert second.code == f"{procedure.agency.code}-20261125-0002"
    assert (first.book_volume, first.book_line, second.book_line) == (2026, 1, 2)
    assert first.due_at == vn(2026, 12, 2, 9, 0)  # 5 working days from Wed 09:00
    assert (first.received_date, first.due_date, first.finished_date) == (
        dt.date(2026, 11, 25),
        dt.date(2026, 12, 2),
        None,
    )
    event = first.events.get()
    assert (event.type, event.actor, event.at) == ("received", officer, first.received_at)
    assert first.history.first().history_user == officer


@pytest.mark.parametrize("status", list(PATHS), ids=str)
@pytest.mark.parametrize("kind", list(ACTION_CALLS))
def test_every_transition_allowed_or_refused(status, kind, procedure, officer):
    dossier = factories.receive_dossier(procedure=procedure, actor=officer)
    for step in PATHS[status]:
        dossier = act(step, dossier, officer)
    assert dossier.status == status
    events_before = DossierEvent.objects.count()
    if (status, kind) in ALLOWED:
        dossier = act(kind, dossier, officer)
        assert dossier.status == EXPECTED_STATUS[kind]
        assert dossier.events.order_by("-id").first().type == kind
        assert DossierEvent.objects.count() == events_before + 1
    else:
        with pytest.raises(ConflictError) as refused:
            act(kind, dossier, officer)
        assert str(refused.value).startswith("Hồ sơ ")
        assert ", không thể " in str(refused.value)
        assert DossierEvent.objects.count() == events_before
        assert Dossier.objects.get(pk=dossier.pk).status == status


def test_conflict_message_names_state_and_action(dossier, officer):
    dossier = act("result_ready", dossier, officer)
    dossier = act("returned", dossier, officer)
    with pytest.raises(ConflictError, match=r"^Hồ sơ đã trả kết quả, không thể yêu cầu bổ sung\.$"):
        act("supplement_requested", dossier, officer)


def test_allowed_actions_lists_buttons(dossier):
    assert services.allowed_actions(dossier) == [
        "supplement_requested",
        "suspended",
        "transferred",
        "result_ready",
        "refused",
        "withdrawn",
    ]


def test_transfer_records_hand_over(dossier, officer):
    dossier = act("transferred", dossier, officer)
    event = dossier.events.order_by("-id").first()
    assert (event.from_unit, event.to_unit) == ("Bộ phận Một cửa", "Phòng Khảo thí")
    assert dossier.current_unit == "Phòng Khảo thí"


# --- restart vs pause on hand-made timelines --------------------------------------------------


def _timeline(procedure, head, steps):
    """Receive at steps[0] then apply (kind, instant) pairs; `head` may enter past instants."""
    dossier = factories.receive_dossier(procedure=procedure, actor=head, received_at=steps[0])
    for kind, at in steps[1:]:
        dossier = act(kind, dossier, head, at=at)
    return dossier


@pytest.mark.parametrize(
    ("policy", "expected_due"),
    [
        # Received Mon 9/11 09:00, 5 working days: due Mon 16/11 09:00. Supplement asked Tue 10/11
        # 10:00, received Thu 12/11 14:00.
        ("restart", vn(2026, 11, 19, 14, 0)),  # 5 full working days from Thu 14:00
        # Waited Tue 10–11, 13–17 (300) + Wed (480) + Thu 7–11, 13–14 (300) = 1,080 minutes = 2¼
        # days: Mon 16/11 09:00 + 1,080 working minutes = Wed 18/11 11:00.
        ("pause", vn(2026, 11, 18, 11, 0)),
    ],
)
def test_supplement_restart_vs_pause(policy, expected_due, agency, head):
    procedure = factories.ProcedureFactory(field__agency=agency, supplement_policy=policy)
    dossier = _timeline(
        procedure,
        head,
        [vn(2026, 11, 9, 9, 0), ("supplement_requested", vn(2026, 11, 10, 10, 0))],
    )
    assert dossier.due_at == vn(2026, 11, 16, 9, 0)
    assert dossier.paused_at == vn(2026, 11, 10, 10, 0)
    dossier = act("supplement_received", dossier, head, at=vn(2026, 11, 12, 14, 0))
    assert dossier.due_at == expected_due
    assert dossier.paused_at is None
    assert dossier.due_date == expected_due.date()


@pytest.mark.parametrize(
    ("policy", "expected_due"),
    [
        # Received Thu 12/02/2026 09:00, 5 working days across Tết (16–20/02): due Thu 26/02 09:00.
        # Supplement asked Fri 13/02 09:00, received Mon 23/02 09:00.
        ("restart", vn(2026, 3, 2, 9, 0)),  # 24, 25, 26, 27/02 and 02/03
        ("pause", vn(2026, 2, 27, 9, 0)),  # waited Fri 9–17 (360) + Mon 7–9 (120) = one day
    ],
)
def test_supplement_across_tet(policy, expected_due, agency, head):
    procedure = factories.ProcedureFactory(field__agency=agency, supplement_policy=policy)
    dossier = _timeline(
        procedure,
        head,
        [
            vn(2026, 2, 12, 9, 0),
            ("supplement_requested", vn(2026, 2, 13, 9, 0)),
            ("supplement_received", vn(2026, 2, 23, 9, 0)),
        ],
    )
    assert dossier.due_at == expected_due


def test_suspension_pauses_the_clock_under_both_policies(agency, head):
    procedure = factories.ProcedureFactory(field__agency=agency, supplement_policy="restart")
    # Received Mon 16/11 09:00, due Mon 23/11 09:00; suspended Wed 18/11 15:00 to Fri 20/11 08:00:
    # stopped Wed 15–17 (120) + Thu (480) + Fri 7–8 (60) = 660 minutes.
    dossier = _timeline(
        procedure,
        head,
        [vn(2026, 11, 16, 9, 0), ("suspended", vn(2026, 11, 18, 15, 0)), ("resumed", vn(2026, 11, 20, 8, 0))],
    )
    # Mon 23/11 09:00 + 660: Mon 9–11 (120), 13–17 (240); Tue 24/11 is Vietnam Culture Day (a
    # holiday from 2026); Wed 7–11 (240), 13:00 + 60 = Wed 25/11 14:00.
    assert dossier.due_at == vn(2026, 11, 25, 14, 0)


def test_paused_dossier_is_not_overdue_while_waiting(agency, head):
    procedure = factories.ProcedureFactory(field__agency=agency, processing_amount=1)
    dossier = _timeline(procedure, head, [vn(2026, 11, 19, 9, 0), ("supplement_requested", vn(2026, 11, 19, 10, 0))])
    assert dossier.due_at == vn(2026, 11, 20, 9, 0)
    now = vn(2026, 11, 25, 9, 0)
    assert dossier.classify(now) == Classification.WITHIN_DEADLINE
    assert not dossier.is_overdue(now)


# --- classification ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("finished", "expected"),
    [
        (vn(2026, 11, 19, 16, 0), Classification.EARLY),  # a day before the due date
        (vn(2026, 11, 20, 8, 30), Classification.ON_TIME),  # due date, before the due instant
        (vn(2026, 11, 20, 9, 0), Classification.ON_TIME),  # at the due instant exactly
        (vn(2026, 11, 20, 9, 1), Classification.LATE),
    ],
)
def test_classification_of_settled(finished, expected, procedure, head):
    procedure.processing_amount = 4
    procedure.save()
    dossier = _timeline(procedure, head, [vn(2026, 11, 16, 9, 0), ("result_ready", finished)])
    assert dossier.due_at == vn(2026, 11, 20, 9, 0)
    assert dossier.classify(vn(2026, 11, 25, 9, 0)) == expected
    assert dossier.finished_date == finished.date()


def test_classification_in_progress_and_as_of_an_earlier_instant(procedure, head):
    dossier = _timeline(procedure, head, [vn(2026, 11, 16, 9, 0), ("result_ready", vn(2026, 11, 24, 9, 0))])
    assert dossier.due_at == vn(2026, 11, 23, 9, 0)
    assert dossier.classify(vn(2026, 11, 20, 17, 0)) == Classification.WITHIN_DEADLINE
    assert dossier.classify(vn(2026, 11, 23, 10, 0)) == Classification.OVERDUE
    assert dossier.classify(vn(2026, 11, 25, 9, 0)) == Classification.LATE


def test_withdrawn_is_left_out_only_after_it_happened(procedure, head):
    dossier = _timeline(procedure, head, [vn(2026, 11, 16, 9, 0), ("withdrawn", vn(2026, 11, 20, 9, 0))])
    assert dossier.classify(vn(2026, 11, 19, 9, 0)) == Classification.WITHIN_DEADLINE
    assert dossier.classify(vn(2026, 11, 20, 9, 0)) == Classification.LEFT_OUT


# --- supplement rule, instants ----------------------------------------------------------------


def test_second_supplement_request_is_flagged(procedure, head):
    dossier = _timeline(
        procedure,
        head,
        [
            vn(2026, 11, 23, 9, 0),
            ("supplement_requested", vn(2026, 11, 23, 10, 0)),
            ("supplement_received", vn(2026, 11, 23, 14, 0)),
        ],
    )
    assert not dossier.supplement_rule_breached
    dossier = act("supplement_requested", dossier, head, at=vn(2026, 11, 24, 9, 0))
    assert dossier.supplement_rule_breached
    assert dossier.supplement_count == 2
    assert dossier.events.order_by("-id").first().payload["breaches"] == ["more_than_once"]


def test_late_supplement_request_is_flagged(procedure, head):
    # Received Mon 16/11 09:00; three working days end Thu 19/11 09:00.
    on_time = _timeline(procedure, head, [vn(2026, 11, 16, 9, 0), ("supplement_requested", vn(2026, 11, 19, 9, 0))])
    assert not on_time.supplement_rule_breached
    late = _timeline(procedure, head, [vn(2026, 11, 16, 9, 0), ("supplement_requested", vn(2026, 11, 19, 9, 1))])
    assert late.supplement_rule_breached
    assert late.events.order_by("-id").first().payload["breaches"] == ["after_window"]


def test_past_instant_needs_the_backdate_permission(dossier, officer, head):
    with pytest.raises(PermissionDenied):
        act("result_ready", dossier, officer, at=vn(2026, 11, 25, 8, 0))
    with pytest.raises(PermissionDenied):
        factories.receive_dossier(procedure=dossier.procedure, actor=officer, received_at=vn(2026, 11, 20, 9, 0))
    assert Dossier.objects.count() == 1


def test_future_instant_is_refused(dossier, head):
    with pytest.raises(ValidationError) as error:
        act("result_ready", dossier, head, at=vn(2026, 11, 25, 10, 0))
    assert "at" in error.value.message_dict


def test_instant_before_previous_step_is_refused(procedure, head):
    dossier = _timeline(procedure, head, [vn(2026, 11, 20, 9, 0)])
    with pytest.raises(ValidationError) as error:
        act("result_ready", dossier, head, at=vn(2026, 11, 19, 9, 0))
    assert "09:00 20/11/2026" in error.value.message_dict["at"][0]


def test_events_are_append_only(dossier):
    event = dossier.events.get()
    event.note = "sửa"
    with pytest.raises(ValueError):
        event.save()


def test_inactive_procedure_is_refused(procedure, officer):
    procedure.is_active = False
    procedure.save()
    with pytest.raises(ValidationError) as error:
        factories.receive_dossier(procedure=procedure, actor=officer)
    assert "procedure" in error.value.message_dict
    assert Dossier.objects.count() == 0


def test_imported_due_instant_must_follow_receipt_and_may_be_naive(procedure, head):
    with pytest.raises(ValidationError) as error:
        factories.receive_dossier(
            procedure=procedure, actor=head, received_at=vn(2026, 11, 20, 9, 0), original_due_at=vn(2026, 11, 19, 9, 0)
        )
    assert "due_at" in error.value.message_dict
    dossier = factories.receive_dossier(
        procedure=procedure,
        actor=head,
        received_at=vn(2026, 11, 20, 9, 0),
        original_due_at=dt.datetime(2026, 11, 27, 17, 0),  # noqa: DTZ001 - naive on purpose: read as local time
    )
    assert dossier.due_at == vn(2026, 11, 27, 17, 0)
    assert dossier.classify(vn(2026, 11, 25, 9, 0)) == Classification.WITHIN_DEADLINE
