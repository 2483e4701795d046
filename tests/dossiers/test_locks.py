"""Row locks on a real PostgreSQL: a dossier's action locks that dossier and nothing else.

Each test holds a lock in one thread (a service call inside an open transaction) and checks
what another connection can still do meanwhile. The lock order is documented in
dossiers/services.py and docs/dossiers.md.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from accounts.models import StaffProfile
from accounts.roles import COUNTER_OFFICER, DEPARTMENT_HEAD, SPECIALIST
from apology_letters import services as letter_services
from apology_letters.models import ApologyLetter
from dossiers import importing, services
from dossiers.models import Dossier, DossierEvent, Status
from procedures.calendar import VN_TZ
from tests import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# How long a call that should not wait for the held lock may take (it waits "forever" otherwise).
UNBLOCKED = 2.0


def vn(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN_TZ)


class Holder:
    """Runs `work` in a thread inside a transaction that stays open until `release()`."""

    def __init__(self, work, before_commit=None):
        self.ready, self.done = threading.Event(), threading.Event()
        self.error: Exception | None = None
        self.before_commit = before_commit
        self.thread = threading.Thread(target=self._run, args=(work,))

    def _run(self, work) -> None:
        try:
            with transaction.atomic():
                work()
                self.ready.set()
                self.done.wait(timeout=30)
                if self.before_commit is not None:
                    self.before_commit()
        except Exception as exc:
            self.error = exc
        finally:
            self.ready.set()
            connection.close()

    def __enter__(self) -> Holder:
        self.thread.start()
        assert self.ready.wait(timeout=10)
        assert self.error is None, self.error
        return self

    def release(self) -> None:
        self.done.set()
        self.thread.join(timeout=30)
        assert self.error is None, self.error

    def __exit__(self, *exc) -> None:
        self.release()


def in_thread(work) -> tuple[threading.Thread, dict]:
    """Start `work()` on its own connection; the dict gets its `result` or `error`, and `seconds`."""
    outcome: dict = {}

    def target() -> None:
        started = time.monotonic()
        try:
            outcome["result"] = work()
        except Exception as exc:
            outcome["error"] = exc
        finally:
            outcome["seconds"] = time.monotonic() - started
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    return thread, outcome


def wait_until_blocked(timeout: float = 10) -> None:
    """Return once another backend of this database waits for a row lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.02)
    raise AssertionError("no connection ever waited for the lock")


def _person(agency, username, roles, unit=""):
    user = factories.staff(agency=agency, roles=roles, username=username)
    StaffProfile.objects.filter(user=user).update(unit=unit)
    return type(user).objects.select_related("staff_profile").get(pk=user.pk)


# --- one dossier's lock is that dossier's only ------------------------------------------------


def test_an_action_in_progress_blocks_neither_intake_nor_another_dossier(procedure, head):
    held = factories.receive_dossier(procedure=procedure, actor=head)
    other = factories.receive_dossier(procedure=procedure, actor=head)

    def suspend_and_hold():
        services.dossier_suspend(dossier=held, actor=head, reason="Chờ ý kiến sở ngành")

    with Holder(suspend_and_hold) as holder:
        intake, intake_outcome = in_thread(lambda: factories.receive_dossier(procedure=procedure, actor=head))
        action, action_outcome = in_thread(
            lambda: services.dossier_transfer(dossier=other, actor=head, to_unit="Phòng Khảo thí")
        )
        intake.join(timeout=UNBLOCKED)
        action.join(timeout=UNBLOCKED)
        still_holding = not holder.done.is_set()
        blocked = [name for name, t in (("intake", intake), ("action", action)) if t.is_alive()]
    intake.join(timeout=30)
    action.join(timeout=30)
    assert holder.error is None, holder.error
    assert still_holding and not blocked, f"waited for another dossier's lock: {blocked}"
    assert isinstance(intake_outcome["result"], Dossier), intake_outcome
    assert action_outcome["result"].current_unit == "Phòng Khảo thí"
    assert Dossier.objects.get(pk=held.pk).status == Status.SUSPENDED


def test_the_sweep_and_twelve_late_finishes_at_once_never_deadlock(agency, head):
    procedure = factories.ProcedureFactory(field__agency=agency, processing_amount=4, apology_extension_days=5)
    first = vn(2026, 11, 2, 8, 0)
    dossiers = [
        factories.receive_dossier(procedure=procedure, actor=head, received_at=first + dt.timedelta(minutes=i))
        for i in range(12)
    ]
    barrier = threading.Barrier(13)
    results: list = [None] * 13

    def run(i: int) -> None:
        try:
            barrier.wait()
            if i == 12:
                results[i] = letter_services.sweep_late_dossiers()
            else:
                # Reverse order: the finishes meet the sweep head-on.
                results[i] = services.dossier_finish(dossier=dossiers[11 - i], actor=head)
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(13)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    report = results[12]
    assert not report.failed, report.failed
    assert all(d.status == Status.RESULT_READY for d in Dossier.objects.all())
    # Every late dossier got exactly one letter: drafted by the sweep or by its own finish.
    letters = ApologyLetter.objects.values_list("dossier_id", flat=True)
    assert sorted(letters) == sorted(d.pk for d in dossiers)
    assert sorted(ApologyLetter.objects.values_list("number", flat=True)) == list(range(1, 13))
    assert len(report.drafted) + sum(report.skipped.values()) <= 12


def test_the_sweep_retries_a_dossier_whose_transaction_lost_a_deadlock(agency, head):
    """Forced the other way round: someone holds the letter counter and then wants the dossier.

    The sweep, holding the dossier and waiting for the counter, is the side PostgreSQL aborts
    (its deadlock check fires first: the other side's is set to 30 s); it tries again and drafts.
    """
    procedure = factories.ProcedureFactory(field__agency=agency, processing_amount=4, apology_extension_days=5)
    dossier = factories.receive_dossier(procedure=procedure, actor=head, received_at=vn(2026, 11, 2, 8, 0))
    def take_the_counter():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL deadlock_timeout = '30s'")
        services.next_sequence_value(agency, "L2026")

    def then_the_dossier():
        services.lock_dossier(dossier.pk)

    with Holder(take_the_counter, before_commit=then_the_dossier) as holder:
        sweep, outcome = in_thread(letter_services.sweep_late_dossiers)
        wait_until_blocked()  # the sweep holds the dossier and waits for the counter
        holder.release()
    sweep.join(timeout=30)
    report = outcome["result"]
    assert not report.failed
    (letter,) = report.drafted
    assert letter.dossier_id == dossier.pk and letter.number == 2  # 1 went to the holder


def test_an_action_that_loses_a_deadlock_is_a_409_not_a_500(agency, head):
    """The same forced deadlock against a late finish over the API: try again, not a server error."""
    procedure = factories.ProcedureFactory(field__agency=agency, processing_amount=4, apology_extension_days=5)
    dossier = factories.receive_dossier(procedure=procedure, actor=head, received_at=vn(2026, 11, 2, 8, 0))
    client = APIClient()
    client.force_authenticate(head)

    def take_the_counter():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL deadlock_timeout = '30s'")
        services.next_sequence_value(agency, "L2026")

    with Holder(take_the_counter, before_commit=lambda: services.lock_dossier(dossier.pk)) as holder:
        finish, outcome = in_thread(lambda: client.post(f"/api/v1/dossiers/{dossier.code}/finish/", {}, format="json"))
        wait_until_blocked()  # the finish holds the dossier and waits for the letter counter
        holder.release()
    finish.join(timeout=30)
    response = outcome["result"]
    assert response.status_code == 409, response.content
    assert response.json()["detail"] == "Dữ liệu đang được thao tác cùng lúc ở nơi khác; vui lòng thử lại."
    assert Dossier.objects.get(pk=dossier.pk).status == Status.IN_PROGRESS  # nothing half-written


def test_a_web_action_that_loses_a_deadlock_shows_try_again_not_a_server_error(agency, head):
    from django.test import Client

    procedure = factories.ProcedureFactory(field__agency=agency, processing_amount=4, apology_extension_days=5)
    dossier = factories.receive_dossier(procedure=procedure, actor=head, received_at=vn(2026, 11, 2, 8, 0))
    web = Client()
    web.force_login(head)

    def take_the_counter():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL deadlock_timeout = '30s'")
        services.next_sequence_value(agency, "L2026")

    with Holder(take_the_counter, before_commit=lambda: services.lock_dossier(dossier.pk)) as holder:
        finish, outcome = in_thread(lambda: web.post(f"/ho-so/{dossier.code}/thao-tac/result_ready/", {}))
        wait_until_blocked()
        holder.release()
    finish.join(timeout=30)
    response = outcome["result"]
    assert response.status_code == 409
    assert "Dữ liệu đang được thao tác cùng lúc ở nơi khác; vui lòng thử lại." in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.IN_PROGRESS


# --- the instant and the unit are read under the lock ------------------------------------------


def test_an_action_without_an_instant_is_dated_after_the_one_it_waited_for(procedure, head, frozen_now):
    """The suspend arrives at 09:00 while a transfer holds the dossier and is recorded at 09:01."""
    dossier = factories.receive_dossier(procedure=procedure, actor=head)
    client = APIClient()
    client.force_authenticate(head)

    def transfer():
        services.dossier_transfer(dossier=dossier, actor=head, to_unit="Phòng Khảo thí")

    with Holder(lambda: Dossier.objects.select_for_update().get(pk=dossier.pk), before_commit=transfer):
        suspend, outcome = in_thread(
            lambda: client.post(f"/api/v1/dossiers/{dossier.code}/suspend/", {"reason": "Chờ xác minh"}, format="json")
        )
        wait_until_blocked()
        frozen_now.shift(dt.timedelta(minutes=1))
    suspend.join(timeout=30)
    response = outcome["result"]
    assert response.status_code == 200, response.json()
    kinds = list(Dossier.objects.get(pk=dossier.pk).events.order_by("at", "id").values_list("type", "at"))
    assert kinds == [("received", vn(2026, 11, 25, 9, 0)), ("transferred", vn(2026, 11, 25, 9, 1)),
                     ("suspended", vn(2026, 11, 25, 9, 1))]


def test_a_specialist_waiting_for_the_lock_is_refused_once_the_dossier_left_their_unit(agency, procedure):
    counter = _person(agency, "motcua", [COUNTER_OFFICER], "Bộ phận Một cửa")
    exams = _person(agency, "khaothi", [SPECIALIST], "Phòng Khảo thí")
    head = _person(agency, "lanhdao", [DEPARTMENT_HEAD], "Ban Giám đốc")
    dossier = factories.receive_dossier(procedure=procedure, actor=counter)
    services.dossier_transfer(dossier=dossier, actor=counter, to_unit="Phòng Khảo thí")
    client = APIClient()
    client.force_authenticate(exams)

    def transfer_away():
        services.dossier_transfer(dossier=dossier, actor=head, to_unit="Phòng Văn bằng")

    with Holder(lambda: Dossier.objects.select_for_update().get(pk=dossier.pk), before_commit=transfer_away):
        # The permission check sees the dossier at the exams unit; the service then waits.
        suspend, outcome = in_thread(
            lambda: client.post(f"/api/v1/dossiers/{dossier.code}/suspend/", {"reason": "Chờ xác minh"}, format="json")
        )
        wait_until_blocked()
    suspend.join(timeout=30)
    response = outcome["result"]
    assert response.status_code == 403, response.json()
    assert response.json() == {"detail": "Hồ sơ đang ở Phòng Văn bằng, không phải Phòng Khảo thí của bạn."}
    assert not DossierEvent.objects.filter(dossier=dossier, type="suspended").exists()


# --- an import does not hold the counters for the length of its file ---------------------------


def _book(tmp_path, procedure, count: int):
    from tests.dossiers.test_import import make_book, row

    rows = [
        row(procedure, code=f"SO-{n:04d}", received_at="20/11/2026 08:30", result_ready_at="23/11/2026 10:00")
        for n in range(1, count + 1)
    ]
    return importing.read_tracking_book(make_book(tmp_path, rows))


def test_an_intake_goes_on_while_an_import_of_the_same_agency_is_writing(tmp_path, procedure, head):
    seen: dict = {}

    def progress(plans):
        for i, plan in enumerate(plans):
            yield plan
            if i == 1:  # two rows written, the import's transaction still open
                intake, seen["outcome"] = in_thread(lambda: factories.receive_dossier(procedure=procedure, actor=head))
                intake.join(timeout=UNBLOCKED)
                seen["meanwhile"] = not intake.is_alive()
                seen["thread"] = intake

    result = importing.import_dossiers(_book(tmp_path, procedure, 4), user=head, progress=progress)
    seen["thread"].join(timeout=30)
    assert seen["meanwhile"], "the intake waited for the import"
    assert result.imported == 4 and result.finished == 4
    intake = seen["outcome"]["result"]
    assert intake.book_line == 5  # after the lines the import had reserved
    lines = Dossier.objects.filter(code__startswith="SO-").order_by("code").values_list("book_line", flat=True)
    assert list(lines) == [1, 2, 3, 4]


def test_a_failed_import_writes_nothing_and_reports_the_lines_an_intake_kept_it_from_giving_back(
    tmp_path, procedure, head
):
    other = factories.ProcedureFactory()
    other_head = factories.staff(agency=other.agency, roles=[DEPARTMENT_HEAD], username="lanhdao2")
    seen: dict = {}

    def progress(plans):
        for i, plan in enumerate(plans):
            if i == 2:  # meanwhile: an intake here, and the last code taken in another agency
                intake, seen["intake"] = in_thread(lambda: factories.receive_dossier(procedure=procedure, actor=head))
                intake.join(timeout=UNBLOCKED)
                thief, _ = in_thread(
                    lambda: factories.receive_dossier(procedure=other, actor=other_head, code="SO-0003")
                )
                thief.join(timeout=UNBLOCKED)
            yield plan

    with pytest.raises(importing.DossierImportError) as failed:
        importing.import_dossiers(_book(tmp_path, procedure, 3), user=head, progress=progress)
    assert [str(error) for error in failed.value.errors] == ["Dòng 4: Hồ sơ có Mã hồ sơ đã tồn tại."]
    assert failed.value.notes == [
        f"Số thứ tự 1–3 trong sổ năm 2026 của {procedure.agency.code} đã được giữ cho tệp này và bỏ trống "
        "(có hồ sơ tiếp nhận sau các số này trong lúc nhập)."
    ]
    assert not Dossier.objects.filter(agency=procedure.agency, code__startswith="SO-").exists()
    assert seen["intake"]["result"].book_line == 4
