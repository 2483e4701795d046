"""Writes to the procedure catalogue: the all-or-nothing import and the matching Excel export.

The catalogue travels as rows with the layout in `CATALOGUE_COLUMNS`, either as an Excel sheet
(the format clerks edit) or as JSON (the demo catalogue). `catalogue_upsert` validates every row
before it writes any, so a file with one bad row changes nothing.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from procedures.models import Agency, Field, Procedure
from procedures.timeunits import ProcessingUnit

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


# --- cell values -----------------------------------------------------------------------------


class _BadValue(ValueError):
    pass


_REQUIRED = object()


def _fold(value: Any, *, drop_notes: bool = False) -> str:
    """Lower-case ASCII words, for matching what people type: 'Ngày làm việc' -> 'ngay lam viec'."""
    text = unicodedata.normalize("NFD", str(value)).replace("đ", "d").replace("Đ", "D")
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    if drop_notes:
        text = re.sub(r"\([^)]*\)", " ", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return all(_is_empty(item) for item in value)
    return False


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _code(value: Any) -> str:
    return _text(value).upper()


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise _BadValue(_("phải là số nguyên (nhận được '%s').") % value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value)
    if re.fullmatch(r"[+-]?\d+(\.0+)?", text):
        return int(float(text))
    raise _BadValue(_("phải là số nguyên (nhận được '%s').") % text)


_UNITS = {_fold(unit.value): unit.value for unit in ProcessingUnit} | {
    _fold(unit.label): unit.value for unit in ProcessingUnit
}


def _unit(value: Any) -> str:
    try:
        return _UNITS[_fold(value)]
    except KeyError:
        raise _BadValue(
            _("không nhận ra đơn vị '%s'; dùng working_days, working_hours, calendar_days "
              "hoặc 'ngày làm việc', 'giờ làm việc', 'ngày'.") % _text(value)
        ) from None


_ONLINE_WORDS = {
    "toan trinh": 4, "truc tuyen toan trinh": 4, "mot phan": 3, "truc tuyen mot phan": 3,
}


def _online_level(value: Any) -> int:
    folded = _fold(value, drop_notes=True)
    if folded in _ONLINE_WORDS:
        return _ONLINE_WORDS[folded]
    match = re.fullmatch(r"(?:muc(?: do)?\s*)?(\d+)(?: 0+)?", folded)
    level = int(match.group(1)) if match and not isinstance(value, bool) else None
    if level not in Procedure.OnlineLevel.values:
        raise _BadValue(
            _("mức độ DVC phải là 1, 2, 3, 4, 'toàn trình' (= 4) hoặc 'một phần' (= 3) "
              "(nhận được '%s').") % _text(value)
        )
    return level


_POLICIES = {
    "restart": "restart", "tinh lai": "restart", "tinh lai tu dau": "restart",
    "pause": "pause", "tam dung": "pause",
}


def _policy(value: Any) -> str:
    try:
        return _POLICIES[_fold(value)]
    except KeyError:
        raise _BadValue(
            _("dùng 'restart' (tính lại từ đầu) hoặc 'pause' (tạm dừng) (nhận được '%s').")
            % _text(value)
        ) from None


_TRUE = {"co", "x", "1", "true", "yes", "y", "dung"}
_FALSE = {"khong", "0", "false", "no", "n", "sai"}


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    folded = _fold(_text(value))
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise _BadValue(_("dùng 'có' hoặc 'không' (nhận được '%s').") % _text(value))


def _documents(value: Any) -> str:
    """One document per line; a JSON list gives one document per item."""
    items = value if isinstance(value, list | tuple) else [value]
    lines = [line.strip() for item in items for line in _text(item).split("\n")]
    return "\n".join(line for line in lines if line)


# key -> (parser, value of an empty cell); _REQUIRED means an empty cell is an error.
_COLUMN_RULES: dict[str, tuple[Callable[[Any], Any], Any]] = {
    "agency": (_code, _REQUIRED),
    "field_code": (_code, _REQUIRED),
    "field_name": (_text, _REQUIRED),
    "code": (_text, _REQUIRED),
    "name": (_text, _REQUIRED),
    "processing_amount": (_integer, _REQUIRED),
    "processing_unit": (_unit, _REQUIRED),
    "online_level": (_online_level, _REQUIRED),
    "supplement_policy": (_policy, Procedure.SupplementPolicy.RESTART.value),
    "apology_extension_days": (_integer, 5),
    "fee": (_text, ""),
    "required_documents": (_documents, ""),
    "legal_basis": (_text, ""),
    "is_active": (_boolean, True),
    "needs_verification": (_boolean, False),
    "verification_note": (_text, ""),
}
_COMPARE_AS = {"code": _text, "name": _text, "fee": _text, "legal_basis": _text,
               "verification_note": _text, "required_documents": _documents}


def _parse_row(row_no: int, row: dict[str, Any]) -> tuple[dict[str, Any], list[RowError]]:
    """The row's values in model form; a key absent from `row` stays absent (keep stored value)."""
    values: dict[str, Any] = {}
    errors = [
        RowError(row_no, str(key), _("không nhận ra cột này."))
        for key in row
        if key not in HEADERS and key != ROW_KEY
    ]
    for key, header in CATALOGUE_COLUMNS:
        parse, empty_value = _COLUMN_RULES[key]
        if key not in row and empty_value is not _REQUIRED:
            continue
        raw = row.get(key)
        if _is_empty(raw):
            if empty_value is _REQUIRED:
                errors.append(RowError(row_no, header, _("bắt buộc, không được để trống.")))
            else:
                values[key] = empty_value
            continue
        try:
            values[key] = parse(raw)
        except _BadValue as exc:
            errors.append(RowError(row_no, header, str(exc)))
    return values, errors


def _validation_errors(
    row_no: int, exc: ValidationError, columns: dict[str, str]
) -> list[RowError]:
    errors = []
    for name, messages in exc.message_dict.items():
        key = columns.get(name, name)
        column = HEADERS.get(key, "") if name != NON_FIELD_ERRORS else ""
        errors.extend(RowError(row_no, column, message) for message in messages)
    return errors


# --- import ----------------------------------------------------------------------------------


def catalogue_upsert(*, rows: list[dict], user=None, dry_run: bool = False) -> UpsertResult:
    """Create or update procedures (and their fields) from rows, all of them or none.

    Every row is checked first and every problem is reported in one CatalogueError. Rows equal to
    what is stored are not saved, so importing the same file twice writes nothing the second time.
    Agencies are never created here. With `dry_run` nothing is written either way.
    """
    if len(rows) > MAX_ROWS:
        raise CatalogueError.whole_file(
            _("có %(count)s dòng, nhiều hơn giới hạn %(limit)s dòng mỗi lần nhập; "
              "hãy chia nhỏ tệp.") % {"count": len(rows), "limit": MAX_ROWS}
        )
    plan = _plan_upsert(rows)
    if dry_run:
        return plan.result
    try:
        with transaction.atomic():
            for instance in [*plan.fields_to_save, *plan.procedures_to_save]:
                if user is not None:
                    instance._history_user = user
                instance.save()
    except IntegrityError as exc:
        # Only reachable when someone else changes the catalogue between checking and writing.
        raise CatalogueError.whole_file(
            _("danh mục vừa bị thay đổi trong lúc nhập (%s); không có gì được ghi, "
              "hãy chạy lại.") % exc
        ) from exc
    return plan.result


class _Planner:
    """Checks rows against the database and each other, and collects what would be saved."""

    def __init__(self, parsed: list[tuple[int, dict[str, Any], list[RowError]]]):
        codes = {values["agency"] for _row, values, _errors in parsed if "agency" in values}
        self.agencies = Agency.objects.in_bulk(codes, field_name="code")
        self.fields = {
            (f.agency_id, f.code): f
            for f in Field.objects.filter(agency__in=self.agencies.values())
        }
        stored = Procedure.objects.filter(agency__in=self.agencies.values()).select_related("field")
        self.procedures = {(p.agency_id, p.code): p for p in stored}
        self.result = UpsertResult()
        self.errors: list[RowError] = []
        self.fields_to_save: list[Field] = []
        self.procedures_to_save: list[Procedure] = []
        self.first_row_of_code: dict[tuple[str, str], int] = {}
        self.field_seen: dict[tuple[str, str], tuple[int, str, Field | None]] = {}

    def add_row(self, row_no: int, values: dict[str, Any], failed: list[str]) -> None:
        """Plan one parsed row; rows with problems are still checked so every error is found."""
        agency_code = values.get("agency")
        agency = self.agencies.get(agency_code)
        if agency_code is not None and agency is None:
            self._error(row_no, "agency", _("không có cơ quan mã '%s'.") % agency_code)
        if agency_code is not None and "code" in values:
            key = (agency_code, values["code"])
            if key in self.first_row_of_code:
                self._error(
                    row_no, "code",
                    _("mã thủ tục '%(code)s' của cơ quan '%(agency)s' trùng với dòng %(first)s.")
                    % {"code": key[1], "agency": key[0], "first": self.first_row_of_code[key]},
                )
            self.first_row_of_code.setdefault(key, row_no)
        field = self._field(row_no, agency_code, agency, values)

        procedure = self.procedures.get((getattr(agency, "id", None), values.get("code")))
        is_new = procedure is None
        if is_new:
            procedure = Procedure(agency=agency)
        changed = is_new
        for attr in PROCEDURE_ATTRS:
            if attr in values and not _same(attr, getattr(procedure, attr), values[attr]):
                setattr(procedure, attr, values[attr])
                changed = True
        if field is not None and (field.pk is None or procedure.field_id != field.pk):
            procedure.field = field
            changed = True
        if not changed:
            self.result.unchanged += 1
            return
        try:
            # agency and field were resolved above (field checked on its own): skip their lookups.
            procedure.full_clean(exclude=["agency", "field", *failed])
        except ValidationError as exc:
            self.errors.extend(_validation_errors(row_no, exc, {"field": "field_code"}))
        self.procedures_to_save.append(procedure)
        if is_new:
            self.result.created += 1
        else:
            self.result.updated += 1

    def _field(self, row_no, agency_code, agency, values) -> Field | None:
        """The row's field, created or renamed in memory; None when it cannot be used."""
        if "field_code" not in values or "field_name" not in values:
            return None
        key, name = (agency_code, values["field_code"]), values["field_name"]
        if key in self.field_seen:
            first_row, first_name, field = self.field_seen[key]
            if first_name != name:
                self._error(
                    row_no, "field_name",
                    _("lĩnh vực '%(code)s' đã có tên '%(first_name)s' ở dòng %(first)s, "
                      "khác tên '%(name)s' ở dòng này; mỗi mã lĩnh vực chỉ có một tên.")
                    % {"code": key[1], "first_name": first_name, "first": first_row, "name": name},
                )
            return field

        field = self.fields.get((getattr(agency, "id", None), values["field_code"]))
        if field is None:
            field = Field(agency=agency, code=values["field_code"], name=name)
            self.result.fields_created += 1
        elif _text(field.name) != name:
            field.name = name
            self.result.fields_updated += 1
        else:
            self.field_seen[key] = (row_no, name, field)
            return field
        try:
            field.full_clean(exclude=["agency"])
        except ValidationError as exc:
            self.errors.extend(
                _validation_errors(row_no, exc, {"code": "field_code", "name": "field_name"})
            )
            field = None
        else:
            self.fields_to_save.append(field)
        self.field_seen[key] = (row_no, name, field)
        return field

    def _error(self, row_no: int, key: str, message: str) -> None:
        self.errors.append(RowError(row_no, HEADERS[key], message))


def _plan_upsert(rows: list[dict]) -> _Planner:
    parsed = []
    errors: list[RowError] = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            errors.append(RowError(index + 1, "", _("mỗi thủ tục phải là một đối tượng (dict).")))
            continue
        row_no = row.get(ROW_KEY, index + 1)
        values, row_errors = _parse_row(row_no, row)
        parsed.append((row_no, values, row_errors))
        errors.extend(row_errors)

    planner = _Planner(parsed)
    for row_no, values, row_errors in parsed:
        failed_headers = {error.column for error in row_errors}
        failed = [key for key, header in CATALOGUE_COLUMNS if header in failed_headers]
        planner.add_row(row_no, values, failed)
    errors.extend(planner.errors)
    if errors:
        raise CatalogueError(errors)
    return planner


def _same(attr: str, stored: Any, new: Any) -> bool:
    normalise = _COMPARE_AS.get(attr)
    return normalise(stored) == new if normalise else stored == new


# --- files -----------------------------------------------------------------------------------


_HEADER_LOOKUP: dict[str, str] = {
    _fold(name, drop_notes=True): key
    for key, header in CATALOGUE_COLUMNS
    for name in (key, header, *HEADER_ALIASES.get(key, ()))
}


def _not_xlsx(exc: Exception) -> CatalogueError:
    return CatalogueError.whole_file(
        _("tệp không phải là tệp Excel .xlsx hợp lệ (%s). Nếu đây là tệp .xls hoặc .csv, hãy mở "
          "bằng Excel và lưu lại dưới dạng 'Excel Workbook (*.xlsx)'.") % (exc.__class__.__name__)
    )


def read_catalogue_xlsx(path_or_file) -> list[dict]:
    """Rows of the first data sheet as dicts keyed by column key, each with its Excel row number."""
    try:
        workbook = load_workbook(path_or_file, read_only=True, data_only=True)
    except FileNotFoundError as exc:
        raise CatalogueError.whole_file(_("không tìm thấy tệp '%s'.") % path_or_file) from exc
    except Exception as exc:  # openpyxl raises many kinds of error for a file that is not xlsx
        raise _not_xlsx(exc) from exc
    try:
        return _read_sheet(workbook)
    except CatalogueError:
        raise
    except Exception as exc:  # a damaged sheet inside a valid zip
        raise _not_xlsx(exc) from exc
    finally:
        workbook.close()


def _read_sheet(workbook) -> list[dict]:
    sheets = [ws for ws in workbook.worksheets if _fold(ws.title) != _fold(GUIDE_SHEET_TITLE)]
    if not sheets:
        raise CatalogueError.whole_file(_("tệp không có trang tính dữ liệu nào."))
    sheet = sheets[0]
    sheet.reset_dimensions()  # files not written by Excel often carry wrong dimensions
    lines = sheet.iter_rows(values_only=True)
    header = next(lines, None) or ()
    columns = _map_header(header)

    rows = []
    for row_no, cells in enumerate(lines, start=2):
        values = {key: (cells[i] if i < len(cells) else None) for i, key in columns.items()}
        if all(_is_empty(value) for value in values.values()):
            continue
        if len(rows) == MAX_ROWS:
            raise CatalogueError.whole_file(
                _("tệp có nhiều hơn %s dòng dữ liệu; hãy chia thành nhiều tệp nhỏ hơn.") % MAX_ROWS
            )
        rows.append({**values, ROW_KEY: row_no})
    return rows


def _map_header(header: tuple) -> dict[int, str]:
    """Column index -> key; an unknown, repeated or missing column is an error."""
    columns: dict[int, str] = {}
    errors = []
    for index, cell in enumerate(header):
        title = _text(cell)
        if not title:
            continue
        key = _HEADER_LOOKUP.get(_fold(title, drop_notes=True))
        cell_ref = f"{get_column_letter(index + 1)}1"
        if key is None:
            message = _("không nhận ra tên cột (ô %s); xem trang 'Hướng dẫn' để biết các cột "
                        "hợp lệ.") % cell_ref
            errors.append(RowError(1, title, message))
        elif key in columns.values():
            errors.append(RowError(1, title, _("cột này bị lặp lại (ô %s).") % cell_ref))
        else:
            columns[index] = key
    if not columns and not errors:
        raise CatalogueError.whole_file(
            _("dòng 1 phải là dòng tiêu đề (Mã cơ quan, Mã lĩnh vực, …) nhưng đang để trống.")
        )
    errors.extend(
        RowError(1, HEADERS[key], _("thiếu cột bắt buộc."))
        for key in REQUIRED_COLUMNS
        if key not in columns.values()
    )
    if errors:
        raise CatalogueError(errors)
    return columns


def read_catalogue_json(path_or_file) -> list[dict]:
    """Procedure rows from JSON: a list of rows, or an object whose "procedures" is that list."""
    try:
        if hasattr(path_or_file, "read"):
            data = json.load(path_or_file)
        else:
            with open(path_or_file, encoding="utf-8-sig") as handle:
                data = json.load(handle)
    except FileNotFoundError as exc:
        raise CatalogueError.whole_file(_("không tìm thấy tệp '%s'.") % path_or_file) from exc
    except json.JSONDecodeError as exc:
        raise CatalogueError.whole_file(
            _("tệp JSON không hợp lệ (dòng %(line)s, cột %(col)s): %(msg)s")
            % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}
        ) from exc
    except UnicodeDecodeError as exc:
        raise CatalogueError.whole_file(_("tệp JSON phải được lưu bằng mã UTF-8.")) from exc
    if isinstance(data, dict):
        data = data.get("procedures")
    if not isinstance(data, list):
        raise CatalogueError.whole_file(
            _("tệp JSON phải là một danh sách thủ tục hoặc một đối tượng có khóa \"procedures\".")
        )
    return data


# --- export ----------------------------------------------------------------------------------

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


def _put(sheet, row: int, column: int, value: Any):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text that starts with "=" stays text, never a formula
    return cell


def write_catalogue_xlsx(queryset, path_or_file) -> int:
    """Write procedures in the import layout, plus a guide sheet; returns how many were written."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET_TITLE
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for column, (key, header) in enumerate(CATALOGUE_COLUMNS, start=1):
        cell = _put(sheet, 1, column, header)
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
            cell = _put(sheet, row, column, values[key])
            cell.alignment = Alignment(vertical="top", wrap_text=key in _WRAPPED)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(CATALOGUE_COLUMNS))}{count + 1}"

    guide = workbook.create_sheet(GUIDE_SHEET_TITLE)
    for column, (title, width) in enumerate(
        [("Cột", 26), ("Khóa", 24), ("Bắt buộc", 10), ("Giá trị hợp lệ, ý nghĩa", 100)], start=1
    ):
        _put(guide, 1, column, title).font = Font(bold=True)
        guide.column_dimensions[get_column_letter(column)].width = width
    for row, (key, header) in enumerate(CATALOGUE_COLUMNS, start=2):
        required = "có" if key in REQUIRED_COLUMNS else ""
        for column, value in enumerate([header, key, required, _GUIDE[key]], start=1):
            _put(guide, row, column, value).alignment = Alignment(vertical="top", wrap_text=True)
    notes = [
        "Dòng 1 của trang 'Thủ tục' là tiêu đề; tên cột viết theo tiêu đề tiếng Việt hoặc theo "
        "khóa, không phân biệt hoa thường và dấu.",
        "Mỗi lần nhập tối đa 5.000 dòng. Có một dòng lỗi thì cả tệp không được ghi; sửa theo danh "
        "sách lỗi (dòng, cột) rồi nhập lại.",
        "Dòng có giá trị giống hệt dữ liệu đang lưu thì không bị ghi lại.",
    ]
    for offset, note in enumerate(notes, start=len(CATALOGUE_COLUMNS) + 3):
        _put(guide, offset, 1, note)
    guide.freeze_panes = "A2"

    workbook.save(path_or_file)
    return count
