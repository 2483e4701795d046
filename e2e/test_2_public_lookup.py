"""Scenario 3: a citizen looks the dossier up, on a phone and on a PC, without logging in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from e2e.helpers import (
    PC,
    PHONE,
    as_short,
    assert_no_horizontal_scroll,
    assert_no_personal_data,
    fact,
    look_up,
    screenshot,
)


@pytest.mark.parametrize("viewport", [PHONE, PC], ids=["phone", "pc"])
def test_citizen_sees_the_status_and_no_personal_data(office, story, needs, viewport):
    needs("code", "due", "applicant")
    code, applicant = story["code"], story["applicant"]
    page = office.page(viewport=viewport)
    look_up(page, code, applicant["phone"].replace(" ", "")[-4:])

    result = page.get_by_role("status").filter(has_text=f"Hồ sơ {code}")
    expect(result.get_by_role("heading", name=f"Hồ sơ {code}")).to_be_visible()
    expect(fact(page, "Tình trạng")).to_have_text("Đang giải quyết")
    expect(fact(page, "Thủ tục")).to_have_text("Cấp bản sao văn bằng, chứng chỉ từ sổ gốc")
    expect(fact(page, "Cơ quan giải quyết")).to_have_text("Sở Giáo dục và Đào tạo tỉnh Bình Minh")
    expect(fact(page, "Ngày tiếp nhận")).to_have_text(f"{story['received']:%d/%m/%Y}")
    expect(fact(page, "Hẹn trả kết quả")).to_have_text(as_short(story["due"]))
    assert_no_personal_data(page, applicant)
    assert_no_horizontal_scroll(page)
    if viewport == PHONE:
        screenshot(page, "05-tra-cuu-dien-thoai", full_page=True)


@pytest.mark.parametrize("viewport", [PHONE, PC], ids=["phone", "pc"])
def test_a_wrong_phone_number_gets_a_polite_answer(office, story, needs, viewport):
    needs("code", "applicant")
    page = office.page(viewport=viewport)
    last = story["applicant"]["phone"][-4:]
    look_up(page, story["code"], "0000" if last != "0000" else "1111")

    expect(page.get_by_text("Không tìm thấy hồ sơ")).to_be_visible()
    expect(page.get_by_text("Vui lòng kiểm tra lại mã hồ sơ và 4 số cuối điện thoại.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Hồ sơ {story['code']}")).to_have_count(0)
    expect(page.get_by_label("Mã hồ sơ")).to_have_value(story["code"])  # nothing to type again
    assert_no_personal_data(page, story["applicant"])
    assert_no_horizontal_scroll(page)

    page.get_by_label("4 số cuối điện thoại").fill("12a")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.locator("#id_sdt_error")).to_have_text("Nhập đúng 4 chữ số cuối của số điện thoại đã đăng ký.")
