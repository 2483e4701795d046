"""Scenario 4: the sweep drafts an apology letter; the head fixes the reason, issues, downloads.

The dossier of scenarios 1–2 was received over a week ago for a one-working-day procedure, so
it is overdue whatever today is, and the sweep (run as cron would, against the e2e database)
drafts a letter for it.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from docx import Document
from playwright.sync_api import expect

from e2e.helpers import PHONE, VN, assert_no_personal_data, fact, look_up, parse_short, screenshot

PLACEHOLDER = "Chưa cập nhật lý do"
REASON = "Cần xác minh thông tin văn bằng với sổ gốc lưu tại trường đã cấp."


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def test_head_reviews_fixes_issues_and_downloads_the_letter(office, server, story, needs):
    needs("code", "due")
    code = story["code"]

    swept = server.manage("sweep_late_dossiers")
    assert re.search(rf"Số \d+/PXL-SGDĐT\s+{code}\s+hẹn lại", swept.stdout), swept.stdout

    page = office.page("lanhdao")
    page.get_by_role("link", name="Phiếu xin lỗi").click()
    expect(page.get_by_role("heading", name="Phiếu xin lỗi và hẹn lại ngày trả kết quả")).to_be_visible()
    drafts = page.locator("section").filter(has=page.get_by_role("heading", name=re.compile("Phiếu dự thảo chờ ký")))
    row = drafts.locator("tbody tr").filter(has_text=code)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(story["applicant"]["name"])
    expect(row).to_contain_text(PLACEHOLDER)
    expect(row.locator(".badge").filter(has_text=re.compile(r"^(quá hạn|đến hạn)"))).to_be_visible()
    screenshot(page, "06-phieu-xin-loi-cho-ky")
    row.locator("td").first.get_by_role("link").click()

    expect(page.get_by_role("heading", name=re.compile(r"^Phiếu xin lỗi số \d+\/PXL-SGDĐT$"))).to_be_visible()
    number = page.get_by_role("heading", level=1).inner_text().removeprefix("Phiếu xin lỗi số ")
    letter_url = page.url
    expect(fact(page, "Hồ sơ")).to_contain_text(code)
    expect(fact(page, "Lý do")).to_have_text(PLACEHOLDER)
    proposed = parse_short(fact(page, "Hẹn lại trả kết quả").inner_text())
    assert proposed > story["due"]

    # The reason box is open and empty: the sweep's placeholder is not a reason.
    edit = page.locator("form[action$='/sua/']")
    expect(edit.get_by_label("Lý do trễ hẹn")).to_have_value("")
    edit.get_by_label("Lý do trễ hẹn").fill(REASON)
    edit.get_by_label("Lý do trễ hẹn").blur()
    screenshot(page, "07-phieu-xin-loi-sua-ly-do", full_page=True)
    edit.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.locator(".message--success")).to_have_text(
        f"Đã lưu dự thảo phiếu số {number}: hẹn lại {proposed.astimezone(VN):%H:%M %d/%m/%Y}."
    )
    expect(fact(page, "Lý do")).to_have_text(REASON)

    issue = page.locator("form[action$='/ban-hanh/']")
    issue.locator("summary").click()
    issue.get_by_label("Hình thức gửi").select_option(label="Trực tiếp tại Bộ phận Một cửa")
    expect(issue.get_by_label("Người ký", exact=True)).to_have_attribute("placeholder", "Nguyễn Văn An")
    issue.get_by_role("button", name="Ký ban hành").click()
    expect(page.locator(".message--success")).to_have_text(
        f"Đã ban hành phiếu số {number}. Hồ sơ {code} hẹn lại trả kết quả {proposed.astimezone(VN):%H:%M %d/%m/%Y}."
    )
    expect(page.locator(".page-head .badge").first).to_have_text("Đã ban hành")
    expect(fact(page, "Người ký")).to_have_text("Nguyễn Văn An, Giám đốc")

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Tải về .docx").click()
    download = waiting.value
    assert download.suggested_filename.endswith(".docx"), download.suggested_filename
    assert download.suggested_filename.startswith("phieu-xin-loi-"), download.suggested_filename
    text = _docx_text(Path(download.path()).read_bytes())
    local = proposed.astimezone(VN)
    for expected in (
        f"Số: {number}",
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        story["applicant"]["name"],
        code,
        f"Lý do: {REASON}",
        f"{local:%H} giờ {local:%M} phút, ngày {local:%d} tháng {local:%m} năm {local:%Y}",
        "Nguyễn Văn An",
    ):
        assert expected in text, f"{expected!r} not in the .docx:\n{text}"
    assert "DỰ THẢO" not in text

    page.get_by_role("link", name="Bản in (Mẫu 04)").click()
    paper = page.get_by_role("article", name=re.compile("Mẫu số 04"))
    expect(paper.get_by_role("heading", name="PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ")).to_be_visible()
    expect(paper).to_contain_text(f"Lý do: {REASON}")
    expect(paper).to_contain_text(code)
    expect(paper.locator(".watermark")).to_have_count(0)
    screenshot(page, "08-phieu-xin-loi-mau-04", full_page=True)

    # The citizen's look-up now shows the new appointment next to the original one.
    phone = office.page(viewport=PHONE)
    look_up(phone, code, story["applicant"]["phone"].replace(" ", "")[-4:])
    expect(fact(phone, "Hẹn lại trả kết quả")).to_have_text(f"{local:%d/%m/%Y %H:%M}")
    assert_no_personal_data(phone, story["applicant"])

    story.update(letter_url=letter_url, letter_number=number, new_due=proposed)
