"""Apology letter pages: review list, letter page and its actions, hand drafting, Mẫu 04 print and .docx.

Time is frozen at Wed 25/11/2026 09:00 (+07:00); Tue 24/11/2026 is a public holiday.
"""

from __future__ import annotations

import copy
import datetime as dt
import html as html_lib
import io
import re

import docx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from docx.table import Table

from accounts.roles import ADMINISTRATOR, DEPARTMENT_HEAD, SPECIALIST
from apology_letters import documents, services
from apology_letters.models import PLACEHOLDER_REASON, ApologyLetter
from apology_letters.web.views import content_disposition, lateness
from dossiers import services as dossier_services
from dossiers.models import Dossier
from procedures.calendar import VN_TZ
from tests import factories

pytestmark = pytest.mark.django_db

REASON = "Chờ ý kiến thẩm định của Bộ Giáo dục và Đào tạo về văn bằng do nước ngoài cấp"


def vn(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN_TZ)


@pytest.fixture
def agency(db):
    return factories.AgencyFactory(
        name="Sở Giáo dục và Đào tạo tỉnh Bình Minh", parent_name="Ủy ban nhân dân tỉnh Bình Minh"
    )


@pytest.fixture
def procedure(agency):
    return factories.ProcedureFactory(
        field__agency=agency, name="Công nhận văn bằng do cơ sở giáo dục nước ngoài cấp",
        processing_amount=4, apology_extension_days=5,
    )


@pytest.fixture
def head_web(client, head):
    client.force_login(head)
    return client


def receive(procedure, actor, at, **fields) -> Dossier:
    return factories.receive_dossier(procedure=procedure, actor=actor, received_at=at, **fields)


@pytest.fixture
def late_dossier(procedure, head):
    # Mon 16/11 14:00 + 4 working days = Fri 20/11 14:00; by now 3 h + Mon 8 h + Wed 2 h late.
    dossier = receive(procedure, head, vn(2026, 11, 16, 14, 0))
    assert dossier.due_at == vn(2026, 11, 20, 14, 0)
    return dossier


@pytest.fixture
def letter(late_dossier) -> ApologyLetter:
    (drafted,) = services.sweep_late_dossiers(at=vn(2026, 11, 25, 9, 0)).drafted
    # Five working days after now (later than the due): 25 (6 h), 26, 27, 30/11, 1/12, 2/12 until 09:00.
    assert drafted.new_due_at == vn(2026, 12, 2, 9, 0)
    return drafted


@pytest.fixture
def issued(letter, head) -> ApologyLetter:
    services.letter_update(letter=letter, actor=head, reason=REASON)
    return services.letter_issue(
        letter=letter, actor=head, sent_via="counter", signer_name="Lê Minh Tuấn", signer_title="Phó Giám đốc"
    )


@pytest.fixture
def outsider_web(client):
    other = factories.AgencyFactory(code="KHAC", letter_prefix="PGDĐT")
    client.force_login(factories.staff(agency=other, roles=[DEPARTMENT_HEAD], username="lanhdao_khac"))
    return client


def text_of(page: str) -> str:
    """The visible text of the printed letter: one line per block, spaces collapsed."""
    article = page[page.index("<article"):page.index("</article>")]
    article = re.sub(r"</(p|div|h1|li)>|<br\s*/?>", "\n", article)
    article = html_lib.unescape(re.sub(r"<[^>]+>", "", article))
    return "\n".join(" ".join(line.split()) for line in article.splitlines() if line.strip())


def assert_in_order(text: str, parts: list[str]) -> None:
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} missing (or out of order) after …{text[max(0, position - 80):position]!r}"
        position = found + len(part)


def docx_lines(content: bytes) -> list[str]:
    """Every non-empty paragraph of a .docx in reading order, table cells left to right."""
    document = docx.Document(io.BytesIO(content))
    lines = []
    for block in document.iter_inner_content():
        paragraphs = (
            [p for row in block.rows for cell in row.cells for p in cell.paragraphs]
            if isinstance(block, Table) else [block]
        )
        lines += [p.text for p in paragraphs if p.text.strip()]
    return lines


MAU04_ISSUED = [
    "ỦY BAN NHÂN DÂN TỈNH BÌNH MINH",
    "SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH BÌNH MINH",
    "Số: 01/PXL-SGDĐT",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Bình Minh, ngày 25 tháng 11 năm 2026",
    "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
    "Kính gửi: Ông/Bà Nguyễn Văn Hùng",
    "Sở Giáo dục và Đào tạo tỉnh Bình Minh tiếp nhận hồ sơ của Ông/Bà Nguyễn Văn Hùng "
    "vào lúc 14 giờ 00 phút, ngày 16/11/2026, mã hồ sơ {code}, "
    "giải quyết thủ tục Công nhận văn bằng do cơ sở giáo dục nước ngoài cấp.",
    "Theo giấy tiếp nhận và hẹn trả kết quả, ngày hẹn trả kết quả giải quyết hồ sơ của Ông/Bà là "
    "14 giờ 00 phút, ngày 20/11/2026.",
    "không thể trả kết quả giải quyết hồ sơ cho Ông/Bà đúng thời hạn đã hẹn.",
    f"Lý do: {REASON}",
    "Sở Giáo dục và Đào tạo tỉnh Bình Minh xin lỗi Ông/Bà vì sự bất tiện này và hẹn lại ngày trả kết quả "
    "vào 09 giờ 00 phút, ngày 02 tháng 12 năm 2026.",
    "Trân trọng./.",
    "Nơi nhận:",
    "- Như trên;",
    "- Bộ phận Một cửa;",
    "- Lưu: VT.",
    "PHÓ GIÁM ĐỐC",
    "Lê Minh Tuấn",
]


def mau04_issued(code: str) -> list[str]:
    return [part.replace("{code}", code) for part in MAU04_ISSUED]


# ---------------------------------------------------------------------------- review page


def test_review_lists_drafts_first_with_how_late(head_web, head, procedure, letter, late_dossier):
    ahead = receive(procedure, head, vn(2026, 11, 20, 9, 0), applicant_name="Trần Thị Bình")  # due Fri 27/11 09:00
    by_hand = services.letter_draft(dossier=ahead, actor=head, reason="Chờ xác minh tại trường cấp")
    done = receive(procedure, head, vn(2026, 11, 2, 9, 0), applicant_name="Lê Hoàng Cường")
    issued = services.letter_draft(dossier=done, actor=head, reason="Chờ xác minh", at=vn(2026, 11, 5, 9, 0))
    services.letter_issue(letter=issued, actor=head, sent_via="post", at=vn(2026, 11, 5, 10, 0))
    gone = receive(procedure, head, vn(2026, 11, 3, 9, 0), applicant_name="Phạm Thị Dung")
    cancelled = services.letter_draft(dossier=gone, actor=head, reason="Nhầm", at=vn(2026, 11, 5, 9, 0))
    services.letter_cancel(letter=cancelled, actor=head, reason="Hồ sơ có kết quả đúng hẹn")

    response = head_web.get("/phieu-xin-loi/")
    assert response.status_code == 200
    page = response.content.decode()
    drafts = page[page.index('id="drafts-title"'):page.index('id="done-title"')]
    # The overdue one first (earliest appointment), with how late in working time.
    assert_in_order(drafts, [
        f'href="/ho-so/{late_dossier.code}/"', "Nguyễn Văn Hùng", "Công nhận văn bằng do cơ sở giáo dục",
        "20/11/2026 14:00", "quá hạn 1 ngày làm việc 5 giờ", "02/12/2026 09:00", PLACEHOLDER_REASON,
        f'href="/ho-so/{ahead.code}/"', "Trần Thị Bình", "27/11/2026 09:00", "còn 2 ngày làm việc",
        "Chờ xác minh tại trường cấp",
    ])
    assert f'href="/phieu-xin-loi/{by_hand.pk}/"' in drafts
    assert done.code not in drafts and gone.code not in drafts
    processed = page[page.index('id="done-title"'):]
    assert done.code in processed and gone.code in processed
    assert "Đã ban hành" in processed and "Đã hủy" in processed and "Hồ sơ có kết quả đúng hẹn" in processed

    only_issued = head_web.get("/phieu-xin-loi/", {"trang_thai": "issued"}).content.decode()
    assert done.code in only_issued and gone.code not in only_issued
    only_cancelled = head_web.get("/phieu-xin-loi/", {"trang_thai": "cancelled"}).content.decode()
    assert gone.code in only_cancelled and done.code not in only_cancelled


def test_review_query_count_does_not_grow_with_letters(head_web, head, procedure):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert head_web.get("/phieu-xin-loi/").status_code == 200
        return len(queries)

    for day in (2, 3, 4):
        receive(procedure, head, vn(2026, 11, day, 9, 0))
    first = services.sweep_late_dossiers().drafted
    services.letter_issue(letter=first[0], actor=head, sent_via="post", reason="Chờ xác minh")
    head_web.get("/phieu-xin-loi/")  # the agency's working calendar is loaded once per process
    two = count_queries()

    for day in (5, 6, 9, 10, 11, 12, 13):
        receive(procedure, head, vn(2026, 11, day, 9, 0))
    letters = services.sweep_late_dossiers().drafted
    services.letter_issue(letter=letters[0], actor=head, sent_via="sms", reason="Chờ xác minh")
    services.letter_cancel(letter=letters[1], actor=head, reason="Nhầm hồ sơ")
    assert ApologyLetter.objects.count() == 10
    assert count_queries() == two


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (vn(2026, 11, 25, 9, 0), "quá hạn 1 ngày làm việc 5 giờ"),
        (vn(2026, 11, 23, 8, 15), "quá hạn 4 giờ 15 phút"),
        (vn(2026, 11, 21, 10, 0), "quá hạn 3 giờ"),  # Saturday: no working time since Friday's close
        (vn(2026, 11, 20, 14, 0), "đến hạn"),
        (vn(2026, 11, 20, 13, 30), "còn 30 phút"),
        (vn(2026, 11, 19, 14, 0), "còn 1 ngày làm việc"),
    ],
)
def test_how_late_is_counted_in_working_time(letter, now, expected):
    assert lateness(letter, now).text == expected


def test_review_needs_the_view_permission_and_shows_in_the_nav(client, head_web, agency):
    assert 'href="/phieu-xin-loi/">Phiếu xin lỗi</a>' in head_web.get("/ho-so/").content.decode()
    client.force_login(factories.staff(agency=agency, roles=[ADMINISTRATOR], username="quantri"))
    assert client.get("/phieu-xin-loi/").status_code == 403
    assert "Phiếu xin lỗi" not in client.get("/ho-so/").content.decode()


# ---------------------------------------------------------------------------- the letter page and its actions


def test_letter_page_shows_the_draft_and_its_forms(head_web, letter, late_dossier):
    page = head_web.get(f"/phieu-xin-loi/{letter.pk}/").content.decode()
    assert "Phiếu xin lỗi số 01/PXL-SGDĐT" in page
    assert "quá hạn 1 ngày làm việc 5 giờ" in page
    assert f'href="/ho-so/{late_dossier.code}/"' in page
    assert "hệ thống (rà soát tự động)" in page
    for action in ("sua", "ban-hanh", "huy"):
        assert f'action="/phieu-xin-loi/{letter.pk}/{action}/"' in page
    assert 'value="2026-12-02T09:00"' in page  # the proposed date, in Vietnam time
    assert f'placeholder="{PLACEHOLDER_REASON}"' in page


def test_edit_reason_and_date(head_web, letter):
    response = head_web.post(
        f"/phieu-xin-loi/{letter.pk}/sua/", {"edit-reason": REASON, "edit-new_due_at": "2026-12-03T10:00"}
    )
    assert response.status_code == 302 and response["Location"] == f"/phieu-xin-loi/{letter.pk}/"
    letter.refresh_from_db()
    assert (letter.reason, letter.new_due_at, letter.status) == (REASON, vn(2026, 12, 3, 10, 0), "draft")
    page = head_web.get(response["Location"]).content.decode()
    assert "Đã lưu dự thảo phiếu số 01/PXL-SGDĐT: hẹn lại 10:00 03/12/2026." in page
    # An empty date keeps the current one.
    head_web.post(f"/phieu-xin-loi/{letter.pk}/sua/", {"edit-reason": "Lý do khác", "edit-new_due_at": ""})
    letter.refresh_from_db()
    assert (letter.reason, letter.new_due_at) == ("Lý do khác", vn(2026, 12, 3, 10, 0))


def test_weekend_new_date_and_empty_reason_are_shown_next_to_the_fields(head_web, letter):
    response = head_web.post(
        f"/phieu-xin-loi/{letter.pk}/sua/", {"edit-reason": "", "edit-new_due_at": "2026-11-28T09:00"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    # The service stops at the first problem it finds; the reason comes first.
    assert '<div class="field-error" id="id_edit-reason_error"><p>Cần nêu lý do trễ hẹn.</p></div>' in page
    response = head_web.post(
        f"/phieu-xin-loi/{letter.pk}/sua/", {"edit-reason": REASON, "edit-new_due_at": "2026-11-28T09:00"}
    )
    page = response.content.decode()
    assert (
        '<div class="field-error" id="id_edit-new_due_at_error"><p>Ngày hẹn mới phải là ngày làm việc.</p></div>'
        in page
    )
    assert 'value="2026-11-28T09:00"' in page  # what was typed stays in the box
    letter.refresh_from_db()
    assert (letter.reason, letter.new_due_at) == (PLACEHOLDER_REASON, vn(2026, 12, 2, 9, 0))


def test_issue_through_the_page(head_web, head, letter, late_dossier):
    url = f"/phieu-xin-loi/{letter.pk}/ban-hanh/"
    no_channel = head_web.post(url, {"issue-sent_via": ""}).content.decode()
    assert 'id="id_issue-sent_via_error"><p>Chọn hình thức gửi: trực tiếp, bưu chính, thư điện tử hoặc SMS.</p>' in (
        no_channel
    )
    placeholder = head_web.post(url, {"issue-sent_via": "counter"}).content.decode()
    assert "Cần cập nhật lý do trễ hẹn trước khi ban hành." in placeholder
    letter.refresh_from_db()
    assert letter.status == "draft"

    services.letter_update(letter=letter, actor=head, reason=REASON)
    response = head_web.post(url, {"issue-sent_via": "post", "issue-signer_name": "", "issue-signer_title": ""})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert (letter.status, letter.sent_via, letter.issued_by, letter.issued_at) == (
        "issued", "post", head, vn(2026, 11, 25, 9, 0)
    )
    assert (letter.signer_name, letter.signer_title) == ("Trần Văn Bình", "Giám đốc")  # the agency's head
    late_dossier.refresh_from_db()
    assert late_dossier.appointment_at == vn(2026, 12, 2, 9, 0)
    page = head_web.get(response["Location"]).content.decode()
    assert f"Đã ban hành phiếu số 01/PXL-SGDĐT. Hồ sơ {late_dossier.code} hẹn lại trả kết quả 09:00 02/12/2026." in page
    assert "/ban-hanh/" not in page and "Phiếu đã ban hành, không còn thao tác nào." in page
    # Editing an issued letter is a conflict.
    again = head_web.post(f"/phieu-xin-loi/{letter.pk}/sua/", {"edit-reason": "x", "edit-new_due_at": ""})
    assert again.status_code == 409 and "Phiếu đã ban hành, không thể sửa." in again.content.decode()


def test_counter_officer_may_read_but_not_issue(client, officer, letter, head):
    services.letter_update(letter=letter, actor=head, reason=REASON)
    client.force_login(officer)
    page = client.get(f"/phieu-xin-loi/{letter.pk}/").content.decode()
    assert "Tài khoản của bạn chỉ được xem phiếu." in page and "/ban-hanh/" not in page
    assert client.post(f"/phieu-xin-loi/{letter.pk}/ban-hanh/", {"issue-sent_via": "counter"}).status_code == 403
    assert client.post(f"/phieu-xin-loi/{letter.pk}/huy/", {"cancel-reason": "x"}).status_code == 403
    assert client.post(f"/phieu-xin-loi/{letter.pk}/sua/", {"edit-reason": "x"}).status_code == 403
    letter.refresh_from_db()
    assert letter.status == "draft"
    assert client.get(f"/phieu-xin-loi/{letter.pk}/ban-hanh/").status_code == 405  # an action is a POST only


def test_cancel_then_issuing_is_a_409(head_web, letter):
    empty = head_web.post(f"/phieu-xin-loi/{letter.pk}/huy/", {"cancel-reason": "  "})
    assert empty.status_code == 200
    assert 'id="id_cancel-reason_error"><p>Cần nêu lý do hủy phiếu.</p>' in empty.content.decode()
    response = head_web.post(f"/phieu-xin-loi/{letter.pk}/huy/", {"cancel-reason": "Hồ sơ sẽ có kết quả hôm nay"})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert (letter.status, letter.cancelled_reason) == ("cancelled", "Hồ sơ sẽ có kết quả hôm nay")

    response = head_web.post(f"/phieu-xin-loi/{letter.pk}/ban-hanh/", {"issue-sent_via": "counter"})
    assert response.status_code == 409
    page = response.content.decode()
    assert '<div class="alert alert--error" role="alert"><p>Phiếu đã hủy, không thể ban hành.</p></div>' in page
    assert "Hồ sơ sẽ có kết quả hôm nay" in page
    letter.refresh_from_db()
    assert letter.status == "cancelled"


def test_actions_only_accept_post(head_web, letter):
    assert head_web.get(f"/phieu-xin-loi/{letter.pk}/sua/").status_code == 405


# ---------------------------------------------------------------------------- drafting by hand


def test_draft_by_hand_from_the_dossier(head_web, head, procedure):
    dossier = receive(procedure, head, vn(2026, 11, 20, 9, 0))  # due Fri 27/11 09:00
    url = f"/ho-so/{dossier.code}/xin-loi/"
    form = head_web.get(url)
    assert form.status_code == 200
    # Proposed: five working days after the appointment (27/11 09:00): 30/11, 1, 2, 3, 4/12.
    assert "Để trống: đề xuất 09:00 04/12/2026." in form.content.decode()

    weekend = head_web.post(url, {"reason": "Chờ xác minh", "new_due_at": "2026-12-05T09:00"})
    assert 'id="id_new_due_at_error"><p>Ngày hẹn mới phải là ngày làm việc.</p>' in weekend.content.decode()
    no_reason = head_web.post(url, {"reason": "", "new_due_at": ""})
    assert 'id="id_reason_error"><p>Cần nêu lý do trễ hẹn.</p>' in no_reason.content.decode()
    assert not ApologyLetter.objects.exists()

    response = head_web.post(url, {"reason": "Chờ xác minh tại trường cấp", "new_due_at": ""})
    letter = ApologyLetter.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/phieu-xin-loi/{letter.pk}/"
    assert (letter.drafted_by, letter.new_due_at) == (head, vn(2026, 12, 4, 9, 0))
    assert letter.reason == "Chờ xác minh tại trường cấp"
    assert "Đã lập dự thảo phiếu xin lỗi số 01/PXL-SGDĐT" in head_web.get(response["Location"]).content.decode()

    second = head_web.post(url, {"reason": "Lần nữa", "new_due_at": ""})
    assert second.status_code == 409
    assert "Hồ sơ đã có phiếu xin lỗi đang dự thảo." in second.content.decode()
    assert ApologyLetter.objects.count() == 1


def test_drafting_needs_the_add_permission_and_an_open_dossier(client, head, officer, procedure):
    dossier = receive(procedure, head, vn(2026, 11, 20, 9, 0))
    client.force_login(officer)
    assert client.get(f"/ho-so/{dossier.code}/xin-loi/").status_code == 403
    specialist = factories.staff(agency=procedure.agency, roles=[SPECIALIST], username="chuyenvien")
    client.force_login(specialist)
    assert client.get(f"/ho-so/{dossier.code}/xin-loi/").status_code == 200

    head_web = client
    head_web.force_login(head)

    dossier_services.dossier_finish(dossier=dossier, actor=head)
    page = head_web.get(f"/ho-so/{dossier.code}/xin-loi/").content.decode()
    assert "không lập phiếu xin lỗi được" in page and 'name="reason"' not in page
    closed = head_web.post(f"/ho-so/{dossier.code}/xin-loi/", {"reason": "Chờ", "new_due_at": ""})
    assert closed.status_code == 409
    assert "Hồ sơ không còn đang giải quyết, không thể lập phiếu xin lỗi." in closed.content.decode()


def test_dossier_page_lists_its_letters(client, head_web, officer, letter, late_dossier):
    page = head_web.get(f"/ho-so/{late_dossier.code}/").content.decode()
    assert f'href="/phieu-xin-loi/{letter.pk}/">Số 01/PXL-SGDĐT</a> – Dự thảo, hẹn lại 02/12/2026 09:00' in page
    assert f'href="/ho-so/{late_dossier.code}/xin-loi/">Lập phiếu xin lỗi</a>' in page
    client.force_login(officer)  # may read letters, may not draft them
    page = client.get(f"/ho-so/{late_dossier.code}/").content.decode()
    assert "Số 01/PXL-SGDĐT" in page and "Lập phiếu xin lỗi" not in page


# ---------------------------------------------------------------------------- scoping


def test_another_agencys_letter_is_a_404_on_every_page(outsider_web, letter, late_dossier):
    for url in ("", "in/", "tai-ve.docx"):
        assert outsider_web.get(f"/phieu-xin-loi/{letter.pk}/{url}").status_code == 404, url
    assert outsider_web.post(f"/phieu-xin-loi/{letter.pk}/sua/", {"edit-reason": "x"}).status_code == 404
    assert outsider_web.post(f"/phieu-xin-loi/{letter.pk}/ban-hanh/", {"issue-sent_via": "sms"}).status_code == 404
    assert outsider_web.post(f"/phieu-xin-loi/{letter.pk}/huy/", {"cancel-reason": "x"}).status_code == 404
    assert outsider_web.get(f"/ho-so/{late_dossier.code}/xin-loi/").status_code == 404
    assert outsider_web.post(f"/ho-so/{late_dossier.code}/xin-loi/", {"reason": "x"}).status_code == 404
    listing = outsider_web.get("/phieu-xin-loi/").content.decode()
    assert late_dossier.code not in listing and "Không có phiếu dự thảo nào chờ ký." in listing
    letter.refresh_from_db()
    assert (letter.status, letter.reason) == ("draft", PLACEHOLDER_REASON)


# ---------------------------------------------------------------------------- Mẫu 04: print and .docx


def test_print_view_has_every_part_of_form_04(head_web, issued, late_dossier):
    response = head_web.get(f"/phieu-xin-loi/{issued.pk}/in/")
    assert response.status_code == 200
    text = text_of(response.content.decode())
    assert_in_order(text, mau04_issued(late_dossier.code))
    assert "DỰ THẢO" not in text


def test_draft_print_is_watermarked_and_dated_today(head_web, letter, frozen_now):
    frozen_now.move_to(vn(2026, 11, 26, 8, 0))
    page = head_web.get(f"/phieu-xin-loi/{letter.pk}/in/").content.decode()
    assert '<div class="watermark" aria-hidden="true">DỰ THẢO</div>' in page
    text = text_of(page)
    assert_in_order(text, [
        "Số: 01/PXL-SGDĐT", "Bình Minh, ngày 26 tháng 11 năm 2026", f"Lý do: {PLACEHOLDER_REASON}",
        "hẹn lại ngày trả kết quả vào 09 giờ 00 phút, ngày 02 tháng 12 năm 2026", "GIÁM ĐỐC", "Trần Văn Bình",
    ])


def test_second_delay_cites_the_previous_letter(head, issued, late_dossier, frozen_now):
    frozen_now.move_to(vn(2026, 12, 2, 9, 0))
    (second,) = services.sweep_late_dossiers().drafted
    lines = docx_lines(documents.letter_docx(second))
    assert (
        "Theo phiếu xin lỗi và hẹn lại ngày trả kết quả đã gửi Ông/Bà, ngày hẹn trả kết quả giải quyết hồ sơ của "
        "Ông/Bà là 09 giờ 00 phút, ngày 02/12/2026." in lines
    )


def test_docx_download_has_the_same_parts_in_order(head_web, issued, late_dossier):
    response = head_web.get(f"/phieu-xin-loi/{issued.pk}/tai-ve.docx")
    assert response.status_code == 200
    assert response["Content-Type"] == documents.DOCX_CONTENT_TYPE
    assert response["Content-Disposition"] == (
        "attachment; filename=\"phieu-xin-loi-01-PXL-SGDDT.docx\"; "
        "filename*=UTF-8''phieu-xin-loi-01-PXL-SGD%C4%90T.docx"
    )
    lines = docx_lines(response.content)
    assert_in_order("\n".join(lines), mau04_issued(late_dossier.code))

    document = docx.Document(io.BytesIO(response.content))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert (round(section.left_margin.cm), round(section.right_margin.cm), round(section.top_margin.cm)) == (3, 2, 2)
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert document.styles["Normal"].font.size == Pt(14)
    header = document.tables[0]
    assert len(header.columns) == 2
    assert header._tbl.xpath("./w:tblPr/w:tblBorders/w:top/@w:val") == ["nil"]
    assert round(header.columns[0].width.cm, 2) == 6.0
    left, right = header.rows[0].cells
    assert "Số: 01/PXL-SGDĐT" in left.text and "Độc lập - Tự do - Hạnh phúc" in right.text
    (title,) = [p for p in document.paragraphs if p.text == documents.TITLE]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert all(run.bold for run in title.runs) and title.runs[0].font.size == Pt(14)
    assert "DỰ THẢO" not in section.header._element.xml


def test_html_and_docx_print_the_same_wording(head_web, letter):
    """Both come from documents.letter_context: every printed line is in both, in the same order."""
    context = documents.letter_context(ApologyLetter.objects.select_related("agency", "dossier__procedure").get())
    expected = documents.letter_texts(context)
    html_text = text_of(head_web.get(f"/phieu-xin-loi/{letter.pk}/in/").content.decode())
    assert_in_order(html_text, expected)
    lines = docx_lines(head_web.get(f"/phieu-xin-loi/{letter.pk}/tai-ve.docx").content)
    assert lines == expected
    xml = docx.Document(io.BytesIO(documents.letter_docx(letter))).sections[0].header._element.xml
    assert 'string="DỰ THẢO"' in xml  # Word's own watermark shape


def test_file_name_and_content_disposition():
    assert content_disposition("phieu-xin-loi-12-PXL.docx") == 'attachment; filename="phieu-xin-loi-12-PXL.docx"'
    assert content_disposition("phieu-xin-loi-12-PXL-UBND đ.docx") == (
        "attachment; filename=\"phieu-xin-loi-12-PXL-UBND-d.docx\"; "
        "filename*=UTF-8''phieu-xin-loi-12-PXL-UBND%20%C4%91.docx"
    )


def test_docx_file_name_is_safe_for_a_slashed_prefix(letter):
    letter.agency.letter_prefix = "UBND/VP"
    assert documents.docx_filename(letter) == "phieu-xin-loi-01-PXL-UBND-VP.docx"


def test_an_agency_template_overrides_the_default(settings, tmp_path, head_web, letter, agency, procedure):
    own = tmp_path / "apology_letters" / "mau04" / f"{agency.code}.html"
    own.parent.mkdir(parents=True)
    own.write_text(
        '{% extends "apology_letters/mau04/default.html" %}'
        '{% block mau04_title %}<h1 class="doc-title">PHIẾU XIN LỖI (MẪU RIÊNG CỦA {{ agency.code }})</h1>'
        "{% endblock %}",
        encoding="utf-8",
    )
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates

    text = text_of(head_web.get(f"/phieu-xin-loi/{letter.pk}/in/").content.decode())
    assert f"PHIẾU XIN LỖI (MẪU RIÊNG CỦA {agency.code})" in text
    assert documents.TITLE not in text
    assert_in_order(text, ["Số: 01/PXL-SGDĐT", "Kính gửi: Ông/Bà Nguyễn Văn Hùng", "Trân trọng./."])

    # Another agency has no template of its own: the shipped one.
    other = factories.AgencyFactory(code="PGD-B")
    other_head = factories.staff(agency=other, roles=[DEPARTMENT_HEAD], username="lanhdao_b")
    dossier = receive(factories.ProcedureFactory(field__agency=other, processing_amount=1), other_head,
                      vn(2026, 11, 16, 9, 0))
    other_letter = services.letter_draft(dossier=dossier, actor=other_head, reason="Chờ")
    head_web.force_login(other_head)
    text = text_of(head_web.get(f"/phieu-xin-loi/{other_letter.pk}/in/").content.decode())
    assert documents.TITLE in text and "MẪU RIÊNG" not in text
