"""The errors of an import: one problem in one cell, and the error that lists them all.

`RowError` places a message at an Excel row and column; `DossierImportError` carries every
`RowError` found in a file, in row order. `_BadValue` is raised by the cell parsers for a cell
that cannot be read, and the validator turns it into a `RowError`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    """One problem in one cell: `row` is the Excel row (0 = the whole file), `column` a header."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.row and self.column:
            return f"Dòng {self.row}, cột {self.column}: {self.message}"
        if self.row:
            return f"Dòng {self.row}: {self.message}"
        if self.column:
            return f"Cột {self.column}: {self.message}"
        return self.message


class DossierImportError(Exception):
    """The file cannot be imported; `errors` lists every problem found, in row order."""

    def __init__(self, errors: Iterable[RowError]):
        self.errors = sorted(errors, key=lambda error: error.row)
        self.notes: list[str] = []  # not errors: what the failed run left behind (unused book lines)
        super().__init__("\n".join(str(error) for error in self.errors))

    @classmethod
    def whole_file(cls, message: str) -> DossierImportError:
        return cls([RowError(0, "", message)])


class _BadValue(Exception):
    """A cell that cannot be read; the message is shown after 'Dòng n, cột X: '."""
