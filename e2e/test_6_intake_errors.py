"""Scenario 7: the counter officer's mistakes are shown next to the field, and nothing typed is lost.

Then the officer corrects them and receives the dossier "now", the everyday path at the
counter: no received-at field for this role, and the appointment on Mẫu 01 is the calendar
API's answer for the instant the receipt says.
"""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Page, expect

from e2e.helpers import PC, VN, api_due, as_words, assert_no_horizontal_scroll, screenshot

PROCEDURE = "2.002854"  # Chuyển trường và tiếp nhận học sinh: 8 working days


def _field(page: Page, name: str):
    """The .field block of an input: its label, the input, its help text and its error."""
    return page.locator(".field").filter(has=page.locator(f"[name='{name}']"))


def _choose(page: Page, code: str) -> None:
    page.get_by_label("Tìm thủ tục").fill(code)
    option = page.locator("#id_procedure option", has_text=f"{code} –")
    page.locator("#id_procedure").select_option(option.get_attribute("value"))


def test_bad_input_is_explained_next_to_the_field_and_kept(office):
    page = office.page("motcua", viewport=PC)
    page.get_by_role("navigation").get_by_role("link", name="Tiếp nhận hồ sơ").click()
    expect(page.get_by_label("Thời điểm tiếp nhận")).to_have_count(0)  # a counter officer receives "now"
    _choose(page, PROCEDURE)
    page.get_by_label("Họ tên người nộp").fill("Trần Văn Bình")
    page.get_by_label("Số CCCD").fill("079123456789")
    page.get_by_label("Số điện thoại").fill("0987 654 321")
    page.get_by_label("Thư điện tử").fill("binh.tran@example.vn")
    page.get_by_label("Địa chỉ", exact=True).fill("Thôn 3, xã Hòa Đông")
    page.get_by_label("Ghi chú").fill("Nộp kèm học bạ bản gốc để đối chiếu")
    page.get_by_label("Ghi chú").blur()
    expect(page.locator("#appointment")).to_have_text(re.compile(r"^Hẹn trả kết quả: \d{2} giờ \d{2} phút, ngày "))
    screenshot(page, "02-tiep-nhan-hen-tra", full_page=True)

    # Then the officer mistypes three fields.
    page.get_by_label("Số CCCD").fill("0791234")
    page.get_by_label("Số điện thoại").fill("12345")
    page.get_by_label("Thư điện tử").fill("binh@")
    page.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()

    expect(page).to_have_url(re.compile(r"/ho-so/tiep-nhan/$"))
    expect(_field(page, "applicant_phone").locator(".field-error")).to_have_text(
        "Số điện thoại không đúng định dạng Việt Nam (ví dụ 0912345678 hoặc +84912345678)."
    )
    expect(_field(page, "applicant_id_number").locator(".field-error")).to_have_text(
        "Số định danh phải gồm 12 chữ số (CCCD) hoặc 9 chữ số (CMND cũ)."
    )
    expect(_field(page, "applicant_email").locator(".field-error")).to_have_text("Địa chỉ thư điện tử không hợp lệ.")
    expect(_field(page, "applicant_name").locator(".field-error")).to_have_count(0)
    # What was typed is still there, the procedure still chosen, its documents still ticked.
    expect(page.get_by_label("Họ tên người nộp")).to_have_value("Trần Văn Bình")
    expect(page.get_by_label("Số điện thoại")).to_have_value("12345")
    expect(page.get_by_label("Số CCCD")).to_have_value("0791234")
    expect(page.get_by_label("Thư điện tử")).to_have_value("binh@")
    expect(page.get_by_label("Địa chỉ", exact=True)).to_have_value("Thôn 3, xã Hòa Đông")
    expect(page.get_by_label("Ghi chú")).to_have_value("Nộp kèm học bạ bản gốc để đối chiếu")
    expect(page.locator("#id_procedure option:checked")).to_have_text(re.compile(f"^{re.escape(PROCEDURE)} –"))
    expect(page.locator('#document-rows input[name$="-included"]:checked')).not_to_have_count(0)
    expect(page.locator("#appointment")).to_have_text(re.compile(r"^Hẹn trả kết quả: \d{2} giờ \d{2} phút, ngày "))
    assert_no_horizontal_scroll(page)

    page.get_by_label("Số CCCD").fill("079123456789")
    page.get_by_label("Số điện thoại").fill("0987 654 321")
    page.get_by_label("Thư điện tử").fill("binh.tran@example.vn")
    page.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()

    expect(page).to_have_url(re.compile(r"/ho-so/SGDDT-\d{8}-\d{4}/bien-nhan/$"))
    paper = page.get_by_role("article", name=re.compile("Mẫu số 01"))
    received_text = paper.get_by_text("3. Thời gian nhận hồ sơ:").inner_text()
    match = re.search(r"(\d{2}) giờ (\d{2}) phút, ngày (\d{2})/(\d{2})/(\d{4})", received_text)
    assert match, received_text
    hour, minute, day, month, year = map(int, match.groups())
    received = dt.datetime(year, month, day, hour, minute, tzinfo=VN)
    assert abs(dt.datetime.now(VN) - received) < dt.timedelta(minutes=5)
    due = api_due(page, received, amount=8, unit="working_days", agency="SGDDT")["due_at"]
    expect(paper).to_contain_text(f"4. Thời gian trả kết quả giải quyết hồ sơ: {as_words(due)}")
    expect(paper).to_contain_text("Số điện thoại: 0987654321")
    expect(paper.locator(".qr svg")).to_be_visible()
