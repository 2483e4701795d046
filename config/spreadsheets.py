"""Opening an .xlsx to import within bounds: what both importers share.

An .xlsx is a zip archive, and its size on disk says little about what it expands to: a 2.5 MB
file can hold 400,000 empty rows, and a 0.9 MB one 400 MB of shared strings, which openpyxl
loads whole into memory. `open_bounded_workbook` reads the archive's directory first and refuses
members that expand too far (settings.IMPORT_MAX_MEMBER_BYTES, IMPORT_MAX_UNCOMPRESSED_BYTES,
IMPORT_MAX_COMPRESSION_RATIO) before openpyxl opens anything. `bounded_rows` then reads at
most IMPORT_MAX_SHEET_ROWS rows of IMPORT_MAX_COLUMNS columns, within IMPORT_MAX_SECONDS.
Each refusal is a `WorkbookTooLarge` whose text is a Vietnamese sentence for the user; the
importers turn it into their own whole-file error.
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from openpyxl import load_workbook

# Small members (the workbook's own XML parts) may compress oddly well without harm.
_RATIO_CHECKED_FROM = 1024 * 1024


class WorkbookTooLarge(Exception):
    """The workbook exceeds an import bound; `str()` says which, in Vietnamese."""


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB"


def check_archive(handle) -> None:
    """Refuse an archive whose members would expand past the bounds; the handle is rewound.

    The sizes are the ones the zip directory declares. They cannot be used to smuggle more
    data: Python's zipfile, which openpyxl reads through, never returns more bytes of a member
    than its declared size. Something that is not a zip is left to openpyxl to refuse.
    """
    try:
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    finally:
        handle.seek(0)
    member_limit = settings.IMPORT_MAX_MEMBER_BYTES
    total_limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    ratio_limit = settings.IMPORT_MAX_COMPRESSION_RATIO
    total = 0
    for member in members:
        size = member.file_size
        if size > member_limit:
            raise WorkbookTooLarge(
                f"phần '{member.filename}' của tệp Excel giải nén ra {_megabytes(size)} "
                f"(tối đa {_megabytes(member_limit)}); tệp có thể chứa rất nhiều ô trống hoặc bị làm "
                "hỏng. Hãy chép phần dữ liệu sang một tệp mới rồi nhập lại."
            )
        if size >= _RATIO_CHECKED_FROM and size > ratio_limit * max(member.compress_size, 1):
            raise WorkbookTooLarge(
                f"phần '{member.filename}' của tệp Excel nén quá mức bình thường "
                f"(gấp {size // max(member.compress_size, 1)} lần; tối đa {ratio_limit} lần); tệp có thể "
                "bị làm hỏng. Hãy chép phần dữ liệu sang một tệp mới rồi nhập lại."
            )
        total += size
    if total > total_limit:
        raise WorkbookTooLarge(
            f"tệp Excel giải nén ra {_megabytes(total)} (tối đa {_megabytes(total_limit)}). "
            "Hãy chia thành nhiều tệp nhỏ hơn."
        )


def open_bounded_workbook(path_or_file):
    """A read-only openpyxl workbook, once `check_archive` has passed; the caller closes it.

    A path is opened only for the check (openpyxl reopens it); a file object must stay open
    until the workbook is closed. FileNotFoundError and openpyxl's errors propagate.
    """
    if hasattr(path_or_file, "read"):
        check_archive(path_or_file)
    else:
        with open(path_or_file, "rb") as handle:
            check_archive(handle)
    return load_workbook(path_or_file, read_only=True, data_only=True)


def bounded_rows(sheet, *, values_only: bool = False) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows, header included, each cut to the first IMPORT_MAX_COLUMNS columns.

    Every row counts towards IMPORT_MAX_SHEET_ROWS, empty ones too (they cost as much to read);
    reading stops with WorkbookTooLarge past that, or once IMPORT_MAX_SECONDS have passed.
    """
    max_rows = settings.IMPORT_MAX_SHEET_ROWS
    seconds = settings.IMPORT_MAX_SECONDS
    deadline = time.monotonic() + seconds
    sheet.reset_dimensions()  # files not written by Excel often carry wrong dimensions
    lines = sheet.iter_rows(max_col=settings.IMPORT_MAX_COLUMNS, values_only=values_only)
    for count, row in enumerate(lines, start=1):
        if count > max_rows:
            limit = f"{max_rows:,}".replace(",", ".")
            raise WorkbookTooLarge(
                f"trang tính có hơn {limit} dòng (kể cả các dòng trống); hãy xóa các dòng trống ở "
                "cuối trang hoặc chia thành nhiều tệp nhỏ hơn."
            )
        if time.monotonic() >= deadline:
            raise WorkbookTooLarge(
                f"đọc tệp mất quá {seconds} giây và đã dừng lại; hãy xóa các dòng, cột trống hoặc "
                "chia thành nhiều tệp nhỏ hơn."
            )
        yield row
