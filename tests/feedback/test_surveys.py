"""Telephone survey plans: a seeded sample stratified by field, the call list, the results."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from config.exceptions import ConflictError
from feedback.models import SatisfactionRating, SurveySample
from feedback.services import rating_submit, survey_plan_create, survey_record_result
from feedback.services.surveys import draw_sample
from tests import factories
from tests.feedback.conftest import SCORES, api_client_for, returned, vn

pytestmark = pytest.mark.django_db

PERIOD = {"returned_from": dt.date(2026, 11, 1), "returned_to": dt.date(2026, 11, 30)}


@pytest.fixture
def frame(agency, head, frozen_now):
    """Field A: 6 returned dossiers; field B: 2; field C: none returned (one still in progress).

    Left out of every draw: a rated dossier (field A), one returned in October (field B).
    """
    fields = {name: factories.FieldFactory(agency=agency, code=name, name=f"Lĩnh vực {name}") for name in "ABC"}
    procs = {name: factories.ProcedureFactory(field=field) for name, field in fields.items()}
    frozen_now.move_to(vn(2026, 11, 10, 9))
    drawn = {"A": [], "B": []}
    for index in range(6):
        drawn["A"].append(returned(procedure=procs["A"], actor=head, applicant_name=f"Người A{index}",
                                   applicant_phone=f"091200000{index}"))
    for index in range(2):
        drawn["B"].append(returned(procedure=procs["B"], actor=head, applicant_name=f"Người B{index}"))
    rated = returned(procedure=procs["A"], actor=head)
    rating_submit(dossier=rated, channel=SatisfactionRating.Channel.COUNTER, actor=head, **SCORES)
    factories.receive_dossier(procedure=procs["C"], actor=head)
    frozen_now.move_to(vn(2026, 10, 20, 9))
    october = returned(procedure=procs["B"], actor=head)
    frozen_now.move_to(vn(2026, 11, 25, 9))
    return {"fields": fields, "drawn": drawn, "rated": rated, "october": october}


def plan_for(agency, head, seed=42, per_field=3):
    return survey_plan_create(agency=agency, actor=head, title="", year=2026, per_field=per_field, seed=seed, **PERIOD)


def test_sample_is_stratified_by_field_and_reproducible(frame, agency, head):
    plan = plan_for(agency, head)
    samples = list(plan.samples.select_related("field", "dossier"))
    by_field = {}
    for sample in samples:
        by_field.setdefault(sample.field.code, []).append(sample.dossier_id)
    assert {code: len(ids) for code, ids in by_field.items()} == {"A": 3, "B": 2}  # B has only 2
    assert set(by_field["A"]) <= {d.pk for d in frame["drawn"]["A"]}
    assert frame["rated"].pk not in by_field["A"]  # already rated: one rating per dossier
    assert frame["october"].pk not in by_field["B"]
    assert [s.position for s in samples] == [1, 2, 3, 4, 5]
    assert plan.title == "Kế hoạch đo lường sự hài lòng năm 2026"
    again = plan_for(agency, head)
    assert list(again.samples.values_list("dossier_id", flat=True)) == [s.dossier_id for s in samples]


def test_a_different_seed_draws_differently_and_a_missing_seed_is_stored(frame, agency, head):
    draws = {tuple(plan_for(agency, head, seed=seed).samples.values_list("dossier_id", flat=True)) for seed in range(6)}
    assert len(draws) > 1
    plan = survey_plan_create(agency=agency, actor=head, title="Q4", year=2026, per_field=2, **PERIOD)
    assert plan.seed is not None
    replay = plan_for(agency, head, seed=plan.seed, per_field=2)
    assert list(replay.samples.values_list("dossier_id", flat=True)) == list(
        plan.samples.values_list("dossier_id", flat=True)
    )


def test_draw_is_stable_per_field_when_another_field_changes():
    frame = [(i, 1) for i in range(1, 21)] + [(i, 2) for i in range(21, 31)]
    first = draw_sample(frame, per_field=4, seed=7)
    grown = draw_sample(frame + [(i, 2) for i in range(31, 40)] + [(99, 3)], per_field=4, seed=7)
    assert [d for d, f in first if f == 1] == [d for d, f in grown if f == 1]
    assert [f for _, f in grown].count(3) == 1


def test_export_has_the_call_list_and_is_permission_gated(frame, agency, head, officer, statistician):
    plan = plan_for(agency, head)
    url = f"/api/v1/survey-plans/{plan.pk}/export/"
    assert api_client_for(officer).get(url).status_code == 403  # no view/export permission
    response = api_client_for(statistician).get(url)
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == (
        "STT", "Mã hồ sơ", "Lĩnh vực", "Thủ tục", "Ngày trả kết quả", "Họ tên người nộp", "Điện thoại", "Kết quả gọi"
    )
    assert len(rows) == 6
    first = plan.samples.select_related("dossier__procedure", "field").first()
    assert rows[1][:4] == (1, first.dossier.code, first.field.name, first.dossier.procedure.name)
    assert rows[1][4].date() == dt.date(2026, 11, 10)
    assert rows[1][5:] == (first.dossier.applicant_name, first.dossier.applicant_phone, "Chưa gọi")


def test_export_of_another_agencys_plan_is_404(frame, agency, head, other_head):
    plan = plan_for(agency, head)
    assert api_client_for(other_head).get(f"/api/v1/survey-plans/{plan.pk}/export/").status_code == 404
    assert api_client_for(other_head).get(f"/api/v1/survey-plans/{plan.pk}/").status_code == 404


def test_the_sample_api_shows_no_name_or_phone(frame, agency, head):
    plan = plan_for(agency, head)
    body = api_client_for(head).get("/api/v1/survey-samples/", {"plan": plan.pk}).json()
    assert body["count"] == 5
    text = repr(body)
    assert "Người A" not in text and "0912000" not in text


def test_results_become_phone_survey_ratings(frame, agency, head, statistician):
    plan = plan_for(agency, head)
    first, second = plan.samples.order_by("position")[:2]
    client = api_client_for(statistician)
    response = client.post(
        f"/api/v1/survey-samples/{first.pk}/record/", {"outcome": "answered", **SCORES, "note": "Gọi lần 1"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["outcome"], response.json()["overall"]) == ("answered", "4.50")
    rating = SatisfactionRating.objects.get(dossier_id=first.dossier_id)
    assert (rating.channel, rating.recorded_by) == ("phone_survey", statistician)
    unreachable = client.post(f"/api/v1/survey-samples/{second.pk}/record/", {"outcome": "unreachable"}, format="json")
    assert unreachable.json()["outcome"] == "unreachable"
    assert not SatisfactionRating.objects.filter(dossier_id=second.dossier_id).exists()
    missing = client.post(f"/api/v1/survey-samples/{second.pk}/record/", {"outcome": "answered"}, format="json")
    assert missing.status_code == 400
    assert set(missing.json()) == {"information_score", "attitude_score", "timeliness_score", "result_score"}
    plans = client.get("/api/v1/survey-plans/").json()["results"]
    assert (plans[0]["sample_size"], plans[0]["answered"]) == (5, 1)


def test_one_rating_per_dossier_holds_across_channels(frame, agency, head):
    plan = plan_for(agency, head)
    sample = plan.samples.first()
    rating_submit(dossier=sample.dossier, channel=SatisfactionRating.Channel.ONLINE, **SCORES)
    with pytest.raises(ConflictError, match="đã được đánh giá qua kênh “Trực tuyến"):
        survey_record_result(sample=sample, actor=head, outcome="answered", scores=SCORES)
    assert SatisfactionRating.objects.filter(dossier=sample.dossier).count() == 1


def test_an_answered_call_cannot_be_turned_into_unreachable(frame, agency, head):
    sample = plan_for(agency, head).samples.first()
    survey_record_result(sample=sample, actor=head, outcome="answered", scores=SCORES)
    with pytest.raises(ConflictError):
        survey_record_result(sample=sample, actor=head, outcome="unreachable")
    corrected = survey_record_result(
        sample=sample, actor=head, outcome="answered", scores={**SCORES, "result_score": 1}
    )
    assert corrected.rating.result_score == 1
    assert SurveySample.objects.get(pk=sample.pk).outcome == "answered"


def test_create_plan_through_the_api(frame, head, officer):
    body = {"year": 2026, "returned_from": "2026-11-01", "returned_to": "2026-11-30", "per_field": 1, "seed": 5}
    assert api_client_for(officer).post("/api/v1/survey-plans/", body, format="json").status_code == 403
    response = api_client_for(head).post("/api/v1/survey-plans/", body, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["sample_size"], response.json()["seed"]) == (2, 5)
    bad = api_client_for(head).post("/api/v1/survey-plans/", {**body, "returned_to": "2026-10-01"}, format="json")
    assert bad.status_code == 400
