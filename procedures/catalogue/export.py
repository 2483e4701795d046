"""Writing the catalogue to .xlsx in the import layout, so export then import round-trips."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from config.xlsx import put
from procedures.catalogue.layout import CATALOGUE_COLUMNS, DATA_SHEET_TITLE, GUIDE_SHEET_TITLE, REQUIRED_COLUMNS
from procedures.models import Procedure

_COLUMN_WIDTHS = {
    "agency": 14, "field_code": 12, "field_name": 30, "code": 14, "name": 60,
    "processing_amount": 12, "processing_unit": 16, "online_level": 11, "supplement_policy": 14,
    "apology_extension_days": 12, "fee": 30, "required_documents": 70, "legal_basis": 60,
    "is_active": 11, "needs_verification": 11, "verification_note": 40,
}
_WRAPPED = {"field_name", "name", "fee", "required_documents", "legal_basis", "verification_note"}
_GUIDE = {
    "agency": "Mã cơ quan giải quyết đã có trong hệ thống (ví dụ SGDDT). Không tạo cơ quan mới.",
    "field_code": "Mã lĩnh vực: chữ in hoa không dấu, số và . _ - ; chưa có thì được tạo mới.",
    "field_name": "Tên lĩnh vực; các dòng cùng mã lĩnh vực phải cùng tên. Tên khác tên đang lưu "
                  "thì tên lĩnh vực được cập nhật.",
    "code": "Mã thủ tục theo Cơ sở dữ liệu quốc gia (ví dụ 1.005092). Trùng mã trong cùng cơ quan "
            "là cập nhật thủ tục đó.",
    "name": "Tên thủ tục hành chính.",
    "processing_amount": "Số nguyên từ 1 đến 365.",
    "processing_unit": "working_days (ngày làm việc), working_hours (giờ làm việc) hoặc "
                       "calendar_days (ngày); cũng nhận 'ngày làm việc', 'giờ làm việc', 'ngày'.",
    "online_level": "Mức độ dịch vụ công trực tuyến 1–4; cũng nhận 'toàn trình' (= 4), "
                    "'một phần' (= 3).",
    "supplement_policy": "restart: tính lại thời hạn từ đầu khi nhận đủ hồ sơ bổ sung; pause: tạm "
                         "dừng tính thời hạn khi chờ bổ sung. Để trống = restart.",
    "apology_extension_days": "Số ngày làm việc được gia hạn khi có văn bản xin lỗi (1–60). "
                              "Để trống = 5.",
    "fee": "Phí, lệ phí (văn bản tự do). Để trống = không ghi.",
    "required_documents": "Thành phần hồ sơ, mỗi giấy tờ một dòng trong ô "
                          "(Alt+Enter để xuống dòng).",
    "legal_basis": "Căn cứ pháp lý.",
    "is_active": "có/không (cũng nhận x, 1/0, true/false). Để trống = có.",
    "needs_verification": "có nếu số liệu chưa đối chiếu được với văn bản công bố. "
                          "Để trống = không.",
    "verification_note": "Điều cần kiểm tra lại.",
}


def _export_values(procedure: Procedure) -> dict[str, Any]:
    def yes_no(value: bool) -> str:
        return "có" if value else "không"

    return {
        "agency": procedure.agency.code,
        "field_code": procedure.field.code,
        "field_name": procedure.field.name,
        "code": procedure.code,
        "name": procedure.name,
        "processing_amount": procedure.processing_amount,
        "processing_unit": procedure.processing_unit,
        "online_level": procedure.online_level,
        "supplement_policy": procedure.supplement_policy,
        "apology_extension_days": procedure.apology_extension_days,
        "fee": procedure.fee,
        "required_documents": "\n".join(procedure.required_documents_list),
        "legal_basis": procedure.legal_basis,
        "is_active": yes_no(procedure.is_active),
        "needs_verification": yes_no(procedure.needs_verification),
        "verification_note": procedure.verification_note,
    }


def write_catalogue_xlsx(queryset, path_or_file) -> int:
    """Write procedures in the import layout, plus a guide sheet; returns how many were written."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET_TITLE
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for column, (key, header) in enumerate(CATALOGUE_COLUMNS, start=1):
        cell = put(sheet, 1, column, header)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(column)].width = _COLUMN_WIDTHS[key]
    sheet.freeze_panes = "A2"

    count = 0
    procedures = queryset.select_related("agency", "field").order_by(
        "agency__code", "field__code", "code"
    )
    for row, procedure in enumerate(procedures, start=2):
        values = _export_values(procedure)
        for column, (key, _header) in enumerate(CATALOGUE_COLUMNS, start=1):
            cell = put(sheet, row, column, values[key])
            cell.alignment = Alignment(vertical="top", wrap_text=key in _WRAPPED)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(CATALOGUE_COLUMNS))}{count + 1}"

    guide = workbook.create_sheet(GUIDE_SHEET_TITLE)
    for column, (title, width) in enumerate(
        [("Cột", 26), ("Khóa", 24), ("Bắt buộc", 10), ("Giá trị hợp lệ, ý nghĩa", 100)], start=1
    ):
        put(guide, 1, column, title).font = Font(bold=True)
        guide.column_dimensions[get_column_letter(column)].width = width
    for row, (key, header) in enumerate(CATALOGUE_COLUMNS, start=2):
        required = "có" if key in REQUIRED_COLUMNS else ""
        for column, value in enumerate([header, key, required, _GUIDE[key]], start=1):
            put(guide, row, column, value).alignment = Alignment(vertical="top", wrap_text=True)
    notes = [
        "Dòng 1 của trang 'Thủ tục' là tiêu đề; tên cột viết theo tiêu đề tiếng Việt hoặc theo "
        "khóa, không phân biệt hoa thường và dấu.",
        "Mỗi lần nhập tối đa 5.000 dòng. Có một dòng lỗi thì cả tệp không được ghi; sửa theo danh "
        "sách lỗi (dòng, cột) rồi nhập lại.",
        "Dòng có giá trị giống hệt dữ liệu đang lưu thì không bị ghi lại.",
    ]
    for offset, note in enumerate(notes, start=len(CATALOGUE_COLUMNS) + 3):
        put(guide, offset, 1, note)
    guide.freeze_panes = "A2"

    workbook.save(path_or_file)
    return count
