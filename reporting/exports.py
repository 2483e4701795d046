"""Excel exports: Biểu 06/VPCP/KSTT in its official layout, and the tracking book (Mẫu 06).

`bieu06_workbook` lays out a computed `Report` (small: one row per field). `write_tracking_book`
streams every dossier received in a date range with openpyxl's write-only mode, one chunk of
rows at a time, and starts a new sheet at Excel's row limit, so memory stays flat however many
dossiers there are. Its headers are those of the import (dossiers/importing/), so an exported
book can be imported elsewhere.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from config.xlsx import append_row, put, row_cells, set_value, text_cell
from dossiers.importing import HEADERS as IMPORT_HEADERS
from dossiers.models import Channel, Classification, Dossier, Status
from procedures.calendar import VN_TZ
from reporting.figures import BIEU06_COLUMNS, Report
from reporting.periods import Period
from reporting.selectors import classification_at_end

EXCEL_MAX_ROWS = 1_048_576
TITLE = (
    "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
)
FORM_LABEL = "Biểu số 06/VPCP/KSTT"
FORM_BASIS = "Ban hành theo Thông tư số 01/2020/TT-VPCP"
GROUP_HEADERS = [
    ("Số hồ sơ nhận giải quyết", ["Tổng số", "Trong kỳ: Trực tuyến", "Trong kỳ: Trực tiếp, dịch vụ bưu chính",
                                  "Từ kỳ trước"]),
    ("Số hồ sơ đã giải quyết", ["Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn"]),
    ("Số hồ sơ đang giải quyết", ["Tổng số", "Trong hạn", "Quá hạn"]),
]
ROW_HEADERS = {"field": "Lĩnh vực giải quyết", "procedure": "Thủ tục hành chính", "agency": "Cơ quan giải quyết"}
HEADER_ROW = 7  # the group headers; the column headers are on row 8, the column numbers on row 9
FIRST_DATA_ROW = 10
LAST_COLUMN = 2 + len(BIEU06_COLUMNS)  # STT, name, then the eleven figures

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
BOLD = Font(name="Times New Roman", bold=True, size=12)
PLAIN = Font(name="Times New Roman", size=12)
ITALIC = Font(name="Times New Roman", italic=True, size=12)


def _put(ws, cell: str, value, *, font=PLAIN, align=CENTER, merge_to: str | None = None):
    set_value(ws[cell], value)
    ws[cell].font = font
    ws[cell].alignment = align
    if merge_to:
        ws.merge_cells(f"{cell}:{merge_to}")


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%".replace(".", ",")


def bieu06_workbook(report: Report, *, agency_name: str = "", parent_name: str = "", locality: str = "") -> Workbook:
    """Biểu 06 on the first sheet (A4 landscape, fit to width); targets and rates on the second."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Biểu 06"
    last = get_column_letter(LAST_COLUMN)
    left = Alignment(horizontal="left", vertical="center")
    _put(ws, "A1", FORM_LABEL, font=BOLD, align=left, merge_to="D1")
    _put(ws, "A2", FORM_BASIS, font=ITALIC, align=left, merge_to="D2")
    _put(ws, "I1", f"Đơn vị báo cáo: {agency_name or report.agency_name or 'Tất cả cơ quan'}", align=left,
         merge_to=f"{last}1")
    _put(ws, "I2", f"Đơn vị nhận báo cáo: {parent_name}".rstrip(": "), align=left, merge_to=f"{last}2")
    _put(ws, "A4", TITLE, font=Font(name="Times New Roman", bold=True, size=13), merge_to=f"{last}4")
    ws.row_dimensions[4].height = 36
    _put(ws, "A5", report.period.range_text, font=ITALIC, merge_to=f"{last}5")
    _put(ws, "J6", "Đơn vị tính: Số hồ sơ TTHC", font=ITALIC, align=Alignment(horizontal="right"),
         merge_to=f"{last}6")

    # Two-level headers, then the column numbers (1)…(13) as on the printed form.
    _put(ws, f"A{HEADER_ROW}", "STT", font=BOLD, merge_to=f"A{HEADER_ROW + 1}")
    _put(ws, f"B{HEADER_ROW}", ROW_HEADERS[report.group_by], font=BOLD, merge_to=f"B{HEADER_ROW + 1}")
    column = 3
    for group, subheaders in GROUP_HEADERS:
        first, end = get_column_letter(column), get_column_letter(column + len(subheaders) - 1)
        _put(ws, f"{first}{HEADER_ROW}", group, font=BOLD, merge_to=f"{end}{HEADER_ROW}")
        for offset, text in enumerate(subheaders):
            _put(ws, f"{get_column_letter(column + offset)}{HEADER_ROW + 1}", text, font=BOLD)
        column += len(subheaders)
    for index in range(1, LAST_COLUMN + 1):
        _put(ws, f"{get_column_letter(index)}{HEADER_ROW + 2}", f"({index})", font=ITALIC)
    ws.row_dimensions[HEADER_ROW + 1].height = 48

    row_number = FIRST_DATA_ROW
    for index, row in enumerate([*report.rows, report.total], start=1):
        is_total = row is report.total
        put(ws, row_number, 1, None if is_total else index)
        with_code = report.group_by == "procedure" and not is_total
        put(ws, row_number, 2, f"{row.code} – {row.name}" if with_code else row.name)
        for offset, name in enumerate(BIEU06_COLUMNS):
            put(ws, row_number, 3 + offset, getattr(row, name))
        for col in range(1, LAST_COLUMN + 1):
            cell = ws.cell(row_number, col)
            cell.font = BOLD if is_total else PLAIN
            cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True) if col == 2 else CENTER
        row_number += 1
    for line in ws.iter_rows(min_row=HEADER_ROW, max_row=row_number - 1, max_col=LAST_COLUMN):
        for cell in line:
            cell.border = BORDER

    total = report.total
    notes = (
        f"Ghi chú: tỷ lệ giải quyết trước hạn, đúng hạn {percent(total.on_time_rate)}; "
        f"không tính {total.withdrawn} hồ sơ rút và {total.refused} hồ sơ từ chối giải quyết trong kỳ."
    )
    _put(ws, f"A{row_number + 1}", notes, font=ITALIC, align=left, merge_to=f"{last}{row_number + 1}")
    today = timezone.now().astimezone(VN_TZ).date()
    place = f"{locality}, ngày" if locality else "Ngày"
    sign = row_number + 3
    _put(ws, f"J{sign}", f"{place} {today:%d} tháng {today:%m} năm {today:%Y}", font=ITALIC, merge_to=f"{last}{sign}")
    _put(ws, f"B{sign + 1}", "NGƯỜI LẬP BIỂU", font=BOLD)
    _put(ws, f"J{sign + 1}", "THỦ TRƯỞNG ĐƠN VỊ", font=BOLD, merge_to=f"{last}{sign + 1}")

    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 42
    for index in range(3, LAST_COLUMN + 1):
        ws.column_dimensions[get_column_letter(index)].width = 11.5
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW + 2}"
    ws.page_margins.left = ws.page_margins.right = 0.4
    _targets_sheet(wb.create_sheet("Chỉ tiêu"), report)
    return wb


def _targets_sheet(ws, report: Report) -> None:
    """Each target next to its figure, then the rates of every row and the online figures."""
    append_row(ws, ["Chỉ tiêu", "Kết quả", "Mục tiêu", "Đánh giá", "Ghi chú"])
    for check in report.targets:
        verdict = {True: "Đạt", False: "Không đạt", None: "Không có số liệu"}[check.passed]
        append_row(ws, [check.label, check.value, check.target, verdict, check.detail])
    append_row(ws, [])
    append_row(ws, [ROW_HEADERS[report.group_by], "Tỷ lệ trước hạn, đúng hạn", "Tỷ lệ quá hạn", "Có phiếu xin lỗi",
               "Giữ đúng hẹn lại", "Bổ sung sai quy định", "Thời gian TB (ngày làm việc)"])
    for row in (*report.rows, report.total):
        append_row(ws, [row.name, row.on_time_rate, row.late_share, row.apology_coverage, row.appointment_kept_rate,
                   row.supplement_breaches, row.avg_processing_days])
    append_row(ws, [])
    append_row(ws, ["Lĩnh vực (DVC trực tuyến)", "Mức độ", "Hồ sơ tiếp nhận", "Trực tuyến", "Tỷ lệ trực tuyến"])
    online = report.online
    for cell in [*online.rows, *online.by_level.values(), online.total]:
        level = f"{cell.level} – {cell.mode}" if cell.level else ""
        append_row(ws, [cell.field_name, level, cell.received, cell.online, cell.online_rate])
    append_row(ws, ["DVC mức độ 3, 4 có hồ sơ trực tuyến", "", online.services_total, online.services_with_online,
               online.services_share])
    for line in ws.iter_rows():
        for cell in line:
            if isinstance(cell.value, float):
                cell.number_format = "0.0%" if cell.column != 7 else "0.00"
    ws.column_dimensions["A"].width = 60
    for letter in "BCDEFG":
        ws.column_dimensions[letter].width = 18


def bieu06_bytes(report: Report, **names) -> bytes:
    buffer = io.BytesIO()
    bieu06_workbook(report, **names).save(buffer)
    return buffer.getvalue()


def bieu06_filename(period: Period) -> str:
    return f"Biểu 06 - Tình hình giải quyết TTHC từ {period.start:%d-%m-%Y} đến {period.end:%d-%m-%Y}.xlsx"


# --- the tracking book (Mẫu 06) ----------------------------------------------------------------

DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
CHANNELS = dict(Channel.choices)
STATUSES = dict(Status.choices)
CLASSIFICATIONS = dict(Classification.choices)
# (header, column of values_list, how to show it)
BOOK_COLUMNS: list[tuple[str, str, str]] = [
    ("Quyển số", "book_volume", "plain"),
    ("Số thứ tự", "book_line", "plain"),
    (IMPORT_HEADERS["code"], "code", "plain"),
    (IMPORT_HEADERS["procedure_code"], "procedure__code", "plain"),
    ("Tên thủ tục", "procedure__name", "plain"),
    ("Lĩnh vực", "field__name", "plain"),
    (IMPORT_HEADERS["agency"], "agency__code", "plain"),
    (IMPORT_HEADERS["applicant_name"], "applicant_name", "plain"),
    (IMPORT_HEADERS["applicant_phone"], "applicant_phone", "plain"),
    (IMPORT_HEADERS["applicant_address"], "applicant_address", "plain"),
    (IMPORT_HEADERS["channel"], "channel", "channel"),
    (IMPORT_HEADERS["received_at"], "received_at", "datetime"),
    (IMPORT_HEADERS["due_at"], "due_at", "datetime"),
    ("Hẹn lại (phiếu xin lỗi)", "appointment_at", "datetime"),
    (IMPORT_HEADERS["result_ready_at"], "result_ready_at", "datetime"),
    (IMPORT_HEADERS["returned_at"], "returned_at", "datetime"),
    ("Rút, từ chối lúc", "closed_at", "datetime"),
    ("Trạng thái", "status", "status"),
    ("Kết quả (cuối kỳ)", "at_end", "classification"),
    (IMPORT_HEADERS["notes"], "notes", "plain"),
]
BOOK_WIDTHS = [8, 9, 22, 12, 40, 24, 12, 24, 13, 30, 11, 16, 16, 16, 16, 16, 16, 18, 16, 30]


@dataclass(frozen=True)
class BookResult:
    rows: int
    sheets: int


def tracking_book_rows(*, period: Period, agency_ids: Sequence[int] | None):
    """Dossiers received in the period, in book order, as tuples in BOOK_COLUMNS order."""
    queryset = Dossier.objects.filter(received_date__gte=period.start, received_date__lte=period.end)
    if agency_ids is not None:
        queryset = queryset.filter(agency_id__in=agency_ids)
    return (
        queryset.annotate(at_end=classification_at_end(period))
        .order_by("received_at", "id")
        .values_list(*(column for _, column, _ in BOOK_COLUMNS))
    )


def write_tracking_book(
    target,
    *,
    period: Period,
    agency_ids: Sequence[int] | None,
    max_rows: int = EXCEL_MAX_ROWS,
    progress: Callable[[int], None] | None = None,
    chunk_size: int = 2000,
) -> BookResult:
    """Stream the book to `target` (a path or a binary file); a new sheet every `max_rows` rows."""
    if max_rows < 2:
        raise ValueError("max_rows must leave room for the header and one row")
    wb = Workbook(write_only=True)
    kinds = [kind for _, _, kind in BOOK_COLUMNS]
    date_cells = {}
    sheet, sheets, on_sheet, written = None, 0, max_rows, 0
    for values in tracking_book_rows(period=period, agency_ids=agency_ids).iterator(chunk_size=chunk_size):
        if on_sheet == max_rows:
            sheets += 1
            sheet = _book_sheet(wb, sheets)
            date_cells = {i: _date_cell(sheet) for i, kind in enumerate(kinds) if kind == "datetime"}
            on_sheet = 1
        sheet.append(row_cells(sheet, [_show(value, kinds[i], date_cells.get(i)) for i, value in enumerate(values)]))
        on_sheet += 1
        written += 1
        if progress is not None and written % chunk_size == 0:
            progress(chunk_size)
    if sheet is None:  # an empty period still gets a sheet with its header
        sheets = 1
        _book_sheet(wb, sheets)
    if progress is not None and written % chunk_size:
        progress(written % chunk_size)
    wb.save(target)
    return BookResult(rows=written, sheets=sheets)


def _book_sheet(wb: Workbook, number: int):
    sheet = wb.create_sheet("Sổ theo dõi" if number == 1 else f"Sổ theo dõi ({number})")
    for index, width in enumerate(BOOK_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for text, _, _ in BOOK_COLUMNS:
        cell = text_cell(sheet, text)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    return sheet


def _date_cell(sheet) -> WriteOnlyCell:
    """One styled cell per date column, reused row after row (each row is written at once)."""
    cell = WriteOnlyCell(sheet)
    cell.number_format = DATETIME_FORMAT
    return cell


def _show(value, kind: str, date_cell: WriteOnlyCell | None):
    if value is None or kind == "plain":
        return value
    if kind == "datetime":
        date_cell.value = _local(value)
        return date_cell
    if kind == "channel":
        return CHANNELS.get(value, value)
    if kind == "status":
        return STATUSES.get(value, value)
    return CLASSIFICATIONS.get(value, value)


def _local(instant: dt.datetime) -> dt.datetime:
    """Excel has no time zones: the local wall-clock time in Vietnam."""
    return instant.astimezone(VN_TZ).replace(tzinfo=None)
