"""`anonymise_dossiers`: personal data of long-closed dossiers replaced, every statistic unchanged."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from accounts.roles import COUNTER_OFFICER
from dossiers import services
from dossiers.models import Dossier, DossierEvent
from feedback.models import FeedbackItem, SatisfactionRating, SurveySample
from feedback.services import rating_submit, survey_plan_create, survey_record_result
from feedback.services.items import feedback_receive
from privacy.anonymise import MARKER
from tests import factories
from tests.conftest import NOW
from tests.feedback.conftest import returned, vn

pytestmark = pytest.mark.django_db

OLD_NAME = "Trần Thị Cũ"
OLD_PHONE = "0933111222"
OLD_ID = "079185001234"


@pytest.fixture(autouse=True)
def _one_year(settings):
    settings.PERSONAL_DATA_RETENTION_YEARS = 1  # cutoff: 25/11/2025


@pytest.fixture
def office(agency, head, procedure, frozen_now):
    """2025: two returned (one rated with comments, one in a feedback item and a survey), one refused,
    one still in progress; 2026: one returned recently."""
    frozen_now.move_to(vn(2025, 10, 8, 9))
    rated = returned(
        procedure=procedure, actor=head, applicant_name=OLD_NAME, applicant_phone=OLD_PHONE,
        applicant_id_number=OLD_ID, applicant_email="cu@example.vn", applicant_address="1 Phố Cũ",
        notes="Ông Cũ gọi lại số 0933111222",
    )
    rating_submit(
        dossier=rated, channel=SatisfactionRating.Channel.COUNTER, actor=head, information_score=5,
        attitude_score=4, timeliness_score=3, result_score=5, attitude_comment="Chị Hoa hướng dẫn tận tình",
    )
    surveyed = returned(procedure=procedure, actor=head, applicant_name="Lê Văn Khảo", applicant_phone="0933000999")
    feedback_receive(
        agency=agency, channel="counter", category="complaint", content="Tôi là Lê Văn Khảo, hồ sơ chậm",
        contact_name="Lê Văn Khảo", contact_phone="0933000999", dossier=surveyed, actor=head,
    )
    refused = factories.receive_dossier(procedure=procedure, actor=head, applicant_name="Phạm Từ Chối")
    services.dossier_refuse(dossier=refused, actor=head, reason="Ông Phạm nộp sai cơ quan")
    still_open = factories.receive_dossier(procedure=procedure, actor=head, applicant_name="Đỗ Đang Chờ")
    frozen_now.move_to(vn(2025, 10, 20, 9))
    plan = survey_plan_create(
        agency=agency, actor=head, title="Khảo sát 2025", year=2025, per_field=5,
        returned_from=dt.date(2025, 10, 1), returned_to=dt.date(2025, 10, 31),
    )
    sample = SurveySample.objects.get(plan=plan, dossier=surveyed)
    survey_record_result(sample=sample, actor=head, outcome="unreachable", note="Anh Khảo không nghe máy")
    frozen_now.move_to(vn(2026, 11, 20, 9))
    recent = returned(procedure=procedure, actor=head, applicant_name="Vũ Mới Trả")
    frozen_now.move_to(NOW)
    return {"rated": rated, "surveyed": surveyed, "refused": refused, "open": still_open, "recent": recent}


def _statistics(head, agency) -> str:
    client = APIClient()
    client.force_authenticate(head)
    answers = {}
    for url, params in [
        ("/api/v1/reports/summary/", {"from": "2025-01-01", "to": "2026-11-25"}),
        ("/api/v1/reports/summary/", {"from": "2025-10-01", "to": "2025-10-31", "group_by": "procedure"}),
        ("/api/v1/reports/online/", {"from": "2025-01-01", "to": "2026-11-25"}),
        ("/api/v1/satisfaction-ratings/report/", {"date_from": "2025-01-01", "date_to": "2026-11-25"}),
        ("/api/v1/feedback-items/report/", {"date_from": "2025-01-01", "date_to": "2026-11-25"}),
    ]:
        response = client.get(url, params)
        assert response.status_code == 200, (url, response.content[:300])
        answers[f"{url}?{sorted(params.items())}"] = response.json()
    return json.dumps(answers, sort_keys=True, default=str)


def _personal_strings() -> str:
    """Everything a person could be found by, across the tables the command rewrites."""
    values = [
        *Dossier.objects.values_list("applicant_name", "applicant_phone", "applicant_id_number", "notes"),
        *Dossier.history.values_list("applicant_name", "applicant_phone", "applicant_id_number", "notes"),
        *DossierEvent.objects.values_list("note"),
        *FeedbackItem.objects.values_list("contact_name", "contact_phone", "content"),
        *FeedbackItem.history.values_list("contact_name", "contact_phone", "content"),
        *SatisfactionRating.objects.values_list("attitude_comment"),
        *SatisfactionRating.history.values_list("attitude_comment"),
        *SurveySample.objects.values_list("note"),
        *SurveySample.history.values_list("note"),
    ]
    return " | ".join(" ".join(row) for row in values)


def test_anonymises_closed_dossiers_and_keeps_every_statistic(office, head, agency, tmp_path, capsys):
    before_stats = _statistics(head, agency)
    assert OLD_NAME in _personal_strings()
    report = tmp_path / "an-danh.txt"

    call_command("anonymise_dossiers", before="2025-11-01", report=str(report))

    assert _statistics(head, agency) == before_stats
    held = _personal_strings()
    for gone in (OLD_NAME, OLD_PHONE, OLD_ID, "Ông Cũ", "Chị Hoa", "Lê Văn Khảo", "0933000999", "Anh Khảo",
                 "Phạm Từ Chối", "Ông Phạm"):
        assert gone not in held, gone
    assert "Đỗ Đang Chờ" in held and "Vũ Mới Trả" in held  # open, and within retention: untouched
    rated = Dossier.objects.get(pk=office["rated"].pk)
    assert (rated.applicant_name, rated.applicant_phone, rated.applicant_id_number) == (MARKER, MARKER, MARKER)
    assert (rated.applicant_email, rated.applicant_address, rated.notes) == (MARKER, MARKER, MARKER)
    assert rated.result_note == ""  # nothing was there: blank stays blank
    original = office["rated"]
    assert (rated.code, rated.status, rated.returned_at) == (original.code, "returned", original.returned_at)
    assert SatisfactionRating.objects.get(dossier=rated).information_comment == ""
    assert SatisfactionRating.objects.get(dossier=rated).overall == office["rated"].satisfaction_rating.overall

    text = report.read_text(encoding="utf-8")
    assert text in capsys.readouterr().out
    assert "Số hồ sơ: 3" in text
    codes = sorted(office[key].code for key in ("rated", "surveyed", "refused"))
    assert f"từ {codes[0]} đến {codes[-1]}" in text
    assert "giữ nguyên: 1" in text  # the open one


def test_a_second_run_changes_nothing_more(office, tmp_path, capsys):
    call_command("anonymise_dossiers", before="2025-11-01", report=str(tmp_path / "1.txt"))
    call_command("anonymise_dossiers", before="2025-11-01", report=str(tmp_path / "2.txt"))
    text = (tmp_path / "2.txt").read_text(encoding="utf-8")
    assert "Số hồ sơ: 0" in text and "bỏ qua: 3" in text


def test_dry_run_changes_nothing_and_writes_no_file(office, head, agency, tmp_path, capsys, settings):
    settings.BASE_DIR = tmp_path
    held = _personal_strings()
    call_command("anonymise_dossiers", before="2025-11-01", dry_run=True)
    out = capsys.readouterr().out
    assert "CHẠY THỬ" in out and "Số hồ sơ: 3" in out
    assert _personal_strings() == held
    assert not (tmp_path / "var").exists()


def test_default_before_is_the_retention_cutoff(office, tmp_path, capsys):
    call_command("anonymise_dossiers", dry_run=True)
    assert "trước ngày 25/11/2025" in capsys.readouterr().out


def test_refuses_a_date_within_the_retention_period(office, tmp_path):
    held = _personal_strings()
    with pytest.raises(CommandError, match="còn trong thời hạn lưu giữ"):
        call_command("anonymise_dossiers", before="2026-01-01", report=str(tmp_path / "r.txt"))
    assert _personal_strings() == held
    assert not (tmp_path / "r.txt").exists()


def test_refuses_an_open_dossier_named_by_code(office, tmp_path):
    held = _personal_strings()
    codes = [office["rated"].code, office["open"].code]
    with pytest.raises(CommandError, match=f"Hồ sơ {office['open'].code} chưa kết thúc"):
        call_command("anonymise_dossiers", before="2025-11-01", code=codes, report=str(tmp_path / "r.txt"))
    assert _personal_strings() == held  # the closed one named with it is untouched too


def test_code_narrows_the_run(office, tmp_path):
    call_command("anonymise_dossiers", before="2025-11-01", code=[office["refused"].code],
                 report=str(tmp_path / "r.txt"))
    assert Dossier.objects.get(pk=office["refused"].pk).applicant_name == MARKER
    assert Dossier.objects.get(pk=office["rated"].pk).applicant_name == OLD_NAME


def test_an_unwritable_report_rolls_everything_back(office, tmp_path):
    held = _personal_strings()
    (tmp_path / "dir").mkdir()
    with pytest.raises(CommandError, match="Không ghi được báo cáo"):
        call_command("anonymise_dossiers", before="2025-11-01", report=str(tmp_path / "dir"))
    assert _personal_strings() == held


def test_the_public_lookup_cannot_match_an_anonymised_dossier(office, client, tmp_path):
    call_command("anonymise_dossiers", before="2025-11-01", report=str(tmp_path / "r.txt"))
    for digits in ("1222", "nh]"):
        html = client.post("/tra-cuu/", {"ma": office["rated"].code, "sdt": digits}).content.decode()
        assert MARKER not in html


def test_other_agencies_are_anonymised_in_the_same_run(office, tmp_path, frozen_now):
    other = factories.ProcedureFactory()
    other_head = factories.staff(agency=other.agency, roles=[COUNTER_OFFICER], username="khac")
    frozen_now.move_to(vn(2025, 10, 8, 9))
    foreign = factories.receive_dossier(procedure=other, actor=other_head, applicant_name="Người Khác")
    services.dossier_withdraw(dossier=foreign, actor=other_head, reason="")
    frozen_now.move_to(NOW)
    call_command("anonymise_dossiers", before="2025-11-01", report=str(tmp_path / "r.txt"))
    assert Dossier.objects.get(pk=foreign.pk).applicant_name == MARKER
