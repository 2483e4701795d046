"""`export_personal_data`: what is held about one person, scoped to the answering account, and logged."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from accounts.roles import ADMINISTRATOR, COUNTER_OFFICER
from dossiers import services
from feedback.services.items import feedback_receive
from privacy.models import PersonalDataAccess
from tests import factories

pytestmark = pytest.mark.django_db
ID_NUMBER = "079203004534"
PHONE = "0912777888"


@pytest.fixture
def held(agency, head, procedure):
    first = factories.receive_dossier(
        procedure=procedure, actor=head, applicant_name="Ngô Thị Yêu Cầu", applicant_id_number=ID_NUMBER,
        applicant_phone=PHONE, notes="Gọi trước 17 giờ",
    )
    services.dossier_transfer(dossier=first, actor=head, to_unit="Phòng A", note="Chuyển gấp")
    second = factories.receive_dossier(procedure=procedure, actor=head, applicant_phone=PHONE, applicant_id_number="")
    stranger = factories.receive_dossier(procedure=procedure, actor=head, applicant_phone="0912000000")
    item = feedback_receive(
        agency=agency, channel="hotline", category="comment", content="Cảm ơn cán bộ", contact_name="Ngô Thị Yêu Cầu",
        contact_phone=PHONE, actor=head,
    ).item
    other = factories.ProcedureFactory()
    foreign = factories.receive_dossier(
        procedure=other, actor=factories.staff(agency=other.agency, roles=[COUNTER_OFFICER], username="khac"),
        applicant_phone=PHONE,
    )
    return {"first": first, "second": second, "stranger": stranger, "item": item, "foreign": foreign}


def _export(tmp_path, **options) -> dict:
    out = tmp_path / "du-lieu.json"
    call_command("export_personal_data", output=str(out), **options)
    return json.loads(out.read_text(encoding="utf-8"))


def test_by_phone_finds_the_persons_dossiers_and_feedback_in_the_users_agency(tmp_path, held, head):
    data = _export(tmp_path, user=head.username, phone="0912 777 888")
    codes = [entry["code"] for entry in data["dossiers"]]
    assert codes == [held["first"].code, held["second"].code]  # not the stranger's, not another agency's
    first = data["dossiers"][0]
    assert first["applicant"] == {
        "name": "Ngô Thị Yêu Cầu", "id_number": ID_NUMBER, "phone": PHONE, "email": "", "address": "",
    }
    assert first["notes"] == "Gọi trước 17 giờ"
    assert [event["note"] for event in first["events"]] == ["", "Chuyển gấp"]
    assert [item["code"] for item in data["feedback_items"]] == [held["item"].code]
    assert data["query"] == {"id_number": "", "phone": PHONE}


def test_the_export_is_logged_per_dossier(tmp_path, held, head):
    _export(tmp_path, user=head.username, id_number=ID_NUMBER)
    rows = list(PersonalDataAccess.objects.all())
    assert [(row.kind, row.dossier_code, row.user) for row in rows] == [
        (PersonalDataAccess.Kind.SUBJECT_EXPORT, held["first"].code, head)
    ]
    assert "0792******34" in rows[0].subject and ID_NUMBER not in rows[0].subject
    # the next export shows the person that their record was read, without naming staff
    again = _export(tmp_path, user=head.username, id_number=ID_NUMBER)
    assert [access["kind"] for access in again["dossiers"][0]["accesses"]] == [
        "Trích xuất dữ liệu theo yêu cầu của chủ thể"
    ]
    assert head.username not in json.dumps(again["dossiers"][0]["accesses"])


def test_nothing_found_is_still_logged_once(tmp_path, held, head, agency):
    data = _export(tmp_path, user=head.username, phone="0987000111")
    assert data["dossiers"] == [] and data["feedback_items"] == []
    row = PersonalDataAccess.objects.get()
    assert (row.count, row.dossier_id, row.agency_id) == (0, None, agency.pk)


def test_refuses_without_a_key_or_the_right_account(tmp_path, held, agency):
    with pytest.raises(CommandError, match="Cần --id-number hoặc --phone"):
        call_command("export_personal_data", user="lanhdao")
    with pytest.raises(CommandError, match="Không có tài khoản"):
        call_command("export_personal_data", user="khong-co", phone=PHONE)
    factories.staff(agency=agency, roles=[ADMINISTRATOR], username="quantri")
    with pytest.raises(CommandError, match="không có quyền xem hồ sơ"):
        call_command("export_personal_data", user="quantri", phone=PHONE)
    assert not PersonalDataAccess.objects.exists()


def test_the_export_reads_in_a_fixed_number_of_queries(held, head, procedure):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from privacy.subject import personal_data_held

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            personal_data_held(user=head, phone=PHONE)
        return len(queries)

    personal_data_held(user=head, phone=PHONE)  # loads the account's profile (its agency) once
    few = count()
    for _ in range(4):
        dossier = factories.receive_dossier(procedure=procedure, actor=head, applicant_phone=PHONE)
        services.dossier_transfer(dossier=dossier, actor=head, to_unit="Phòng B", note="Chuyển")
    assert count() == few == 5  # dossiers, their events, their reads, feedback items, survey calls
