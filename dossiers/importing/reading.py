"""Reading the first sheet of an .xlsx tracking book into rows keyed by column key.

`read_tracking_book` opens the file, refuses what is not an .xlsx workbook, maps the header row
to column keys (by key, Vietnamese header or alias) and keeps every non-empty row below it as a
`SheetRow`, up to `MAX_ROWS` rows, within the bounds of config/spreadsheets.py. A date cell
whose format shows no time is kept as a `DateCell`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from config.spreadsheets import WorkbookTooLarge, bounded_rows, open_bounded_workbook
from config.text import fold
from dossiers.importing import layout
from dossiers.importing.cells import DateCell, _is_empty
from dossiers.importing.errors import DossierImportError, RowError
from dossiers.importing.layout import COLUMNS, HEADER_ALIASES, HEADERS, REQUIRED_COLUMNS


def _header_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for key, header in COLUMNS:
        for name in (key, header, *HEADER_ALIASES.get(key, ())):
            folded = fold(name)
            if lookup.setdefault(folded, key) != key:  # pragma: no cover - a bad edit above
                raise AssertionError(f"header {name!r} names two columns")
    return lookup


_HEADER_LOOKUP = _header_lookup()


@dataclass
class SheetRow:
    number: int  # the Excel row number, 2 for the first data row
    values: dict[str, Any]


@dataclass
class TrackingBook:
    rows: list[SheetRow]
    columns: set[str]
    ignored_headers: list[str] = field(default_factory=list)


def _has_time(number_format: str | None) -> bool:
    """Whether an Excel number format shows hours or seconds (quoted text and [..] ignored)."""
    if not number_format:
        return False
    plain = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", number_format)
    return bool(re.search(r"[hHsS]", plain))


def _cell_value(cell) -> Any:
    value = cell.value
    if (
        isinstance(value, dt.datetime)
        and value.time() == dt.time(0, 0)
        and not _has_time(getattr(cell, "number_format", None))
    ):
        return DateCell(value.date())
    return value


def read_tracking_book(path_or_file) -> TrackingBook:
    """The first sheet of an .xlsx tracking book: header on row 1, one dossier per row below."""
    if hasattr(path_or_file, "read"):
        opener = nullcontext(path_or_file)  # the caller's file object: do not close it
    else:
        try:
            opener = open(path_or_file, "rb")  # noqa: SIM115 - closed by the `with` below
        except FileNotFoundError as exc:
            raise DossierImportError.whole_file(f"không tìm thấy tệp '{path_or_file}'.") from exc
        except OSError as exc:
            raise DossierImportError.whole_file(f"không mở được tệp '{path_or_file}': {exc.strerror or exc}.") from exc
    try:
        with opener as handle:
            signature = handle.read(8)
            handle.seek(0)
            if signature.startswith(b"\xd0\xcf\x11\xe0"):
                raise DossierImportError.whole_file(
                    "tệp là định dạng Excel 97–2003 (.xls); hãy mở bằng Excel và lưu lại dạng .xlsx."
                )
            if not signature.startswith(b"PK"):
                raise _not_xlsx()
            workbook = open_bounded_workbook(handle)
            try:
                return _read_sheet(workbook)
            finally:
                workbook.close()
    except DossierImportError:
        raise
    except WorkbookTooLarge as exc:
        raise DossierImportError.whole_file(str(exc)) from exc
    except Exception as exc:  # openpyxl raises many kinds of error for a file that is not xlsx
        raise _not_xlsx() from exc


def _not_xlsx() -> DossierImportError:
    return DossierImportError.whole_file(
        "tệp không phải tệp Excel (.xlsx) hợp lệ hoặc đã bị hỏng; hãy mở bằng Excel và lưu lại "
        "dạng 'Excel Workbook (.xlsx)'."
    )


def _read_sheet(workbook) -> TrackingBook:
    if not workbook.worksheets:
        raise DossierImportError.whole_file("tệp không có trang tính nào.")
    sheet = workbook.worksheets[0]
    lines = bounded_rows(sheet)
    header = [cell.value for cell in next(lines, ())]
    columns, ignored = _map_header(header)

    rows: list[SheetRow] = []
    for number, cells in enumerate(lines, start=2):
        values = {key: (_cell_value(cells[i]) if i < len(cells) else None) for i, key in columns.items()}
        if all(_is_empty(value) for value in values.values()):
            continue
        if len(rows) == layout.MAX_ROWS:
            limit = f"{layout.MAX_ROWS:,}".replace(",", ".")
            raise DossierImportError.whole_file(
                f"tệp có nhiều hơn {limit} dòng dữ liệu; hãy chia thành nhiều tệp nhỏ hơn."
            )
        rows.append(SheetRow(number, values))
    return TrackingBook(rows=rows, columns=set(columns.values()), ignored_headers=ignored)


def _map_header(header: list) -> tuple[dict[int, str], list[str]]:
    """Column index -> key, and the headers that name no column (they are ignored)."""
    columns: dict[int, str] = {}
    ignored: list[str] = []
    errors: list[RowError] = []
    for index, cell in enumerate(header):
        if _is_empty(cell):
            continue
        title = unicodedata.normalize("NFC", str(cell)).strip()
        key = _HEADER_LOOKUP.get(fold(title, drop_notes=True))
        if key is None:
            ignored.append(title)
        elif key in columns.values():
            errors.append(RowError(1, title, f"cột {HEADERS[key]} bị lặp lại."))
        else:
            columns[index] = key
    if not columns and not errors:
        raise DossierImportError.whole_file(
            "dòng 1 phải là dòng tiêu đề (Mã hồ sơ, Mã thủ tục, Người nộp, …) nhưng không có tên cột nào nhận ra được."
        )
    errors.extend(
        RowError(1, HEADERS[key], "thiếu cột bắt buộc.") for key in REQUIRED_COLUMNS if key not in columns.values()
    )
    if errors:
        raise DossierImportError(errors)
    return columns, ignored
