"""Scenarios 1 and 2: a dossier received on a Friday afternoon, a supplement asked and received.

The officer is `lanhdao` (department head of SGDDT), the role that may enter a paper dossier
received earlier: the received-at field is how a test gets a Friday afternoon whatever today
is. The Friday is at least a week back, so the supplement steps after it are in the past too.
"""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Page, expect

from e2e.helpers import (
    VN,
    api_due,
    as_input,
    as_short,
    as_words,
    assert_no_horizontal_scroll,
    fact,
    screenshot,
)

PROCEDURE = "3.000465"  # Cấp bản sao văn bằng, chứng chỉ từ sổ gốc: 1 working day, supplement restarts
AMOUNT, UNIT, AGENCY = 1, "working_days", "SGDDT"
APPLICANT = {
    "name": "Nguyễn Thị Thu Hà",
    "id_number": "001190012345",
    "phone": "0912 345 678",
    "address": "Số 8 ngõ 12 phố Hàng Bông, phường Trung Tâm, tỉnh Bình Minh",
}


def _plain_weekend(page: Page, friday: dt.date) -> bool:
    """Friday and Monday are worked, Saturday and Sunday are not (no holiday, no make-up day)."""
    first, last = friday.isoformat(), (friday + dt.timedelta(days=3)).isoformat()
    off = page.request.get(
        "/api/v1/calendar/non-working-days/", params={"from": first, "to": last, "agency": AGENCY}
    ).json()
    overrides = page.request.get(
        "/api/v1/calendar-overrides/", params={"kind": "working", "date_from": first, "date_to": last}
    ).json()
    return not off and not overrides.get("results", overrides)


def _a_past_friday(page: Page) -> dt.date:
    today = dt.datetime.now(VN).date()
    friday = today - dt.timedelta(days=7 + (today.weekday() - 4) % 7)
    while not _plain_weekend(page, friday):
        friday -= dt.timedelta(days=7)
    return friday


def test_counter_receives_a_dossier_on_a_friday_afternoon(office, story):
    page = office.page()
    page.goto("/dang-nhap/")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    screenshot(page, "01-dang-nhap")

    page = office.page("lanhdao")
    friday = _a_past_friday(page)
    received = dt.datetime.combine(friday, dt.time(15, 30), tzinfo=VN)
    monday = friday + dt.timedelta(days=3)

    page.goto("/ho-so/tiep-nhan/")
    expect(page.get_by_role("heading", name="Tiếp nhận hồ sơ", exact=True)).to_be_visible()
    expect(page.locator("#appointment")).to_have_text("Chọn thủ tục để xem ngày hẹn trả kết quả.")
    page.get_by_label("Tìm thủ tục").fill(PROCEDURE)
    option = page.locator("#id_procedure option", has_text=f"{PROCEDURE} –")
    page.locator("#id_procedure").select_option(option.get_attribute("value"))
    expect(page.locator("#procedure-summary")).to_contain_text("1 ngày làm việc")
    page.get_by_label("Họ tên người nộp").fill(APPLICANT["name"])
    page.get_by_label("Số CCCD").fill(APPLICANT["id_number"])
    page.get_by_label("Số điện thoại").fill(APPLICANT["phone"])
    page.get_by_label("Địa chỉ", exact=True).fill(APPLICANT["address"])
    page.get_by_label("Thời điểm tiếp nhận").fill(as_input(received))
    page.get_by_label("Thời điểm tiếp nhận").dispatch_event("change")

    # The live preview, before anything is saved: the calendar API's answer, in words.
    due = api_due(page, received, amount=AMOUNT, unit=UNIT, agency=AGENCY)
    assert due["due_at"].date() == monday, f"1 working day from Friday {received} should end on Monday: {due}"
    expect(page.locator("#appointment")).to_have_text(
        f"Hẹn trả kết quả: {as_words(due['due_at'])} (bắt đầu tính từ {as_words(due['start_at'])})"
    )
    # The published document list is prefilled and ticked.
    expect(page.locator("#document-rows tr")).not_to_have_count(0)
    expect(page.locator('#document-rows input[name$="-included"]').first).to_be_checked()
    assert_no_horizontal_scroll(page)

    page.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    expect(page).to_have_url(re.compile(r"/ho-so/SGDDT-\d{8}-\d{4}/bien-nhan/$"))
    code = page.url.rstrip("/").split("/")[-2]
    assert code.startswith(f"SGDDT-{friday:%Y%m%d}-"), code
    expect(page.locator(".message--success")).to_have_text(f"Đã tiếp nhận hồ sơ {code}.")

    # Mẫu 01: the code, the times in words, the QR code of the public look-up.
    paper = page.get_by_role("article", name=re.compile("Mẫu số 01"))
    expect(paper.get_by_role("heading", name="GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")).to_be_visible()
    expect(paper.locator("strong.code")).to_have_text(code)
    expect(paper).to_contain_text(f"3. Thời gian nhận hồ sơ: {as_words(received)}")
    expect(paper).to_contain_text(f"4. Thời gian trả kết quả giải quyết hồ sơ: {as_words(due['due_at'])}")
    expect(paper).to_contain_text(f"Ông/Bà: {APPLICANT['name']}")
    qr = paper.locator(".qr svg")
    expect(qr).to_be_visible()
    expect(qr.locator("title")).to_have_text("Mã QR tra cứu hồ sơ")
    assert qr.bounding_box()["width"] >= 80
    expect(paper.locator(".qr .url")).to_contain_text(f"/tra-cuu/?ma={code}")
    screenshot(page, "03-giay-hen-mau-01", full_page=True)

    story.update(code=code, received=received, due=due["due_at"], phone=APPLICANT["phone"], applicant=APPLICANT)


def test_supplement_requested_printed_and_received_restarts_the_clock(office, story, needs):
    needs("code")
    code, received = story["code"], story["received"]
    requested_at = dt.datetime.combine(received.date() + dt.timedelta(days=3), dt.time(9, 0), tzinfo=VN)
    supplied_at = dt.datetime.combine(received.date() + dt.timedelta(days=4), dt.time(10, 0), tzinfo=VN)

    page = office.page("lanhdao")
    page.goto(f"/ho-so/{code}/")
    expect(page.get_by_role("heading", name=f"Hồ sơ {code}")).to_be_visible()
    expect(fact(page, "Hẹn trả kết quả")).to_have_text(as_short(story["due"]))

    ask = page.locator('form[action$="/thao-tac/supplement_requested/"]')
    ask.locator("summary").click()
    ask.get_by_label("Nội dung cần bổ sung").fill(
        "Bản sao giấy khai sinh\nĐơn đề nghị có chữ ký của người yêu cầu"
    )
    ask.get_by_label("Lý do").fill("Hồ sơ thiếu giấy khai sinh; đơn chưa ký")
    ask.get_by_label("Thời điểm").fill(as_input(requested_at))
    ask.get_by_role("button", name="Yêu cầu bổ sung hồ sơ").click()
    expect(page.locator(".message--success")).to_have_text(
        f"Đã ghi nhận yêu cầu bổ sung hồ sơ {code}. In Mẫu 02 để gửi người nộp."
    )
    expect(page.locator(".page-head .badge").first).to_have_text("Chờ bổ sung hồ sơ")

    page.get_by_role("link", name="Phiếu yêu cầu bổ sung (Mẫu 02)").click()
    form02 = page.get_by_role("article", name=re.compile("Mẫu số 02"))
    expect(form02.get_by_role("heading", name="PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ")).to_be_visible()
    expect(form02).to_contain_text(code)
    expect(form02.locator("li")).to_have_text(
        ["Bản sao giấy khai sinh", "Đơn đề nghị có chữ ký của người yêu cầu"]
    )

    page.get_by_role("link", name=f"← Hồ sơ {code}").click()
    supply = page.locator('form[action$="/thao-tac/supplement_received/"]')
    supply.locator("summary").click()
    supply.get_by_label("Ghi chú").fill("Đã nhận đủ giấy khai sinh và đơn có chữ ký")
    supply.get_by_label("Thời điểm").fill(as_input(supplied_at))
    supply.get_by_role("button", name="Nhận hồ sơ bổ sung").click()
    expect(page.locator(".message--success")).to_have_text(f"Đã nhận hồ sơ bổ sung cho hồ sơ {code}.")
    expect(page.locator(".page-head .badge").first).to_have_text("Đang giải quyết")

    # Restart (the procedure's policy): the full processing time again, from the supplement.
    due = api_due(page, supplied_at, amount=1, unit="working_days", agency="SGDDT")["due_at"]
    assert due > story["due"]
    expect(fact(page, "Hẹn trả kết quả")).to_have_text(as_short(due))
    expect(fact(page, "Số lần yêu cầu bổ sung")).to_have_text("1")
    steps = page.locator("table.timeline tbody tr")
    expect(steps).to_have_count(3)
    expect(steps.nth(0)).to_contain_text(as_short(received))
    expect(steps.nth(1)).to_contain_text("Bản sao giấy khai sinh")
    expect(steps.nth(2)).to_contain_text(as_short(supplied_at))
    expect(steps.nth(2).locator("td").nth(4)).to_have_text(as_short(due))
    screenshot(page, "04-ho-so-qua-trinh-xu-ly", full_page=True)

    story.update(due=due)
