"""Writing cells for every .xlsx export: text is always text, never a formula.

openpyxl stores any string that starts with "=" as a formula, so an applicant named
`=HYPERLINK("http://…","bấm")` became a live link in the survey call list, and a catalogue name
became a formula in Biểu 06. It also refuses control characters, which made one stored U+0001
a 500. Every workbook writer goes through these helpers: strings are cleaned of control
characters and typed "s" (a string cell), numbers and dates are written as they are. A formula
would have to be written on purpose, with openpyxl directly; no export does so today.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import Cell, WriteOnlyCell

from config.text import strip_control_characters


def text_cell(sheet, value: str) -> Cell:
    """A string cell for `sheet.append` (ordinary and write-only sheets alike)."""
    cell = WriteOnlyCell(sheet, value=strip_control_characters(value))
    cell.data_type = "s"
    return cell


def row_cells(sheet, values: Iterable[Any]) -> list:
    """`values` ready for `sheet.append`: strings as text cells, the rest unchanged."""
    return [text_cell(sheet, value) if isinstance(value, str) else value for value in values]


def append_row(sheet, values: Iterable[Any]) -> None:
    sheet.append(row_cells(sheet, values))


def set_value(cell: Cell, value: Any) -> Cell:
    """Put `value` in an existing cell (`sheet["A1"]`, `sheet.cell(r, c)`), strings as text."""
    if isinstance(value, str):
        cell.value = strip_control_characters(value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def put(sheet, row: int, column: int, value: Any) -> Cell:
    return set_value(sheet.cell(row=row, column=column), value)
