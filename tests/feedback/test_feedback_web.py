"""Feedback pages: the public form (honeypot, rate limit), the answer look-up, and the staff pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from feedback.models import FeedbackItem
from feedback.services import feedback_answer, feedback_receive
from tests import factories

pytestmark = pytest.mark.django_db

Category = FeedbackItem.Category
CONTACT = {"contact_name": "Đỗ Minh Khoa", "contact_phone": "0903123456", "contact_email": "khoa@example.vn"}


def form_data(agency, **overrides):
    data = {
        "agency": str(agency.pk),
        "category": "complaint",
        "content": "Quầy số 2 không có người trực buổi chiều.",
        "dossier_code": "",
        **CONTACT,
        "website": "",
    }
    data.update(overrides)
    return data


def assert_no_contact(html: str) -> None:
    for value in CONTACT.values():
        assert value not in html


# ---------------------------------------------------------------------------- public form


def test_public_form_renders_for_phones(client, agency):
    html = client.get("/gop-y/").content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "feedback/feedback.css" in html
    assert 'class="hp" aria-hidden="true"' in html  # the honeypot is hidden from people
    assert agency.name in html


def test_public_submission_shows_code_and_token_once(client, agency):
    response = client.post("/gop-y/", form_data(agency))
    assert response.status_code == 302
    assert response["Location"] == "/gop-y/da-gui/"
    item = FeedbackItem.objects.get()
    assert (item.channel, item.category, item.recorded_by) == ("web", "complaint", None)
    assert item.code == f"PAKN-{agency.code}-20261125-0001"
    sent = client.get("/gop-y/da-gui/")
    html = sent.content.decode()
    assert item.code in html
    token = re.search(r'class="token">([A-Z0-9]{4}-[A-Z0-9]{4})<', html).group(1)
    assert_no_contact(html)
    # Shown once: the session forgets it.
    assert client.get("/gop-y/da-gui/")["Location"] == "/gop-y/"
    # And it opens the answer.
    found = client.post("/gop-y/tra-cuu/", {"ma": item.code, "ma_bi_mat": token, "sdt": ""})
    assert "Cơ quan đang xem xét, chưa có câu trả lời." in found.content.decode()


def test_honeypot_rejects_the_submission(client, agency):
    response = client.post("/gop-y/", form_data(agency, website="http://spam.example"))
    assert response.status_code == 400
    assert "Không gửi được góp ý" in response.content.decode()
    assert not FeedbackItem.objects.exists()


def test_public_form_rejects_floods(client, agency, settings):
    settings.FEEDBACK_PUBLIC_SUBMIT_LIMIT = 5
    for _ in range(5):
        assert client.post("/gop-y/", form_data(agency)).status_code == 302
    flood = client.post("/gop-y/", form_data(agency))
    assert flood.status_code == 429
    assert flood["Retry-After"] == "600"
    assert "quá nhiều lần" in flood.content.decode()
    assert FeedbackItem.objects.count() == 5
    # Another address is not affected.
    assert client.post("/gop-y/", form_data(agency), REMOTE_ADDR="10.9.8.7").status_code == 302


def test_bot_posts_count_against_the_limit_too(client, agency, settings):
    settings.FEEDBACK_PUBLIC_SUBMIT_LIMIT = 2
    for _ in range(2):
        client.post("/gop-y/", form_data(agency, website="x"))
    assert client.post("/gop-y/", form_data(agency)).status_code == 429


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"contact_phone": "", "contact_email": ""}, "Cần ít nhất số điện thoại hoặc thư điện tử"),
        ({"contact_phone": "123"}, "Số điện thoại không đúng định dạng"),
        ({"content": ""}, "Cần nhập nội dung."),
    ],
)
def test_public_form_explains_errors(client, agency, overrides, message):
    response = client.post("/gop-y/", form_data(agency, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not FeedbackItem.objects.exists()


def test_public_form_does_not_say_whether_a_dossier_code_exists(client, agency, returned_dossier):
    """Without the phone digits, an existing code and an unknown one get the same answer."""
    answers = [
        client.post("/gop-y/", form_data(agency, dossier_code=code))
        for code in (returned_dossier.code, "KHONG-CO-0001")
    ]
    assert [response.status_code for response in answers] == [302, 302]
    assert {response["Location"] for response in answers} == {"/gop-y/da-gui/"}
    linked, unlinked = FeedbackItem.objects.order_by("pk")
    assert (linked.dossier, unlinked.dossier) == (returned_dossier, None)
    # The typed code is kept for the staff, in the same words whether it matched or not.
    assert linked.content.endswith(f"\n\nMã hồ sơ người gửi ghi: {returned_dossier.code}")
    assert unlinked.content.endswith("\n\nMã hồ sơ người gửi ghi: KHONG-CO-0001")


def test_public_form_links_a_dossier_of_the_agency(client, agency, returned_dossier):
    client.post("/gop-y/", form_data(agency, dossier_code=returned_dossier.code.lower()))
    item = FeedbackItem.objects.get()
    assert (item.dossier, item.procedure) == (returned_dossier, returned_dossier.procedure)


# ---------------------------------------------------------------------------- answer look-up


@pytest.fixture
def answered(agency, head):
    receipt = feedback_receive(
        agency=agency, channel="web", category=Category.RECOMMENDATION, content="Kéo dài giờ làm việc thứ Bảy.",
        **CONTACT,
    )
    feedback_answer(item=receipt.item, actor=head, answer="Cơ quan sẽ bố trí trực sáng thứ Bảy từ tháng 12.")
    return receipt


def test_lookup_by_token_shows_the_answer_and_no_contact(client, answered):
    response = client.post("/gop-y/tra-cuu/", {"ma": answered.item.code.lower(), "ma_bi_mat": answered.token.lower()})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cơ quan sẽ bố trí trực sáng thứ Bảy từ tháng 12." in html
    assert "Đã trả lời" in html
    assert_no_contact(html)
    assert "Lan" not in html  # nor the officer who answered


def test_lookup_by_last_four_phone_digits(client, answered):
    response = client.post("/gop-y/tra-cuu/", {"ma": answered.item.code, "sdt": "3456"})
    assert "Cơ quan sẽ bố trí" in response.content.decode()


@pytest.mark.parametrize("data", [{"ma_bi_mat": "AAAA-AAAA"}, {"sdt": "0000"}])
def test_lookup_with_a_wrong_secret_finds_nothing(client, answered, data):
    html = client.post("/gop-y/tra-cuu/", {"ma": answered.item.code, **data}).content.decode()
    assert "Không tìm thấy góp ý" in html
    assert "Cơ quan sẽ bố trí" not in html


def test_lookup_needs_a_secret(client, answered):
    html = client.post("/gop-y/tra-cuu/", {"ma": answered.item.code}).content.decode()
    assert "Cần nhập mã bí mật hoặc 4 số cuối điện thoại." in html


def test_lookup_is_rate_limited(client, answered, settings):
    settings.FEEDBACK_PUBLIC_LOOKUP_LIMIT = 3
    for _ in range(3):
        client.post("/gop-y/tra-cuu/", {"ma": answered.item.code, "sdt": "0000"})
    blocked = client.post("/gop-y/tra-cuu/", {"ma": answered.item.code, "ma_bi_mat": answered.token})
    assert blocked.status_code == 429
    assert "Cơ quan sẽ bố trí" not in blocked.content.decode()


# ---------------------------------------------------------------------------- staff pages


@pytest.fixture
def item(agency):
    return feedback_receive(
        agency=agency, channel="web", category=Category.COMPLAINT, content="Nội dung phản ánh", **CONTACT
    ).item


@pytest.fixture
def other_item(other_agency):
    return feedback_receive(
        agency=other_agency, channel="web", category=Category.COMMENT, content="Góp ý cơ quan khác", **CONTACT
    ).item


def test_staff_list_shows_own_agency_only(client, officer, item, other_item):
    client.force_login(officer)
    html = client.get("/pakn/").content.decode()
    assert item.code in html
    assert other_item.code not in html
    assert "Góp ý &amp; hài lòng" in html  # the nav link


def test_staff_list_filters(client, officer, item, frozen_now):
    client.force_login(officer)
    assert item.code in client.get("/pakn/", {"category": "complaint", "status": "", "q": ""}).content.decode()
    assert item.code not in client.get("/pakn/", {"category": "comment"}).content.decode()
    assert item.code not in client.get("/pakn/", {"overdue": "true"}).content.decode()
    frozen_now.move_to(item.due_at + dt.timedelta(minutes=1))
    client.force_login(officer)  # the first session has expired by then
    assert item.code in client.get("/pakn/", {"overdue": "true"}).content.decode()


def test_staff_pages_of_another_agency_are_404(client, head, other_item):
    client.force_login(head)
    assert client.get(f"/pakn/{other_item.code}/").status_code == 404
    answer = client.post(f"/pakn/{other_item.code}/thao-tac/answered/", {"answered-answer": "Trả lời"})
    assert answer.status_code == 404
    other_item.refresh_from_db()
    assert other_item.status == FeedbackItem.Status.RECEIVED


def test_staff_detail_shows_contact_and_answers(client, head, item):
    client.force_login(head)
    page = client.get(f"/pakn/{item.code}/")
    html = page.content.decode()
    assert CONTACT["contact_phone"] in html  # staff see the contact
    assert "Trả lời" in html and "Phân công xử lý" in html
    response = client.post(f"/pakn/{item.code}/thao-tac/answered/", {"answered-answer": "Đã chấn chỉnh quầy số 2."})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.answer, item.answered_by) == ("answered", "Đã chấn chỉnh quầy số 2.", head)


def test_staff_assign_offers_only_the_agencys_officers(client, head, specialist, other_head, item):
    client.force_login(head)
    html = client.get(f"/pakn/{item.code}/").content.decode()
    assert f'value="{specialist.pk}"' in html
    assert f'value="{other_head.pk}"' not in html
    response = client.post(f"/pakn/{item.code}/thao-tac/assigned/", {"assigned-assignee": str(specialist.pk)})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.assignee == specialist


def test_staff_disallowed_transition_is_409(client, head, item):
    client.force_login(head)
    response = client.post(f"/pakn/{item.code}/thao-tac/closed/", {"closed-note": ""})
    assert response.status_code == 409
    assert f"Phản ánh {item.code} mới tiếp nhận, không thể đóng." in response.content.decode()


def test_staff_empty_answer_stays_on_the_page(client, head, item):
    client.force_login(head)
    response = client.post(f"/pakn/{item.code}/thao-tac/answered/", {"answered-answer": " "})
    assert response.status_code == 200
    assert "Cần nhập nội dung trả lời." in response.content.decode()


def test_staff_actions_need_the_change_permission(client, statistician, item):
    client.force_login(statistician)
    assert client.get(f"/pakn/{item.code}/").status_code == 200
    assert client.post(f"/pakn/{item.code}/thao-tac/answered/", {"answered-answer": "x"}).status_code == 403


def test_staff_record_form_shows_the_token_once(client, officer, agency, procedure):
    client.force_login(officer)
    data = {
        "channel": "hotline", "category": "comment", "content": "Gọi đường dây nóng góp ý về bãi giữ xe.",
        "dossier_code": "", "procedure": str(procedure.pk), "contact_name": "Bà Tư", "contact_phone": "0912 000 111",
        "contact_email": "", "contact_address": "", "received_at": "2026-11-20T16:30",
    }
    response = client.post("/pakn/ghi-nhan/", data)
    item = FeedbackItem.objects.get()
    assert response["Location"] == f"/pakn/{item.code}/"
    assert (item.channel, item.recorded_by, item.procedure, item.contact_phone) == (
        "hotline", officer, procedure, "0912000111"
    )
    assert item.code == f"PAKN-{agency.code}-20261120-0001"
    first = client.get(response["Location"]).content.decode()
    assert re.search(r'class="token">[A-Z0-9]{4}-[A-Z0-9]{4}<', first)
    assert 'class="token"' not in client.get(response["Location"]).content.decode()


def test_staff_record_form_refuses_web_channel_and_foreign_dossier(client, officer, other_returned):
    client.force_login(officer)
    data = {
        "channel": "web", "category": "comment", "content": "x", "contact_name": "A", "contact_phone": "0912000111",
    }
    assert client.post("/pakn/ghi-nhan/", data).status_code == 200
    data.update(channel="email", dossier_code=other_returned.code)
    html = client.post("/pakn/ghi-nhan/", data).content.decode()
    assert "Không có hồ sơ này trong cơ quan." in html
    assert not FeedbackItem.objects.exists()


def test_staff_pages_need_a_login(client, item):
    for url in ("/pakn/", f"/pakn/{item.code}/", "/pakn/ghi-nhan/", "/hai-long/tai-quay/", "/hai-long/bao-cao/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/dang-nhap/" in response["Location"]


def test_public_pages_need_no_login_and_link_each_other(client):
    for url in ("/gop-y/", "/gop-y/tra-cuu/", "/danh-gia/"):
        assert client.get(url).status_code == 200, url
    assert "/gop-y/tra-cuu/" in client.get("/gop-y/").content.decode()


def test_unknown_staff_action_is_404(client, head, item):
    client.force_login(head)
    assert client.post(f"/pakn/{item.code}/thao-tac/delete/").status_code == 404


def test_province_wide_account_without_agency_cannot_record_on_the_web(client, agency):
    from accounts.roles import DEPARTMENT_HEAD

    province = factories.staff(agency=None, roles=[DEPARTMENT_HEAD], province_wide=True, username="tinh")
    client.force_login(province)
    data = {
        "channel": "email", "category": "comment", "content": "x", "contact_name": "A", "contact_phone": "0912000111",
    }
    html = client.post("/pakn/ghi-nhan/", data).content.decode()
    assert "Tài khoản chưa gắn với cơ quan nào" in html
