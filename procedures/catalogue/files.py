"""Reading catalogue rows from .xlsx (the format clerks edit) and .json (the demo catalogue)."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from config.spreadsheets import WorkbookTooLarge, bounded_rows, open_bounded_workbook
from config.text import fold
from procedures.catalogue.layout import (
    CATALOGUE_COLUMNS,
    GUIDE_SHEET_TITLE,
    HEADER_ALIASES,
    HEADERS,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    ROW_KEY,
    CatalogueError,
    RowError,
)
from procedures.catalogue.values import _is_empty, _text

_HEADER_LOOKUP: dict[str, str] = {
    fold(name, drop_notes=True): key
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
        workbook = open_bounded_workbook(path_or_file)
    except FileNotFoundError as exc:
        raise CatalogueError.whole_file(_("không tìm thấy tệp '%s'.") % path_or_file) from exc
    except WorkbookTooLarge as exc:
        raise CatalogueError.whole_file(str(exc)) from exc
    except Exception as exc:  # openpyxl raises many kinds of error for a file that is not xlsx
        raise _not_xlsx(exc) from exc
    try:
        return _read_sheet(workbook)
    except CatalogueError:
        raise
    except WorkbookTooLarge as exc:
        raise CatalogueError.whole_file(str(exc)) from exc
    except Exception as exc:  # a damaged sheet inside a valid zip
        raise _not_xlsx(exc) from exc
    finally:
        workbook.close()


def _read_sheet(workbook) -> list[dict]:
    sheets = [ws for ws in workbook.worksheets if fold(ws.title) != fold(GUIDE_SHEET_TITLE)]
    if not sheets:
        raise CatalogueError.whole_file(_("tệp không có trang tính dữ liệu nào."))
    sheet = sheets[0]
    lines = bounded_rows(sheet, values_only=True)
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
        key = _HEADER_LOOKUP.get(fold(title, drop_notes=True))
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
    except RecursionError:
        raise CatalogueError.whole_file(_("tệp JSON lồng nhau quá sâu.")) from None
    if isinstance(data, dict):
        data = data.get("procedures")
    if not isinstance(data, list):
        raise CatalogueError.whole_file(
            _("tệp JSON phải là một danh sách thủ tục hoặc một đối tượng có khóa \"procedures\".")
        )
    return data
