"""The Excel exports read back with openpyxl: Biểu 06's layout and figures, the streamed tracking book."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from dossiers.importing import read_tracking_book
from reporting.exports import (
    TITLE,
    bieu06_bytes,
    bieu06_filename,
    write_tracking_book,
)
from reporting.periods import Period
from reporting.selectors import report_summary
from tests.reporting.helpers import assert_invariants
from tests.reporting.office import vn

OM = Period.official_month(2026, 11)


def _bieu06(office, **kwargs):
    report = report_summary(period=OM, agency_ids=[office.agency.pk], **kwargs)
    assert_invariants(report)
    content = bieu06_bytes(report, agency_name=office.agency.name, parent_name="UBND TỈNH BÌNH MINH",
                           locality="Bình Minh")
    return report, load_workbook(io.BytesIO(content))


def test_bieu06_layout_and_figures(office):
    _, wb = _bieu06(office)
    assert wb.sheetnames == ["Biểu 06", "Chỉ tiêu"]
    ws = wb["Biểu 06"]
    assert ws["A1"].value == "Biểu số 06/VPCP/KSTT"
    assert ws["I1"].value == f"Đơn vị báo cáo: {office.agency.name}"
    assert ws["I2"].value == "Đơn vị nhận báo cáo: UBND TỈNH BÌNH MINH"
    assert ws["A4"].value == TITLE
    assert ws["A5"].value == "(Từ ngày 15/10/2026 đến ngày 14/11/2026)"
    merged = {str(cell_range) for cell_range in ws.merged_cells.ranges}
    assert {"A4:M4", "A5:M5", "A7:A8", "B7:B8", "C7:F7", "G7:J7", "K7:M7"} <= merged
    assert [ws.cell(7, col).value for col in (1, 2, 3, 7, 11)] == [
        "STT", "Lĩnh vực giải quyết", "Số hồ sơ nhận giải quyết", "Số hồ sơ đã giải quyết", "Số hồ sơ đang giải quyết",
    ]
    assert [ws.cell(8, col).value for col in range(3, 14)] == [
        "Tổng số", "Trong kỳ: Trực tuyến", "Trong kỳ: Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước",
        "Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn",
        "Tổng số", "Trong hạn", "Quá hạn",
    ]
    assert ws["A9"].value == "(1)" and ws["M9"].value == "(13)"
    # One row per field (sorted by code: GDTH, VBCC), then the total row; numbers are numbers.
    assert [ws.cell(10, col).value for col in range(1, 14)] == [
        1, "Giáo dục trung học", 5, 3, 0, 2, 2, 1, 1, 0, 3, 0, 3,
    ]
    assert [ws.cell(11, col).value for col in range(1, 14)] == [
        2, "Văn bằng, chứng chỉ", 17, 3, 8, 6, 8, 3, 2, 3, 9, 6, 3,
    ]
    assert [ws.cell(12, col).value for col in range(1, 14)] == [None, "Tổng số", 22, 6, 8, 8, 10, 4, 3, 3, 12, 6, 6]
    assert ws.cell(12, 3).font.bold
    assert ws.cell(10, 3).border.left.style == "thin" and ws.cell(7, 1).border.top.style == "thin"
    assert "1 hồ sơ rút và 1 hồ sơ từ chối" in ws["A14"].value
    assert ws["J16"].value.startswith("Bình Minh, ngày 25 tháng 11 năm 2026")
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)  # 9 = A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.column_dimensions["B"].width > ws.column_dimensions["C"].width
    assert ws.print_title_rows == "$7:$9"  # the headers repeat on every printed page


def test_bieu06_targets_sheet(office):
    _, wb = _bieu06(office)
    ws = wb["Chỉ tiêu"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][:4] == ("Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn", 0.7, 0.98, "Không đạt")
    assert ws["B2"].number_format == "0.0%"
    online = [row for row in rows if row[0] == "DVC mức độ 3, 4 có hồ sơ trực tuyến"]
    assert online[0][2:4] == (3, 2)


def test_bieu06_by_procedure_names_the_procedure(office):
    _, wb = _bieu06(office, group_by="procedure")
    ws = wb["Biểu 06"]
    assert ws["B7"].value == "Thủ tục hành chính"
    assert ws["B10"].value.startswith("1.000001 – ")


def test_filename_is_vietnamese():
    assert bieu06_filename(OM) == "Biểu 06 - Tình hình giải quyết TTHC từ 15-10-2026 đến 14-11-2026.xlsx"


def test_tracking_book_splits_sheets_at_the_row_limit(office):
    period = Period.calendar_month(2026, 10)  # received in October: b1–b7, c1–c6 = 13 dossiers
    buffer = io.BytesIO()
    seen = []
    result = write_tracking_book(
        buffer, period=period, agency_ids=[office.agency.pk], max_rows=5, progress=seen.append, chunk_size=4
    )
    assert (result.rows, result.sheets) == (13, 4)  # 4 rows under each header: 4 + 4 + 4 + 1
    assert sum(seen) == 13
    wb = load_workbook(io.BytesIO(buffer.getvalue()))
    assert wb.sheetnames == ["Sổ theo dõi", "Sổ theo dõi (2)", "Sổ theo dõi (3)", "Sổ theo dõi (4)"]
    assert [ws.max_row for ws in wb.worksheets] == [5, 5, 5, 2]
    first = wb.worksheets[0]
    header = [cell.value for cell in first[1]]
    assert header[:4] == ["Quyển số", "Số thứ tự", "Mã hồ sơ", "Mã thủ tục"]
    row = dict(zip(header, [cell.value for cell in first[2]], strict=True))
    b1 = office.dossier("b1")  # the first received in October (05/10 09:00, before b2 and b3)
    assert row["Mã hồ sơ"] == b1.code
    # Excel has no time zones: local wall-clock times.
    assert row["Ngày nhận"] == vn(2026, 10, 5, 9, 0).replace(tzinfo=None)
    assert row["Hẹn trả"] == vn(2026, 10, 12, 9, 0).replace(tzinfo=None)
    assert first.cell(2, header.index("Ngày nhận") + 1).number_format == "dd/mm/yyyy hh:mm"
    assert row["Kênh"] == "Trực tuyến"
    assert row["Kết quả (cuối kỳ)"] == "Trước hạn"
    assert row["Quyển số"] == 2026 and isinstance(row["Số thứ tự"], int)
    codes = [ws.cell(r, 3).value for ws in wb.worksheets for r in range(2, ws.max_row + 1)]
    assert len(codes) == len(set(codes)) == 13


def test_tracking_book_reads_back_with_the_importer(office):
    buffer = io.BytesIO()
    write_tracking_book(buffer, period=OM, agency_ids=[office.agency.pk])
    buffer.seek(0)
    book = read_tracking_book(buffer)
    assert len(book.rows) == 16  # received 15/10–14/11: c1–c15 and d9 (office.py)
    assert {"code", "procedure_code", "received_at", "channel"} <= book.columns


def test_empty_tracking_book_still_has_its_header(office):
    buffer = io.BytesIO()
    result = write_tracking_book(buffer, period=Period.calendar_month(2020, 1), agency_ids=[office.agency.pk])
    assert (result.rows, result.sheets) == (0, 1)
    ws = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert ws.max_row == 1 and ws["C1"].value == "Mã hồ sơ"
