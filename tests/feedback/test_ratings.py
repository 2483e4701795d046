"""Satisfaction ratings: one per returned dossier, changeable for 7 calendar days, on every channel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings

from config.exceptions import ConflictError
from feedback.models import SatisfactionRating
from feedback.services import rating_submit
from tests import factories
from tests.feedback.conftest import SCORES, api_client_for, returned, vn

pytestmark = pytest.mark.django_db

Channel = SatisfactionRating.Channel


def rate(dossier, channel=Channel.ONLINE, **overrides):
    return rating_submit(dossier=dossier, channel=channel, **{**SCORES, **overrides})


# ---------------------------------------------------------------------------- the rules, at the service


def test_overall_is_the_mean_of_the_four_criteria(returned_dossier):
    rating = rate(returned_dossier, information_score=5, attitude_score=4, timeliness_score=3, result_score=3)
    # (5 + 4 + 3 + 3) / 4 = 15 / 4 = 3.75: stored exactly, and below 4 so not "satisfied".
    assert rating.overall == Decimal("3.75")
    assert not rating.is_satisfied
    assert rating.first_rated_at == vn(2026, 11, 25, 9, 0)
    assert rating.rated_date == dt.date(2026, 11, 25)
    assert rating.agency_id == returned_dossier.agency_id


@pytest.mark.parametrize("status_step", ["in_progress", "result_ready"])
def test_only_returned_dossiers_can_be_rated(procedure, head, status_step):
    from dossiers.services import dossier_finish

    dossier = factories.receive_dossier(procedure=procedure, actor=head)
    if status_step == "result_ready":
        dossier = dossier_finish(dossier=dossier, actor=head)
    with pytest.raises(ConflictError, match="chưa trả kết quả"):
        rate(dossier)
    assert not SatisfactionRating.objects.exists()


def test_a_second_submission_changes_the_one_rating(returned_dossier):
    first = rate(returned_dossier, result_score=1)
    second = rate(returned_dossier, result_score=5, result_comment="Nhanh")
    assert first.pk == second.pk
    assert SatisfactionRating.objects.count() == 1
    second.refresh_from_db()
    assert second.result_score == 5
    assert second.result_comment == "Nhanh"
    assert second.change_count == 1
    # The rating keeps the date of its first submission, so it stays in the same report period.
    assert second.rated_date == dt.date(2026, 11, 25)
    assert second.history.count() == 2


def test_the_database_refuses_a_second_row_for_a_dossier(returned_dossier):
    rating = rate(returned_dossier)
    with pytest.raises(IntegrityError), transaction.atomic():
        SatisfactionRating.objects.create(
            dossier=returned_dossier, agency=rating.agency, channel=Channel.COUNTER, overall=Decimal(4),
            first_rated_at=rating.first_rated_at, rated_date=rating.rated_date, **SCORES,
        )


def test_change_window_is_seven_calendar_days_after_the_first_rating(returned_dossier, frozen_now):
    rate(returned_dossier)  # Wed 25/11/2026 09:00
    # The day of the first rating is not counted: 26/11 … 02/12 are the 7 days.
    frozen_now.move_to(vn(2026, 12, 2, 23, 59))
    assert rate(returned_dossier, attitude_score=2).attitude_score == 2
    frozen_now.move_to(vn(2026, 12, 3, 0, 0))
    with pytest.raises(ConflictError, match=r"chỉ được sửa đánh giá đến hết ngày 02/12/2026"):
        rate(returned_dossier, attitude_score=5)
    assert SatisfactionRating.objects.get().attitude_score == 2


def test_the_window_counts_from_the_first_rating_not_the_last_change(returned_dossier, frozen_now):
    rate(returned_dossier)
    frozen_now.move_to(vn(2026, 12, 1, 10, 0))
    rate(returned_dossier, result_score=3)  # a change does not reopen the window
    frozen_now.move_to(vn(2026, 12, 3, 8, 0))
    with pytest.raises(ConflictError):
        rate(returned_dossier, result_score=4)


@override_settings(SATISFACTION_CHANGE_DAYS=0)
def test_the_window_is_a_setting(returned_dossier, frozen_now):
    rate(returned_dossier)
    frozen_now.move_to(vn(2026, 11, 25, 23, 0))
    rate(returned_dossier, result_score=2)  # same day: still allowed
    frozen_now.move_to(vn(2026, 11, 26, 7, 0))
    with pytest.raises(ConflictError):
        rate(returned_dossier, result_score=3)


@pytest.mark.parametrize("bad", [0, 6])
def test_scores_outside_one_to_five_are_refused(returned_dossier, bad):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        rate(returned_dossier, timeliness_score=bad)
    assert "timeliness_score" in caught.value.message_dict
    assert not SatisfactionRating.objects.exists()


# ---------------------------------------------------------------------------- API


def test_api_rates_at_the_counter_then_changes_it(officer, returned_dossier):
    client = api_client_for(officer)
    body = {"dossier": returned_dossier.code, **SCORES, "attitude_comment": "Cán bộ nhiệt tình"}
    created = client.post("/api/v1/satisfaction-ratings/", body, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["channel"] == "counter"
    assert data["overall"] == "4.50"  # (5 + 4 + 4 + 5) / 4 = 18 / 4
    assert data["satisfied"] is True
    assert data["change_deadline"] == "2026-12-02"
    assert "applicant_name" not in data and "applicant_phone" not in data
    changed = client.post("/api/v1/satisfaction-ratings/", {**body, "result_score": 2}, format="json")
    assert changed.status_code == 200
    assert changed.json()["overall"] == "3.75"


def test_api_rating_of_an_unreturned_dossier_is_409_in_vietnamese(officer, procedure):
    dossier = factories.receive_dossier(procedure=procedure, actor=officer)
    response = api_client_for(officer).post(
        "/api/v1/satisfaction-ratings/", {"dossier": dossier.code, **SCORES}, format="json"
    )
    assert response.status_code == 409
    assert "chưa trả kết quả" in response.json()["detail"]


def test_api_rating_after_the_window_is_409(officer, returned_dossier, frozen_now):
    client = api_client_for(officer)
    client.post("/api/v1/satisfaction-ratings/", {"dossier": returned_dossier.code, **SCORES}, format="json")
    frozen_now.move_to(vn(2026, 12, 10, 9, 0))
    response = client.post(
        "/api/v1/satisfaction-ratings/", {"dossier": returned_dossier.code, **SCORES, "result_score": 1}, format="json"
    )
    assert response.status_code == 409


def test_api_cannot_rate_or_see_another_agencys_dossier(officer, other_returned):
    client = api_client_for(officer)
    response = client.post("/api/v1/satisfaction-ratings/", {"dossier": other_returned.code, **SCORES}, format="json")
    assert response.status_code == 400
    rating = rating_submit(dossier=other_returned, channel=Channel.ONLINE, **SCORES)
    assert client.get(f"/api/v1/satisfaction-ratings/{rating.pk}/").status_code == 404
    assert client.get("/api/v1/satisfaction-ratings/").json()["count"] == 0


def test_api_rating_needs_the_add_permission(specialist, returned_dossier):
    response = api_client_for(specialist).post(
        "/api/v1/satisfaction-ratings/", {"dossier": returned_dossier.code, **SCORES}, format="json"
    )
    assert response.status_code == 403


# ---------------------------------------------------------------------------- kiosk page


def kiosk_post(scores=SCORES):
    return {key: str(value) for key, value in scores.items()}


def test_kiosk_page_rates_a_returned_dossier_of_the_officers_agency(client, officer, returned_dossier):
    client.force_login(officer)
    start = client.get("/hai-long/tai-quay/", {"ma": returned_dossier.code})
    assert start.status_code == 302
    assert start["Location"] == f"/hai-long/tai-quay/{returned_dossier.code}/"
    page = client.get(start["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ông/Bà hài lòng thế nào?" in html
    assert returned_dossier.applicant_name not in html  # the screen faces the citizen queue
    assert returned_dossier.applicant_phone not in html
    response = client.post(start["Location"], kiosk_post())
    assert response.status_code == 302
    rating = SatisfactionRating.objects.get()
    assert rating.channel == Channel.COUNTER
    assert rating.recorded_by == officer
    assert rating.history.first().history_user == officer


def test_kiosk_page_needs_a_login(client, returned_dossier):
    response = client.get(f"/hai-long/tai-quay/{returned_dossier.code}/")
    assert response.status_code == 302
    assert "/dang-nhap/" in response["Location"]


def test_kiosk_page_of_another_agencys_dossier_is_404(client, officer, other_returned):
    client.force_login(officer)
    assert client.get(f"/hai-long/tai-quay/{other_returned.code}/").status_code == 404
    assert client.post(f"/hai-long/tai-quay/{other_returned.code}/", kiosk_post()).status_code == 404
    assert not SatisfactionRating.objects.exists()


def test_kiosk_page_of_an_unreturned_dossier_is_409(client, officer, procedure):
    dossier = factories.receive_dossier(procedure=procedure, actor=officer)
    client.force_login(officer)
    response = client.get(f"/hai-long/tai-quay/{dossier.code}/")
    assert response.status_code == 409
    assert "chưa trả kết quả" in response.content.decode()


def test_kiosk_shows_missing_criteria_next_to_them(client, officer, returned_dossier):
    client.force_login(officer)
    response = client.post(f"/hai-long/tai-quay/{returned_dossier.code}/", {"information_score": "5"})
    assert response.status_code == 200
    assert response.content.decode().count("Vui lòng chọn mức đánh giá.") == 3
    assert not SatisfactionRating.objects.exists()


# ---------------------------------------------------------------------------- public rating page


def public_post(code, digits="5678", **scores):
    data = {"ma": code, "sdt": digits}
    if scores:
        data.update(step="rate", **{key: str(value) for key, value in scores.items()})
    return data


def test_public_rating_with_code_and_last_four_digits(client, returned_dossier):
    step1 = client.post("/danh-gia/", public_post(returned_dossier.code))
    assert step1.status_code == 200
    html = step1.content.decode()
    assert "Gửi đánh giá" in html
    assert returned_dossier.applicant_name not in html
    assert returned_dossier.applicant_phone not in html
    step2 = client.post("/danh-gia/", public_post(returned_dossier.code, **SCORES))
    assert step2.status_code == 302
    assert step2["Location"] == "/danh-gia/cam-on/"
    rating = SatisfactionRating.objects.get()
    assert rating.channel == Channel.ONLINE
    assert rating.recorded_by is None


def test_public_rating_with_wrong_digits_finds_nothing(client, returned_dossier):
    response = client.post("/danh-gia/", public_post(returned_dossier.code, digits="0000", **SCORES))
    assert response.status_code == 200
    assert "Không tìm thấy hồ sơ" in response.content.decode()
    assert not SatisfactionRating.objects.exists()


def test_public_rating_prefills_and_changes_within_the_window(client, returned_dossier, frozen_now):
    client.post("/danh-gia/", public_post(returned_dossier.code, **SCORES))
    frozen_now.move_to(vn(2026, 11, 30, 20, 0))
    again = client.post("/danh-gia/", public_post(returned_dossier.code))
    assert "có thể sửa đánh giá đến hết ngày 02/12/2026" in again.content.decode()
    assert again.content.decode().count(" checked") == 4  # the saved scores are prefilled
    client.post("/danh-gia/", public_post(returned_dossier.code, **{**SCORES, "result_score": 1}))
    assert SatisfactionRating.objects.get().result_score == 1
    frozen_now.move_to(vn(2026, 12, 3, 9, 0))
    late = client.post("/danh-gia/", public_post(returned_dossier.code, **{**SCORES, "result_score": 5}))
    assert late.status_code == 409
    assert "chỉ được sửa đánh giá đến hết ngày 02/12/2026" in late.content.decode()
    assert SatisfactionRating.objects.get().result_score == 1


def test_public_rating_of_an_unreturned_dossier_is_409(client, procedure, officer):
    dossier = factories.receive_dossier(procedure=procedure, actor=officer)
    response = client.post("/danh-gia/", public_post(dossier.code, **SCORES))
    assert response.status_code == 409
    assert "chưa trả kết quả" in response.content.decode()


def test_public_rating_is_rate_limited(client, returned_dossier, settings):
    settings.PUBLIC_GUESS_LIMIT = 3
    for _ in range(3):
        assert client.post("/danh-gia/", public_post(returned_dossier.code, digits="0000")).status_code == 200
    blocked = client.post("/danh-gia/", public_post(returned_dossier.code, **SCORES))
    assert blocked.status_code == 429
    assert blocked["Retry-After"] == "600"
    assert not SatisfactionRating.objects.exists()


def test_lookup_result_links_to_the_rating_page_only_when_returned(client, procedure, officer, head):
    waiting = factories.receive_dossier(procedure=procedure, actor=officer, applicant_phone="0912000111")
    done = returned(procedure=procedure, actor=head, applicant_phone="0912000222")
    page = client.post("/tra-cuu/", {"ma": waiting.code, "sdt": "0111"}).content.decode()
    assert "Đánh giá mức độ hài lòng" not in page
    page = client.post("/tra-cuu/", {"ma": done.code, "sdt": "0222"}).content.decode()
    assert "Đánh giá mức độ hài lòng" in page
    assert 'action="/danh-gia/"' in page
    # The button re-posts what the citizen just typed, straight to the scores.
    step2 = client.post("/danh-gia/", {"ma": done.code, "sdt": "0222"})
    assert "Gửi đánh giá" in step2.content.decode()
