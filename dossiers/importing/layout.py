"""The file format of a tracking book and the limits of an import.

The columns in sheet order with their Vietnamese headers and the other names a header may have,
the columns every row must fill in, the row and year limits, the office hours assumed when an
agency is not known, and the text lengths the dossier model allows.
"""

from __future__ import annotations

import datetime as dt

from dossiers.models import Dossier

# The file format. Headers are part of the format: do not translate them.
COLUMNS: list[tuple[str, str]] = [
    ("code", "Mã hồ sơ"),
    ("procedure_code", "Mã thủ tục"),
    ("agency", "Mã cơ quan"),
    ("applicant_name", "Người nộp"),
    ("applicant_phone", "Điện thoại"),
    ("applicant_address", "Địa chỉ"),
    ("received_at", "Ngày nhận"),
    ("due_at", "Hẹn trả"),
    ("result_ready_at", "Ngày có kết quả"),
    ("returned_at", "Ngày trả"),
    ("channel", "Kênh"),
    ("notes", "Ghi chú"),
]
HEADERS: dict[str, str] = dict(COLUMNS)
# Other names a header may have, besides its key and its Vietnamese header.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("Số biên nhận", "Mã số hồ sơ"),
    "procedure_code": ("Mã TTHC",),
    "agency": ("Cơ quan", "Cơ quan giải quyết"),
    "applicant_name": ("Người nộp hồ sơ", "Tên người nộp", "Tổ chức, cá nhân"),
    "applicant_phone": ("contact", "Số điện thoại", "Liên hệ"),
    "received_at": ("Ngày nhận hồ sơ", "Ngày tiếp nhận", "Thời điểm tiếp nhận"),
    "due_at": ("Ngày hẹn trả", "Hẹn trả kết quả", "Ngày hẹn trả kết quả"),
    "result_ready_at": ("Có kết quả", "Ngày có kết quả giải quyết"),
    "returned_at": ("Ngày trả kết quả", "Đã trả kết quả"),
    "channel": ("Kênh nộp", "Hình thức nộp"),
}
# Columns that must be in the file and filled in on every row ("agency" is decided per user).
REQUIRED_COLUMNS = (
    "code",
    "procedure_code",
    "applicant_name",
    "applicant_phone",
    "received_at",
    "channel",
)
MAX_ROWS = 20_000
# An earlier year is a typo (the one-stop mechanism is younger than that); the last is the calendar's
# (config.dates.LAST_YEAR), checked with it in cells.parse_moment.
MIN_YEAR = 2000
DEFAULT_OPENING = dt.time(7, 0)
DEFAULT_CLOSING = dt.time(17, 0)

_TEXT_DATE_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S")
_CODE_MAX = Dossier._meta.get_field("code").max_length
_NAME_MAX = Dossier._meta.get_field("applicant_name").max_length
_ADDRESS_MAX = Dossier._meta.get_field("applicant_address").max_length
