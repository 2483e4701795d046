"""Spreadsheet exports (openpyxl): the satisfaction report and a survey plan's call list.

The report workbook holds the same figures as `satisfaction_report`, and no personal data.
The call list holds names and phones, so its views check `feedback.export_surveyplan`.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from config.xlsx import append_row, put
from feedback.models import CRITERIA, SurveyPlan, SurveySample
from feedback.selectors import satisfaction_report
from procedures.calendar import VN_TZ

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF1F5")

REPORT_SHEETS = (("field", "Theo lĩnh vực"), ("procedure", "Theo thủ tục"), ("agency", "Theo cơ quan"))
REPORT_COLUMNS = [
    "Mã", "Tên", "Số phiếu đánh giá", "Số phiếu hài lòng", "Tỷ lệ hài lòng", "Chỉ tiêu", "Đạt chỉ tiêu",
    "Hồ sơ đã trả kết quả", "Hồ sơ được đánh giá", "Tỷ lệ phản hồi", "Điểm chung trung bình",
    *(f"TB: {label}" for _, label in CRITERIA),
]


def _header(sheet, columns: list[str], row: int = 1) -> None:
    for index, title in enumerate(columns, start=1):
        cell = put(sheet, row, index, title)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(title) + 2))
    sheet.freeze_panes = f"A{row + 1}"  # a string: touching the cell would create an empty row


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("Đạt" if value else "Chưa đạt")


def _figures(row: dict) -> list:
    return [
        row["ratings"], row["satisfied"], row["satisfaction_rate"], row["target"], _yes_no(row["meets_target"]),
        row["returned"], row["rated"], row["response_rate"], row["overall_average"],
        *(row["averages"][key] for key, _ in CRITERIA),
    ]


def _percent(sheet, columns: tuple[int, ...], first_row: int) -> None:
    for column in columns:
        for (cell,) in sheet.iter_rows(min_row=first_row, min_col=column, max_col=column):
            cell.number_format = "0.0%"


def _to_bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def satisfaction_workbook(*, user, date_from: dt.date, date_to: dt.date, agency_code: str | None = None) -> bytes:
    """Summary sheet (totals, target, criteria lowest first) and one sheet per grouping."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Tổng hợp"
    report = satisfaction_report(user=user, date_from=date_from, date_to=date_to, agency_code=agency_code)
    total = report["total"]
    append_row(summary, ["Kết quả đo lường sự hài lòng"])
    summary["A1"].font = Font(bold=True, size=13)
    append_row(summary, ["Từ ngày", date_from, "Đến ngày", date_to])
    append_row(summary, [])
    rows = [
        ("Số phiếu đánh giá", total["ratings"]),
        ("Số phiếu hài lòng (điểm chung ≥ 4)", total["satisfied"]),
        ("Tỷ lệ hài lòng", total["satisfaction_rate"]),
        ("Chỉ tiêu", report["target"]),
        ("Đạt chỉ tiêu", _yes_no(total["meets_target"])),
        ("Hồ sơ đã trả kết quả trong kỳ", total["returned"]),
        ("Hồ sơ được đánh giá", total["rated"]),
        ("Tỷ lệ phản hồi", total["response_rate"]),
        ("Điểm chung trung bình", total["overall_average"]),
    ]
    for label, value in rows:
        append_row(summary, [label, value])
    for row_number in (6, 7, 11):
        summary.cell(row=row_number, column=2).number_format = "0.0%"
    append_row(summary, [])
    append_row(summary, ["Tiêu chí (thấp nhất trước)", "Điểm trung bình"])
    for criterion in report["criteria"]:
        append_row(summary, [criterion["label"], criterion["average"]])
    summary.column_dimensions["A"].width = 45
    summary.column_dimensions["B"].width = 16
    for cell in (summary["B2"], summary["D2"]):
        cell.number_format = "DD/MM/YYYY"

    for group_by, title in REPORT_SHEETS:
        sheet = workbook.create_sheet(title)
        grouped = satisfaction_report(
            user=user, date_from=date_from, date_to=date_to, group_by=group_by, agency_code=agency_code
        )
        _header(sheet, REPORT_COLUMNS)
        for row in grouped["rows"]:
            append_row(sheet, [row["code"], row["name"], *_figures(row)])
        append_row(sheet, ["Tổng cộng", "", *_figures(grouped["total"])])
        sheet.cell(row=sheet.max_row, column=1).font = HEADER_FONT
        _percent(sheet, (5, 6, 10), first_row=2)
    return _to_bytes(workbook)


SURVEY_COLUMNS = [
    "STT", "Mã hồ sơ", "Lĩnh vực", "Thủ tục", "Ngày trả kết quả", "Họ tên người nộp", "Điện thoại", "Kết quả gọi",
]


def survey_workbook(plan: SurveyPlan) -> bytes:
    """The call list of a plan: one row per drawn dossier, with the applicant's name and phone."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách khảo sát"
    _header(sheet, SURVEY_COLUMNS)
    samples = SurveySample.objects.filter(plan=plan).order_by("position").values_list(
        "position", "dossier__code", "field__name", "dossier__procedure__name", "dossier__returned_at",
        "dossier__applicant_name", "dossier__applicant_phone", "outcome",
    )
    outcomes = dict(SurveySample.Outcome.choices)
    for position, code, field, procedure, returned_at, name, phone, outcome in samples:
        returned = returned_at.astimezone(VN_TZ).date()
        append_row(sheet, [position, code, field, procedure, returned, name, phone, outcomes[outcome]])
        sheet.cell(row=sheet.max_row, column=5).number_format = "DD/MM/YYYY"
        sheet.cell(row=sheet.max_row, column=7).number_format = "@"
    sheet.column_dimensions["C"].width = 30
    sheet.column_dimensions["D"].width = 50
    sheet.column_dimensions["F"].width = 28
    return _to_bytes(workbook)
