"""Scenario 5: a statistics officer reads Biểu 06 for an official month and downloads the .xlsx.

The page's contract: `<table id="bieu-06">` with a `<tr class="total-row">`, and a link
"Tải Biểu 06 (.xlsx)" to the same figures as a workbook (sheet "Biểu 06").
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from e2e.helpers import VN, screenshot


def _latest_complete_official_month(today: dt.date) -> tuple[str, dt.date, dt.date]:
    """("YYYY-MM", first day, last day): the official month 15 – 14 whose 14th has passed."""
    year, month = (today.year, today.month) if today.day >= 15 else (
        (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    )
    before = (year, month - 1) if month > 1 else (year - 1, 12)
    return f"{year:04d}-{month:02d}", dt.date(*before, 15), dt.date(year, month, 14)


def _number(text: str) -> int:
    digits = re.sub(r"[^\d]", "", text)
    assert digits, f"not a count: {text!r}"
    return int(digits)


def test_statistics_officer_downloads_bieu_06_matching_the_page(office):
    month, start, end = _latest_complete_official_month(dt.datetime.now(VN).date())
    page = office.page("thongke")
    page.get_by_role("link", name="Báo cáo").click()
    expect(page.get_by_role("heading", name="Tình hình, kết quả giải quyết thủ tục hành chính")).to_be_visible()
    page.get_by_label("Loại kỳ").select_option(label="Tháng (kỳ báo cáo 15 – 14)")
    page.locator("#month").fill(month)
    page.get_by_role("button", name="Xem báo cáo").click()
    expect(page.locator(".page-head")).to_contain_text(f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}")

    table = page.locator("table#bieu-06")
    expect(table).to_be_visible()
    total = table.locator("tr.total-row")
    expect(total).to_have_count(1)
    label = total.locator("th").inner_text().strip()
    shown = [_number(text) for text in total.locator("td.num").all_inner_texts()]
    assert len(shown) == 11, shown
    assert shown[0] > 0, "the demo office received dossiers in the period"
    assert shown[0] == shown[1] + shown[2] + shown[3], "received = online + counter/post + carried over"
    assert shown[0] == shown[4] + shown[8], "received = settled + in progress"
    screenshot(page, "09-bao-cao-bieu-06", full_page=True)

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Tải Biểu 06 (.xlsx)").click()
    download = waiting.value
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True)["Biểu 06"]
    rows = [row for row in sheet.iter_rows(values_only=True) if len(row) > 2 and row[1] == label]
    assert len(rows) == 1, f"one {label!r} row in the workbook, got {rows}"
    assert list(rows[0][2:13]) == shown, f"workbook {rows[0][2:13]} != page {shown}"
    texts = [str(cell) for row in sheet.iter_rows(max_row=6, values_only=True) for cell in row if cell]
    assert any(f"{start:%d/%m/%Y}" in text and f"{end:%d/%m/%Y}" in text for text in texts), texts


def test_department_head_dashboard(office):
    page = office.page("lanhdao")
    page.get_by_role("link", name="Bảng điều khiển").click()
    expect(page.get_by_role("heading", name="Bảng điều khiển", level=1)).to_be_visible()
    overdue = page.locator("#kpi-overdue")
    expect(overdue).to_have_text(re.compile(r"^\d+$"))
    assert int(overdue.inner_text()) > 0, "the demo office has overdue dossiers"
    expect(page.locator("#late-dossiers")).to_be_visible()
    expect(page.locator("svg#on-time-chart")).to_be_visible()
    screenshot(page, "10-bang-dieu-khien", full_page=True)
