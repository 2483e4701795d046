"""The file format of the catalogue: its columns, and the errors and results of an import."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

# The file format, in sheet order. Headers are part of the format: do not translate them.
CATALOGUE_COLUMNS: list[tuple[str, str]] = [
    ("agency", "Mã cơ quan"),
    ("field_code", "Mã lĩnh vực"),
    ("field_name", "Tên lĩnh vực"),
    ("code", "Mã thủ tục"),
    ("name", "Tên thủ tục"),
    ("processing_amount", "Thời hạn giải quyết"),
    ("processing_unit", "Đơn vị"),
    ("online_level", "Mức độ DVC"),
    ("supplement_policy", "Khi bổ sung hồ sơ"),
    ("apology_extension_days", "Gia hạn khi xin lỗi"),
    ("fee", "Phí, lệ phí"),
    ("required_documents", "Thành phần hồ sơ"),
    ("legal_basis", "Căn cứ pháp lý"),
    ("is_active", "Đang áp dụng"),
    ("needs_verification", "Cần kiểm tra lại"),
    ("verification_note", "Ghi chú kiểm tra"),
]
HEADERS: dict[str, str] = dict(CATALOGUE_COLUMNS)
# Columns without a documented default: they must be in the file and filled in on every row.
REQUIRED_COLUMNS = (
    "agency", "field_code", "field_name", "code", "name",
    "processing_amount", "processing_unit", "online_level",
)
# Other names a header may have (besides its key and its Vietnamese header).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "agency": ("Cơ quan", "Cơ quan giải quyết"),
    "code": ("Mã TTHC",),
    "name": ("Tên TTHC",),
    "processing_amount": ("Thời hạn",),
    "processing_unit": ("Đơn vị thời hạn", "Đơn vị tính"),
    "online_level": ("Mức độ", "Mức độ dịch vụ công trực tuyến"),
}
MAX_ROWS = 5000
ROW_KEY = "_row"  # the Excel row number that `read_catalogue_xlsx` adds to each row
DATA_SHEET_TITLE = "Thủ tục"
GUIDE_SHEET_TITLE = "Hướng dẫn"
_COLUMN_ORDER = {header: position for position, (_key, header) in enumerate(CATALOGUE_COLUMNS, 1)}
PROCEDURE_ATTRS = [
    key for key, _header in CATALOGUE_COLUMNS if key not in ("agency", "field_code", "field_name")
]


@dataclass(frozen=True)
class RowError:
    """One problem in one cell; `row` 0 means the whole file, empty `column` the whole row."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.row and self.column:
            return _("Dòng %(row)s, cột %(column)s: %(message)s") % self._parts()
        if self.row:
            return _("Dòng %(row)s: %(message)s") % self._parts()
        if self.column:
            return _("Cột %(column)s: %(message)s") % self._parts()
        return self.message[:1].upper() + self.message[1:]

    def _parts(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class CatalogueError(Exception):
    """The catalogue could not be read or imported; `errors` lists every problem found."""

    def __init__(self, errors: Iterable[RowError]):
        self.errors = sorted(errors, key=lambda e: (e.row, _COLUMN_ORDER.get(e.column, 0)))
        super().__init__("\n".join(str(error) for error in self.errors))

    @classmethod
    def whole_file(cls, message: str) -> CatalogueError:
        return cls([RowError(row=0, column="", message=message)])


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    fields_created: int = 0
    fields_updated: int = 0
